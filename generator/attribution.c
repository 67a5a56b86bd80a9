/*
 * attribution.c - rule-based attribution extraction (see attribution.h).
 *
 * The text is cut into tokens (words, punctuation, quotation marks), the
 * quotations are paired first so that cues and sentence ends inside them are
 * ignored, the tokens are grouped into sentences (a quotation never ends a
 * sentence from inside, even across a paragraph break), and each sentence is
 * searched for cues. A cue yields an attribution only when both a source
 * and a span can be found.
 */
#include "attribution.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/ascii.h"
#include "util/buf.h"
#include "util/error.h"

enum { T_WORD, T_PUNCT, T_QOPEN, T_QCLOSE };

/* A place used as an actor becomes an organisation; this marks it. */
#define K_PLACE 100
#define K_NONE (-1)

typedef struct tok {
	size_t s, e;
	int kind;
	int inq;  /* inside a quotation's content */
	long men; /* index into the sorted mentions, or -1 */
	long q;   /* quotation index for T_QOPEN / T_QCLOSE, else -1 */
	int verb; /* index into verbs[] of this word, or -1 */
} tok;

typedef struct quote {
	size_t open, cs, ce, close_end; /* content is [cs, ce) */
} quote;

typedef struct sent {
	size_t t0, t1;     /* tokens [t0, t1) */
	size_t tend;       /* t1 without a trailing "-- Pub" / "(Pub)" credit */
	int para;          /* paragraph number */
	int para_end;      /* last sentence of its paragraph */
	size_t para_start; /* byte offset where the paragraph starts */
	int claimed;       /* its text was already given to a comment header */
} sent;

typedef struct src {
	const char *entity;
	int kind; /* morgue_source_kind */
	size_t so, se;
	size_t as, ae; /* affiliation bytes; as == ae: none */
	int count;
	size_t first; /* first token of the subject */
	int rel;      /* found through "who"/"which": a relative clause */
} src;

typedef struct ctx {
	const char *x;
	size_t len;
	morgue_attr_mention *m;
	size_t nm;
	tok *t;
	size_t nt, tcap;
	quote *q;
	size_t nq, qcap;
	sent *s;
	size_t ns, scap;
	morgue_attribution *out;
	size_t nout, ocap;
	size_t vspan_s, vspan_e; /* span of the sentence's last speech verb */
	size_t *cut; /* per token: the next clause cut: ";", ", according to",
			", citing", ", but", ", whereas", ", although" */
} ctx;

/* ---------------------------------------------------------------- words */

static const char *const skip_words[] = {
	"has", "have", "had", "having", "will", "would", "could", "should",
	"may", "might", "must", "can", "did", "does", "do", "shall", "also",
	"already", "just", "again", "later", "then", "now", "first", "once",
	"reportedly", "repeatedly", "publicly", "privately", "previously",
	"recently", "often", "always", "still", "however", "indeed", "to",
	"continues", "continue", "continued", "come", "came", "forward",
	"went", "wants", "wanted", "want", "sought", "seeks", "tried", "tries",
	"has", "flatly", "openly", "separately", "further", "quickly",
	"emphatically", "bluntly", "simply", "frankly", "yesterday", "today",
	"finally", NULL};

static const char *const anon_heads[] = {
	"official", "officials", "source", "sources", "people", "person",
	"persons", "aide", "aides", "diplomat", "diplomats", "insider",
	"insiders", "spokesman", "spokeswoman", "spokesperson", "someone",
	"somebody", "lawyer", "lawyers", "officer", "officers", "staffer",
	"staffers", "anonymous", "unknown", "reader", "commenter",
	"investigators", "lawmakers", "advisers", "advisors", "adviser",
	"advisor", NULL};

static const char *const doc_heads[] = {
	"report", "reports", "revelation", "revelations", "intercept",
	"intercepts", "document", "documents", "memo", "memos", "statement",
	"cable", "cables", "records", "transcript", "transcripts", "filing",
	"filings", "dossier", NULL};

/* Speech verbs. Class 1: content follows directly. Class 2: a stance that
 * counts only with a that-clause or a quotation. Noun-like base forms
 * ("report", "claim", "note", "state", "comment") are left out. */
static const struct verb {
	const char *w;
	int cls;
} verbs[] = {
	{"said", 1}, {"say", 1}, {"says", 1}, {"told", 1}, {"tell", 1},
	{"tells", 1}, {"added", 1}, {"add", 1}, {"adds", 1}, {"warned", 1},
	{"warn", 1}, {"warns", 1}, {"confirmed", 1}, {"confirm", 1},
	{"confirms", 1}, {"denied", 1}, {"deny", 1}, {"denies", 1},
	{"insisted", 1}, {"insist", 1}, {"insists", 1}, {"acknowledged", 1},
	{"acknowledge", 1}, {"acknowledges", 1}, {"stated", 1}, {"states", 1},
	{"noted", 1}, {"notes", 1}, {"explained", 1}, {"explain", 1},
	{"explains", 1}, {"argued", 1}, {"argue", 1}, {"argues", 1},
	{"claimed", 1}, {"claims", 1}, {"described", 1}, {"describe", 1},
	{"describes", 1}, {"commented", 1}, {"comments", 1}, {"announced", 1},
	{"announce", 1}, {"announces", 1}, {"reported", 1}, {"reports", 1},
	{"alleged", 1}, {"allege", 1}, {"alleges", 1}, {"suggested", 1},
	{"suggest", 1}, {"suggests", 1}, {"wrote", 1}, {"write", 1},
	{"writes", 1}, {"admitted", 1}, {"admit", 1}, {"admits", 1},
	{"conceded", 1}, {"concede", 1}, {"concedes", 1}, {"asserted", 1},
	{"assert", 1}, {"asserts", 1}, {"replied", 1}, {"replies", 1},
	{"responded", 1}, {"testified", 1}, {"emailed", 1}, {"tweeted", 1},
	{"proclaimed", 1}, {"proclaim", 1}, {"proclaims", 1}, {"declared", 1},
	{"declare", 1}, {"declares", 1}, {"predicted", 1}, {"predicts", 1},
	{"recalled", 1}, {"recalls", 1}, {"remarked", 1}, {"cautioned", 1},
	{"vowed", 1}, {"promised", 1}, {"broke", 1},
	{"fears", 2}, {"fear", 2}, {"feared", 2}, {"express", 2},
	{"expressed", 2}, {"expresses", 2}, {"worry", 2}, {"worries", 2},
	{NULL, 0}};

static const char *const abbrevs[] = {
	"Mr", "Mrs", "Ms", "Dr", "St", "Amb", "Gen", "Sen", "Rep", "Gov",
	"Lt", "Col", "Sgt", "Jr", "Sr", "Prof", "Rev", "Capt", "Maj", "Adm",
	"Corp", "Inc", "Co", "Ltd", "No", "vs", "Jan", "Feb", "Mar", "Apr",
	"Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Pres", "Sec", "Dept",
	NULL};

static const char *const numbers[] = {
	"one", "two", "three", "four", "five", "six", "seven", "eight",
	"nine", "ten", "eleven", "twelve", NULL};

static const char *const aff_skip[] = {
	"a", "an", "the", "and", "several", "some", "multiple", "many",
	"few", "current", "former", "senior", "top", "high-ranking",
	"anonymous", "unnamed", "other", "new", "two", "one", "three",
	"four", "five", "six", "seven", "eight", "nine", "ten", "more",
	"most", "various", "numerous", "his", "her", "their", "its", NULL};

/* ------------------------------------------------------------- helpers */

static int is_e280(const char *x, size_t len, size_t i, unsigned char c)
{
	return i + 2 < len && (unsigned char)x[i] == 0xE2 &&
	       (unsigned char)x[i + 1] == 0x80 && (unsigned char)x[i + 2] == c;
}

/* Typographic punctuation that never belongs to a word. */
static int is_upunct(const char *x, size_t len, size_t i)
{
	static const unsigned char p[] = {0x93, 0x94, 0x98, 0x99, 0x9C, 0x9D,
					  0xA6, 0x9E, 0x9A, 0xB9, 0xBA};
	for (size_t k = 0; k < sizeof(p); k++)
		if (is_e280(x, len, i, p[k]))
			return 1;
	return 0;
}

/* Bytes of the Unicode space at i (no-break, en/em/thin, narrow no-break,
 * ideographic), or 0. */
