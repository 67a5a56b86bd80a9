/* test_tokenize.c - word boundaries, folding, stemming, bad input. */
#include "test.h"

#include "tokenize.h"
#include "util/buf.h"

static morgue_tokenizer *tk;

static int collect(const morgue_token *t, void *payload)
{
	morgue_buf *b = payload;
	if (b->size)
		morgue_buf_putc(b, '|');
	morgue_buf_put(b, t->fold, t->fold_len);
	if (t->stem_len != t->fold_len || memcmp(t->stem, t->fold, t->fold_len)) {
		morgue_buf_putc(b, '>');
		morgue_buf_put(b, t->stem, t->stem_len);
	}
	return 0;
}

/* "fold>stem|fold..." for the input. */
static char *toks(const char *s, size_t len)
{
	morgue_buf b = MORGUE_BUF_INIT;
	morgue_tokenize(tk, s, len, collect, &b);
	return morgue_buf_detach(&b);
}

#define TOKS(in, expect)                                   \
	do {                                               \
		char *got_ = toks(in, sizeof(in) - 1);     \
		CHECK_STR(got_, expect);                   \
		free(got_);                                \
	} while (0)

static void test_boundaries(void)
{
	TOKS("Hello, world!", "hello|world");
	TOKS("  multiple   spaces\tand\nlines ", "multiple>multipl|spaces>space|and|lines>line");
	TOKS("Lavrov's channel", "lavrov's>lavrov|channel");
	TOKS("Lavrov\xE2\x80\x99s", "lavrov's>lavrov");
	TOKS("the U.S. said", "the|u.s>u.|said");
	TOKS("1,000.5 dollars", "1,000.5|dollars>dollar");
	TOKS("end. Next", "end|next");
	TOKS("'quoted'", "quoted>quot");
	TOKS("e-mail", "e|mail");
	TOKS("", "");
	TOKS("...!?", "");
	/* where the ASCII fast path hands over to the general loop: a
	 * joiner before a letter, a non-ASCII letter or mark after ASCII, a
	 * joiner at the very end, a word too long to keep */
	TOKS("said, then", "said|then");
	TOKS("a:b x:", "a:b|x");
	TOKS("cafe\xCC\x81s ok", "cafes>cafe|ok");
	TOKS("abc\xC3\xA9" "d", "abced>abc");
	TOKS("ab'", "ab");
	TOKS("Lavrov's", "lavrov's>lavrov");
	TOKS("x aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa y", "x|y");
}

static void test_folding(void)
{
	TOKS("Caf\xC3\xA9 CAF\xC3\x89", "cafe|cafe");
	TOKS("Sch\xC3\xB6ne Stra\xC3\x9F" "e", "schone|strasse>strass");
	TOKS("Zeleny\xCC\x81", "zeleny>zeleni"); /* combining acute stripped */
	TOKS("\xEF\xAC\x81nance", "finance>financ");        /* U+FB01 ligature, NFKC */
	TOKS("\xD0\x9B\xD0\xB0\xD0\xB2\xD1\x80\xD0\xBE\xD0\xB2", "\xD0\xBB\xD0\xB0\xD0\xB2\xD1\x80\xD0\xBE\xD0\xB2");
}

static void test_stemming(void)
{
	TOKS("sharing shared shares", "sharing>share|shared>share|shares>share");
	TOKS("running runs", "running>run|runs>run");
	TOKS("negotiations", "negotiations>negoti");
}

static void test_cjk(void)
{
	/* 東京 都 -> one word per ideograph; katakana stays one word */
	TOKS("\xE6\x9D\xB1\xE4\xBA\xAC" "abc", "\xE6\x9D\xB1|\xE4\xBA\xAC|abc");
	TOKS("\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88", "\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88");
}

static void test_invalid_utf8(void)
{
	TOKS("ab\xFF" "cd", "ab|cd");
	TOKS("\xC3", "");
	TOKS("ok\xE2\x80", "ok");
	TOKS("\xED\xA0\x80x", "x"); /* surrogate */
	TOKS("a\0b", "a|b");
}

static void test_positions_and_stopwords(void)
{
	struct { unsigned pos[8]; int stop[8]; size_t n; } r = { { 0 }, { 0 }, 0 };
	const char *s = "The secret channel of ???";
	morgue_token_fn fn;
	(void)fn;
	morgue_buf b = MORGUE_BUF_INIT;
	morgue_tokenize(tk, s, strlen(s), collect, &b);
	CHECK_STR(morgue_buf_cstr(&b), "the|secret|channel|of");
	morgue_buf_free(&b);
	CHECK(morgue_tokenize_is_stopword("the"));
	CHECK(morgue_tokenize_is_stopword("of"));
	CHECK(!morgue_tokenize_is_stopword("secret"));
	(void)r;
}

static int stop_after_two(const morgue_token *t, void *payload)
{
	int *n = payload;
	return ++*n == 2 ? 7 : 0;
}

static int record_offsets(const morgue_token *t, void *payload)
{
	morgue_buf *b = payload;
	morgue_buf_printf(b, "%zu-%zu@%u ", t->start, t->end, t->pos);
	return 0;
}

