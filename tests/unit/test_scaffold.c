/* test_scaffold.c - files written by `morgue new` (generator/scaffold.c)
 * must parse back with the real readers and land at the documented paths. */
#include "test.h"
#include "article.h"
#include "scaffold.h"
#include "util/error.h"

static void article_round_trips(void)
{
	const char *titles[] = {
		"Trump passed Israeli intelligence to Lavrov",
		"He said: \"no\" \\ and # not a comment: {really} [x] &a *b",
		"Ünïcode — “quotes” ’n’ tabs\there",
	};
	for (size_t i = 0; i < sizeof(titles) / sizeof(*titles); i++) {
		morgue_buf path = MORGUE_BUF_INIT, text = MORGUE_BUF_INIT;
		morgue_article *a = NULL;
		CHECK_INT(morgue_scaffold_article(&path, &text, titles[i], "2017-05-16", "washington-post"), 0);
		CHECK_INT(strncmp(path.ptr, "articles/2017/", 14), 0);
		CHECK_INT(morgue_article_parse(&a, "x.md", path.ptr + 9, text.ptr, text.size), 0);
		if (a && i == 2) /* the reader folds whitespace runs in titles */
			CHECK_STR(a->title, "Ünïcode — “quotes” ’n’ tabs here");
		else if (a) {
			CHECK_STR(a->title, titles[i]);
		}
		if (a) {
			CHECK_STR(a->date, "2017-05-16");
			CHECK_STR(a->publication, "washington-post");
		}
		morgue_article_free(a);
		morgue_buf_free(&path);
		morgue_buf_free(&text);
	}
}

static void article_paths(void)
{
	morgue_buf path = MORGUE_BUF_INIT, text = MORGUE_BUF_INIT;
	CHECK_INT(morgue_scaffold_article(&path, &text, "Trump’s “Secret” Channel!", "2017-05-27", NULL), 0);
	CHECK_STR(path.ptr, "articles/2017/trumps-secret-channel.md");
	CHECK_NOT_CONTAINS(text.ptr, "publication:");
	morgue_buf_clear(&path);
	morgue_buf_clear(&text);
	CHECK_INT(morgue_scaffold_article(&path, &text, "...", "2017-05-27", NULL), MORGUE_EUSAGE);
	CHECK_INT(morgue_scaffold_article(&path, &text, "x", "2017-13-01", NULL), MORGUE_EUSAGE);
	CHECK_INT(morgue_scaffold_article(&path, &text, "x", "17-1-1", NULL), MORGUE_EUSAGE);
	CHECK_INT(morgue_scaffold_article(&path, &text, "../../etc/passwd", "2017-01-01", NULL), 0);
	CHECK_STR(path.ptr, "articles/2017/etc-passwd.md");
	morgue_buf_free(&path);
	morgue_buf_free(&text);
}

static void entity_round_trips(void)
{
	morgue_buf path = MORGUE_BUF_INIT, text = MORGUE_BUF_INIT;
	morgue_entity *e = NULL;
	CHECK_INT(morgue_scaffold_entity(&path, &text, "Sergey V. Lavrov", "person"), 0);
	CHECK_STR(path.ptr, "entities/people/sergey-v-lavrov.md");
	CHECK_INT(morgue_entity_parse(&e, "x.md", path.ptr + 9, text.ptr, text.size), 0);
	if (e) {
		CHECK_STR(e->name, "Sergey V. Lavrov");
		CHECK_INT(e->type, MORGUE_ENTITY_PERSON);
		CHECK_STR(e->slug, "sergey-v-lavrov");
	}
	morgue_entity_free(e);
	morgue_buf_clear(&path);
	morgue_buf_clear(&text);
	CHECK_INT(morgue_scaffold_entity(&path, &text, "BND", "organization"), 0);
	CHECK_STR(path.ptr, "entities/organizations/bnd.md");
	CHECK_INT(morgue_scaffold_entity(&path, &text, "X", "company"), MORGUE_EUSAGE);
	CHECK_INT(morgue_scaffold_entity(&path, &text, "X", NULL), MORGUE_EUSAGE);
	morgue_buf_free(&path);
	morgue_buf_free(&text);
}

int main(void)
{
	RUN(article_round_trips);
	RUN(article_paths);
	RUN(entity_round_trips);
	TEST_EXIT();
}
