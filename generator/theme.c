#include "theme.h"
#include "theme_embed.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/hash.h"

#include <dirent.h>
#include <pthread.h>
#include <string.h>

typedef struct cached {
	char *name;
	morgue_template *tpl;
} cached;

struct morgue_theme {
	char *dir;           /* on-disk override, or NULL */
	morgue_repo *repo;   /* content repo for themes/NAME, or NULL */
	char *repo_prefix;   /* "themes/NAME/" in the content, or NULL */
	cached *cache;
	size_t ncache, capcache;
	/* templates compile on first use; pages render in several threads */
	pthread_mutex_t lock;
};

static const morgue_embedded_file *embedded(const char *path)
{
	for (size_t i = 0; i < morgue_theme_default_count; i++)
		if (!strcmp(morgue_theme_default_files[i].path, path))
			return &morgue_theme_default_files[i];
	return NULL;
}

/* Read a theme file through the override chain. 0, or MORGUE_ENOTFOUND. */
static int read_file(morgue_buf *out, morgue_theme *t, const char *path,
		     morgue_buf *origin)
{
	if (t->dir) {
		morgue_buf p = MORGUE_BUF_INIT;
		morgue_buf_printf(&p, "%s/%s", t->dir, path);
		int rc = morgue_fs_read(out, p.ptr);
		if (rc == 0 && origin)
			morgue_buf_puts(origin, p.ptr);
		morgue_buf_free(&p);
		if (rc != MORGUE_ENOTFOUND)
			return rc;
	}
	if (t->repo_prefix) {
		morgue_buf p = MORGUE_BUF_INIT;
		morgue_buf_printf(&p, "%s%s", t->repo_prefix, path);
		int rc = morgue_repo_read(out, t->repo, p.ptr);
		if (rc == 0 && origin)
			morgue_buf_printf(origin, "%s%s", morgue_repo_prefix(t->repo), p.ptr);
		morgue_buf_free(&p);
		if (rc != MORGUE_ENOTFOUND)
			return rc;
	}
	const morgue_embedded_file *f = embedded(path);
	if (!f)
		return morgue_error_set(MORGUE_ENOTFOUND, path, 0, "no such theme file");
	morgue_buf_put(out, (const char *)f->data, f->len);
	if (origin)
		morgue_buf_printf(origin, "themes/default/%s", path);
	return 0;
}

int morgue_theme_open(morgue_theme **out, const char *dir, morgue_repo *repo,
		      const char *name)
{
	morgue_theme *t = morgue_calloc(1, sizeof(*t));
	int rc = 0;

	pthread_mutex_init(&t->lock, NULL);
	if (dir) {
		if (!morgue_fs_is_dir(dir)) {
			rc = morgue_error_set(MORGUE_ENOTFOUND, dir, 0,
					      "--theme: not a directory");
			goto done;
		}
		t->dir = morgue_strdup(dir);
	}
	if (repo && name && strcmp(name, "default")) {
		morgue_repo_entry *e = NULL;
		size_t n = 0;
		morgue_buf p = MORGUE_BUF_INIT;
		morgue_buf_printf(&p, "themes/%s", name);
		rc = morgue_repo_list(&e, &n, repo, p.ptr, NULL);
		morgue_repo_entries_free(e, n);
		if (rc == 0 && n == 0)
			rc = morgue_error_set(MORGUE_ENOTFOUND, "morgue.yaml", 0,
					      "theme '%s': no directory themes/%s in the content",
					      name, name);
		morgue_buf_putc(&p, '/');
		t->repo = repo;
		t->repo_prefix = morgue_buf_detach(&p);
	}
done:
	if (rc < 0) {
		morgue_theme_free(t);
		t = NULL;
	}
	*out = t;
	return rc;
}

void morgue_theme_free(morgue_theme *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncache; i++) {
		free(t->cache[i].name);
		morgue_template_free(t->cache[i].tpl);
	}
	free(t->cache);
	free(t->dir);
	free(t->repo_prefix);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static const morgue_template *find_template(morgue_theme *t, const char *name);

const morgue_template *morgue_theme_template(morgue_theme *t, const char *name)
{
	pthread_mutex_lock(&t->lock);
	const morgue_template *tpl = find_template(t, name);
	pthread_mutex_unlock(&t->lock);
	return tpl;
}

