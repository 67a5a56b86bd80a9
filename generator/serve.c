#include "serve.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/path.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <stdio.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* libmicrohttpd is opened when a server starts, not linked into the
 * binary: it brings GnuTLS and eight more libraries, and loading them
 * was 4.6 ms (167 page faults) of every morgue command's 18 ms start,
 * `build` included, which never serves. Only its header is needed to
 * build morgue. */
static struct {
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_get_daemon_info) *get_daemon_info;
	__typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_destroy_response) *destroy_response;
	__typeof__(MHD_lookup_connection_value) *lookup_connection_value;
} mhd;
static pthread_once_t mhd_once = PTHREAD_ONCE_INIT;
static void *mhd_lib;
static char mhd_error[256];

/* Open the library and find every function, or none (mhd_lib NULL and
 * mhd_error saying why). Once per process; the library stays open. */
static void mhd_open(void)
{
	static const char *const sonames[] = { "libmicrohttpd.so.12", "libmicrohttpd.so" };
	void *lib = NULL;
	for (size_t i = 0; !lib && i < sizeof(sonames) / sizeof(*sonames); i++)
		lib = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		const char *why = dlerror();
		snprintf(mhd_error, sizeof(mhd_error), "%s", why ? why : sonames[0]);
		return;
	}
#define MHD_SYM(field, name)                                                   \
	if (!(mhd.field = (__typeof__(mhd.field))dlsym(lib, name))) {          \
		snprintf(mhd_error, sizeof(mhd_error), "%s: no %s", sonames[0], name); \
		goto fail;                                                     \
	}
	MHD_SYM(start_daemon, "MHD_start_daemon")
	MHD_SYM(stop_daemon, "MHD_stop_daemon")
	MHD_SYM(get_daemon_info, "MHD_get_daemon_info")
	MHD_SYM(create_response_from_buffer, "MHD_create_response_from_buffer")
	MHD_SYM(add_response_header, "MHD_add_response_header")
	MHD_SYM(queue_response, "MHD_queue_response")
	MHD_SYM(destroy_response, "MHD_destroy_response")
	MHD_SYM(lookup_connection_value, "MHD_lookup_connection_value")
#undef MHD_SYM
	mhd_lib = lib;
	return;
fail:
	memset(&mhd, 0, sizeof(mhd));
	dlclose(lib);
}

struct morgue_server {
	struct MHD_Daemon *daemon;
	char *dir;
	int port;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	unsigned long version;
};

static const char reload_js[] =
	"(function () {\n"
	"  /* morgue serve: reload when the site is rebuilt (not in built sites) */\n"
	"  var v = document.currentScript.src.replace(/.*[?&]v=/, '');\n"
	"  window.__morgueReload = function (nv) {\n"
	"    if (nv !== v) { location.reload(); return; }\n"
	"    setTimeout(wait, 10);\n"
	"  };\n"
	"  function wait() {\n"
	"    var s = document.createElement('script');\n"
	"    s.src = '/__morgue/wait.js?v=' + v + '&t=' + Date.now();\n"
	"    s.onload = function () { s.remove(); };\n"
	"    s.onerror = function () { s.remove(); setTimeout(wait, 2000); };\n"
	"    document.head.appendChild(s);\n"
	"  }\n"
	"  wait();\n"
	"})();\n";

static const struct {
	const char *ext, *type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" }, { ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" }, { ".json", "application/json" },
	{ ".xml", "application/atom+xml; charset=utf-8" }, { ".svg", "image/svg+xml" },
	{ ".png", "image/png" }, { ".jpg", "image/jpeg" }, { ".jpeg", "image/jpeg" },
	{ ".gif", "image/gif" }, { ".webp", "image/webp" }, { ".ico", "image/x-icon" },
	{ ".txt", "text/plain; charset=utf-8" }, { ".sqlite", "application/vnd.sqlite3" },
	{ ".csv", "text/csv; charset=utf-8" }, { ".woff2", "font/woff2" },
};

static const char *mime(const char *path)
{
	size_t n = strlen(path);
	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++) {
		size_t e = strlen(types[i].ext);
		if (n >= e && !strcmp(path + n - e, types[i].ext))
			return types[i].type;
	}
	return "application/octet-stream";
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned int status,
			       const char *type, const char *body, size_t len)
{
	struct MHD_Response *r =
		mhd.create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	mhd.add_response_header(r, "Content-Type", type);
	mhd.add_response_header(r, "Cache-Control", "no-store");
	mhd.add_response_header(r, "X-Content-Type-Options", "nosniff");
	enum MHD_Result ret = mhd.queue_response(c, status, r);
	mhd.destroy_response(r);
	return ret;
}

static unsigned long current(morgue_server *s)
{
	pthread_mutex_lock(&s->lock);
	unsigned long v = s->version;
	pthread_mutex_unlock(&s->lock);
	return v;
}

/* Long poll: answer when the version differs from the page's, or after
 * 25 s with the same version (the script then asks again). */
