/* Unit tests for generator/build.c: the whole pipeline on a small
 * temporary git repository (the end-to-end scripts check the site's
 * pages; these check what the build tells its caller). */
#include "test.h"
#include "build.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include <sqlite3.h>
#include <unistd.h>

static char tmp[64];

/* A fresh temporary directory in tmp: 1 when made. */
static int fresh_tmp(void)
{
	strcpy(tmp, "/tmp/morgue-build-test.XXXXXX");
	return mkdtemp(tmp) != NULL;
}

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

static int incremental_calls, plan_calls;
static size_t planned_articles;

static void count_plan(size_t articles, int incremental, void *payload)
{
	(void)payload;
	plan_calls++;
	planned_articles = articles;
	incremental_calls += incremental != 0;
}

/* One build of the repository's HEAD into tmp/site: its return code. */
static int build(morgue_build_stats *st, int clean)
{
	morgue_buf root = MORGUE_BUF_INIT, out = MORGUE_BUF_INIT;
	morgue_buf_printf(&root, "%s/content", tmp);
	morgue_buf_printf(&out, "%s/site", tmp);
	morgue_build_opts o = { .root = root.ptr, .out = out.ptr, .clean = clean,
				.uncounted = 1, .on_plan = count_plan };
	memset(st, 0, sizeof(*st));
	int rc = morgue_build_run(st, &o);
	morgue_error_clear();
	morgue_buf_free(&root);
	morgue_buf_free(&out);
	return rc;
}

/* on_plan is called once per build that loads the articles, with their
 * number; incremental for a build that starts from the previous build's
 * cache (an edit's), not for a clean build, a build with --clean; not
 * at all for a site already current. */
static void builds_are_planned(void)
{
	morgue_build_stats st;
	morgue_buf ent = MORGUE_BUF_INIT;

	if (!fresh_tmp() || !sh("git init -q . && git --version"))
		SKIP("no git command");
	morgue_buf_printf(&ent, "%s/content/entities/ada-lovelace.md", tmp);
	CHECK_INT(morgue_fs_write(ent.ptr, "---\nname: Ada Lovelace\ntype: person\n---\n", 40), 0);
	for (int n = 1; n <= 6; n++)
		article(n, "");
	CHECK(sh("git add -A && git commit -qm 'six articles'"));

	incremental_calls = plan_calls = 0;
	CHECK_INT(build(&st, 0), 0);
	CHECK_INT(st.articles, 6);
	CHECK_INT(plan_calls, 1);
	CHECK_INT(planned_articles, 6);
	CHECK_INT(incremental_calls, 0); /* the first build: no cache */

	CHECK_INT(build(&st, 0), 0);
	CHECK(st.up_to_date);
	CHECK_INT(plan_calls, 1);
	CHECK_INT(incremental_calls, 0);

	article(3, "An edit.\n");
	CHECK(sh("git commit -qam 'edit a3'"));
	CHECK_INT(build(&st, 0), 0);
	CHECK_INT(plan_calls, 2);
	CHECK_INT(incremental_calls, 1);
	CHECK_INT(st.cached, 5); /* the other five came from the cache */

	article(4, "Another edit.\n");
	article(7, "");
	CHECK(sh("git add -A && git commit -qm 'edit a4, add a7'"));
	CHECK_INT(build(&st, 1), 0); /* --clean: no previous cache is read */
	CHECK_INT(plan_calls, 3);
	CHECK_INT(planned_articles, 7);
	CHECK_INT(incremental_calls, 1);
	CHECK_INT(st.cached, 0);

	morgue_buf_free(&ent);
	morgue_fs_rmtree(tmp);
}

/* When the catalog cannot be a file beside the site (here a directory
 * holds its name), the build keeps it in memory and still writes the
 * whole site, archive.sqlite included. It used to fail at the end with
 * "unknown error": the exports opened the (absent) file. */
static void a_catalog_in_memory_still_builds(void)
{
	morgue_build_stats st;
	morgue_buf p = MORGUE_BUF_INIT;
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;

	if (!fresh_tmp() || !sh("git init -q . && git --version"))
		SKIP("no git command");
	for (int n = 1; n <= 3; n++)
		article(n, "");
	CHECK(sh("git add -A && git commit -qm 'three articles'"));
	morgue_buf_printf(&p, "%s/site.cache.new-%ld/x", tmp, (long)getpid());
	CHECK_INT(morgue_fs_mkdirs(p.ptr), 0);

	CHECK_INT(build(&st, 0), 0);
	CHECK_INT(st.articles, 3);
	morgue_buf_clear(&p);
	morgue_buf_printf(&p, "%s/site/articles/2020/a2.html", tmp);
	CHECK(morgue_fs_exists(p.ptr));
	morgue_buf_clear(&p);
	morgue_buf_printf(&p, "%s/site/archive.sqlite", tmp);
	CHECK_INT(sqlite3_open_v2(p.ptr, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'lovelace'",
				     -1, &q, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(q), SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(q, 0), 3);
	sqlite3_finalize(q);
	sqlite3_close(db);
	morgue_buf_free(&p);
	morgue_fs_rmtree(tmp);
}

int main(void)
{
	RUN(builds_are_planned);
	RUN(a_catalog_in_memory_still_builds);
	TEST_EXIT();
}