static size_t uspace_len(const char *x, size_t len, size_t i)
{
	const unsigned char *u = (const unsigned char *)x + i;
	if (i + 1 < len && u[0] == 0xC2 && u[1] == 0xA0)
		return 2;
	if (i + 2 < len && u[0] == 0xE2 && u[1] == 0x80 &&
	    (u[2] <= 0x8B || u[2] == 0xAF))
		return 3;
	if (i + 2 < len && u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	return 0;
}

/* A byte of a word: an ASCII letter or digit, or a byte of a non-ASCII
 * character that is not punctuation or a space. Once per byte of the
 * text. */
static inline int is_wordc(const char *x, size_t len, size_t i)
{
	unsigned char c = (unsigned char)x[i];
	if (c < 0x80)
		return morgue_ascii_alnum[c];
	return !is_upunct(x, len, i) && !uspace_len(x, len, i);
}

static size_t u8len(unsigned char c)
{
	if (c >= 0xF0 && c < 0xF8)
		return 4;
	if (c >= 0xE0)
		return c < 0xF0 ? 3 : 1;
	if (c >= 0xC0)
		return 2;
	return 1;
}

static size_t clen(const ctx *c, size_t i)
{
	size_t n = u8len((unsigned char)c->x[i]);
	return i + n <= c->len ? n : c->len - i;
}

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' ||
	       ch == '\f' || ch == '\v';
}

/* c lower-cased if it is an ASCII capital (no locale, no call). */
static inline unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* Token k is the word w (ASCII case-insensitive). No strlen: this is the
 * innermost loop of the rules. */
static int tok_eq(const ctx *c, size_t k, const char *w)
{
	const tok *t = &c->t[k];
	if (t->kind != T_WORD)
		return 0;
	const unsigned char *x = (const unsigned char *)c->x + t->s;
	size_t n = t->e - t->s;
	for (size_t i = 0; i < n; i++) {
		unsigned char a = lower(x[i]), b = lower((unsigned char)w[i]);
		if (!b || a != b)
			return 0;
	}
	return w[n] == 0;
}

/* Token k is one of the words of list (tok_eq). The first letters are
 * compared here, and tok_eq asked only on a match: most words of a list
 * differ from the token there, and the call for each was a sixth of the
 * annotation benchmark. */
static int tok_in(const ctx *c, size_t k, const char *const *list)
{
	const tok *t = &c->t[k];
	if (t->kind != T_WORD)
		return 0;
	unsigned char f = lower((unsigned char)c->x[t->s]);
	for (size_t i = 0; list[i]; i++)
		if (lower((unsigned char)list[i][0]) == f && tok_eq(c, k, list[i]))
			return 1;
	return 0;
}

static int tok_punct(const ctx *c, size_t k, const char *p)
{
	const tok *t = &c->t[k];
	size_t n = strlen(p);
	return t->kind == T_PUNCT && t->e - t->s == n &&
	       !memcmp(c->x + t->s, p, n);
}

static int tok_dash(const ctx *c, size_t k)
{
	return tok_punct(c, k, "\xE2\x80\x93") || tok_punct(c, k, "\xE2\x80\x94");
}

static int tok_upper(const ctx *c, size_t k)
{
	return c->t[k].kind == T_WORD && isupper((unsigned char)c->x[c->t[k].s]);
}

static int tok_ends_nt(const ctx *c, size_t k)
{
	const tok *t = &c->t[k];
	size_t n = t->e - t->s;
	const char *w = c->x + t->s;
	if (t->kind != T_WORD)
		return 0;
	if (n >= 3 && !strncasecmp(w + n - 3, "n't", 3))
		return 1;
	return n >= 5 && !memcmp(w + n - 5, "n\xE2\x80\x99t", 5);
}

/* The speech verb token k is (looked up once, when it is tokenised). */
static const struct verb *verb_of(const ctx *c, size_t k)
{
	return c->t[k].verb >= 0 ? &verbs[c->t[k].verb] : NULL;
}

/* The verbs by first byte (a lower-case letter, or bucket 26 for any
 * other), in list order: a word is compared with the few verbs sharing
 * its first letter, not walked past all of them. Built once. */
#define NVERBS (sizeof(verbs) / sizeof(*verbs))
static unsigned char verb_bucket[27][NVERBS];
static size_t verb_nbucket[27];
/* each verb's length: most words of a bucket are told apart by it,
 * without a compare (the lookup runs for every word of every article) */
static size_t verb_len[NVERBS];
static pthread_once_t verb_once = PTHREAD_ONCE_INIT;

static void verb_index(void)
{
	for (size_t i = 0; verbs[i].w; i++) {
		unsigned char f = (unsigned char)verbs[i].w[0];
		size_t b = f >= 'a' && f <= 'z' ? (size_t)(f - 'a') : 26;
		verb_bucket[b][verb_nbucket[b]++] = (unsigned char)i;
		verb_len[i] = strlen(verbs[i].w);
	}
}

static int verb_lookup(const ctx *c, size_t k)
{
	unsigned char f = lower((unsigned char)c->x[c->t[k].s]);
	pthread_once(&verb_once, verb_index);
	size_t b = f >= 'a' && f <= 'z' ? (size_t)(f - 'a') : 26;
	size_t n = c->t[k].e - c->t[k].s;
	for (size_t j = 0; j < verb_nbucket[b]; j++) {
		int i = verb_bucket[b][j];
		if (verb_len[i] == n && (unsigned char)verbs[i].w[0] == f && tok_eq(c, k, verbs[i].w))
			return i;
	}
	return -1;
}

/* The kind a mention gives a source: a morgue_source_kind, K_PLACE or
 * K_NONE (events, topics: never sources). */
static int men_kind(const ctx *c, long mi)
{
	const char *ty;
	if (mi < 0)
		return K_NONE;
	ty = c->m[mi].type ? c->m[mi].type : "";
	if (!strcmp(ty, "person"))
		return MORGUE_SOURCE_PERSON;
	if (!strcmp(ty, "organization"))
		return MORGUE_SOURCE_ORGANIZATION;
	if (!strcmp(ty, "publication"))
		return MORGUE_SOURCE_PUBLICATION;
	if (!strcmp(ty, "place"))
		return K_PLACE;
	return K_NONE;
}

/* The first token of the mention that token k is in. */
static size_t men_first(const ctx *c, size_t k, size_t lo)
{
	long mi = c->t[k].men;
	while (k > lo && c->t[k - 1].men == mi)
		k--;
	return k;
}

static size_t men_last(const ctx *c, size_t k, size_t hi)
{
	long mi = c->t[k].men;
	while (k + 1 < hi && c->t[k + 1].men == mi)
		k++;
	return k;
}

static void src_from_mention(ctx *c, src *r, size_t k, size_t lo)
{
	long mi = c->t[k].men;
	int mk = men_kind(c, mi);
	memset(r, 0, sizeof(*r));
	r->entity = c->m[mi].entity;
	r->kind = mk == K_PLACE ? MORGUE_SOURCE_ORGANIZATION : mk;
	r->so = c->m[mi].offset;
	r->se = c->m[mi].offset + c->m[mi].length;
	r->first = men_first(c, k, lo);
}

/* ------------------------------------------------------------- quotes */

static void add_quote(ctx *c, size_t open, size_t cs, size_t ce,
		      size_t close_end)
{
	MORGUE_ARRAY_RESERVE(c->q, c->qcap, c->nq + 1);
	c->q[c->nq++] = (quote){open, cs, ce, close_end};
}

#define QUOTE_MAX 6000
#define WALK_MAX 200 /* tokens any backward search looks at */

/* End of the paragraph containing i: the first blank line, or len (at most
 * QUOTE_MAX bytes on). */
static size_t para_end_at(const ctx *c, size_t i)
{
	size_t lim = c->len - i > QUOTE_MAX ? i + QUOTE_MAX : c->len;
	for (; i < lim; i++) {
		if (c->x[i] != '\n')
			continue;
		size_t j = i + 1;
		while (j < c->len && (c->x[j] == ' ' || c->x[j] == '\t' ||
				      c->x[j] == '\r'))
			j++;
		if (j < c->len && c->x[j] == '\n')
			return i;
	}
	return lim;
}

/* Pair quotation marks: “…” (a missing ” closes at the paragraph end; a
 * quotation may run over paragraphs when its ” comes before the next “),
 * straight "…" opened after a space, and ‘…’ within a paragraph. */