static const morgue_template *find_template(morgue_theme *t, const char *name)
{
	morgue_buf src = MORGUE_BUF_INIT, path = MORGUE_BUF_INIT, origin = MORGUE_BUF_INIT;
	morgue_template *tpl = NULL;

	for (size_t i = 0; i < t->ncache; i++)
		if (!strcmp(t->cache[i].name, name))
			return t->cache[i].tpl;
	/* template names are identifiers: never let one walk the file system */
	for (const char *p = name; *p; p++)
		if (!(*p == '-' || *p == '_' || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9'))) {
			morgue_error_set(MORGUE_EINPUT, NULL, 0, "bad template name '%s'", name);
			return NULL;
		}
	morgue_buf_printf(&path, "templates/%s.mustache", name);
	if (read_file(&src, t, path.ptr, &origin) == 0 &&
	    morgue_template_compile(&tpl, origin.ptr, src.ptr ? src.ptr : "", src.size) == 0) {
		MORGUE_ARRAY_RESERVE(t->cache, t->capcache, t->ncache + 1);
		t->cache[t->ncache].name = morgue_strdup(name);
		t->cache[t->ncache].tpl = tpl;
		t->ncache++;
	}
	morgue_buf_free(&src);
	morgue_buf_free(&path);
	morgue_buf_free(&origin);
	return tpl;
}

/* One render's lookup state: lives on the caller's stack, so renders in
 * several threads do not share it. A partial that exists but does not
 * compile must fail the render (the engine would render it as empty). */
typedef struct render_ctx {
	morgue_theme *theme;
	int rc;
	int line;
	morgue_buf file, msg;
} render_ctx;

static const morgue_template *lookup(const char *name, void *payload)
{
	render_ctx *rc = payload;
	const morgue_template *tpl = morgue_theme_template(rc->theme, name);
	const morgue_error *e = morgue_error_last();
	if (!tpl && e && e->code != MORGUE_ENOTFOUND && !rc->rc) {
		rc->rc = e->code;
		rc->line = e->line;
		morgue_buf_puts(&rc->file, e->file ? e->file : "");
		morgue_buf_puts(&rc->msg, e->message ? e->message : "");
	}
	return tpl;
}

int morgue_theme_render(morgue_buf *out, morgue_theme *t, const char *name,
			const morgue_value *ctx)
{
	const morgue_template *tpl = morgue_theme_template(t, name);
	if (!tpl)
		return morgue_error_last() ? morgue_error_last()->code : MORGUE_ERROR;
	render_ctx rc = { t, 0, 0, MORGUE_BUF_INIT, MORGUE_BUF_INIT };
	int r = morgue_template_render(out, tpl, ctx, lookup, &rc);
	if (r == 0 && rc.rc)
		r = morgue_error_set(rc.rc, rc.file.size ? rc.file.ptr : NULL,
				     rc.line, "%s", morgue_buf_cstr(&rc.msg));
	morgue_buf_free(&rc.file);
	morgue_buf_free(&rc.msg);
	return r;
}

static unsigned long long fnv(unsigned long long h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

/* Hash the files below dir/sub in name order (readdir order varies). */
static unsigned long long digest_dir(unsigned long long h, const char *dir, const char *sub)
{
	morgue_buf p = MORGUE_BUF_INIT;
	struct dirent **names = NULL;
	morgue_buf_printf(&p, "%s/%s", dir, sub);
	int n = scandir(p.ptr, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		if (name[0] != '.') {
			morgue_buf rel = MORGUE_BUF_INIT, full = MORGUE_BUF_INIT, data = MORGUE_BUF_INIT;
			morgue_buf_printf(&rel, "%s/%s", sub, name);
			morgue_buf_printf(&full, "%s/%s", dir, rel.ptr);
			h = fnv(h, rel.ptr, rel.size + 1);
			if (morgue_fs_is_dir(full.ptr))
				h = digest_dir(h, dir, rel.ptr);
			else if (morgue_fs_read(&data, full.ptr) == 0)
				h = fnv(h, morgue_buf_cstr(&data), data.size);
			else
				morgue_error_clear();
			morgue_buf_free(&rel);
			morgue_buf_free(&full);
			morgue_buf_free(&data);
		}
		free(names[i]);
	}
	free(names);
	morgue_buf_free(&p);
	return h;
}

void morgue_theme_digest(morgue_buf *out, const morgue_theme *t)
{
	if (!t->dir && !t->repo_prefix) {
		morgue_buf_putc(out, '-');
		return;
	}
	unsigned long long h = 1469598103934665603ULL;
	if (t->dir) {
		h = digest_dir(h, t->dir, "templates");
		h = digest_dir(h, t->dir, "static");
	}
	morgue_buf_printf(out, "%016llx", h);
	if (t->repo_prefix) {
		/* the content's theme: its files' paths and blob ids (a
		 * template edit alone changes no article, yet every page) */
		morgue_repo_entry *e = NULL;
		size_t n = 0;
		morgue_hash d;
		char hex[MORGUE_HASH_HEX];
		morgue_hash_init(&d);
		if (morgue_repo_list(&e, &n, t->repo, t->repo_prefix, NULL) < 0) {
			morgue_error_clear();
			morgue_hash_puts(&d, "unlisted"); /* the build fails reading it */
		}
		for (size_t i = 0; i < n; i++) {
			morgue_hash_puts(&d, e[i].path);
			morgue_hash_puts(&d, e[i].oid);
		}
		morgue_repo_entries_free(e, n);
		morgue_hash_hex(hex, &d);
		morgue_buf_printf(out, ":%s", hex);
	}
}

static int copy_one(morgue_theme *t, morgue_output *o, const char *path)
{
	morgue_buf data = MORGUE_BUF_INIT;
	int rc = read_file(&data, t, path, NULL);
	if (rc == 0)
		rc = morgue_output_write(o, path, morgue_buf_cstr(&data), data.size);
	morgue_buf_free(&data);
	return rc;
}

/* Call fn(t, rel, arg) for every file of the theme's sub/ folder ("static",
 * "templates"): the embedded ones, then those of the content's theme and of
 * the --theme directory (rel "static/x.css"; a name may come more than once,
 * once per place that has it; links in the content are skipped). Stops at
 * the first nonzero return and returns it; a content theme that cannot be
 * listed returns its error. */
static int each_file(morgue_theme *t, const char *sub,
		     int (*fn)(morgue_theme *t, const char *rel, void *arg), void *arg)
{
	size_t len = strlen(sub);
	int rc = 0;
	for (size_t i = 0; i < morgue_theme_default_count && !rc; i++) {
		const char *path = morgue_theme_default_files[i].path;
		if (!strncmp(path, sub, len) && path[len] == '/')
			rc = fn(t, path, arg);
	}
	if (!rc && t->repo_prefix) {
		morgue_repo_entry *e = NULL;
		size_t n = 0;
		morgue_buf p = MORGUE_BUF_INIT;
		morgue_buf_printf(&p, "%s%s", t->repo_prefix, sub);
		rc = morgue_repo_list(&e, &n, t->repo, p.ptr, NULL);
		for (size_t i = 0; i < n && !rc; i++)
			if (!e[i].is_link)
				rc = fn(t, e[i].path + strlen(t->repo_prefix), arg);
		morgue_repo_entries_free(e, n);
		morgue_buf_free(&p);
	}
	if (!rc && t->dir) {
		morgue_buf p = MORGUE_BUF_INIT;
		morgue_buf_printf(&p, "%s/%s", t->dir, sub);
		DIR *d = opendir(p.ptr);
		struct dirent *de;
		while (d && !rc && (de = readdir(d))) {
			morgue_buf rel = MORGUE_BUF_INIT;
			morgue_buf_printf(&rel, "%s/%s", sub, de->d_name);
			if (de->d_name[0] != '.')
				rc = fn(t, rel.ptr, arg);
			morgue_buf_free(&rel);
		}
		if (d)
			closedir(d);
		morgue_buf_free(&p);
	}
	return rc;
}

/* A static file to copy: an embedded one (possibly overridden) once, from
 * the embedded list; others as each override lists them. */
static int copy_static(morgue_theme *t, const char *rel, void *arg)
{
	const morgue_embedded_file *f = embedded(rel);
	if (f && f->path != rel)
		return 0; /* an override of an embedded file: copied from its entry */
	return copy_one(t, arg, rel);
}

/* Every static file: the embedded ones (possibly overridden) plus extra
 * files that only the overriding themes have. */
int morgue_theme_copy_static(morgue_theme *t, morgue_output *o)
{
	return each_file(t, "static", copy_static, o);
}

/* Whether the template file "templates/NAME.mustache" (rel) reads name:
 * 1 also when it cannot be compiled (whoever renders it fails anyway). */
static int file_reads(morgue_theme *t, const char *rel, const char *name)
{
	static const char dir[] = "templates/", ext[] = ".mustache";
	size_t n = strlen(rel);
	if (strncmp(rel, dir, sizeof(dir) - 1) || n < sizeof(dir) - 1 + sizeof(ext) ||
	    strcmp(rel + n - (sizeof(ext) - 1), ext))
		return 0;
	char *tname = morgue_strndup(rel + sizeof(dir) - 1, n - (sizeof(dir) - 1) - (sizeof(ext) - 1));
	const morgue_template *tpl = strchr(tname, '/') ? NULL : find_template(t, tname);
	int reads = strchr(tname, '/') ? 0 : !tpl || morgue_template_reads(tpl, name);
	if (!tpl)
		morgue_error_clear();
	free(tname);
	return reads;
}

static int template_reads(morgue_theme *t, const char *rel, void *name)
{
	return file_reads(t, rel, name);
}

int morgue_theme_reads(morgue_theme *t, const char *name)
{
	pthread_mutex_lock(&t->lock);
	int reads = each_file(t, "templates", template_reads, (void *)name);
	if (reads < 0) { /* the content's theme could not be listed */
		morgue_error_clear();
		reads = 1;
	}
	pthread_mutex_unlock(&t->lock);
	return reads;
}
