/*
 * tokenize.h - words of a text for the search index.
 *
 * Splits UTF-8 text into words by a simplified Unicode word-boundary rule
 * (UAX #29 in spirit): a word is a run of letters, marks and digits; an
 * apostrophe (' or U+2019), '.' or ':' between two letters and ',' or '.'
 * between two digits stay inside the word ("Lavrov's", "U.S", "1,000");
 * Han ideographs and Hiragana are one word per character. Invalid UTF-8
 * bytes separate words and are never emitted.
 *
 * Each word is folded (NFKC, case folding, combining marks stripped, U+2019
 * written as ') and stemmed with the Snowball English stemmer. search.js
 * splits queries with the same rule and folds with the same steps; it never
 * stems: the index ships its own form -> stem dictionary.
 *
 * The tokenizer owns the stemmer and scratch space; the token passed to the
 * callback is valid only during the call. One tokenizer per thread.
 */
#ifndef MORGUE_TOKENIZE_H
#define MORGUE_TOKENIZE_H

#include <stddef.h>

#include "util/buf.h"

/* Words longer than this after folding (URLs, hashes) are skipped. */
#define MORGUE_TOKEN_MAX 60

typedef struct morgue_token {
	const char *fold; /* folded word, NUL-terminated */
	size_t fold_len;
	const char *stem; /* Snowball stem of fold, NUL-terminated */
	size_t stem_len;
	size_t start, end; /* byte range of the word in the input */
	unsigned pos;      /* 0-based word number in this call (skipped words count) */
	int stopword;      /* 1 for very common English words */
	long word;         /* the same number for every token of this tokenizer
			    * with the same fold, in 0..MORGUE_TOKEN_WORDS-1;
			    * -1 once it remembers no more words */
} morgue_token;

/* The bound of morgue_token.word. */
#define MORGUE_TOKEN_WORDS 65536

/* Return non-zero to stop; morgue_tokenize then returns that value. */
typedef int (*morgue_token_fn)(const morgue_token *t, void *payload);

typedef struct morgue_tokenizer morgue_tokenizer;

/* 0, or MORGUE_ERROR when the Snowball English stemmer is unavailable. */
int morgue_tokenizer_new(morgue_tokenizer **out);
void morgue_tokenizer_free(morgue_tokenizer *tk);

/* Call fn for every word of s[0..len) in order. Returns 0 or fn's non-zero
 * value. Never fails on bad input. */
int morgue_tokenize(morgue_tokenizer *tk, const char *s, size_t len,
		    morgue_token_fn fn, void *payload);

/* 1 when the folded word (or stem) is on the stopword list. */
int morgue_tokenize_is_stopword(const char *word);

/* Fold one word the way the tokenizer does (appends to out); no stemming.
 * Used for names and by tests. */
void morgue_tokenize_fold(morgue_buf *out, const char *s, size_t len);

#endif