static void find_quotes(ctx *c)
{
	const char *x = c->x;
	size_t len = c->len;
	for (size_t i = 0; i < len;) {
		/* every mark below starts with '"' or 0xE2: other bytes are
		 * passed without working out what precedes them */
		if (x[i] != '"' && (unsigned char)x[i] != 0xE2) {
			i++;
			continue;
		}
		int prev_open = i == 0 || is_space(x[i - 1]) || x[i - 1] == '(' ||
				x[i - 1] == '[' ||
				(i >= 3 && is_upunct(x, len, i - 3));
		if (is_e280(x, len, i, 0x9C)) {
			size_t j = i + 3, pe = para_end_at(c, i);
			size_t lim = i + QUOTE_MAX < len ? i + QUOTE_MAX : len;
			for (; j < lim; j++)
				if (is_e280(x, len, j, 0x9D) ||
				    is_e280(x, len, j, 0x9C))
					break;
			if (j < lim && is_e280(x, len, j, 0x9D)) {
				add_quote(c, i, i + 3, j, j + 3);
				i = j + 3;
			} else {
				size_t e = j < pe ? j : pe;
				add_quote(c, i, i + 3, e, e);
				i = e;
			}
			continue;
		}
		if (x[i] == '"' && prev_open) {
			size_t lim = i + QUOTE_MAX < len ? i + QUOTE_MAX : len;
			const char *q = memchr(x + i + 1, '"', lim - i - 1 > 0 ? lim - i - 1 : 0);
			if (q && q > x + i + 1) {
				size_t j = (size_t)(q - x);
				add_quote(c, i, i + 1, j, j + 1);
				i = j + 1;
				continue;
			}
		}
		if (is_e280(x, len, i, 0x98) && prev_open && i + 3 < len &&
		    !is_space(x[i + 3])) {
			size_t pe = para_end_at(c, i), j;
			if (pe > i + 400)
				pe = i + 400; /* single quotations are short */
			for (j = i + 3; j < pe; j++)
				if (is_e280(x, len, j, 0x99) && !is_space(x[j - 1]) &&
				    (j + 3 >= len || !is_wordc(x, len, j + 3)))
					break;
			if (j < pe) {
				add_quote(c, i, i + 3, j, j + 3);
				i = j + 3;
				continue;
			}
		}
		i++;
	}
}

/* ----------------------------------------------------------- tokenising */

static void push_tok(ctx *c, size_t s, size_t e, int kind, int inq, long q)
{
	MORGUE_ARRAY_RESERVE(c->t, c->tcap, c->nt + 1);
	c->t[c->nt++] = (tok){s, e, kind, inq, -1, q, -1};
	if (kind == T_WORD)
		c->t[c->nt - 1].verb = verb_lookup(c, c->nt - 1);
}

static void tokenize(ctx *c)
{
	const char *x = c->x;
	size_t len = c->len, qi = 0, mi = 0;
	int in = 0;
	for (size_t i = 0; i < len;) {
		if (in && i >= c->q[qi].ce) {
			in = 0;
			if (i == c->q[qi].ce && c->q[qi].close_end > i) {
				push_tok(c, i, c->q[qi].close_end, T_QCLOSE, 0,
					 (long)qi);
				i = c->q[qi++].close_end;
				continue;
			}
			qi++;
		}
		while (!in && qi < c->nq && c->q[qi].open < i)
			qi++;
		if (!in && qi < c->nq && c->q[qi].open == i) {
			push_tok(c, i, c->q[qi].cs, T_QOPEN, 0, (long)qi);
			i = c->q[qi].cs;
			in = 1;
			continue;
		}
		if (is_space(x[i]) || uspace_len(x, len, i)) {
			i += is_space(x[i]) ? 1 : uspace_len(x, len, i);
			continue;
		}
		size_t j = i;
		if (is_wordc(x, len, i)) {
			while (j < len) {
				unsigned char ch = (unsigned char)x[j];
				if (ch < 0x80 ? morgue_ascii_alnum[ch] : is_wordc(x, len, j)) {
					j += ch < 0x80 ? 1 : clen(c, j);
					continue;
				}
				/* internal ' - . ’ between word characters */
				size_t n = is_e280(x, len, j, 0x99) ? 3 : 1;
				if ((x[j] == '\'' || x[j] == '-' || x[j] == '.' ||
				     n == 3) &&
				    j + n < len && is_wordc(x, len, j + n) &&
				    (x[j] != '.' || isalpha((unsigned char)x[j + n])) &&
				    (!in || j + n < c->q[qi].ce)) {
					j += n;
					continue;
				}
				break;
			}
			if (in && j > c->q[qi].ce)
				j = c->q[qi].ce > i ? c->q[qi].ce : j;
			push_tok(c, i, j, T_WORD, in, -1);
		} else {
			j = i + clen(c, i);
			push_tok(c, i, j, T_PUNCT, in, -1);
		}
		i = j;
	}
	/* mentions */
	for (size_t k = 0; k < c->nt; k++) {
		tok *t = &c->t[k];
		while (mi < c->nm && c->m[mi].offset + c->m[mi].length <= t->s)
			mi++;
		if (mi < c->nm && c->m[mi].offset <= t->s &&
		    t->e <= c->m[mi].offset + c->m[mi].length)
			t->men = (long)mi;
	}
}

/* ----------------------------------------------------------- sentences */

static int gap_has(const ctx *c, size_t a, size_t b, int blank)
{
	for (size_t i = a; i < b; i++) {
		if (c->x[i] != '\n')
			continue;
		if (!blank)
			return 1;
		for (size_t j = i + 1; j < b; j++) {
			if (c->x[j] == '\n')
				return 1;
			if (!is_space(c->x[j]))
				break;
		}
	}
	return 0;
}

static int is_abbrev(const ctx *c, size_t k)
{
	const tok *p;
	if (k == 0)
		return 0;
	p = &c->t[k - 1];
	if (p->kind != T_WORD || p->e != c->t[k].s)
		return 0;
	if (p->e - p->s == 1 || memchr(c->x + p->s, '.', p->e - p->s))
		return 1;
	for (size_t i = 0; abbrevs[i]; i++)
		if (strlen(abbrevs[i]) == p->e - p->s &&
		    !memcmp(c->x + p->s, abbrevs[i], p->e - p->s))
			return 1;
	return 0;
}

static int starts_sentence(const ctx *c, size_t k)
{
	return c->t[k].kind == T_QOPEN || tok_upper(c, k);
}

/* Whether token k ends a sentence (given the gap to the next token). */
static int ends_sentence(const ctx *c, size_t k)
{
	const tok *t = &c->t[k];
	size_t ge = k + 1 < c->nt ? c->t[k + 1].s : c->len;
	int inside = t->inq || t->kind == T_QOPEN;
	if (k + 1 >= c->nt)
		return 1;
	if (!inside && gap_has(c, t->e, ge, 0))
		return 1;
	if (inside || ge == t->e || !starts_sentence(c, k + 1))
		return 0;
	if (t->kind == T_PUNCT && (c->x[t->s] == '.' || c->x[t->s] == '!' ||
				   c->x[t->s] == '?' ||
				   is_e280(c->x, c->len, t->s, 0xA6)))
		return !is_abbrev(c, k) && t->men < 0;
	if (t->kind == T_QCLOSE) {
		size_t i = t->s;
		while (i > 0 && is_space(c->x[i - 1]))
			i--;
		return i > 0 && (c->x[i - 1] == '.' || c->x[i - 1] == '!' ||
				 c->x[i - 1] == '?');
	}
	return 0;
}

static int is_credit_dash(const ctx *c, size_t k)
{
	return k + 1 < c->nt && tok_punct(c, k, "-") && tok_punct(c, k + 1, "-") &&
	       c->t[k].e == c->t[k + 1].s;
}

/* Where a trailing credit ("-- CNN", "(Politico).") starts, or t1. Sets
 * *ci to the first token of the credit's mention. */
static size_t credit_start(const ctx *c, size_t t0, size_t t1, size_t *ci,
			   int *paren)
{
	size_t e = t1;
	while (e > t0 && c->t[e - 1].kind == T_PUNCT &&
	       (tok_punct(c, e - 1, ".") || tok_punct(c, e - 1, ",")))
		e--;
	if (e < t0 + 3)
		return t1;
	if (tok_punct(c, e - 1, ")") && c->t[e - 2].men >= 0) {
		size_t f = men_first(c, e - 2, t0);
		if (f > t0 + 1 && tok_punct(c, f - 1, "(") &&
		    men_kind(c, c->t[f].men) == MORGUE_SOURCE_PUBLICATION) {
			*ci = f, *paren = 1;
			return f - 1;
		}
	}
	if (c->t[e - 1].men >= 0) {
		size_t f = men_first(c, e - 1, t0);
		int mk = men_kind(c, c->t[f].men);
		if (f >= t0 + 3 && is_credit_dash(c, f - 2) &&
		    c->t[e - 1].e == c->m[c->t[f].men].offset + c->m[c->t[f].men].length &&
		    (mk == MORGUE_SOURCE_PUBLICATION ||
		     mk == MORGUE_SOURCE_ORGANIZATION)) {
			*ci = f, *paren = 0;
			return f - 2;
		}
	}
	return t1;
}