static void test_offsets_and_stop(void)
{
	int n = 0;
	CHECK_INT(morgue_tokenize(tk, "a b c d", 7, stop_after_two, &n), 7);
	CHECK_INT(n, 2);
	morgue_buf b = MORGUE_BUF_INIT;
	const char *s = "x  \xC3\xA9t\xC3\xA9 zz";
	morgue_tokenize(tk, s, strlen(s), record_offsets, &b);
	CHECK_STR(morgue_buf_cstr(&b), "0-1@0 3-8@1 9-11@2 ");
	morgue_buf_free(&b);
	/* a word too long to index is skipped but still counts a position */
	char longw[100];
	memset(longw, 'q', 80);
	memcpy(longw + 80, " tail", 6);
	morgue_tokenize(tk, longw, strlen(longw), record_offsets, &b);
	CHECK_STR(morgue_buf_cstr(&b), "81-85@1 ");
	morgue_buf_free(&b);
}

/* The stem memo gives what Snowball gives: on first sight, when
 * remembered, and once the memo is full (more distinct words than it
 * keeps), for words whose stem is and is not the word itself. */
static void test_stem_memo(void)
{
	static const char text[] = "sharing shared nationalization relational running "
				   "runs quickly caf\xC3\xA9s dog fleajomirts";
	morgue_tokenizer *fresh = NULL;
	morgue_buf first = MORGUE_BUF_INIT, again = MORGUE_BUF_INIT, full = MORGUE_BUF_INIT,
		   filler = MORGUE_BUF_INIT, sink = MORGUE_BUF_INIT;
	CHECK_INT(morgue_tokenizer_new(&fresh), 0);
	morgue_tokenize(fresh, text, strlen(text), collect, &first);
	morgue_tokenize(fresh, text, strlen(text), collect, &again);
	CHECK_STR(morgue_buf_cstr(&again), morgue_buf_cstr(&first));
	CHECK(strstr(morgue_buf_cstr(&first), "sharing>share|shared>share") != NULL);
	/* 70000 distinct words: past what the memo keeps */
	for (unsigned i = 0; i < 70000; i++) {
		morgue_buf_clear(&filler);
		morgue_buf_puts(&filler, "mat");
		for (unsigned v = i; v; v /= 26)
			morgue_buf_putc(&filler, 'a' + (int)(v % 26));
		morgue_buf_puts(&filler, "ing");
		morgue_buf_clear(&sink);
		morgue_tokenize(fresh, filler.ptr, filler.size, collect, &sink);
	}
	CHECK(strstr(morgue_buf_cstr(&sink), ">") != NULL); /* "...ing" was stemmed */
	morgue_tokenize(fresh, text, strlen(text), collect, &full);
	CHECK_STR(morgue_buf_cstr(&full), morgue_buf_cstr(&first));
	/* a word first seen after the memo filled up */
	morgue_buf_clear(&sink);
	morgue_tokenize(fresh, "unremembered unremembered", 25, collect, &sink);
	CHECK_STR(morgue_buf_cstr(&sink), "unremembered>unrememb|unremembered>unrememb");
	morgue_tokenizer_free(fresh);
	morgue_buf_free(&first), morgue_buf_free(&again), morgue_buf_free(&full);
	morgue_buf_free(&filler), morgue_buf_free(&sink);
}

typedef struct words {
	long w[16];
	int stop[16];
	size_t n;
} words;

static int record_words(const morgue_token *t, void *payload)
{
	words *w = payload;
	if (w->n < 16) {
		w->stop[w->n] = t->stopword;
		w->w[w->n++] = t->word;
	}
	return 0;
}

/* Word numbers: equal for equal folds (whatever the case in the text),
 * distinct otherwise, in range; -1 once the memo is full. The stopword
 * flag rides along with the memo. */
static void test_word_numbers(void)
{
	morgue_tokenizer *fresh = NULL;
	words w = { .n = 0 };
	CHECK_INT(morgue_tokenizer_new(&fresh), 0);
	morgue_tokenize(fresh, "The cat the CAT dog cats", 24, record_words, &w);
	CHECK_INT(w.n, 6);
	CHECK(w.w[0] >= 0 && w.w[0] < MORGUE_TOKEN_WORDS);
	CHECK_INT(w.w[0], w.w[2]);
	CHECK_INT(w.w[1], w.w[3]);
	CHECK(w.w[0] != w.w[1] && w.w[1] != w.w[4] && w.w[1] != w.w[5]);
	CHECK_INT(w.stop[0], 1);
	CHECK_INT(w.stop[2], 1); /* from the memo */
	CHECK_INT(w.stop[1], 0);
	morgue_buf filler = MORGUE_BUF_INIT;
	for (unsigned i = 0; i < 70000; i++) {
		morgue_buf_clear(&filler);
		morgue_buf_puts(&filler, "zq");
		for (unsigned v = i; v; v /= 26)
			morgue_buf_putc(&filler, 'a' + (int)(v % 26));
		morgue_tokenize(fresh, filler.ptr, filler.size, record_words, &(words){ .n = 0 });
	}
	w.n = 0;
	morgue_tokenize(fresh, "cat unremembered", 16, record_words, &w);
	CHECK(w.w[0] >= 0); /* still remembered */
	CHECK_INT(w.w[1], -1);
	morgue_buf_free(&filler);
	morgue_tokenizer_free(fresh);
}

int main(void)
{
	if (morgue_tokenizer_new(&tk) < 0) {
		printf("FAIL tokenizer_new\n");
		return 1;
	}
	RUN(test_boundaries);
	RUN(test_folding);
	RUN(test_stemming);
	RUN(test_cjk);
	RUN(test_invalid_utf8);
	RUN(test_positions_and_stopwords);
	RUN(test_offsets_and_stop);
	RUN(test_stem_memo);
	RUN(test_word_numbers);
	morgue_tokenizer_free(tk);
	TEST_EXIT();
}
