/* Unit tests for generator/history.c: one walk for the whole archive,
 * renames followed, annotation changes worked out; the history as text
 * and back; and a walk that continues an earlier history, which must give
 * exactly what the whole walk gives. The repository is made with the git
 * command line (skipped without it). */
#include "test.h"
#include "history.h"
#include "repo.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

static char tmp[] = "/tmp/morgue-history-XXXXXX";
static int when = 1600000000;

/* Run a shell command in the repository; commits get the next date. */
static int sh(const char *fmt, ...)
{
	va_list ap;
	when += 3600;
	va_start(ap, fmt);
	int ok = test_vsh(tmp, when, fmt, ap);
	va_end(ap);
	return ok;
}

static void put(const char *rel, const char *text)
{
	morgue_buf p = MORGUE_BUF_INIT;
	morgue_buf_printf(&p, "%s/%s", tmp, rel);
	morgue_fs_write(p.ptr, text, strlen(text));
	morgue_buf_free(&p);
}

/* A body long enough that an edit still reads as the same file. */
static void article(const char *rel, const char *title, const char *extra)
{
	morgue_buf b = MORGUE_BUF_INIT;
	morgue_buf_printf(&b, "---\ntitle: %s\ndate: 2020-01-01\n---\n", title);
	for (int i = 0; i < 20; i++)
		morgue_buf_printf(&b, "Line %d of the article called %s, as filed.\n", i, title);
	morgue_buf_puts(&b, extra);
	put(rel, b.ptr);
	morgue_buf_free(&b);
}

/* The history at the repository's HEAD as text: the whole walk, or one
 * continuing prev (when given, *since says whether it did). */
static int history_text(morgue_buf *out, const char *key, const morgue_buf *prev, int *since)
{
	morgue_repo *r = NULL;
	morgue_history *h = NULL;
	int rc = morgue_repo_open(&r, tmp, NULL, 0);
	if (rc == 0)
		rc = prev ? morgue_history_collect_since(&h, r, key, prev->ptr, prev->size)
			  : morgue_history_collect(&h, r);
	if (rc == 0) {
		morgue_buf_clear(out);
		morgue_history_serialize(out, h, key);
		if (since)
			*since = morgue_history_since(h);
	}
	morgue_history_free(h);
	morgue_repo_free(r);
	return rc;
}

/* The walk continuing prev gives what the whole walk gives, and says
 * whether it continued (want_since). */
static void same_as_whole(const morgue_buf *prev, int want_since)
{
	morgue_buf full = MORGUE_BUF_INIT, inc = MORGUE_BUF_INIT;
	int since = -1;
	CHECK_INT(history_text(&full, "k", NULL, NULL), 0);
	CHECK_INT(history_text(&inc, "k", prev, &since), 0);
	CHECK_INT(since, want_since);
	CHECK_STR(inc.ptr, full.ptr);
	morgue_buf_free(&full);
	morgue_buf_free(&inc);
}