static void split_sentences(ctx *c)
{
	size_t t0 = 0;
	int para = 0;
	size_t pstart = c->nt ? c->t[0].s : 0;
	for (size_t k = 0; k < c->nt; k++) {
		if (!ends_sentence(c, k))
			continue;
		size_t ge = k + 1 < c->nt ? c->t[k + 1].s : c->len;
		int blank = k + 1 >= c->nt || gap_has(c, c->t[k].e, ge, 1);
		size_t ci;
		int paren;
		MORGUE_ARRAY_RESERVE(c->s, c->scap, c->ns + 1);
		sent *s = &c->s[c->ns++];
		memset(s, 0, sizeof(*s));
		s->t0 = t0, s->t1 = k + 1;
		s->tend = credit_start(c, t0, k + 1, &ci, &paren);
		s->para = para, s->para_end = blank, s->para_start = pstart;
		t0 = k + 1;
		if (blank) {
			para++;
			pstart = k + 1 < c->nt ? c->t[k + 1].s : c->len;
		}
	}
}

/* ------------------------------------------------------------- output */

static void add_attr(ctx *c, const src *r, const char *cue, size_t cuelen,
		     size_t off, size_t end)
{
	while (end > off && is_space(c->x[end - 1]))
		end--;
	while (off < end && is_space(c->x[off]))
		off++;
	if (end <= off || r->se <= r->so)
		return;
	for (size_t i = c->nout > 16 ? c->nout - 16 : 0; i < c->nout; i++) {
		morgue_attribution *a = &c->out[i];
		if (a->offset == off && (int)a->kind == r->kind &&
		    ((!a->source && !r->entity) ||
		     (a->source && r->entity && !strcmp(a->source, r->entity))))
			return;
	}
	MORGUE_ARRAY_RESERVE(c->out, c->ocap, c->nout + 1);
	morgue_attribution *a = &c->out[c->nout++];
	memset(a, 0, sizeof(*a));
	a->source = r->entity ? morgue_strdup(r->entity) : NULL;
	a->source_text = morgue_strndup(c->x + r->so, r->se - r->so);
	a->kind = (morgue_source_kind)r->kind;
	a->cue = morgue_strndup(cue, cuelen);
	a->affiliation = r->ae > r->as ? morgue_strndup(c->x + r->as, r->ae - r->as)
				       : NULL;
	a->count = r->count;
	a->offset = off, a->length = end - off;
	a->source_offset = r->so, a->source_length = r->se - r->so;
}

static void add_attr_cue_tokens(ctx *c, const src *r, size_t k0, size_t k1,
				size_t off, size_t end)
{
	morgue_buf b = MORGUE_BUF_INIT;
	for (size_t k = k0; k <= k1; k++) {
		if (k > k0)
			morgue_buf_putc(&b, ' ');
		for (size_t i = c->t[k].s; i < c->t[k].e; i++)
			morgue_buf_putc(&b, tolower((unsigned char)c->x[i]));
	}
	add_attr(c, r, morgue_buf_cstr(&b), b.size, off, end);
	morgue_buf_free(&b);
}

/* ---------------------------------------------------------- NP analysis */

static int is_head(const ctx *c, size_t k)
{
	return tok_in(c, k, anon_heads) || tok_in(c, k, doc_heads);
}

static int np_stop(const ctx *c, size_t k)
{
	static const char *const stop[] = {
		"that", "which", "who", "when", "while", "because", "but",
		"if", "as", "is", "are", "was", "were", "be", "been", "to",
		"from", "by", "with", "on", "in", "at", "for", "about", "i",
		"we", "he", "she", "they", "it", "you", "according", "than",
		"so", "also", NULL};
	return tok_in(c, k, stop) || verb_of(c, k) != NULL;
}

/* Fill r from the noun phrase [a, h] whose head is token h; source text
 * [a, e). Staff of a named organisation or publication speak for it. */
static void np_classify(ctx *c, src *r, size_t a, size_t h, size_t e)
{
	long org = -1;
	int sum = 0, singular;
	size_t k, hl = c->t[h].e - c->t[h].s;
	memset(r, 0, sizeof(*r));
	for (k = a; k < e; k++) {
		int mk = men_kind(c, c->t[k].men);
		if (mk == MORGUE_SOURCE_ORGANIZATION ||
		    mk == MORGUE_SOURCE_PUBLICATION)
			org = c->t[k].men;
	}
	r->so = c->t[a].s, r->se = c->t[e - 1].e, r->first = a;
	if (org >= 0) {
		r->entity = c->m[org].entity;
		r->kind = men_kind(c, org);
		return;
	}
	r->kind = tok_in(c, h, doc_heads) ? MORGUE_SOURCE_DOCUMENT
					   : MORGUE_SOURCE_ANONYMOUS;
	if (r->kind == MORGUE_SOURCE_DOCUMENT)
		return;
	for (k = a; k < h; k++) {
		if (tok_eq(c, k, "a") || tok_eq(c, k, "an"))
			sum += 1;
		for (size_t i = 0; numbers[i]; i++)
			if (tok_eq(c, k, numbers[i]))
				sum += (int)i + 1;
		if (c->t[k].kind == T_WORD && isdigit((unsigned char)c->x[c->t[k].s]))
			sum += atoi(c->x + c->t[k].s) > 0 && atoi(c->x + c->t[k].s) < 1000
				       ? atoi(c->x + c->t[k].s)
				       : 0;
	}
	singular = !(hl > 1 && tolower((unsigned char)c->x[c->t[h].e - 1]) == 's') &&
		   !tok_eq(c, h, "people");
	if (tok_eq(c, h, "anonymous") || tok_eq(c, h, "unknown") ||
	    tok_eq(c, h, "someone") || tok_eq(c, h, "somebody"))
		singular = 1;
	r->count = singular && sum == 0 ? 1 : sum;
	/* affiliation: the modifiers between quantifiers and the head */
	for (k = h; k > a && !tok_in(c, k - 1, aff_skip); k--)
		;
	if (k < h && c->t[k].kind == T_WORD)
		r->as = c->t[k].s, r->ae = c->t[h - 1].e;
}

/* Walk back from head h to the start of its noun phrase (at most 8 tokens,
 * never before lo). */
static size_t np_back(const ctx *c, size_t lo, size_t h)
{
	size_t k = h;
	while (k > lo && h - k < 8) {
		size_t p = k - 1;
		const tok *t = &c->t[p];
		if (t->inq || (t->kind != T_WORD && t->men < 0))
			break;
		if (t->men < 0 && np_stop(c, p))
			break;
		if (tok_eq(c, p, "and") &&
		    !(tok_in(c, k, numbers) || tok_eq(c, k, "a")))
			break;
		k = p;
	}
	while (k < h && tok_eq(c, k, "and"))
		k++;
	return k;
}

/* ------------------------------------------------------ source finding */

static int pron_person(ctx *c, const sent *s, size_t k, src *r)
{
	for (size_t j = k; j > 0 && c->t[j - 1].s >= s->para_start &&
			   k - j < 20 * WALK_MAX; j--) {
		const tok *t = &c->t[j - 1];
		if (!t->inq && men_kind(c, t->men) == MORGUE_SOURCE_PERSON) {
			src_from_mention(c, r, j - 1, 0);
			r->so = c->t[k].s, r->se = c->t[k].e, r->first = k;
			return 1;
		}
	}
	return 0;
}

static int pron_they(ctx *c, const sent *s, size_t k, src *r)
{
	for (size_t i = c->nout; i > 0 && c->nout - i < 64; i--) {
		const morgue_attribution *a = &c->out[i - 1];
		if (a->source_offset < s->para_start)
			break;
		if (a->kind == MORGUE_SOURCE_DOCUMENT || a->kind == MORGUE_SOURCE_PERSON)
			continue;
		memset(r, 0, sizeof(*r));
		r->entity = a->source;
		r->kind = (int)a->kind;
		r->count = a->count;
		r->so = c->t[k].s, r->se = c->t[k].e, r->first = k;
		return 1;
	}
	return 0;
}

