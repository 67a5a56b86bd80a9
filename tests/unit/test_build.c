/* Unit tests for generator/build.c: the whole pipeline on a small
 * temporary git repository (the end-to-end scripts check the site's
 * pages; these check what the build tells its caller). */
#include "test.h"
#include "build.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"

static char tmp[] = "/tmp/morgue-build-test.XXXXXX";

/* Run a shell command in the repository. 1 when it succeeded. */
static int sh(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int ok = test_vsh(tmp, 0, fmt, ap);
	va_end(ap);
	return ok;
}

static void article(int n, const char *extra)
{
	morgue_buf p = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT;
	morgue_buf_printf(&p, "%s/content/articles/2020/a%d.md", tmp, n);
	morgue_buf_printf(&b, "---\ntitle: Article %d\ndate: 2020-01-%02d\n---\n", n, n % 28 + 1);
	for (int i = 0; i < 10; i++)
		morgue_buf_printf(&b, "Ada Lovelace said on line %d of article %d that it was so.\n",
				  i, n);
	morgue_buf_puts(&b, extra);
	CHECK_INT(morgue_fs_write(p.ptr, b.ptr, b.size), 0);
	morgue_buf_free(&p);
	morgue_buf_free(&b);
}

static int incremental_calls;

static void count_incremental(void *payload)
{
	(void)payload;
	incremental_calls++;
}

/* One build of the repository's HEAD into tmp/site: its return code. */
static int build(morgue_build_stats *st, int clean)
{
	morgue_buf root = MORGUE_BUF_INIT, out = MORGUE_BUF_INIT;
	morgue_buf_printf(&root, "%s/content", tmp);
	morgue_buf_printf(&out, "%s/site", tmp);
	morgue_build_opts o = { .root = root.ptr, .out = out.ptr, .clean = clean,
				.uncounted = 1, .on_incremental = count_incremental };
	memset(st, 0, sizeof(*st));
	int rc = morgue_build_run(st, &o);
	morgue_error_clear();
	morgue_buf_free(&root);
	morgue_buf_free(&out);
	return rc;
}

/* on_incremental is called for a build that starts from the previous
 * build's cache (an edit's), once, and not for a clean build, a build
 * with --clean or a site already current. */
static void incremental_builds_are_announced(void)
{
	morgue_build_stats st;
	morgue_buf ent = MORGUE_BUF_INIT;

	if (!mkdtemp(tmp) || !sh("git init -q . && git --version"))
		SKIP("no git command");
	morgue_buf_printf(&ent, "%s/content/entities/ada-lovelace.md", tmp);
	CHECK_INT(morgue_fs_write(ent.ptr, "---\nname: Ada Lovelace\ntype: person\n---\n", 40), 0);
	for (int n = 1; n <= 6; n++)
		article(n, "");
	CHECK(sh("git add -A && git commit -qm 'six articles'"));

	incremental_calls = 0;
	CHECK_INT(build(&st, 0), 0);
	CHECK_INT(st.articles, 6);
	CHECK_INT(incremental_calls, 0); /* the first build: no cache */

	CHECK_INT(build(&st, 0), 0);
	CHECK(st.up_to_date);
	CHECK_INT(incremental_calls, 0);

	article(3, "An edit.\n");
	CHECK(sh("git commit -qam 'edit a3'"));
	CHECK_INT(build(&st, 0), 0);
	CHECK_INT(incremental_calls, 1);
	CHECK_INT(st.cached, 5); /* the other five came from the cache */

	article(4, "Another edit.\n");
	CHECK(sh("git commit -qam 'edit a4'"));
	CHECK_INT(build(&st, 1), 0); /* --clean: no previous cache is read */
	CHECK_INT(incremental_calls, 1);
	CHECK_INT(st.cached, 0);

	morgue_buf_free(&ent);
	morgue_fs_rmtree(tmp);
}

int main(void)
{
	RUN(incremental_builds_are_announced);
	TEST_EXIT();
}