static void continues_an_earlier_history(void)
{
	morgue_buf h0 = MORGUE_BUF_INIT, full = MORGUE_BUF_INIT, inc = MORGUE_BUF_INIT;
	morgue_buf junk = MORGUE_BUF_INIT;
	int since = -1;

	if (!mkdtemp(tmp) || !sh("git init -q . && git --version"))
		SKIP("no git command");
	article("articles/2020/a.md", "A", "");
	article("articles/2020/b.md", "B", "");
	article("articles/2020/e.md", "E", "");
	CHECK(sh("git add -A && git commit -qm 'three articles'"));
	put("annotations/2020/a.yaml", "mentions:\n  - entity: ada\n    text: Line\n");
	article("articles/2020/b.md", "B", "An edit.\n");
	CHECK(sh("git add -A && git commit -qm 'annotate a, edit b'"));
	CHECK(sh("git mv articles/2020/b.md articles/2020/b2.md && git commit -qm 'move b'"));
	CHECK_INT(history_text(&h0, "k", NULL, NULL), 0);

	/* the same commit: nothing to walk */
	same_as_whole(&h0, 1);

	/* newer commits touch old articles in every way */
	article("articles/2020/a.md", "A", "Another edit.\n");
	put("annotations/2020/a.yaml", "mentions:\n  - entity: bob\n    text: Line\n");
	CHECK(sh("git add -A && git commit -qm 'edit a, bob for ada'"));
	CHECK(sh("git mv articles/2020/b2.md articles/2020/b3.md && git commit -qm 'move b again'"));
	CHECK(sh("git rm -q articles/2020/e.md && git commit -qm 'drop e'"));
	article("articles/2020/e.md", "Another E", "Not the same article at all.\n");
	CHECK(sh("git add -A && git commit -qm 'a new e'"));
	CHECK(sh("git mv articles/2020/a.md articles/2020/c.md &&"
		 " git mv annotations/2020/a.yaml annotations/2020/c.yaml && git commit -qm 'a is c'"));
	same_as_whole(&h0, 1);
	/* what the walk found, as a check on the fixture */
	CHECK_INT(history_text(&full, "k", NULL, NULL), 0);
	CHECK_CONTAINS(full.ptr, "18:articles/2020/c.md");
	CHECK_CONTAINS(full.ptr, "3:bob");
	CHECK_CONTAINS(full.ptr, "19:articles/2020/b2.md");

	/* another key, or not a history: the whole walk, the same result */
	CHECK_INT(history_text(&inc, "other", &h0, &since), 0);
	CHECK_INT(since, 0);
	CHECK_STR(inc.ptr + strlen("morgue-history 1\n5:other"),
		  full.ptr + strlen("morgue-history 1\n1:k"));
	morgue_buf_puts(&junk, "morgue-history 1\n1:k40:");
	same_as_whole(&junk, 0);
	morgue_buf_clear(&junk);
	morgue_buf_put(&junk, h0.ptr, h0.size - 1); /* truncated */
	same_as_whole(&junk, 0);

	/* a history rewritten below the earlier commit: the whole walk */
	CHECK(sh("git reset -q --hard HEAD~6 && git commit -q --allow-empty -m rewritten &&"
		 " git mv articles/2020/b.md articles/2020/d.md && git commit -qm 'b is d'"));
	same_as_whole(&h0, 0);

	morgue_buf_free(&h0);
	morgue_buf_free(&full);
	morgue_buf_free(&inc);
	morgue_buf_free(&junk);
	morgue_fs_rmtree(tmp);
}

/* The text reads back to the same history; anything else is refused. */
static void text_round_trip(void)
{
	morgue_history *h = NULL;
	const char *text =
		"morgue-history 1\n1:k0:0,2,"
		"18:articles/2020/x.md1,40:0123456789012345678901234567890123456789"
		"1600000000,60,3:Ann5:Fixed77,65,1,3:ada1,3:bob1,18:articles/2019/x.md"
		"18:articles/2020/y.md0,0,";
	morgue_buf back = MORGUE_BUF_INIT;
	CHECK_INT(morgue_history_parse(&h, "k", text, strlen(text)), 0);
	CHECK_INT(morgue_history_count(h), 2);
	const morgue_article_history *x = morgue_history_find(h, "articles/2020/x.md");
	CHECK(x && x->nrevs == 1 && x->revs[0].article == 'M' && x->revs[0].annotations == 'A');
	CHECK(x && x->nold == 1 && !strcmp(x->old_paths[0], "articles/2019/x.md"));
	CHECK(x && x->revs[0].nadded == 1 && !strcmp(x->revs[0].removed[0], "bob"));
	morgue_history_serialize(&back, h, "k");
	CHECK_STR(back.ptr, text);
	morgue_history_free(h);
	h = NULL;
	CHECK_INT(morgue_history_parse(&h, "other", text, strlen(text)), MORGUE_EINPUT);
	CHECK(h == NULL);
	CHECK_INT(morgue_history_parse(&h, "k", text, strlen(text) - 1), MORGUE_EINPUT);
	const char *huge = "morgue-history 1\n1:k0:0,99999999999,";
	CHECK_INT(morgue_history_parse(&h, "k", huge, strlen(huge)), MORGUE_EINPUT);
	morgue_error_clear();
	morgue_buf_free(&back);
}

int main(void)
{
	RUN(text_round_trip);
	RUN(continues_an_earlier_history);
	TEST_EXIT();
}