static enum MHD_Result wait_js(morgue_server *s, struct MHD_Connection *c)
{
	const char *v = mhd.lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "v");
	unsigned long seen = v ? strtoul(v, NULL, 10) : 0, now;
	struct timespec until;
	morgue_buf js = MORGUE_BUF_INIT;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 25;
	pthread_mutex_lock(&s->lock);
	while (s->version == seen &&
	       pthread_cond_timedwait(&s->changed, &s->lock, &until) == 0)
		;
	now = s->version;
	pthread_mutex_unlock(&s->lock);
	morgue_buf_printf(&js, "window.__morgueReload && window.__morgueReload('%lu');\n", now);
	enum MHD_Result r = respond(c, MHD_HTTP_OK, "text/javascript; charset=utf-8",
				    js.ptr, js.size);
	morgue_buf_free(&js);
	return r;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version,
			      const char *upload, size_t *upload_size, void **state)
{
	morgue_server *s = cls;
	morgue_buf path = MORGUE_BUF_INIT, body = MORGUE_BUF_INIT;
	enum MHD_Result r;

	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return respond(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", "GET only\n", 9);
	if (!strcmp(url, "/__morgue/reload.js"))
		return respond(c, MHD_HTTP_OK, "text/javascript; charset=utf-8",
			       reload_js, sizeof(reload_js) - 1);
	if (!strcmp(url, "/__morgue/wait.js"))
		return wait_js(s, c);

	/* url is already percent-decoded by libmicrohttpd */
	const char *rel = url[0] == '/' ? url + 1 : url;
	morgue_buf_puts(&path, rel);
	if (!path.size || path.ptr[path.size - 1] == '/')
		morgue_buf_puts(&path, "index.html");
	if (!morgue_path_is_safe(path.ptr)) {
		r = respond(c, MHD_HTTP_NOT_FOUND, "text/plain", "not found\n", 10);
		goto done;
	}
	morgue_buf full = MORGUE_BUF_INIT;
	morgue_buf_printf(&full, "%s/%s", s->dir, path.ptr);
	if (morgue_fs_is_dir(full.ptr)) {
		morgue_buf_puts(&full, "/index.html");
		morgue_buf_puts(&path, "/index.html");
	}
	int rc = morgue_fs_read(&body, full.ptr);
	morgue_buf_free(&full);
	morgue_error_clear();
	if (rc < 0) {
		r = respond(c, MHD_HTTP_NOT_FOUND, "text/html; charset=utf-8",
			    "<!DOCTYPE html><title>Not found</title><p>Not found.</p>\n", 56);
		goto done;
	}
	const char *type = mime(path.ptr);
	if (!strncmp(type, "text/html", 9)) {
		/* the reload hook goes before the last </body> */
		morgue_buf out = MORGUE_BUF_INIT, tag = MORGUE_BUF_INIT;
		const char *b = morgue_buf_cstr(&body), *end = NULL;
		for (const char *p = strstr(b, "</body>"); p; p = strstr(p + 1, "</body>"))
			end = p;
		morgue_buf_printf(&tag, "<script src=\"/__morgue/reload.js?v=%lu\"></script>\n",
				  current(s));
		if (end) {
			morgue_buf_put(&out, b, (size_t)(end - b));
			morgue_buf_put(&out, tag.ptr, tag.size);
			morgue_buf_puts(&out, end);
		} else {
			morgue_buf_put(&out, b, body.size);
			morgue_buf_put(&out, tag.ptr, tag.size);
		}
		r = respond(c, MHD_HTTP_OK, type, morgue_buf_cstr(&out), out.size);
		morgue_buf_free(&out);
		morgue_buf_free(&tag);
	} else
		r = respond(c, MHD_HTTP_OK, type, morgue_buf_cstr(&body), body.size);
done:
	morgue_buf_free(&path);
	morgue_buf_free(&body);
	return r;
}

int morgue_serve_start(morgue_server **out, const char *dir, int port)
{
	morgue_server *s = morgue_calloc(1, sizeof(*s));
	struct sockaddr_in addr = { 0 };

	*out = NULL;
	s->dir = morgue_strdup(dir);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->changed, NULL);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((unsigned short)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	pthread_once(&mhd_once, mhd_open);
	if (!mhd_lib) {
		int rc = morgue_error_set(MORGUE_ERROR, NULL, 0,
					  "the preview server needs libmicrohttpd"
					  " (apt-get install libmicrohttpd12): %s", mhd_error);
		morgue_serve_stop(s);
		return rc;
	}
	s->daemon = mhd.start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
					     MHD_USE_ERROR_LOG,
				     (uint16_t)port, NULL, NULL, handle, s,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
				     MHD_OPTION_END);
	if (!s->daemon) {
		int rc = morgue_error_set(MORGUE_EIO, NULL, 0,
					  "cannot listen on 127.0.0.1:%d (port in use?)", port);
		morgue_serve_stop(s);
		return rc;
	}
	const union MHD_DaemonInfo *info = mhd.get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : port;
	*out = s;
	return 0;
}

int morgue_serve_port(const morgue_server *s)
{
	return s->port;
}

void morgue_serve_bump(morgue_server *s)
{
	pthread_mutex_lock(&s->lock);
	s->version++;
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->lock);
}

void morgue_serve_stop(morgue_server *s)
{
	if (!s)
		return;
	if (s->daemon) {
		/* wake long polls so their threads can finish */
		morgue_serve_bump(s);
		mhd.stop_daemon(s->daemon);
	}
	pthread_cond_destroy(&s->changed);
	pthread_mutex_destroy(&s->lock);
	free(s->dir);
	free(s);
}
