/*
 * tokenize.c - word boundaries, folding and stemming for the search index.
 */
#include "tokenize.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

#include "util/alloc.h"
#include "util/ascii.h"
#include "util/error.h"

/* The stems already worked out, by folded word: a text repeats its words
 * (Zipf), and Snowball was a fifth of the index writer's time. Open
 * addressing; full at MEMO_CAP * 3 / 4 words, after which new words are
 * stemmed each time. */
#define MEMO_CAP MORGUE_TOKEN_WORDS
typedef struct memo_slot {
	char *fold; /* NULL: empty */
	char *stem; /* NULL: the stem is fold itself */
	size_t fold_len, stem_len;
	int stopword;
} memo_slot;

struct morgue_tokenizer {
	struct sb_stemmer *stemmer;
	morgue_buf fold;
	memo_slot *memo;
	size_t nmemo;
};

#define FNV_BASIS 1469598103934665603ULL
#define FNV_STEP(h, c) (((h) ^ (unsigned char)(c)) * 1099511628211ULL)
#define MEMO_MIX(h) ((size_t)((h) ^ ((h) >> 29)))

static size_t memo_hash(const char *s, size_t len)
{
	uint64_t h = FNV_BASIS;
	for (size_t i = 0; i < len; i++)
		h = FNV_STEP(h, s[i]);
	return MEMO_MIX(h);
}

/* The stem of fold[0..len) (NUL-terminated), its length and whether fold
 * is a stopword, from the memo or Snowball (then remembered while there
 * is room). */
static const char *stem_of(morgue_tokenizer *tk, const char *fold, size_t len, size_t hash,
			   size_t *stem_len, int *stopword, long *word)
{
	size_t i = hash & (MEMO_CAP - 1);
	while (tk->memo[i].fold) {
		if (tk->memo[i].fold_len == len && !memcmp(tk->memo[i].fold, fold, len)) {
			*stem_len = tk->memo[i].stem ? tk->memo[i].stem_len : len;
			*stopword = tk->memo[i].stopword;
			*word = (long)i;
			return tk->memo[i].stem ? tk->memo[i].stem : fold;
		}
		i = (i + 1) & (MEMO_CAP - 1);
	}
	*stopword = morgue_tokenize_is_stopword(fold);
	*word = -1;
	const sb_symbol *st = sb_stemmer_stem(tk->stemmer, (const sb_symbol *)fold, (int)len);
	const char *stem = st ? (const char *)st : fold;
	*stem_len = st ? (size_t)sb_stemmer_length(tk->stemmer) : len;
	if (*stem_len == 0) {
		stem = fold;
		*stem_len = len;
	}
	if (tk->nmemo < MEMO_CAP / 4 * 3) {
		tk->memo[i].fold = morgue_strndup(fold, len);
		tk->memo[i].fold_len = len;
		if (stem != fold)
			tk->memo[i].stem = morgue_strndup(stem, *stem_len);
		tk->memo[i].stem_len = *stem_len;
		tk->memo[i].stopword = *stopword;
		tk->nmemo++;
		*word = (long)i;
	}
	return stem;
}

enum { C_OTHER, C_LETTER, C_DIGIT, C_MARK, C_IDEO };

/* Kept short on purpose: these words lose their positions in the index
 * (phrases still count them) but keep their postings. */
static const char *const stopwords[] = {
	"a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from",
	"had", "has", "have", "he", "her", "his", "i", "in", "is", "it", "its",
	"not", "of", "on", "or", "said", "she", "that", "the", "their", "they",
	"this", "to", "was", "were", "which", "who", "will", "with",
};

/* The length of the longest stopword above ("their", "which"; keep in
 * step with the list): longer words, most words of a text, are not
 * looked up. */
#define STOPWORD_MAX 5