/* Last person/organisation/publication mention in [lo, hi) outside
 * quotations (the speaker before an apposition). */
static int last_actor(ctx *c, size_t lo, size_t hi, src *r)
{
	for (size_t j = hi; j > lo && hi - j < WALK_MAX; j--) {
		int mk = men_kind(c, c->t[j - 1].men);
		if (!c->t[j - 1].inq && mk != K_NONE && mk != K_PLACE) {
			src_from_mention(c, r, j - 1, lo);
			return 1;
		}
	}
	return 0;
}

/* "Someone who reads this blog has emailed", "people familiar with the
 * matter said": an anonymous head followed by a post-modifier. */
static int anon_postmod(ctx *c, size_t lo, size_t hi, src *r)
{
	static const char *const post[] = {
		"who", "familiar", "briefed", "close", "speaking", "with",
		"involved", "knowledgeable", NULL};
	if (hi > lo + 40)
		lo = hi - 40;
	for (size_t k = lo; k + 1 < hi; k++) {
		/* the word after first (one of eight), then the head (one
		 * of 35): most tokens fail the first test, and comparing
		 * every token with the 35 heads was an eighth of the
		 * extraction */
		if (c->t[k].inq || !tok_in(c, k + 1, post) ||
		    !tok_in(c, k, anon_heads))
			continue;
		size_t a = np_back(c, lo, k), e = hi;
		np_classify(c, r, a, k, k + 1);
		while (e > k + 1 && (tok_in(c, e - 1, skip_words) ||
				     c->t[e - 1].kind != T_WORD))
			e--;
		r->se = c->t[e - 1].e;
		return 1;
	}
	return 0;
}

/* Title abbreviations and what they stand for. */
static const char *const title_abbr[][2] = {
	{"amb", "ambassador"}, {"sen", "senator"}, {"rep", "representative"},
	{"gov", "governor"}, {"gen", "general"}, {"sec", "secretary"},
	{"pres", "president"}, {"min", "minister"}, {"lt", "lieutenant"},
	{"col", "colonel"}, {"adm", "admiral"}, {"capt", "captain"}};
#define NABBR (sizeof(title_abbr) / sizeof(*title_abbr))

/* The abbreviated title at token k ("Amb"), or NULL. */
static const char *abbr_of(const ctx *c, size_t k)
{
	for (size_t i = 0; i < NABBR; i++)
		if (tok_eq(c, k, title_abbr[i][0]))
			return title_abbr[i][1];
	return NULL;
}

/* Tokens a and b are the same word, ignoring case and title
 * abbreviations ("Amb" = "Ambassador"). */
static int same_word(const ctx *c, size_t a, size_t b)
{
	const char *x;
	size_t la = c->t[a].e - c->t[a].s, lb = c->t[b].e - c->t[b].s;
	if (c->t[a].kind != T_WORD || c->t[b].kind != T_WORD)
		return 0;
	if (la == lb && !strncasecmp(c->x + c->t[a].s, c->x + c->t[b].s, la))
		return 1;
	if ((x = abbr_of(c, a)) != NULL && tok_eq(c, b, x))
		return 1;
	return (x = abbr_of(c, b)) != NULL && tok_eq(c, a, x);
}

/* A person named as the source at the start of sentence si: "According
 * to PERSON" or PERSON as the first words. -1 if none. */
static long named_next(const ctx *c, size_t si)
{
	const sent *n;
	size_t k;
	if (si >= c->ns)
		return -1;
	n = &c->s[si];
	k = n->t0;
	if (k + 2 < n->tend && tok_eq(c, k, "according") && tok_eq(c, k + 1, "to"))
		k += 2;
	if (k < n->tend && men_kind(c, c->t[k].men) == MORGUE_SOURCE_PERSON)
		return c->t[k].men;
	return -1;
}

/* A speaker named only by a description. "a German MP warned …" followed
 * by "According to Thomas Opperman – …" is that person (an indefinite
 * role introduced, then named); "Russian ambassador told …" is the person
 * introduced earlier with exactly that title ("Russian Ambassador Sergey
 * Kislyak"), when only one person was. Tokens [a, h] are the description. */
static int describe_resolve(ctx *c, size_t si, size_t a, size_t h, src *r)
{
	static const char *const roles[] = {
		"mp", "lawmaker", "legislator", "senator", "minister",
		"journalist", "reporter", "ambassador", "politician", "leader",
		"commander", "activist", "chancellor", "president", "secretary",
		"envoy", "general", "diplomat", NULL};
	const sent *s = &c->s[si];
	long found = -1;
	const char *ab = abbr_of(c, h);
	if (c->t[h].kind != T_WORD || !(tok_in(c, h, roles) || ab))
		return 0;
	if (tok_eq(c, a, "a") || tok_eq(c, a, "an")) {
		if (si + 1 >= c->ns || s->para_end)
			return 0;
		found = named_next(c, si + 1);
	} else {
		size_t nw = h - a + 1 - (tok_eq(c, a, "the") ? 1 : 0);
		size_t lo = 0, hi = c->nm, seen = 0;
		/* the person mentions before the description, newest first, at
		 * most WALK_MAX of them */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (c->m[mid].offset < c->t[a].s)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t mi = lo; mi > 0 && seen < WALK_MAX; mi--) {
			size_t f, w, k, tl = 0, th = c->nt;
			if (men_kind(c, (long)(mi - 1)) != MORGUE_SOURCE_PERSON)
				continue;
			seen++;
			while (tl < th) { /* the mention's first token */
				size_t mid = tl + (th - tl) / 2;
				if (c->t[mid].s < c->m[mi - 1].offset)
					tl = mid + 1;
				else
					th = mid;
			}
			k = tl;
			if (k >= c->nt || c->t[k].men != (long)(mi - 1))
				continue;
			f = k;
			for (w = 0; w < nw && f > 0; w++, f--)
				if (!same_word(c, f - 1, h - w))
					break;
			if (w < nw)
				continue;
			if (found >= 0 && strcmp(c->m[found].entity, c->m[c->t[k].men].entity))
				return 0; /* two people with that title */
			found = c->t[k].men;
		}
	}
	if (found < 0)
		return 0;
	memset(r, 0, sizeof(*r));
	r->entity = c->m[found].entity;
	r->kind = MORGUE_SOURCE_PERSON;
	r->so = c->t[a].s, r->se = c->t[h].e, r->first = a;
	return 1;
}

/* "reports suggested that … . In those reports (written in the Israeli
 * newspaper Yediot Ahronot), …": the reports are that publication's. */
static void doc_cataphora(ctx *c, size_t si, src *r)
{
	const sent *n;
	if (r->kind != MORGUE_SOURCE_DOCUMENT || r->entity || si + 1 >= c->ns)
		return;
	n = &c->s[si + 1];
	for (size_t k = n->t0; k + 1 < n->tend && k < n->t0 + 12; k++) {
		if (!(tok_eq(c, k, "those") || tok_eq(c, k, "these")) ||
		    !(tok_eq(c, k + 1, "reports") || tok_eq(c, k + 1, "report")))
			continue;
		for (size_t j = k + 2; j < n->tend && j < k + 16; j++)
			if (men_kind(c, c->t[j].men) == MORGUE_SOURCE_PUBLICATION) {
				r->entity = c->m[c->t[j].men].entity;
				r->kind = MORGUE_SOURCE_PUBLICATION;
				return;
			}
		return;
	}
}

enum { SUBJ_NONE = 0, SUBJ_OK = 1, SUBJ_AFTER = 2 };

/* Who is the subject of the cue at token v of sentence s? Walks back over
 * auxiliaries and adverbs. SUBJ_AFTER: the cue follows a quotation
 * directly ("…,” said X"), look after it. */
