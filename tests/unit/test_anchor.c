/*
 * test_anchor.c - placing TextQuoteSelector anchors (anchor.h).
 */
#include <string.h>

#include "anchor.h"
#include "test.h"

static const char *T = "Trump met Lavrov. Then Trump left, and “Trump’s” aide stayed. Trump.";

static void unique_exact(void)
{
	size_t s = 0, e = 0;
	CHECK_INT(morgue_anchor_find(&s, &e, T, strlen(T), "Lavrov", NULL, NULL), 1);
	CHECK_INT(s, 10);
	CHECK_INT(e, 16);
}

static void context_decides(void)
{
	size_t s = 0, e = 0;
	CHECK_INT(morgue_anchor_find(&s, &e, T, strlen(T), "Trump", NULL, NULL), 4);
	CHECK_INT(morgue_anchor_find(&s, &e, T, strlen(T), "Trump", "Then ", " left"), 1);
	CHECK_INT(s, 23);
	CHECK_INT(morgue_anchor_find(&s, &e, T, strlen(T), "Trump", NULL, "."), 1);
	CHECK(!strncmp(T + s, "Trump.", 6));
	/* a partly wrong prefix still picks the best place */
	CHECK_INT(morgue_anchor_find(&s, &e, T, strlen(T), "Trump", "XXXThen ", NULL), 1);
	CHECK_INT(s, 23);
}

static void folded_match(void)
{
	size_t s = 0, e = 0;
	/* straight quotes and other case find the typographic text */
	CHECK_INT(morgue_anchor_find(&s, &e, T, strlen(T), "\"trump's\" aide", NULL, NULL), 1);
	CHECK(!strncmp(T + s, "“Trump’s” aide", e - s));
	/* re-wrapped lines */
	const char *t2 = "the Russian\nforeign minister. At";
	CHECK_INT(morgue_anchor_find(&s, &e, t2, strlen(t2), "the Russian foreign minister",
				     NULL, ". At"), 1);
	CHECK_INT(s, 0);
	CHECK_INT(e, 28);
}

static void orphans(void)
{
	size_t s = 0, e = 0;
	CHECK_INT(morgue_anchor_find(&s, &e, T, strlen(T), "Putin", NULL, NULL), 0);
	CHECK_INT(morgue_anchor_find(&s, &e, T, strlen(T), "", NULL, NULL), 0);
	CHECK_INT(morgue_anchor_find(&s, &e, T, strlen(T), "   ", NULL, NULL), 0);
	CHECK_INT(morgue_anchor_find(&s, &e, "", 0, "x", "a", "b"), 0);
	CHECK_INT(morgue_anchor_find(&s, &e, T, strlen(T), NULL, NULL, NULL), 0);
}

static void abbreviation_dot(void)
{
	size_t s = 0, e = 0;
	const char *t = "in the U.S. today";
	CHECK_INT(morgue_anchor_find(&s, &e, t, strlen(t), "U.S.", NULL, NULL), 1);
	CHECK_INT(s, 7);
	CHECK_INT(e, 11);
}

static void fuzzy_refind(void)
{
	size_t s = 0, e = 0;
	int approx = 0;
	const char *t = "Then the Russian foreign minster spoke. Later the Russian envoy left.";
	/* one letter dropped from the text since the anchor was written */
	CHECK_INT(morgue_anchor_place(&s, &e, &approx, t, strlen(t), "the Russian foreign minister",
				      NULL, " spoke"), 1);
	CHECK_INT(approx, 1);
	CHECK(!strncmp(t + s, "the Russian foreign minster", e - s) && e - s == 27);
	/* exact hits are not approximate */
	CHECK_INT(morgue_anchor_place(&s, &e, &approx, t, strlen(t), "Russian envoy", NULL, NULL), 1);
	CHECK_INT(approx, 0);
	/* too different: still an orphan */
	CHECK_INT(morgue_anchor_place(&s, &e, &approx, t, strlen(t), "the Chinese trade minister",
				      NULL, NULL), 0);
	/* two equally close places and no context: ambiguous */
	const char *t2 = "Sergey Lavrow met. Sergey Lavroff met.";
	CHECK_INT(morgue_anchor_place(&s, &e, &approx, t2, strlen(t2), "Sergey Lavrov", NULL, NULL), 2);
	CHECK_INT(morgue_anchor_place(&s, &e, &approx, t2, strlen(t2), "Sergey Lavrov", ". ", NULL), 1);
	CHECK_INT(s, 19);
}

int main(void)
{
	RUN(unique_exact);
	RUN(context_decides);
	RUN(folded_match);
	RUN(orphans);
	RUN(abbreviation_dot);
	RUN(fuzzy_refind);
	TEST_EXIT();
}
