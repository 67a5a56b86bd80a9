/* Unit tests for generator/serve.c: the preview server over a real
 * socket on 127.0.0.1 (libmicrohttpd, opened when the server starts). */
#include "test.h"
#include "serve.h"
#include "util/error.h"
#include "util/fs.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>

/* GET path from the server on port; the whole response (status line,
 * headers, body) into out. 0, or -1 when the connection failed. */
static int get(morgue_buf *out, int port, const char *path)
{
	struct sockaddr_in addr = { 0 };
	struct timeval tv = { 10, 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0), rc = -1;
	char buf[4096];
	ssize_t n;

	morgue_buf_clear(out);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((unsigned short)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
		morgue_buf req = MORGUE_BUF_INIT;
		morgue_buf_printf(&req, "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", path);
		if (write(fd, req.ptr, req.size) == (ssize_t)req.size) {
			while ((n = read(fd, buf, sizeof(buf))) > 0)
				morgue_buf_put(out, buf, (size_t)n);
			rc = 0;
		}
		morgue_buf_free(&req);
	}
	close(fd);
	return rc;
}

/* A site directory with an index page, one article and a secret beside it. */
static void site(char *dir, size_t len)
{
	morgue_buf p = MORGUE_BUF_INIT;
	snprintf(dir, len, "/tmp/morgue-test-serve-%d", (int)getpid());
	morgue_fs_rmtree(dir);
	morgue_buf_printf(&p, "%s/site/articles/a.html", dir);
	CHECK_INT(morgue_fs_mkparents(p.ptr), 0);
	static const char page[] = "<html><body><p>An article</p></body></html>\n";
	CHECK_INT(morgue_fs_write(p.ptr, page, sizeof(page) - 1), 0);
	morgue_buf_clear(&p);
	morgue_buf_printf(&p, "%s/site/index.html", dir);
	static const char home[] = "<html><body><h1>Home</h1></body></html>\n";
	CHECK_INT(morgue_fs_write(p.ptr, home, sizeof(home) - 1), 0);
	morgue_buf_clear(&p);
	morgue_buf_printf(&p, "%s/secret.txt", dir);
	CHECK_INT(morgue_fs_write(p.ptr, "secret\n", 7), 0);
	morgue_buf_free(&p);
}

static void serves_the_site_with_a_reload_hook(void)
{
	char dir[256];
	morgue_buf root = MORGUE_BUF_INIT, r = MORGUE_BUF_INIT;
	morgue_server *s = NULL;
	site(dir, sizeof(dir));
	morgue_buf_printf(&root, "%s/site", dir);
	CHECK_INT(morgue_serve_start(&s, root.ptr, 0), 0);
	if (!s) {
		const morgue_error *e = morgue_error_last();
		printf("  %s\n", e && e->message ? e->message : "no server");
		goto done;
	}
	int port = morgue_serve_port(s);
	CHECK(port > 0);

	CHECK_INT(get(&r, port, "/"), 0);
	CHECK_CONTAINS(morgue_buf_cstr(&r), " 200 OK\r\n");
	CHECK_CONTAINS(morgue_buf_cstr(&r), "<h1>Home</h1>");
	CHECK_CONTAINS(morgue_buf_cstr(&r), "Content-Type: text/html");
	/* the hook goes before </body>, with the site's version */
	CHECK_CONTAINS(morgue_buf_cstr(&r), "<script src=\"/__morgue/reload.js?v=0\"></script>\n</body>");

	CHECK_INT(get(&r, port, "/articles/a.html"), 0);
	CHECK_CONTAINS(morgue_buf_cstr(&r), "An article");

	/* nothing outside the site, however the path is written */
	CHECK_INT(get(&r, port, "/../secret.txt"), 0);
	CHECK_NOT_CONTAINS(morgue_buf_cstr(&r), "secret");
	CHECK_INT(get(&r, port, "/articles/%2e%2e/%2e%2e/secret.txt"), 0);
	CHECK_NOT_CONTAINS(morgue_buf_cstr(&r), "secret\n");
	CHECK_INT(get(&r, port, "/missing.html"), 0);
	CHECK_CONTAINS(morgue_buf_cstr(&r), " 404 ");

	/* the long poll answers at once when the page's version is old */
	morgue_serve_bump(s);
	CHECK_INT(get(&r, port, "/__morgue/wait.js?v=0"), 0);
	CHECK_CONTAINS(morgue_buf_cstr(&r), "window.__morgueReload('1')");
	CHECK_INT(get(&r, port, "/"), 0);
	CHECK_CONTAINS(morgue_buf_cstr(&r), "reload.js?v=1");
done:
	morgue_serve_stop(s);
	morgue_fs_rmtree(dir);
	morgue_buf_free(&root);
	morgue_buf_free(&r);
	morgue_error_clear();
}

/* Two servers in one process: the library is opened once. */
static void two_servers(void)
{
	char dir[256];
	morgue_buf root = MORGUE_BUF_INIT, r = MORGUE_BUF_INIT;
	morgue_server *a = NULL, *b = NULL;
	site(dir, sizeof(dir));
	morgue_buf_printf(&root, "%s/site", dir);
	CHECK_INT(morgue_serve_start(&a, root.ptr, 0), 0);
	CHECK_INT(morgue_serve_start(&b, root.ptr, 0), 0);
	if (a && b) {
		CHECK(morgue_serve_port(a) != morgue_serve_port(b));
		CHECK_INT(get(&r, morgue_serve_port(b), "/"), 0);
		CHECK_CONTAINS(morgue_buf_cstr(&r), "<h1>Home</h1>");
	}
	morgue_serve_stop(a);
	morgue_serve_stop(b);
	morgue_fs_rmtree(dir);
	morgue_buf_free(&root);
	morgue_buf_free(&r);
	morgue_error_clear();
}

int main(void)
{
	RUN(serves_the_site_with_a_reload_hook);
	RUN(two_servers);
	TEST_EXIT();
}