static int subject_back(ctx *c, const sent *s, size_t v, int strict, src *r)
{
	size_t j = v;
	if (j > s->t0 && c->t[j - 1].kind == T_QCLOSE)
		return SUBJ_AFTER;
	while (j > s->t0) {
		j--;
		const tok *t = &c->t[j];
		if (t->inq || t->kind == T_QOPEN || t->kind == T_QCLOSE)
			return SUBJ_NONE;
		if (t->men >= 0) {
			if (men_kind(c, t->men) == K_NONE)
				return SUBJ_NONE;
			src_from_mention(c, r, j, s->t0);
			return SUBJ_OK;
		}
		if (t->kind == T_PUNCT) {
			if (!strict && (tok_punct(c, j, ",") || tok_dash(c, j)))
				return last_actor(c, s->t0, j, r) ? SUBJ_OK : SUBJ_NONE;
			/* "Russian Amb. said" */
			if (!strict && tok_punct(c, j, ".") && j > s->t0 &&
			    c->t[j - 1].e == t->s && abbr_of(c, j - 1) &&
			    describe_resolve(c, (size_t)(s - c->s),
					     np_back(c, s->t0, j - 1), j - 1, r)) {
				r->se = t->e; /* with the abbreviation's dot */
				return SUBJ_OK;
			}
			return SUBJ_NONE;
		}
		if (tok_in(c, j, skip_words))
			continue;
		if (tok_eq(c, j, "he") || tok_eq(c, j, "she"))
			return pron_person(c, s, j, r) ? SUBJ_OK : SUBJ_NONE;
		if (tok_eq(c, j, "they"))
			return pron_they(c, s, j, r) ? SUBJ_OK : SUBJ_NONE;
		if (tok_eq(c, j, "who") || tok_eq(c, j, "which")) {
			size_t k = j;
			if (k > s->t0 && tok_punct(c, k - 1, ","))
				k--;
			if (k > s->t0 && c->t[k - 1].men >= 0 &&
			    men_kind(c, c->t[k - 1].men) != K_NONE) {
				src_from_mention(c, r, k - 1, s->t0);
				r->rel = 1;
				return SUBJ_OK;
			}
			return anon_postmod(c, s->t0, j, r) ? SUBJ_OK : SUBJ_NONE;
		}
		if (is_head(c, j)) {
			size_t a = np_back(c, s->t0, j);
			np_classify(c, r, a, j, j + 1);
			return SUBJ_OK;
		}
		if (strict)
			return SUBJ_NONE;
		if (describe_resolve(c, (size_t)(s - c->s), np_back(c, s->t0, j), j, r))
			return SUBJ_OK;
		return anon_postmod(c, s->t0, v, r) ? SUBJ_OK : SUBJ_NONE;
	}
	return SUBJ_NONE;
}

/* "…,” said Lavrov." / "…,” said a senior official.": the subject after
 * the cue. */