int morgue_tokenize_is_stopword(const char *w)
{
	size_t lo = 0, hi = sizeof(stopwords) / sizeof(*stopwords);
	if (strnlen(w, STOPWORD_MAX + 1) > STOPWORD_MAX)
		return 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(w, stopwords[mid]);
		if (!c)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

static int classify(utf8proc_int32_t cp)
{
	/* ASCII without a table lookup: letters, digits, the rest is
	 * punctuation, symbols, space or controls */
	if (cp >= 0 && cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ? C_LETTER
		       : cp >= '0' && cp <= '9'				 ? C_DIGIT
										 : C_OTHER;
	if ((cp >= 0x3040 && cp <= 0x309F) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	    (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	    (cp >= 0x20000 && cp <= 0x3FFFF))
		return C_IDEO;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		return C_LETTER;
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return C_DIGIT;
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
		return C_MARK;
	default:
		return C_OTHER;
	}
}

/* Joiners allowed inside a word: 1 between letters, 2 between digits,
 * 3 both (UAX #29 MidLetter, MidNum, MidNumLet). */
static int mid_kind(utf8proc_int32_t cp)
{
	switch (cp) {
	case ':': case 0xB7: case 0x2027:
		return 1;
	case ',': case ';':
		return 2;
	case '.': case '\'': case 0x2018: case 0x2019: case 0xFE52: case 0xFF07:
	case 0xFF0E:
		return 3;
	default:
		return 0;
	}
}

/* Decode one code point; returns its length, or -1 for an invalid byte. */
static long dec(const char *s, size_t len, size_t i, utf8proc_int32_t *cp)
{
	if ((unsigned char)s[i] < 0x80) {
		*cp = (unsigned char)s[i];
		return 1;
	}
	utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
					      (utf8proc_ssize_t)(len - i), cp);
	return n > 0 ? (long)n : -1;
}

void morgue_tokenize_fold(morgue_buf *out, const char *s, size_t len)
{
	size_t k = 0;
	while (k < len && (unsigned char)s[k] < 0x80 && s[k])
		k++;
	if (k == len) { /* ASCII: folding is lower-casing */
		size_t at = out->size;
		morgue_buf_put(out, s, len);
		for (k = at; k < out->size; k++)
			if (out->ptr[k] >= 'A' && out->ptr[k] <= 'Z')
				out->ptr[k] += 32;
		return;
	}
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &m,
					  UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
						  UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
	if (n < 0) {
		free(m);
		return;
	}
	for (utf8proc_ssize_t i = 0; i < n;) {
		/* U+2018/U+2019 (E2 80 98/99) become a plain apostrophe */
		if (i + 2 < n && m[i] == 0xE2 && m[i + 1] == 0x80 &&
		    (m[i + 2] == 0x98 || m[i + 2] == 0x99)) {
			morgue_buf_putc(out, '\'');
			i += 3;
			continue;
		}
		morgue_buf_putc(out, m[i]);
		i++;
	}
	free(m);
}

int morgue_tokenizer_new(morgue_tokenizer **out)
{
	morgue_tokenizer *tk = morgue_calloc(1, sizeof(*tk));
	tk->stemmer = sb_stemmer_new("english", NULL);
	tk->memo = morgue_calloc(MEMO_CAP, sizeof(*tk->memo));
	if (!tk->stemmer) {
		free(tk->memo);
		free(tk);
		*out = NULL;
		return morgue_error_set(MORGUE_ERROR, NULL, 0,
					"libstemmer has no English stemmer");
	}
	*out = tk;
	return 0;
}

void morgue_tokenizer_free(morgue_tokenizer *tk)
{
	if (!tk)
		return;
	sb_stemmer_delete(tk->stemmer);
	morgue_buf_free(&tk->fold);
	for (size_t i = 0; i < MEMO_CAP; i++) {
		free(tk->memo[i].fold);
		free(tk->memo[i].stem);
	}
	free(tk->memo);
	free(tk);
}

/* Hand the word in tk->fold (hash: memo_hash of it) to fn. */
static int emit_folded(morgue_tokenizer *tk, size_t hash, size_t start, size_t end,
		       unsigned pos, morgue_token_fn fn, void *payload)
{
	if (tk->fold.size == 0 || tk->fold.size > MORGUE_TOKEN_MAX)
		return 0;
	size_t stem_len;
	int stopword;
	long word;
	const char *stem = stem_of(tk, tk->fold.ptr, tk->fold.size, hash, &stem_len, &stopword,
				   &word);
	morgue_token t = {
		.fold = tk->fold.ptr, .fold_len = tk->fold.size,
		.stem = stem, .stem_len = stem_len,
		.start = start, .end = end, .pos = pos,
		.stopword = stopword, .word = word,
	};
	return fn(&t, payload);
}

static int emit(morgue_tokenizer *tk, const char *s, size_t start, size_t end,
		unsigned pos, morgue_token_fn fn, void *payload)
{
	morgue_buf_clear(&tk->fold);
	morgue_tokenize_fold(&tk->fold, s + start, end - start);
	return emit_folded(tk, memo_hash(tk->fold.ptr, tk->fold.size), start, end, pos, fn,
			   payload);
}

/* The common case of news prose, without decoding: a run of ASCII letters
 * and digits at s[i] that the general loop would end at the same place.
 * Returns the run's end, or 0 when the general loop must decide (a
 * non-ASCII byte follows, a joiner followed by a letter or digit, or the
 * word is too long to keep). The word is folded (lower-cased) into
 * tk->fold and hashed in the same pass. */
static size_t ascii_word(morgue_tokenizer *tk, const char *s, size_t len, size_t i,
			 size_t *hash)
{
	size_t j = i;
	uint64_t h = FNV_BASIS;
	morgue_buf_clear(&tk->fold);
	morgue_buf_grow(&tk->fold, MORGUE_TOKEN_MAX + 2);
	char *out = tk->fold.ptr;
	while (j < len && morgue_ascii_alnum[(unsigned char)s[j]]) {
		if (j - i > MORGUE_TOKEN_MAX)
			return 0;
		char c = s[j];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		out[j - i] = c;
		h = FNV_STEP(h, c);
		j++;
	}
	if (j < len) {
		unsigned char e = (unsigned char)s[j];
		/* a joiner ends the word unless a letter or digit (maybe not
		 * ASCII) follows it: "said, " ends here, "U.S" does not */
		if (e >= 0x80)
			return 0;
		if (mid_kind(e) && j + 1 < len &&
		    ((unsigned char)s[j + 1] >= 0x80 || morgue_ascii_alnum[(unsigned char)s[j + 1]]))
			return 0;
	}
	tk->fold.size = j - i;
	out[j - i] = '\0';
	*hash = MEMO_MIX(h);
	return j;
}

int morgue_tokenize(morgue_tokenizer *tk, const char *s, size_t len,
		    morgue_token_fn fn, void *payload)
{
	unsigned pos = 0;
	size_t i = 0;
	int rc;

	while (i < len) {
		unsigned char b = (unsigned char)s[i];
		if (b < 0x80 && !morgue_ascii_alnum[b]) { /* space, punctuation */
			i++;
			continue;
		}
		size_t hash, end;
		if (b < 0x80 && (end = ascii_word(tk, s, len, i, &hash))) {
			if ((rc = emit_folded(tk, hash, i, end, pos++, fn, payload)))
				return rc;
			i = end;
			continue;
		}
		utf8proc_int32_t cp;
		long n = dec(s, len, i, &cp);
		if (n < 0) {
			i++;
			continue;
		}
		int c = classify(cp);
		if (c == C_IDEO) {
			if ((rc = emit(tk, s, i, i + (size_t)n, pos++, fn, payload)))
				return rc;
			i += (size_t)n;
			continue;
		}
		if (c != C_LETTER && c != C_DIGIT) {
			i += (size_t)n;
			continue;
		}
		size_t start = i, j = i + (size_t)n;
		int prev = c;
		while (j < len) {
			utf8proc_int32_t c2p, c3p;
			long n2 = dec(s, len, j, &c2p);
			if (n2 < 0)
				break;
			int c2 = classify(c2p);
			if (c2 == C_LETTER || c2 == C_DIGIT || c2 == C_MARK) {
				j += (size_t)n2;
				if (c2 != C_MARK)
					prev = c2;
				continue;
			}
			int mk = mid_kind(c2p);
			if (!mk || j + (size_t)n2 >= len)
				break;
			long n3 = dec(s, len, j + (size_t)n2, &c3p);
			if (n3 < 0)
				break;
			int c3 = classify(c3p);
			if (c3 != prev || (c3 == C_LETTER && !(mk & 1)) ||
			    (c3 == C_DIGIT && !(mk & 2)) || (c3 != C_LETTER && c3 != C_DIGIT))
				break;
			j += (size_t)n2 + (size_t)n3;
		}
		if ((rc = emit(tk, s, start, j, pos++, fn, payload)))
			return rc;
		i = j;
	}
	return 0;
}