static int subject_after(ctx *c, const sent *s, size_t v, src *r)
{
	for (size_t k = v + 1; k < s->tend && k < v + 10; k++) {
		const tok *t = &c->t[k];
		if (t->inq || t->kind != T_WORD)
			return 0;
		if (t->men >= 0) {
			if (men_kind(c, t->men) == K_NONE)
				return 0;
			src_from_mention(c, r, k, s->t0);
			return 1;
		}
		if (tok_eq(c, k, "he") || tok_eq(c, k, "she"))
			return pron_person(c, s, k, r);
		if (is_head(c, k)) {
			size_t a = k;
			while (a > v + 1 && !np_stop(c, a - 1))
				a--;
			np_classify(c, r, a, k, k + 1);
			return 1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------- spans */

static void quote_span(const ctx *c, long qi, size_t *o, size_t *e)
{
	*o = c->q[qi].cs, *e = c->q[qi].ce;
}

static int is_endpunct(const ctx *c, size_t k)
{
	return c->t[k].kind == T_PUNCT && !tok_dash(c, k) &&
	       !tok_punct(c, k, ")") && !tok_punct(c, k, "\xE2\x80\x99");
}

/* Tokens [k, e) as a span, stripping punctuation at the end and a leading
 * comma/colon; a span that is one quotation is its content; a single word
 * (not a name) is no span. */
static int tokens_span(const ctx *c, size_t k, size_t e, size_t *o, size_t *end)
{
	while (k < e && (tok_punct(c, k, ",") || tok_punct(c, k, ":")))
		k++;
	while (e > k && is_endpunct(c, e - 1))
		e--;
	if (e <= k)
		return 0;
	if (c->t[k].kind == T_QOPEN) {
		long qi = c->t[k].q;
		if (e == k + 1 || c->t[e - 1].e <= c->q[qi].close_end) {
			quote_span(c, qi, o, end);
			return *end > *o;
		}
	}
	/* one word says nothing ("who said little, left") */
	if (e == k + 1 && c->t[k].men < 0)
		return 0;
	*o = c->t[k].s, *end = c->t[e - 1].e;
	return 1;
}

/* The next sentence of a paragraph-final cue ("Jessica Stone reports." /
 * "Anonymous said..." / "… described it this way:"). */
static int next_sentence_span(ctx *c, size_t si, size_t *o, size_t *e)
{
	if (!c->s[si].para_end || si + 1 >= c->ns)
		return 0;
	sent *n = &c->s[si + 1];
	if (!tokens_span(c, n->t0, n->tend, o, e))
		return 0;
	n->claimed = 1;
	return 1;
}

/* End token of the reported clause: the sentence end without a trailing
 * credit, or the next clause cut (see ctx.cut). */
static size_t clause_end(const ctx *c, const sent *s, size_t k)
{
	size_t j = k < c->nt ? c->cut[k] : c->nt;
	return j < s->tend ? j : s->tend;
}

/* The span reported by the cue ending at token k-1, whose subject starts
 * at token subj. need_that: stance verbs need a that-clause or quote. */
static int span_after(ctx *c, size_t si, size_t k, size_t subj, int need_that,
		      int describe, size_t *o, size_t *e)
{
	sent *s = &c->s[si];
	size_t end = clause_end(c, s, k), last = end;
	while (last > k && is_endpunct(c, last - 1) && !tok_punct(c, last - 1, ":"))
		last--;
	/* "… this way:" + a quotation paragraph */
	if (last > k && tok_punct(c, last - 1, ":") && s->para_end &&
	    si + 1 < c->ns && c->t[c->s[si + 1].t0].kind == T_QOPEN)
		return next_sentence_span(c, si, o, e);
	/* a quotation after at most a short lead ending in , : that as */
	for (size_t j = k; j < end && j < k + 9; j++) {
		if (c->t[j].kind != T_QOPEN)
			continue;
		if (j == k || tok_punct(c, j - 1, ",") || tok_punct(c, j - 1, ":") ||
		    tok_eq(c, j - 1, "that") || tok_eq(c, j - 1, "as")) {
			quote_span(c, c->t[j].q, o, e);
			return *e > *o;
		}
		break;
	}
	/* that-clause close to the verb */
	for (size_t j = k; j < end && j < k + 9; j++) {
		if (c->t[j].inq || tok_punct(c, j, ",") || tok_dash(c, j) ||
		    tok_punct(c, j, "(") || c->t[j].kind == T_QOPEN)
			break;
		if (tok_eq(c, j, "that"))
			return tokens_span(c, j + 1, end, o, e);
	}
	if (describe)
		for (size_t j = k; j < end && j < k + 7; j++)
			if (tok_eq(c, j, "as"))
				return tokens_span(c, j + 1, end, o, e);
	if (need_that)
		return 0;
	/* "“…,” X said on Tuesday." */
	if (subj > s->t0 && (c->t[subj - 1].kind == T_QCLOSE ||
			     (subj > s->t0 + 1 && tok_punct(c, subj - 1, ",") &&
			      c->t[subj - 2].kind == T_QCLOSE))) {
		size_t qc = c->t[subj - 1].kind == T_QCLOSE ? subj - 1 : subj - 2;
		quote_span(c, c->t[qc].q, o, e);
		return *e > *o;
	}
	if (tokens_span(c, k, end, o, e))
		return 1;
	/* nothing after the cue */
	for (size_t j = subj; j > s->t0 && subj - j < WALK_MAX; j--)
		if (c->t[j - 1].kind == T_QCLOSE) {
			quote_span(c, c->t[j - 1].q, o, e);
			return *e > *o;
		}
	if (subj >= s->t0 + 2 && tok_punct(c, subj - 1, ","))
		return tokens_span(c, s->t0, subj - 1, o, e);
	return next_sentence_span(c, si, o, e);
}

/* ------------------------------------------------------------ the rules */

static int negated(const ctx *c, const sent *s, size_t v)
{
	for (size_t j = v; j > s->t0 && v - j < 3; j--)
		if (tok_eq(c, j - 1, "not") || tok_eq(c, j - 1, "never") ||
		    tok_ends_nt(c, j - 1))
			return 1;
	return 0;
}

/* Whether the cue at v is passive ("is said to", "was told", "has been
 * reported"); *be is the be-verb. */
static int passive_be(const ctx *c, const sent *s, size_t v, size_t *be)
{
	static const char *const adv[] = {
		"also", "already", "just", "reportedly", "widely", "previously",
		"first", "now", "often", "long", "repeatedly", "initially",
		"originally", NULL};
	static const char *const bev[] = {"is", "are", "was", "were", "be",
					  "been", "being", NULL};
	for (size_t j = v; j > s->t0 && v - j < 4; j--) {
		if (tok_in(c, j - 1, bev)) {
			*be = j - 1;
			return 1;
		}
		if (!tok_in(c, j - 1, adv))
			break;
	}
	return 0;
}

/* Whether o is the start of a quotation's content. */
static int is_quote_start(const ctx *c, size_t o)
{
	size_t lo = 0, hi = c->nq;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->q[mid].cs < o)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->nq && c->q[lo].cs == o;
}

static void rule_verb(ctx *c, size_t si, size_t v, const struct verb *vb)
{
	sent *s = &c->s[si];
	src r;
	size_t o, e, be, cue0 = v, cue1 = v;
	int st, strict;
	static const char *const noun_verbs[] = {
		"reports", "claims", "comments", "notes", "states", "fears",
		"fear", "worries", "worry", NULL};
	if (negated(c, s, v) || (c->t[v].s >= c->vspan_s && c->t[v].s < c->vspan_e))
		return;
	if (tok_eq(c, v, "broke")) {
		int ok = v > s->t0 && tok_eq(c, v - 1, "first");
		for (size_t j = v + 1; j < s->tend && j < v + 4; j++)
			if (tok_eq(c, j, "story") || tok_eq(c, j, "news"))
				ok = 1;
		if (!ok)
			return;
	}
	if (v > s->t0 && tok_eq(c, v - 1, "first"))
		cue0 = v - 1;
	if (passive_be(c, s, v, &be)) {
		/* "it was reported that …": an unnamed report */
		while (be > s->t0 && (tok_eq(c, be - 1, "has") ||
				      tok_eq(c, be - 1, "had") ||
				      tok_eq(c, be - 1, "have")))
			be--;
		if (tok_eq(c, v, "reported") && be > s->t0 &&
		    tok_eq(c, be - 1, "it") && v + 1 < s->tend &&
		    tok_eq(c, v + 1, "that")) {
			memset(&r, 0, sizeof(r));
			r.kind = MORGUE_SOURCE_DOCUMENT;
			r.so = c->t[be - 1].s, r.se = c->t[v].e, r.first = be - 1;
			if (tokens_span(c, v + 2, clause_end(c, s, v + 2), &o, &e))
				add_attr_cue_tokens(c, &r, be - 1, v, o, e);
		}
		return;
	}
	/* "reports", "claims", "fears" are nouns as often as verbs */
	strict = tok_in(c, v, noun_verbs);
	if (strict && v + 1 < s->tend && verb_of(c, v + 1))
		return;
	st = subject_back(c, s, v, strict, &r);
	if (st == SUBJ_NONE)
		return;
	if (st == SUBJ_AFTER) {
		if (!subject_after(c, s, v, &r))
			return;
		quote_span(c, c->t[v - 1].q, &o, &e);
		add_attr_cue_tokens(c, &r, cue0, cue1, o, e);
		return;
	}
	doc_cataphora(c, si, &r);
	if (!span_after(c, si, v + 1, r.first, vb->cls == 2,
			!strncasecmp(c->x + c->t[v].s, "describ", 7), &o, &e))
		return;
	/* "Kushner, who said the plan was dead, left early": the relative
	 * clause ends at its comma */
	if (r.rel && !(o > 0 && c->t[v].e < o && is_quote_start(c, o))) {
		const char *cm = memchr(c->x + o, ',', e - o);
		if (cm)
			e = (size_t)(cm - c->x);
		if (!memchr(c->x + o, ' ', e - o))
			return; /* one word */
	}
	add_attr_cue_tokens(c, &r, cue0, cue1, o, e);
	/* "Kislyak said Kushner suggested …": no nested attribution for a
	 * verb among the first words of the reported clause ("…, but
	 * Tillerson said …" later in it still counts) */
	if (o > c->t[v].s) {
		size_t k = v + 1;
		while (k < s->tend && c->t[k].s < o)
			k++;
		k = k + 5 < s->tend ? k + 5 : s->tend - 1;
		c->vspan_s = o, c->vspan_e = c->t[k].e < e ? c->t[k].e : e;
	}
}

/* The noun phrase after "according to" / "citing" starting at token a.
 * final: the phrase runs to the clause end. Sets *ne past the phrase. */
static int source_np(ctx *c, const sent *s, size_t a, int final, size_t *ne,
		     src *r)
{
	size_t lim = clause_end(c, s, a), h, k;
	size_t b = a;
	while (lim > a && is_endpunct(c, lim - 1))
		lim--;
	h = lim;
	if (a >= lim)
		return 0;
	if (tok_eq(c, b, "the") && b + 1 < lim)
		b++;
	if (c->t[b].men >= 0 && !c->t[b].inq) {
		int mk = men_kind(c, c->t[b].men);
		size_t ml = men_last(c, b, lim);
		if (mk != K_NONE && (mk != K_PLACE || ml + 1 >= lim ||
				     !is_head(c, ml + 1))) {
			src_from_mention(c, r, b, s->t0);
			*ne = ml + 1;
			return 1;
		}
	}
	/* the phrase: to a comma, or to the clause end when final, or to its
	 * head noun */
	for (k = a; k < lim; k++)
		if (tok_punct(c, k, ",") || c->t[k].inq ||
		    (c->t[k].kind != T_WORD && c->t[k].men < 0))
			break;
	size_t pe = k;
	for (k = a; k < pe && k < a + 8; k++)
		if (is_head(c, k)) {
			h = k;
			break;
		}
	if (h == lim)
		return 0;
	if (!final && (pe == lim || pe - a > 12))
		pe = h + 1;
	np_classify(c, r, a, h, pe);
	/* "those reports": the publication named shortly before */
	if (r->kind == MORGUE_SOURCE_DOCUMENT &&
	    (tok_eq(c, a, "those") || tok_eq(c, a, "these"))) {
		size_t at = c->t[a].s, lo = 0, hi = c->nm;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (c->m[mid].offset < at)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t mi = lo; mi > 0; mi--) {
			const morgue_attr_mention *m = &c->m[mi - 1];
			if (m->offset >= at)
				continue;
			if (m->offset + 1500 < at)
				break;
			if (men_kind(c, (long)(mi - 1)) == MORGUE_SOURCE_PUBLICATION) {
				r->entity = m->entity;
				r->kind = MORGUE_SOURCE_PUBLICATION;
				break;
			}
		}
	}
	*ne = pe;
	return 1;
}

static void rule_according(ctx *c, size_t si, size_t i, int citing)
{
	sent *s = &c->s[si];
	size_t a = i + (citing ? 1 : 2), ne, o, e;
	int final = i > s->t0 + 1 && tok_punct(c, i - 1, ",");
	src r;
	if (a >= s->tend || (citing && !final))
		return;
	if (!source_np(c, s, a, final, &ne, &r))
		return;
	if (final) {
		if (!tokens_span(c, s->t0, i - 1, &o, &e))
			return;
	} else {
		size_t k = ne;
		if (k < s->tend && (tok_dash(c, k) || tok_punct(c, k, "("))) {
			int paren = tok_punct(c, k, "(");
			for (k++; k < s->tend; k++)
				if (paren ? tok_punct(c, k, ")") : tok_dash(c, k))
					break;
			k = k < s->tend ? k + 1 : ne;
		}
		if (!tokens_span(c, k, clause_end(c, s, k), &o, &e))
			return;
	}
	add_attr_cue_tokens(c, &r, i, citing ? i : i + 1, o, e);
}

/* "raised concerns by the U.S. Defense Department that …" */
static void rule_concerns(ctx *c, size_t si, size_t i)
{
	sent *s = &c->s[si];
	size_t a = i + 2, ne, o, e;
	src r;
	if (a >= s->tend || !(tok_eq(c, i + 1, "by") || tok_eq(c, i + 1, "from") ||
			      tok_eq(c, i + 1, "among")))
		return;
	if (tok_eq(c, a, "the") && a + 1 < s->tend)
		a++;
	if (c->t[a].men < 0 || men_kind(c, c->t[a].men) == K_NONE)
		return;
	src_from_mention(c, &r, a, s->t0);
	ne = men_last(c, a, s->tend) + 1;
	if (ne >= s->tend || !tok_eq(c, ne, "that"))
		return;
	if (!tokens_span(c, ne + 1, clause_end(c, s, ne + 1), &o, &e))
		return;
	add_attr_cue_tokens(c, &r, i > s->t0 && tok_eq(c, i - 1, "raised") ? i - 1 : i,
			    i, o, e);
}

/* "officials are horrified that …" */
static void rule_stance(ctx *c, size_t si, size_t i)
{
	static const char *const adj[] = {
		"horrified", "alarmed", "worried", "concerned", "angered",
		"outraged", "furious", "dismayed", "troubled", NULL};
	static const char *const be[] = {"is", "are", "was", "were", NULL};
	sent *s = &c->s[si];
	size_t o, e;
	src r;
	/* "that" first: it rules out most words with one compare, where
	 * the adjectives took nine (this runs for every word) */
	if (i <= s->t0 || i + 1 >= s->tend || !tok_eq(c, i + 1, "that") ||
	    !tok_in(c, i, adj) || !tok_in(c, i - 1, be))
		return;
	if (subject_back(c, s, i - 1, 0, &r) != SUBJ_OK)
		return;
	if (!tokens_span(c, i + 2, clause_end(c, s, i + 2), &o, &e))
		return;
	add_attr_cue_tokens(c, &r, i - 1, i, o, e);
}

/* Headline conventions: "Source: claim", "headline -- Publication",
 * "headline (Publication)"; and a colon-introduced block quote with no
 * cue verb. */
static void rule_credits(ctx *c, size_t si, size_t before)
{
	sent *s = &c->s[si];
	size_t t0 = s->t0, o, e, ci;
	int paren;
	src r;
	if (c->t[t0].inq || c->t[t0].kind == T_QOPEN)
		return;
	/* "Washington Post: …", "Lawyer: …" */
	if (!s->claimed) {
		size_t k = t0;
		int ok = 0;
		if (c->t[k].men >= 0 && men_kind(c, c->t[k].men) != K_NONE &&
		    men_kind(c, c->t[k].men) != K_PLACE) {
			src_from_mention(c, &r, k, t0);
			k = men_last(c, k, s->t1) + 1;
			ok = 1;
		} else if (tok_upper(c, k) && tok_in(c, k, anon_heads)) {
			np_classify(c, &r, k, k, k + 1);
			k++;
			ok = 1;
		}
		if (ok && k + 1 < s->tend && tok_punct(c, k, ":") &&
		    tokens_span(c, k + 1, clause_end(c, s, k + 1), &o, &e))
			add_attr(c, &r, ":", 1, o, e);
	}
	if (s->tend < s->t1 && credit_start(c, t0, s->t1, &ci, &paren) == s->tend) {
		src_from_mention(c, &r, ci, t0);
		if (tokens_span(c, t0, s->tend, &o, &e)) {
			morgue_buf cue = MORGUE_BUF_INIT;
			if (paren)
				morgue_buf_printf(&cue, "(%.*s)", (int)(r.se - r.so),
						  c->x + r.so);
			else
				morgue_buf_puts(&cue, "--");
			add_attr(c, &r, cue.ptr, cue.size, o, e);
			morgue_buf_free(&cue);
		}
	}
	/* "Attorney General Jeff Sessions …:" + block quote, no cue found */
	if (c->nout == before && s->t1 > t0 + 1 && tok_punct(c, s->t1 - 1, ":") &&
	    s->para_end && si + 1 < c->ns && c->t[c->s[si + 1].t0].kind == T_QOPEN) {
		for (size_t k = t0; k < s->t1; k++) {
			int mk = men_kind(c, c->t[k].men);
			if (c->t[k].inq || mk == K_NONE || mk == K_PLACE)
				continue;
			src_from_mention(c, &r, k, t0);
			if (next_sentence_span(c, si, &o, &e))
				add_attr(c, &r, ":", 1, o, e);
			break;
		}
	}
}

static void scan_sentence(ctx *c, size_t si)
{
	sent *s = &c->s[si];
	size_t before = c->nout;
	c->vspan_s = c->vspan_e = 0;
	for (size_t k = s->t0; k < s->tend; k++) {
		const struct verb *vb;
		if (c->t[k].inq || c->t[k].kind != T_WORD)
			continue;
		if (tok_eq(c, k, "according") && k + 1 < s->tend &&
		    tok_eq(c, k + 1, "to"))
			rule_according(c, si, k, 0);
		else if (tok_eq(c, k, "citing"))
			rule_according(c, si, k, 1);
		else if (tok_eq(c, k, "concerns") || tok_eq(c, k, "concern"))
			rule_concerns(c, si, k);
		else if ((vb = verb_of(c, k)) != NULL && c->t[k].men < 0)
			rule_verb(c, si, k, vb);
		else
			rule_stance(c, si, k);
	}
	rule_credits(c, si, before);
}

/* ---------------------------------------------------------------- API */

static int cmp_men(const void *a, const void *b)
{
	const morgue_attr_mention *x = a, *y = b;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return x->length > y->length ? -1 : x->length < y->length;
}

static int cmp_attr(const void *a, const void *b)
{
	const morgue_attribution *x = a, *y = b;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	if (x->source_offset != y->source_offset)
		return x->source_offset < y->source_offset ? -1 : 1;
	return 0;
}

int morgue_attribution_extract(morgue_attribution **out, size_t *n,
			       const char *text, size_t len,
			       const morgue_attr_mention *m, size_t nm)
{
	ctx c;
	if (!out || !n || (!text && len) || (!m && nm))
		return morgue_error_set(MORGUE_EUSAGE, NULL, 0,
					"attribution: NULL argument");
	*out = NULL, *n = 0;
	memset(&c, 0, sizeof(c));
	c.x = text ? text : "", c.len = len;
	/* keep well-formed mentions, sorted, without overlaps */
	if (nm) {
		c.m = morgue_malloc(nm * sizeof(*c.m));
		for (size_t i = 0; i < nm; i++)
			if (m[i].entity && m[i].length && m[i].offset <= len &&
			    m[i].length <= len - m[i].offset)
				c.m[c.nm++] = m[i];
		qsort(c.m, c.nm, sizeof(*c.m), cmp_men);
		size_t w = 0;
		for (size_t i = 0; i < c.nm; i++)
			if (!w || c.m[i].offset >= c.m[w - 1].offset + c.m[w - 1].length)
				c.m[w++] = c.m[i];
		c.nm = w;
	}
	find_quotes(&c);
	tokenize(&c);
	split_sentences(&c);
	c.cut = morgue_malloc((c.nt + 1) * sizeof(*c.cut));
	c.cut[c.nt] = c.nt;
	for (size_t k = c.nt; k > 0; k--) {
		size_t j = k - 1;
		int cut = !c.t[j].inq &&
			  (tok_punct(&c, j, ";") ||
			   (j + 1 < c.nt && tok_punct(&c, j, ",") &&
			    (tok_eq(&c, j + 1, "according") ||
			     tok_eq(&c, j + 1, "citing") || tok_eq(&c, j + 1, "but") ||
			     tok_eq(&c, j + 1, "whereas") ||
			     tok_eq(&c, j + 1, "although"))));
		c.cut[j] = cut ? j : c.cut[j + 1];
	}
	for (size_t i = 0; i < c.ns; i++)
		scan_sentence(&c, i);
	if (c.nout)
		qsort(c.out, c.nout, sizeof(*c.out), cmp_attr);
	*out = c.out, *n = c.nout;
	free(c.m);
	free(c.t);
	free(c.q);
	free(c.s);
	free(c.cut);
	return 0;
}

void morgue_attributions_free(morgue_attribution *a, size_t n)
{
	if (!a)
		return;
	for (size_t i = 0; i < n; i++) {
		free(a[i].source);
		free(a[i].source_text);
		free(a[i].cue);
		free(a[i].affiliation);
	}
	free(a);
}

void morgue_attribution_quote_span(const morgue_attribution *a, size_t text_len, size_t *off,
				   size_t *len)
{
	*off = a->offset <= text_len ? a->offset : text_len;
	*len = a->length <= text_len - *off ? a->length : text_len - *off;
}

const char *morgue_attribution_origin(const morgue_attribution *a)
{
	return a->standoff ? "standoff" : "auto";
}

const char *morgue_source_kind_name(morgue_source_kind k)
{
	switch (k) {
	case MORGUE_SOURCE_PERSON: return "person";
	case MORGUE_SOURCE_ORGANIZATION: return "organization";
	case MORGUE_SOURCE_PUBLICATION: return "publication";
	case MORGUE_SOURCE_ANONYMOUS: return "anonymous";
	case MORGUE_SOURCE_DOCUMENT: return "document";
	}
	return "unknown";
}
