/*
 * searchindex.c - build the sharded offline search index (see searchindex.h).
 *
 * Encodings (search.js decodes them):
 *   varint  a number in 5-bit groups, low group first, one character per
 *           group from ALPHA; 32 is added while more groups follow.
 *   postings of a word: per document: varint(doc - prev_doc - 1) (prev
 *           starts at -1), varint(tf * 4 + flags) with flags 1 = in the
 *           title, 2 = in the name of an entity the article mentions; then,
 *           unless the word is a stopword, tf varints: positions as deltas
 *           (the first from 0); a stopword's list starts with '!' and
 *           has no positions. Title words are at 0.., the body starts
 *           at title words + 2.
 *           As written, the list (and each chunk of a long one) is taken
 *           apart (separate): all doc deltas, ".", all tf*4+flags, ".",
 *           all positions, e.g. "0.9.0c" for one doc, tf 2, in the title;
 *           a chunk c-N of a long list stops after the tf codes, then
 *           ",K" for each positions file after its first (K: the index
 *           in the chunk of the file's first document); its positions
 *           are the strings of p-M, p-M+1... (only phrases load them),
 *           numbered on from chunk to chunk; the word's entry is then
 *           [first chunk, chunks, first positions file, files].
 *   postings of a facet key (~p publication, ~t tag, ~e entity): only the
 *           doc deltas.
 *   dl      one ALPHA character per document: round(log(len+1)/log(1.17)).
 *   dates   pairs varint(days since the previous date), varint(docs on it),
 *           the first date is "d0".
 *   files   put_json/pack: the JSON text, raw deflate (zlib level 6, 32 KiB
 *           window), base85, as {"z":...}; the doc shards deflate against
 *           the preset dictionary of z.js (write_dict), as {"zd":...}. The varint
 *           strings are left as text: deflate codes their 64 symbols well,
 *           better than it does binary varints.
 */
#include "searchindex.h"
#include "util/hash.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "tokenize.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/escape.h"
#include "util/fs.h"

static const char ALPHA[] =
	"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

/* A posting list longer than CHUNK bytes (interleaved) is not kept in its
 * term shard: its doc deltas and tf codes go to chunks c-N of about CHUNK
 * bytes, and its positions to files p-N of about CHUNK bytes, so that
 * every file stays under the shard bound and a query without a phrase
 * loads a fifth of the list. */
#define CHUNK (MORGUE_SEARCH_SHARD_MAX * 3 / 4)
#define MAX_TAGS_LISTED 300

typedef struct sdoc {
	char *url, *title, *date, *pub, *pubkey;
	char **tags;
	size_t ntags;
	char **ents, **entnames;
	size_t nents;
	char *text; /* NULL when it is in the spill file, at text_off, */
	size_t text_len;
	long long text_off;
	long long text_ref; /* or fetched by this reference (text_len 0) */
	long long ents_ref; /* entities to fetch (doc_ents), or 0 */
	char *key; /* morgue_search_doc.key, or NULL */
} sdoc;

typedef struct sent {
	char *slug, *name, *type, *url;
	char **aliases;
	size_t naliases;
	int count;
} sent;

typedef struct term {
	char *key;
	int stop, facet;
	long last_doc;
	long seen_doc; /* index_doc: the document whose occurrences head..tail are */
	size_t head, tail;
	size_t slot; /* index_doc: its index in the document's terms */
	/* borrowed: post points into a snapshot part (s->snaps, asize 0),
	 * as index_delta loaded it; copied before anything is appended */
	morgue_buf post;
	int borrowed;
	size_t *cuts; /* chunk boundaries in post */
	size_t ncuts, capcuts;
	size_t dc, dc_start; /* bytes of doc deltas and tf codes; at the chunk's start */
	char **forms;
	size_t nforms, capforms;
	unsigned *ents;
	size_t nents, capents;
	int dirty; /* index_delta: its postings are to be made again */
} term;

/* A string -> pointer hash map (open addressing, FNV-1a). */
typedef struct smap {
	char **keys;
	void **vals;
	size_t cap, n;
} smap;

static uint64_t hash(const char *s)
{
	return (uint64_t)morgue_hash_fnv(s);
}

static void **smap_slot(smap *m, const char *key, int create)
{
	if (create && (m->n + 1) * 2 > m->cap) {
		smap old = *m;
		m->cap = old.cap ? old.cap * 2 : 1024;
		m->keys = morgue_calloc(m->cap, sizeof(char *));
		m->vals = morgue_calloc(m->cap, sizeof(void *));
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i]) {
				*smap_slot(m, old.keys[i], 1) = old.vals[i];
			}
		free(old.keys);
		free(old.vals);
	}
	if (!m->cap)
		return NULL;
	size_t i = (size_t)hash(key) & (m->cap - 1);
	while (m->keys[i]) {
		if (!strcmp(m->keys[i], key))
			return &m->vals[i];
		i = (i + 1) & (m->cap - 1);
	}
	if (!create)
		return NULL;
	m->keys[i] = (char *)key; /* the key is owned by the value */
	m->n++;
	return &m->vals[i];
}

static void smap_free(smap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

struct morgue_searchindex {
	morgue_output *output; /* write through it, or NULL: into site_dir */
	sdoc *docs;
	size_t ndocs, capdocs;
	sent *ents;
	size_t nents, capents;
	/* filled by write */
	term **terms;
	size_t nterms, capterms;
	/* the snapshot parts the terms' postings were loaded from (kept
	 * while any term borrows from them: until free_terms) */
	morgue_buf *snaps;
	size_t nsnaps, capsnaps;
	smap tmap;  /* key -> term */
	smap fmap;  /* form -> stem (char *, owned: "form\0stem") */
	term **by_word; /* morgue_token.word -> term, while indexing */
	/* filled by morgue_searchindex_index, dropped by write */
	int indexed;
	morgue_tokenizer *tk;
	unsigned *lens; /* words per document */
	smap wmap;  /* folded word -> term, words without a number (keys owned by wkeys) */
	smap rawfacets; /* facet kind + value as given -> term (keys owned by rawkeys) */
	char **rawkeys;
	size_t nrawkeys, caprawkeys;
	char **wkeys;
	size_t nwkeys, capwkeys;
	char **fpairs;
	size_t nfpairs, capfpairs;
	size_t bytes, files;
	/* doc shards packed ahead of write (morgue_searchindex_prepack):
	 * the file bodies of d-0 .. d-(npre-1), each with its memo key, and
	 * the dictionary they were packed with */
	struct prepacked {
		morgue_buf body;
		char key[MORGUE_HASH_HEX];
	} *pre;
	size_t npre;
	size_t pre_dict_size;
	char pre_dict_key[MORGUE_HASH_HEX];
	morgue_searchindex_memo memo;
	morgue_searchindex_tokens toks;
	/* the token cache's dictionary of words (see TOK_BLOB_VERSION), set
	 * up by morgue_searchindex_index */
	int wstate;           /* 0 not set up, 1 usable, -1 no token cache */
	int wdirty;           /* words added, or a new dictionary: record it */
	morgue_buf wdict;     /* WDICT_MAGIC, its id, then "fold\0stem\0" per word */
	size_t *woff;         /* each word's fold in wdict */
	term **wterm;         /* each word's term, once looked up */
	unsigned char *wdone; /* add_form was called for the word */
	size_t nw, capw;
	smap wfold;           /* fold -> word number + 1, for documents tokenized */
	char **wfkeys;
	size_t nwfkeys, capwfkeys;
	size_t *word_dict;    /* morgue_token.word -> word number + 1 */
	/* by word number, for the postings snapshot (see SNAP_MAGIC): the
	 * documents whose fold lists have the word, the first of them and
	 * the word's place in that one's list (add_form's order is theirs) */
	unsigned *wcount, *wfirst, *widx;
	size_t capws;
	int snap_off; /* a document without a blob: no snapshot */
	/* the articles' texts, written as they are added and read back by
	 * write: an unlinked temporary file, so that memory does not grow
	 * with the archive's text (NULL if none could be made: kept in memory) */
	FILE *spill;
	long long spill_size;
	int spill_off;  /* no (more) writes to it: none could be made, or one failed */
	int spill_lost; /* a text (or entities) could not be read back */
	morgue_searchindex_text_fn text_fetch; /* texts added by reference */
	void *text_payload;
	morgue_searchindex_entities_fn ents_fetch; /* entities added by reference */
	void *ents_payload;
};

static void varint(morgue_buf *b, unsigned long v)
{
	if (b->size + 17 > b->asize) /* 64 bits in 5-bit groups: 13 */
		morgue_buf_grow(b, 16);
	char *o = b->ptr + b->size;
	do {
		unsigned g = v & 31;
		v >>= 5;
		*o++ = ALPHA[g | (v ? 32 : 0)];
	} while (v);
	*o = '\0';
	b->size = (size_t)(o - b->ptr);
}

static char *dup0(const char *s)
{
	return s ? morgue_strdup(s) : NULL;
}

static char **dupv(const char *const *v, size_t n)
{
	char **r = n ? morgue_calloc(n, sizeof(char *)) : NULL;
	for (size_t i = 0; i < n; i++)
		r[i] = morgue_strdup(v[i] ? v[i] : "");
	return r;
}

static void freev(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int morgue_searchindex_new(morgue_searchindex **out)
{
	*out = morgue_calloc(1, sizeof(**out));
	return 0;
}

static void unindex(morgue_searchindex *s);
static void dict_free(morgue_searchindex *s);

int morgue_searchindex_add(morgue_searchindex *s, const morgue_search_doc *d)
{
	if (!d || !d->url || !d->title)
		return morgue_error_set(MORGUE_EUSAGE, NULL, 0, "search document without url or title");
	if (s->indexed)
		unindex(s); /* a document more: index again */
	MORGUE_ARRAY_RESERVE(s->docs, s->capdocs, s->ndocs + 1);
	sdoc *o = &s->docs[s->ndocs++];
	memset(o, 0, sizeof(*o));
	o->url = morgue_strdup(d->url);
	o->title = morgue_strdup(d->title);
	o->date = morgue_strdup(d->date ? d->date : "");
	o->pub = dup0(d->publication);
	if (d->publication_slug || d->publication) {
		morgue_buf k = MORGUE_BUF_INIT;
		if (d->publication_slug)
			morgue_buf_puts(&k, d->publication_slug);
		else
			morgue_tokenize_fold(&k, d->publication, strlen(d->publication));
		o->pubkey = morgue_buf_detach(&k);
	}
	o->tags = dupv(d->tags, d->ntags);
	o->ntags = d->ntags;
	if (!d->entities && d->entities_ref && s->ents_fetch) {
		o->ents_ref = d->entities_ref;
	} else {
		o->ents = dupv((const char *const *)d->entities, d->nentities);
		o->entnames = dupv((const char *const *)(d->entity_names ? d->entity_names
									 : d->entities),
				   d->nentities);
		o->nents = d->nentities;
	}
	o->key = dup0(d->key);
	if (!d->text && d->text_ref && s->text_fetch) {
		o->text_ref = d->text_ref; /* fetched if it is needed */
		return 0;
	}
	size_t len = d->text ? strnlen(d->text, d->text_len) : 0;
	if (!s->spill && !s->spill_off && !(s->spill = tmpfile()))
		s->spill_off = 1;
	if (!s->spill_off && (!len || fwrite(d->text, 1, len, s->spill) == len)) {
		o->text_off = s->spill_size;
		s->spill_size += (long long)len;
	} else {
		s->spill_off = 1; /* a part written by a failed fwrite shifts what follows */
		o->text = morgue_strndup(d->text ? d->text : "", len);
	}
	o->text_len = len;
	return 0;
}

/* Fetch d's entities if they were added by reference; a fetch that fails
 * is noted in s->spill_lost (write then fails). */
static void doc_ents(morgue_searchindex *s, sdoc *d)
{
	if (!d->ents_ref)
		return;
	if (s->ents_fetch(d->ents_ref, &d->ents, &d->entnames, &d->nents, s->ents_payload) < 0) {
		morgue_error_clear();
		s->spill_lost = 1;
	}
	d->ents_ref = 0;
}

void morgue_searchindex_set_entities(morgue_searchindex *s, morgue_searchindex_entities_fn fetch,
				     void *payload)
{
	s->ents_fetch = fetch;
	s->ents_payload = payload;
}

/* d's text: its own copy, or read back from the spill file into tmp
 * (valid until tmp changes); "" if it cannot be read, noted in
 * s->spill_lost (write then fails). */
static const char *doc_text(morgue_searchindex *s, const sdoc *d, morgue_buf *tmp)
{
	if (d->text_ref) {
		morgue_buf_clear(tmp);
		if (s->text_fetch(d->text_ref, tmp, s->text_payload) < 0) {
			morgue_error_clear();
			morgue_buf_clear(tmp);
			s->spill_lost = 1;
		}
		return morgue_buf_cstr(tmp);
	}
	if (d->text || !d->text_len)
		return d->text ? d->text : "";
	morgue_buf_clear(tmp);
	morgue_buf_grow(tmp, d->text_len + 1);
	size_t got = 0;
	if (fflush(s->spill) == 0) {
		while (got < d->text_len) {
			ssize_t r = pread(fileno(s->spill), tmp->ptr + got, d->text_len - got,
					  (off_t)(d->text_off + (long long)got));
			if (r <= 0)
				break;
			got += (size_t)r;
		}
	}
	if (got != d->text_len)
		s->spill_lost = 1;
	tmp->size = got == d->text_len ? got : 0; /* grow left room for the NUL */
	tmp->ptr[tmp->size] = '\0';
	return tmp->ptr;
}

int morgue_searchindex_add_entity(morgue_searchindex *s, const char *slug,
				  const char *name, const char *type,
				  const char *url, const char *const *aliases,
				  size_t naliases, int article_count)
{
	if (!slug || !name)
		return morgue_error_set(MORGUE_EUSAGE, NULL, 0, "search entity without slug or name");
	MORGUE_ARRAY_RESERVE(s->ents, s->capents, s->nents + 1);
	sent *e = &s->ents[s->nents++];
	e->slug = morgue_strdup(slug);
	e->name = morgue_strdup(name);
	e->type = morgue_strdup(type ? type : "");
	e->url = url ? morgue_strdup(url) : NULL;
	if (!e->url) {
		morgue_buf u = MORGUE_BUF_INIT;
		morgue_buf_printf(&u, "entities/%s.html", slug);
		e->url = morgue_buf_detach(&u);
	}
	e->aliases = dupv(aliases, naliases);
	e->naliases = naliases;
	e->count = article_count;
	return 0;
}

/* Let go of t's postings: freed when its own, forgotten when borrowed. */
static void post_drop(term *t)
{
	if (!t->borrowed)
		morgue_buf_free(&t->post);
	t->post = (morgue_buf)MORGUE_BUF_INIT;
	t->borrowed = 0;
}

static void term_free(term *t)
{
	free(t->key);
	post_drop(t);
	free(t->cuts);
	freev(t->forms, t->nforms);
	free(t->ents);
	free(t);
}

/* A snapshot blob (snap_get) let go: freed when a copy, forgotten when
 * viewed in place (asize 0). */
static void snap_release(morgue_buf *b)
{
	if (b->asize)
		morgue_buf_free(b);
	*b = (morgue_buf)MORGUE_BUF_INIT;
}

static void free_terms(morgue_searchindex *s)
{
	for (size_t i = 0; i < s->nterms; i++)
		term_free(s->terms[i]);
	free(s->terms);
	s->terms = NULL;
	s->nterms = s->capterms = 0;
	for (size_t i = 0; i < s->nsnaps; i++)
		snap_release(&s->snaps[i]);
	free(s->snaps);
	s->snaps = NULL;
	s->nsnaps = s->capsnaps = 0;
	smap_free(&s->tmap);
	smap_free(&s->fmap);
	smap_free(&s->wmap);
	smap_free(&s->rawfacets);
	freev(s->rawkeys, s->nrawkeys);
	s->rawkeys = NULL;
	s->nrawkeys = s->caprawkeys = 0;
	free(s->by_word);
	s->by_word = NULL;
	freev(s->wkeys, s->nwkeys);
	s->wkeys = NULL;
	s->nwkeys = s->capwkeys = 0;
	freev(s->fpairs, s->nfpairs);
	s->fpairs = NULL;
	s->nfpairs = s->capfpairs = 0;
}

static void prepacked_free(morgue_searchindex *s)
{
	for (size_t i = 0; i < s->npre; i++)
		morgue_buf_free(&s->pre[i].body);
	free(s->pre);
	s->pre = NULL;
	s->npre = 0;
}

/* Drop what morgue_searchindex_index built (terms, lengths, tokenizer)
 * and the shards packed from it. */
static void unindex(morgue_searchindex *s)
{
	prepacked_free(s);
	dict_free(s);
	free_terms(s);
	free(s->lens);
	s->lens = NULL;
	free(s->wcount);
	free(s->wfirst);
	free(s->widx);
	s->wcount = s->wfirst = s->widx = NULL;
	s->capws = 0;
	morgue_tokenizer_free(s->tk);
	s->tk = NULL;
	s->indexed = 0;
}

void morgue_searchindex_free(morgue_searchindex *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ndocs; i++) {
		sdoc *d = &s->docs[i];
		free(d->url), free(d->title), free(d->date), free(d->pub), free(d->pubkey);
		freev(d->tags, d->ntags);
		freev(d->ents, d->nents);
		freev(d->entnames, d->nents);
		free(d->text);
		free(d->key);
	}
	free(s->docs);
	if (s->spill)
		fclose(s->spill);
	for (size_t i = 0; i < s->nents; i++) {
		sent *e = &s->ents[i];
		free(e->slug), free(e->name), free(e->type), free(e->url);
		freev(e->aliases, e->naliases);
	}
	free(s->ents);
	unindex(s);
	free(s);
}

size_t morgue_searchindex_bytes(const morgue_searchindex *s, size_t *files)
{
	if (files)
		*files = s->files;
	return s->bytes;
}

static term *get_term(morgue_searchindex *s, const char *key, int facet)
{
	void **slot = smap_slot(&s->tmap, key, 0);
	if (slot)
		return *slot;
	term *t = morgue_calloc(1, sizeof(*t));
	t->key = morgue_strdup(key);
	t->facet = facet;
	t->stop = !facet && morgue_tokenize_is_stopword(key);
	t->last_doc = -1;
	t->seen_doc = -1;
	MORGUE_ARRAY_RESERVE(s->terms, s->capterms, s->nterms + 1);
	s->terms[s->nterms++] = t;
	*smap_slot(&s->tmap, t->key, 1) = t;
	return t;
}

/* Record that `form` stems to `stem` (only when they differ), and list the
 * form on the term for highlighting. */
static void add_form(morgue_searchindex *s, term *t, const char *form)
{
	/* a form listed is in fmap already: a document replayed from the
	 * token cache calls this for each of its words, not just new ones */
	for (size_t i = 0; i < t->nforms; i++)
		if (!strcmp(t->forms[i], form))
			return;
	if (strcmp(form, t->key)) {
		void **slot = smap_slot(&s->fmap, form, 0);
		if (!slot) {
			size_t fl = strlen(form), sl = strlen(t->key);
			char *pair = morgue_malloc(fl + sl + 2);
			memcpy(pair, form, fl + 1);
			memcpy(pair + fl + 1, t->key, sl + 1);
			MORGUE_ARRAY_RESERVE(s->fpairs, s->capfpairs, s->nfpairs + 1);
			s->fpairs[s->nfpairs++] = pair;
			*smap_slot(&s->fmap, pair, 1) = pair;
		}
	}
	if (t->nforms >= 16)
		return;
	MORGUE_ARRAY_RESERVE(t->forms, t->capforms, t->nforms + 1);
	t->forms[t->nforms++] = morgue_strdup(form);
}

/* The term of a word of a text, its form recorded: once per distinct
 * folded word, then one lookup (most of a text's words are repeats). */
static term *word_term(morgue_searchindex *s, const morgue_token *tok)
{
	if (tok->word >= 0 && s->by_word[tok->word])
		return s->by_word[tok->word];
	void **slot = tok->word < 0 ? smap_slot(&s->wmap, tok->fold, 0) : NULL;
	if (slot)
		return *slot;
	term *t = get_term(s, tok->stem, 0);
	add_form(s, t, tok->fold);
	if (tok->word >= 0) {
		s->by_word[tok->word] = t;
		return t;
	}
	char *key = morgue_strdup(tok->fold);
	MORGUE_ARRAY_RESERVE(s->wkeys, s->capwkeys, s->nwkeys + 1);
	s->wkeys[s->nwkeys++] = key;
	*smap_slot(&s->wmap, key, 1) = t;
	return t;
}

typedef struct occ {
	unsigned pos;
	unsigned flags; /* 1 title, 2 entity name (no position) */
	size_t next;    /* the term's next occurrence in this document, or NONE */
} occ;

#define NONE ((size_t)-1)

typedef struct dctx {
	morgue_searchindex *s;
	long doc;
	occ *occ;
	size_t n, cap;
	term **terms; /* the document's distinct terms, in order of first use */
	size_t nterms, capterms;
	unsigned base, flags, count;
	morgue_buf text; /* the document's text when read back from the spill */
	/* the token cache (see tok_blob) */
	int encode;        /* list the document's folds for its blob */
	long *seen_word;   /* by morgue_token.word: doc + 1 when listed for doc */
	smap dfolds;       /* folds without a word number listed for doc */
	char **dkeys;      /* dfolds' keys */
	size_t ndkeys, capdkeys;
	morgue_buf folds;  /* the fold list of the blob being made */
	size_t nfolds;
	size_t *tword;     /* by the document's term: the word of its first fold */
	size_t nfolds_terms, captword;
	morgue_buf blob, code;
	struct rterm *rt;  /* tok_replay's terms */
	size_t nrt, caprt;
	int dry;           /* make the blob only: no postings, no facets */
} dctx;

/* The token cache's blob of a document: what index_doc appends for it,
 * without the tokenizer (numbers are LEB128 uvarints, words are numbers
 * in the dictionary of words of the cache):
 *   TOK_BLOB_VERSION, the dictionary's id (WDICT_ID bytes),
 *   uvarint(the document's length), uvarint(T),
 *   T times: uvarint(a word of the term: its stem is the term's key),
 *            uvarint(n), n bytes: the codes index_doc appends after the
 *            doc delta (tf * 4 + flags, then the positions unless a
 *            stopword; ALPHA varints),
 *   uvarint(F), F times: uvarint(word): the document's distinct folds in
 *            order of first occurrence (add_form, called for each new one
 *            in that order, lists a term's forms as tokenizing all
 *            documents in order does).
 * The dictionary is a blob of its own, kept under the key "": WDICT_MAGIC,
 * its id (made when a dictionary is started), then "fold\0stem\0" for
 * each word, numbered from 0. Words are only appended, so a blob stays
 * readable with later versions of its dictionary; a blob of another
 * dictionary (another id) is not read.
 * Bump the versions when index_doc's output or the tokenizer changes. */
#define TOK_BLOB_VERSION 2
#define WDICT_MAGIC "morgue-words 1:"
#define WDICT_ID 16

typedef struct rterm {
	const char *code;
	size_t n, head; /* head: bytes of the tf code */
	term *t;
} rterm;

static int alpha_val(int ch);

static void uvarint(morgue_buf *b, size_t v)
{
	while (v >= 128) {
		morgue_buf_putc(b, (int)(v & 127) | 128);
		v >>= 7;
	}
	morgue_buf_putc(b, (int)v);
}

static int read_uvarint(const unsigned char *p, size_t n, size_t *i, size_t *v)
{
	size_t r = 0;
	for (unsigned shift = 0; *i < n && shift < 64; shift += 7) {
		unsigned char ch = p[(*i)++];
		r |= (size_t)(ch & 127) << shift;
		if (!(ch & 128)) {
			*v = r;
			return 0;
		}
	}
	return -1;
}

static void dict_add(morgue_searchindex *s, size_t off)
{
	if (s->nw == s->capw) {
		size_t cap = s->capw ? s->capw * 2 : 4096;
		s->woff = morgue_realloc(s->woff, cap * sizeof(*s->woff));
		s->wterm = morgue_realloc(s->wterm, cap * sizeof(*s->wterm));
		s->wdone = morgue_realloc(s->wdone, cap);
		s->capw = cap;
	}
	s->woff[s->nw] = off;
	s->wterm[s->nw] = NULL;
	s->wdone[s->nw] = 0;
	s->nw++;
}

static void dict_free(morgue_searchindex *s)
{
	morgue_buf_free(&s->wdict);
	free(s->woff);
	free(s->wterm);
	free(s->wdone);
	s->woff = NULL;
	s->wterm = NULL;
	s->wdone = NULL;
	s->nw = s->capw = 0;
	smap_free(&s->wfold);
	freev(s->wfkeys, s->nwfkeys);
	s->wfkeys = NULL;
	s->nwfkeys = s->capwfkeys = 0;
	free(s->word_dict);
	s->word_dict = NULL;
	s->wstate = s->wdirty = 0;
}

/* An id no other has had (time, process, place): the first WDICT_ID
 * characters of id. */
static void new_id(char id[MORGUE_HASH_HEX], const void *place)
{
	morgue_hash h;
	struct timespec ts;
	timespec_get(&ts, TIME_UTC);
	morgue_hash_init(&h);
	morgue_hash_int(&h, (long long)ts.tv_sec);
	morgue_hash_int(&h, (long long)ts.tv_nsec);
	morgue_hash_int(&h, (long long)getpid());
	morgue_hash_int(&h, (long long)(uintptr_t)place);
	morgue_hash_hex(id, &h);
}

/* Set up the dictionary of words: the cache's, or a new one. */
static void dict_setup(morgue_searchindex *s)
{
	size_t hl = strlen(WDICT_MAGIC) + WDICT_ID;
	dict_free(s);
	if (!s->toks.lookup && !s->toks.record) {
		s->wstate = -1;
		return;
	}
	s->wstate = 1;
	if (s->toks.lookup && s->toks.lookup("", &s->wdict, s->toks.payload) == 1 &&
	    s->wdict.size >= hl && !memcmp(s->wdict.ptr, WDICT_MAGIC, strlen(WDICT_MAGIC))) {
		const char *p = s->wdict.ptr;
		size_t i = hl, n = s->wdict.size;
		while (i < n) {
			const char *f = memchr(p + i, 0, n - i), *t;
			if (!f || f == p + i || !(t = memchr(f + 1, 0, n - (size_t)(f + 1 - p))) ||
			    t == f + 1)
				break;
			dict_add(s, i);
			i = (size_t)(t - p) + 1;
		}
		if (i == n)
			return;
		s->nw = 0; /* not a dictionary this code wrote: a new one */
	}
	/* a new dictionary: an id no other one has had */
	char id[MORGUE_HASH_HEX];
	new_id(id, s);
	morgue_buf_clear(&s->wdict);
	morgue_buf_puts(&s->wdict, WDICT_MAGIC);
	morgue_buf_put(&s->wdict, id, WDICT_ID);
	s->wdirty = 1;
}

static term *dict_term(morgue_searchindex *s, size_t w)
{
	if (!s->wterm[w]) {
		const char *f = s->wdict.ptr + s->woff[w];
		s->wterm[w] = get_term(s, f + strlen(f) + 1, 0);
	}
	return s->wterm[w];
}

/* The dictionary's number of tok's fold (added when new). */
static size_t dict_word(morgue_searchindex *s, const morgue_token *tok)
{
	if (tok->word >= 0 && s->word_dict[tok->word])
		return s->word_dict[tok->word] - 1;
	if (!s->wfold.n) /* first use: the words loaded */
		for (size_t w = 0; w < s->nw; w++) {
			MORGUE_ARRAY_RESERVE(s->wfkeys, s->capwfkeys, s->nwfkeys + 1);
			char *k = s->wfkeys[s->nwfkeys++] = morgue_strdup(s->wdict.ptr + s->woff[w]);
			void **slot = smap_slot(&s->wfold, k, 1);
			if (!*slot) /* the first of two copies of a word */
				*slot = (void *)(uintptr_t)(w + 1);
		}
	void **slot = smap_slot(&s->wfold, tok->fold, 0);
	size_t w;
	if (slot) {
		w = (size_t)(uintptr_t)*slot - 1;
	} else {
		w = s->nw;
		dict_add(s, s->wdict.size);
		morgue_buf_put(&s->wdict, tok->fold, tok->fold_len + 1);
		morgue_buf_put(&s->wdict, tok->stem, tok->stem_len + 1);
		MORGUE_ARRAY_RESERVE(s->wfkeys, s->capwfkeys, s->nwfkeys + 1);
		char *k = s->wfkeys[s->nwfkeys++] = morgue_strdup(tok->fold);
		*smap_slot(&s->wfold, k, 1) = (void *)(uintptr_t)(w + 1);
		s->wdirty = 1;
	}
	if (tok->word >= 0)
		s->word_dict[tok->word] = w + 1;
	return w;
}

/* Room for the counts of words 0..n-1 (new ones at 0). */
static void wstat_reserve(morgue_searchindex *s, size_t n)
{
	if (n > s->capws) {
		size_t cap = s->capws ? s->capws : 4096;
		while (cap < n)
			cap *= 2;
		s->wcount = morgue_realloc(s->wcount, cap * sizeof(unsigned));
		s->wfirst = morgue_realloc(s->wfirst, cap * sizeof(unsigned));
		s->widx = morgue_realloc(s->widx, cap * sizeof(unsigned));
		memset(s->wcount + s->capws, 0, (cap - s->capws) * sizeof(unsigned));
		s->capws = cap;
	}
}

/* Count word w in the fold list of document doc, at place k: documents
 * come in order, so the first count sets its first document. */
static void wstat_add(morgue_searchindex *s, size_t w, long doc, size_t k)
{
	wstat_reserve(s, w + 1);
	if (!s->wcount[w]++) {
		s->wfirst[w] = (unsigned)doc;
		s->widx[w] = (unsigned)k;
	}
}

/* List tok's fold for the document's blob the first time it occurs in
 * the document (t, its term, then has its slot). */
static void note_fold(dctx *c, const morgue_token *tok, const term *t)
{
	if (tok->word >= 0) {
		if (c->seen_word[tok->word] == c->doc + 1)
			return;
		c->seen_word[tok->word] = c->doc + 1;
	} else {
		if (smap_slot(&c->dfolds, tok->fold, 0))
			return;
		char *k = morgue_strdup(tok->fold);
		MORGUE_ARRAY_RESERVE(c->dkeys, c->capdkeys, c->ndkeys + 1);
		c->dkeys[c->ndkeys++] = k;
		*smap_slot(&c->dfolds, k, 1) = k;
	}
	size_t w = dict_word(c->s, tok);
	/* a term's first token is the first of its fold in the document */
	if (t->slot >= c->nfolds_terms) {
		MORGUE_ARRAY_RESERVE(c->tword, c->captword, t->slot + 1);
		c->tword[t->slot] = w;
		c->nfolds_terms = t->slot + 1;
	}
	uvarint(&c->folds, w);
	c->nfolds++;
}

/* Chain each occurrence to its term's list for this document: tokens come
 * title first, then body (positions above the title's), then entity names
 * (flag 2), so every list is already in the order the postings need and
 * no sort is needed. */
static int on_token(const morgue_token *tok, void *payload)
{
	dctx *c = payload;
	term *t = word_term(c->s, tok);
	MORGUE_ARRAY_RESERVE(c->occ, c->cap, c->n + 1);
	size_t k = c->n++;
	c->occ[k] = (occ){ c->base + tok->pos, c->flags, NONE };
	if (t->seen_doc != c->doc) {
		t->seen_doc = c->doc;
		t->head = k;
		t->slot = c->nterms;
		MORGUE_ARRAY_RESERVE(c->terms, c->capterms, c->nterms + 1);
		c->terms[c->nterms++] = t;
	} else {
		c->occ[t->tail].next = k;
	}
	t->tail = k;
	if (c->encode)
		note_fold(c, tok, t);
	if (tok->pos + 1 > c->count)
		c->count = tok->pos + 1;
	return 0;
}

/* Start doc's postings in t (a new chunk when the doc and tf numbers of
 * this one reached CHUNK bytes); the caller counts what it adds in t->dc. */
static void post_begin(term *t, long doc)
{
	if (t->borrowed) {
		morgue_buf own = MORGUE_BUF_INIT;
		morgue_buf_grow(&own, t->post.size + 16);
		morgue_buf_put(&own, t->post.ptr, t->post.size);
		t->post = own;
		t->borrowed = 0;
	}
	if (t->dc - t->dc_start > CHUNK) {
		MORGUE_ARRAY_RESERVE(t->cuts, t->capcuts, t->ncuts + 1);
		t->cuts[t->ncuts++] = t->post.size;
		t->dc_start = t->dc;
	}
	size_t at = t->post.size;
	varint(&t->post, (unsigned long)(doc - t->last_doc - 1));
	t->dc += t->post.size - at;
	t->last_doc = doc;
}

/* Append doc's postings codes[0..n) to t: the tf code (its first head
 * bytes), then the positions. */
static void post_codes(term *t, long doc, const char *codes, size_t n, size_t head)
{
	post_begin(t, doc);
	if (t->post.size + n + 1 > t->post.asize)
		morgue_buf_grow(&t->post, n);
	char *o = t->post.ptr + t->post.size;
	t->post.size += n;
	if (n > 16)
		memcpy(o, codes, n);
	else
		while (n--) /* most are a few characters: no call */
			*o++ = *codes++;
	t->post.ptr[t->post.size] = '\0';
	t->dc += head;
}

/* Append doc to the postings of facet key kind + fold(val); the term of
 * each value as given is remembered (folding is most of the cost, and
 * documents share their tags and publications). */
static term *facet_term(morgue_searchindex *s, const char *kind, const char *val)
{
	morgue_buf k = MORGUE_BUF_INIT;
	char small[128];
	size_t kl = strlen(kind), vl = strlen(val);
	void **slot = NULL;
	term *t;
	if (kl + vl < sizeof(small)) { /* most: no allocation */
		memcpy(small, kind, kl);
		memcpy(small + kl, val, vl + 1);
		slot = smap_slot(&s->rawfacets, small, 0);
	}
	if (slot) {
		t = *slot;
	} else {
		morgue_buf_puts(&k, kind);
		morgue_buf_puts(&k, val);
		morgue_buf f = MORGUE_BUF_INIT;
		morgue_buf_puts(&f, kind);
		morgue_tokenize_fold(&f, val, strlen(val));
		t = get_term(s, f.ptr, 1);
		morgue_buf_free(&f);
		MORGUE_ARRAY_RESERVE(s->rawkeys, s->caprawkeys, s->nrawkeys + 1);
		s->rawkeys[s->nrawkeys++] = morgue_buf_detach(&k);
		*smap_slot(&s->rawfacets, s->rawkeys[s->nrawkeys - 1], 1) = t;
	}
	morgue_buf_free(&k);
	return t;
}

static void facet(morgue_searchindex *s, const char *kind, const char *val, long doc)
{
	term *t = facet_term(s, kind, val);
	if (t->last_doc != doc)
		post_begin(t, doc);
}

static int days_from_civil(const char *d)
{
	int y, m, dd;
	if (!d || sscanf(d, "%4d-%2d-%2d", &y, &m, &dd) != 3 || m < 1 || m > 12 || dd < 1 || dd > 31)
		return 0;
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int doc_cmp(const void *a, const void *b)
{
	const sdoc *x = a, *y = b;
	int c = strcmp(x->date, y->date);
	return c ? c : strcmp(x->url, y->url);
}

static int ent_cmp(const void *a, const void *b)
{
	return strcmp(((const sent *)a)->slug, ((const sent *)b)->slug);
}

/* The value of an ALPHA character, or -1. */
static int alpha_ok(unsigned char ch)
{
	if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    ch == '-' || ch == '_')
		return alpha_val(ch);
	return -1;
}

/* Take a token-cache blob p[0..n) (see TOK_BLOB_VERSION) apart: its
 * terms into c->rt (each term once: their seen_doc set to mark), its
 * length, and where its nf folds start: 0, or -1, c->rt then unusable,
 * when the blob is not one this code writes with this dictionary. */
static int tok_parse(morgue_searchindex *s, dctx *c, const unsigned char *p, size_t n, long mark,
		     unsigned *len, size_t *folds_at, size_t *nfolds)
{
	size_t i = 1 + WDICT_ID, words, nt, nf, folds, w = 0;
	if (n < i || p[0] != TOK_BLOB_VERSION || s->wstate != 1 ||
	    memcmp(p + 1, s->wdict.ptr + strlen(WDICT_MAGIC), WDICT_ID) ||
	    read_uvarint(p, n, &i, &words) < 0 || words > 0xFFFFFFFFu ||
	    read_uvarint(p, n, &i, &nt) < 0 || nt > n)
		return -1;
	c->nrt = 0;
	for (size_t k = 0; k < nt; k++) {
		size_t cl, head = 0;
		if (read_uvarint(p, n, &i, &w) < 0 || w >= s->nw ||
		    read_uvarint(p, n, &i, &cl) < 0 || !cl || cl > n - i)
			return -1;
		/* the tf code; the rest is copied as it is (the cache is
		 * trusted with its bytes, as with the articles' rows) */
		for (size_t j = 0; j < cl && !head; j++) {
			int v = alpha_ok(p[i + j]);
			if (v < 0)
				return -1;
			if (v < 32)
				head = j + 1;
		}
		if (!head || alpha_ok(p[i + cl - 1]) < 0 || alpha_val(p[i + cl - 1]) >= 32)
			return -1; /* a varint cut short */
		MORGUE_ARRAY_RESERVE(c->rt, c->caprt, c->nrt + 1);
		c->rt[c->nrt++] = (rterm){ (const char *)p + i, cl, head, (term *)(uintptr_t)w };
		i += cl;
	}
	if (read_uvarint(p, n, &i, &nf) < 0 || nf > n)
		return -1;
	folds = i;
	for (size_t k = 0; k < nf; k++)
		if (read_uvarint(p, n, &i, &w) < 0 || w >= s->nw)
			return -1;
	if (i != n)
		return -1;
	/* each term once: two lists for one document would not decode */
	size_t k;
	for (k = 0; k < nt; k++) {
		term *t = c->rt[k].t = dict_term(s, (size_t)(uintptr_t)c->rt[k].t);
		if (t->seen_doc == mark)
			break;
		t->seen_doc = mark;
	}
	if (k < nt) {
		for (size_t j = 0; j < k; j++)
			c->rt[j].t->seen_doc = -1;
		return -1;
	}
	*len = (unsigned)words;
	*folds_at = folds;
	*nfolds = nf;
	return 0;
}

/* Index document id from its token-cache blob (c->blob) as index_doc
 * would from its text: 0, or -1, nothing appended (tok_parse). */
static int tok_replay(morgue_searchindex *s, dctx *c, long id, unsigned *len)
{
	const unsigned char *p = (const unsigned char *)c->blob.ptr;
	size_t n = c->blob.size, i, nf, w = 0;
	if (tok_parse(s, c, p, n, id, len, &i, &nf) < 0)
		return -1;
	for (size_t k = 0; k < c->nrt; k++)
		post_codes(c->rt[k].t, id, c->rt[k].code, c->rt[k].n, c->rt[k].head);
	for (size_t k = 0; k < nf; k++) {
		read_uvarint(p, n, &i, &w);
		wstat_add(s, w, id, k);
		if (!s->wdone[w]) {
			s->wdone[w] = 1;
			add_form(s, dict_term(s, w), s->wdict.ptr + s->woff[w]);
		}
	}
	return 0;
}

/* Tokenize one document and append its postings; with a token cache,
 * replay its blob instead when the cache has one, or record it. */
static void index_doc(morgue_searchindex *s, morgue_tokenizer *tk, dctx *c, long id,
		      unsigned *len)
{
	sdoc *d = &s->docs[id];
	doc_ents(s, d);
	if (d->key && s->toks.lookup && !c->dry) {
		morgue_buf_clear(&c->blob);
		if (s->toks.lookup(d->key, &c->blob, s->toks.payload) == 1 &&
		    tok_replay(s, c, id, len) == 0)
			goto facets;
	}
	c->encode = d->key && s->toks.record && s->wstate == 1;
	if (c->encode && !c->seen_word)
		c->seen_word = morgue_calloc(MORGUE_TOKEN_WORDS, sizeof(*c->seen_word));
	if (c->encode && !s->word_dict)
		s->word_dict = morgue_calloc(MORGUE_TOKEN_WORDS, sizeof(*s->word_dict));
	morgue_buf_clear(&c->folds);
	c->nfolds = c->nfolds_terms = 0;
	c->doc = id;
	c->nterms = 0;
	c->n = 0;
	c->count = 0;
	c->base = 0;
	c->flags = 1;
	morgue_tokenize(tk, d->title, strlen(d->title), on_token, c);
	unsigned title_words = c->count;
	c->base = title_words + 2;
	c->flags = 0;
	c->count = 0;
	const char *text = doc_text(s, d, &c->text);
	morgue_tokenize(tk, text, strlen(text), on_token, c);
	*len = title_words + c->count;
	c->flags = 2;
	c->base = 0;
	for (size_t i = 0; i < d->nents; i++)
		morgue_tokenize(tk, d->entnames[i], strlen(d->entnames[i]), on_token, c);
	if (c->encode) {
		morgue_buf_clear(&c->blob);
		morgue_buf_putc(&c->blob, TOK_BLOB_VERSION);
		morgue_buf_put(&c->blob, s->wdict.ptr + strlen(WDICT_MAGIC), WDICT_ID);
		uvarint(&c->blob, *len);
		uvarint(&c->blob, c->nterms);
	}
	/* each term's postings go to its own list: the order the terms are
	 * visited in does not change the output */
	for (size_t i = 0; i < c->nterms; i++) {
		term *t = c->terms[i];
		unsigned flags = 0, tf = 0;
		for (size_t k = t->head; k != NONE; k = c->occ[k].next) {
			flags |= c->occ[k].flags;
			if (!(c->occ[k].flags & 2))
				tf++;
		}
		morgue_buf_clear(&c->code);
		varint(&c->code, (unsigned long)tf * 4 + (flags & 3));
		size_t head = c->code.size;
		if (!t->stop) {
			unsigned prev = 0;
			for (size_t k = t->head; k != NONE && !(c->occ[k].flags & 2);
			     k = c->occ[k].next) {
				varint(&c->code, c->occ[k].pos - prev);
				prev = c->occ[k].pos;
			}
		}
		if (!c->dry)
			post_codes(t, id, c->code.ptr, c->code.size, head);
		if (c->encode) {
			uvarint(&c->blob, c->tword[i]);
			uvarint(&c->blob, c->code.size);
			morgue_buf_put(&c->blob, c->code.ptr, c->code.size);
		}
	}
	if (c->encode) {
		uvarint(&c->blob, c->nfolds);
		morgue_buf_put(&c->blob, c->folds.ptr, c->folds.size);
		s->toks.record(d->key, c->blob.ptr, c->blob.size, s->toks.payload);
		size_t i = 0, w;
		const unsigned char *f = (const unsigned char *)c->folds.ptr;
		for (size_t k = 0; !c->dry && k < c->nfolds; k++)
			if (read_uvarint(f, c->folds.size, &i, &w) == 0)
				wstat_add(s, w, id, k);
		if (c->ndkeys) {
			smap_free(&c->dfolds);
			freev(c->dkeys, c->ndkeys);
			c->dkeys = NULL;
			c->ndkeys = c->capdkeys = 0;
		}
	} else {
		s->snap_off = 1;
	}
	if (c->dry)
		return;
facets:
	if (d->pubkey)
		facet(s, "~p", d->pubkey, id);
	for (size_t i = 0; i < d->ntags; i++)
		facet(s, "~t", d->tags[i], id);
	for (size_t i = 0; i < d->nents; i++)
		facet(s, "~e", d->ents[i], id);
}

typedef struct ent_tok {
	morgue_searchindex *s;
	unsigned ent;
} ent_tok;

static int on_entity_token(const morgue_token *tok, void *payload)
{
	ent_tok *c = payload;
	term *t = get_term(c->s, tok->stem, 0);
	add_form(c->s, t, tok->fold);
	for (size_t i = 0; i < t->nents; i++)
		if (t->ents[i] == c->ent)
			return 0;
	MORGUE_ARRAY_RESERVE(t->ents, t->capents, t->nents + 1);
	t->ents[t->nents++] = c->ent;
	return 0;
}

/* One item of a term shard: a term ("s") or a form ("f"). A short
 * term's JSON is made only if its shard is written (lazy: json NULL, its
 * postings kept until then); its length is known before (lazy_item), and
 * dig hashes what the JSON is made of, so an unchanged shard is known by
 * its items' digests without making its JSON (edits keep most). */
typedef struct item {
	const char *key;
	int kind; /* 0 term, 1 form */
	char *json; /* NULL: lazy */
	size_t len;
	uint64_t pre; /* the key's first 8 bytes, big-endian, 0-padded */
	term *t;      /* a term's */
	morgue_hash dig;
} item;

static uint64_t key_prefix(const char *k)
{
	uint64_t v = 0;
	int i = 0;
	for (; i < 8 && k[i]; i++)
		v = v << 8 | (unsigned char)k[i];
	return v << (8 * (8 - i));
}

/* strcmp order of the keys (the prefixes order as strcmp does: NUL is
 * the smallest byte), then terms before forms. */
static int item_cmp(const void *a, const void *b)
{
	const item *x = a, *y = b;
	if (x->pre != y->pre)
		return x->pre < y->pre ? -1 : 1;
	int c = strcmp(x->key, y->key);
	return c ? c : x->kind - y->kind;
}

/* Byte length of the first n code points of s (all of s if shorter). */
static size_t cp_prefix(const char *s, size_t n)
{
	size_t i = 0;
	while (s[i] && n) {
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
		n--;
	}
	return i;
}

typedef struct writer {
	morgue_searchindex *s;
	morgue_buf dir;
	morgue_buf shards; /* JSON list of prefixes */
	morgue_buf dict;   /* preset dictionary of the d-N.js files, or empty */
	char dict_key[MORGUE_HASH_HEX]; /* its hash, for the files' memo keys */
	z_stream z;
	int zok;
	z_stream zd; /* a stream primed with dict, copied for each document */
	int zdok;
	int rc;
	morgue_buf sep[3]; /* separate's doc deltas, tf codes, positions */
	morgue_buf head, tail; /* term_ends' */
} writer;

static void shard_file(morgue_buf *out, const char *prefix, size_t len)
{
	morgue_buf_puts(out, "t-");
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)prefix[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			morgue_buf_putc(out, c);
			i++;
			continue;
		}
		int32_t cp;
		size_t n = 1;
		if (c < 0x80) cp = c;
		else if (c < 0xE0) { cp = c & 0x1F; n = 2; }
		else if (c < 0xF0) { cp = c & 0x0F; n = 3; }
		else { cp = c & 0x07; n = 4; }
		for (size_t k = 1; k < n && i + k < len; k++)
			cp = (cp << 6) | (prefix[i + k] & 0x3F);
		morgue_buf_printf(out, "_%x_", (unsigned)cp);
		i += n;
	}
}

static void put_file(writer *w, const char *name, const morgue_buf *body)
{
	morgue_buf path = MORGUE_BUF_INIT;
	if (w->rc)
		return;
	if (w->s->output) {
		morgue_buf_printf(&path, "search/%s.js", name);
		w->rc = morgue_output_write(w->s->output, path.ptr, morgue_buf_cstr(body),
					    body->size);
	} else {
		morgue_buf_printf(&path, "%s/%s.js", w->dir.ptr, name);
		w->rc = morgue_fs_write(path.ptr, morgue_buf_cstr(body), body->size);
	}
	w->s->bytes += body->size;
	w->s->files++;
	morgue_buf_free(&path);
}

/* base85: 4 bytes (big-endian) -> 5 digits, most significant first; a
 * last group of n < 4 bytes is zero-padded and gives n + 1 digits. The
 * digits are printable ASCII without " ' \\ < > & ` % ^, so they need no
 * escaping in a JSON string, a script or HTML. */
static const char B85[] =
	"!#$()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]_abcdefghijklmnopqrstuvwxyz{|}~";

static void base85(morgue_buf *b, const unsigned char *p, size_t n)
{
	morgue_buf_grow(b, (n + 3) / 4 * 5); /* at once, not group by group */
	for (size_t i = 0; i < n; i += 4) {
		uint32_t v = 0;
		size_t m = n - i < 4 ? n - i : 4;
		for (size_t k = 0; k < 4; k++)
			v = (v << 8) | (k < m ? p[i + k] : 0);
		char d[5];
		for (int k = 4; k >= 0; k--) {
			d[k] = B85[v % 85];
			v /= 85;
		}
		morgue_buf_put(b, d, m + 1);
	}
}

/* Raw deflate of in[0..n) into out (replacing it): with dict as the preset
 * dictionary when given, ending the stream (Z_FINISH) or, with sync, at a
 * byte-aligned block boundary (Z_SYNC_FLUSH) so more blocks can follow.
 * 0, or MORGUE_ERROR when zlib fails. */
static int deflate_raw(writer *w, morgue_buf *out, const char *in, size_t n,
		       const morgue_buf *dict, int sync)
{
	if (dict && dict->size) {
		/* setting a 28 KB dictionary hashes all of it: done once, and
		 * each document starts from a copy of that state (the same
		 * state, so the same bytes; a copy of zlib's 400 KB of tables
		 * is cheaper than hashing the dictionary again) */
		if (!w->zdok) {
			memset(&w->zd, 0, sizeof(w->zd));
			if (deflateInit2(&w->zd, 6, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
				return morgue_error_set(MORGUE_ERROR, NULL, 0, "zlib: deflateInit2 failed");
			w->zdok = 1;
			if (deflateSetDictionary(&w->zd, (const Bytef *)dict->ptr, (uInt)dict->size) != Z_OK)
				return morgue_error_set(MORGUE_ERROR, NULL, 0,
							"zlib: deflateSetDictionary failed");
		}
		if (w->zok)
			deflateEnd(&w->z);
		w->zok = 0;
		if (deflateCopy(&w->z, &w->zd) != Z_OK)
			return morgue_error_set(MORGUE_ERROR, NULL, 0, "zlib: deflateCopy failed");
		w->zok = 1;
	} else if (!w->zok) {
		memset(&w->z, 0, sizeof(w->z));
		/* level 6: half the time of 9 for 3% more bytes */
		if (deflateInit2(&w->z, 6, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
			return morgue_error_set(MORGUE_ERROR, NULL, 0, "zlib: deflateInit2 failed");
		w->zok = 1;
	} else if (deflateReset(&w->z) != Z_OK) {
		return morgue_error_set(MORGUE_ERROR, NULL, 0, "zlib: deflateReset failed");
	}
	morgue_buf_clear(out);
	size_t cap = deflateBound(&w->z, (uLong)n) + 16;
	morgue_buf_grow(out, cap);
	w->z.next_in = (Bytef *)(uintptr_t)in;
	w->z.avail_in = (uInt)n;
	w->z.next_out = (Bytef *)out->ptr;
	w->z.avail_out = (uInt)cap;
	int zr = deflate(&w->z, sync ? Z_SYNC_FLUSH : Z_FINISH);
	if (zr != (sync ? Z_OK : Z_STREAM_END) || w->z.avail_in)
		return morgue_error_set(MORGUE_ERROR, NULL, 0, "zlib: deflate failed (%d)", zr);
	out->size = cap - w->z.avail_out;
	return 0;
}

/* Append to out the JSON value json, or when shorter its packed form:
 * {"z":"BASE85"} (raw deflate of the JSON text) or, with dict, {"zd":...}
 * (raw deflate against the preset dictionary of z.js). */
static int pack(writer *w, morgue_buf *out, const morgue_buf *json, int dict)
{
	morgue_buf z = MORGUE_BUF_INIT;
	int rc;
	dict = dict && w->dict.size;
	if ((rc = deflate_raw(w, &z, json->ptr ? json->ptr : "", json->size,
			      dict ? &w->dict : NULL, 0)) < 0)
		goto done;
	if (z.size + z.size / 4 + 12 < json->size) {
		morgue_buf_puts(out, dict ? "{\"zd\":\"" : "{\"z\":\"");
		base85(out, (const unsigned char *)z.ptr, z.size);
		morgue_buf_puts(out, "\"}");
	} else {
		morgue_buf_put(out, morgue_buf_cstr(json), json->size);
	}
done:
	morgue_buf_free(&z);
	return rc;
}

/* The text of NAME.js into out: morgueSearch.load("NAME",VALUE); with
 * VALUE json or its packed form (pack). */
static int file_body(writer *w, morgue_buf *out, const char *name, const morgue_buf *json,
		     int dict)
{
	int rc;
	morgue_buf_puts(out, "morgueSearch.load(");
	morgue_escape_json_string(out, name);
	morgue_buf_putc(out, ',');
	if ((rc = pack(w, out, json, dict)) >= 0)
		morgue_buf_puts(out, ");\n");
	return rc;
}

/* The memo key of NAME.js from its JSON (and the dictionary it is packed
 * with, by its hash). */
static void json_key(writer *w, char key[MORGUE_HASH_HEX], const char *name,
		     const morgue_buf *json, int dict)
{
	morgue_hash h;
	morgue_hash_init(&h);
	morgue_hash_puts(&h, "search 2");
	morgue_hash_puts(&h, name);
	morgue_hash_int(&h, dict && w->dict.size);
	if (dict && w->dict.size)
		morgue_hash_put(&h, w->dict_key, MORGUE_HASH_HEX);
	morgue_hash_put(&h, json->ptr ? json->ptr : "", json->size);
	morgue_hash_hex(key, &h);
}

/* Write NAME.js: morgueSearch.load("NAME",VALUE); with VALUE json or its
 * packed form (pack). known: NULL, or the file's memo key, already asked
 * about (reuse said no). */
static void put_json_keyed(writer *w, const char *name, const morgue_buf *json, int dict,
			   const char *known)
{
	morgue_buf body = MORGUE_BUF_INIT;
	if (w->rc)
		return;
	/* the file is a function of its name, its JSON and the dictionary
	 * (by its hash: hashing 28 KB per document was a twentieth of the
	 * writer) */
	char key[MORGUE_HASH_HEX] = "";
	int memo = w->s->memo.reuse || w->s->memo.record;
	if (known)
		memcpy(key, known, MORGUE_HASH_HEX);
	else if (memo)
		json_key(w, key, name, json, dict);
	if (!known && w->s->memo.reuse && w->s->memo.reuse(name, key, w->s->memo.payload))
		return;
	if ((w->rc = file_body(w, &body, name, json, dict)) >= 0) {
		put_file(w, name, &body);
		if (!w->rc && w->s->memo.record)
			w->s->memo.record(name, key, w->s->memo.payload);
	}
	morgue_buf_free(&body);
}

static void put_json(writer *w, const char *name, const morgue_buf *json, int dict)
{
	put_json_keyed(w, name, json, dict, NULL);
}

void morgue_searchindex_set_tokens(morgue_searchindex *s, const morgue_searchindex_tokens *t)
{
	if (t)
		s->toks = *t;
	else
		memset(&s->toks, 0, sizeof(s->toks));
}

void morgue_searchindex_set_text(morgue_searchindex *s, morgue_searchindex_text_fn fetch,
				 void *payload)
{
	s->text_fetch = fetch;
	s->text_payload = payload;
}

void morgue_searchindex_set_output(morgue_searchindex *s, morgue_output *o)
{
	s->output = o;
}

void morgue_searchindex_set_memo(morgue_searchindex *s, const morgue_searchindex_memo *m)
{
	if (m)
		s->memo = *m;
	else
		memset(&s->memo, 0, sizeof(s->memo));
}

static void term_json(writer *w, morgue_buf *b, term *t);

/* The shard of it[lo..hi): written, unless the memo has it (its key: the
 * name and the items' digests). The lazy terms' postings are let go. */
static void emit_shard(writer *w, item *it, size_t lo, size_t hi, const char *prefix, size_t plen)
{
	morgue_buf name = MORGUE_BUF_INIT, body = MORGUE_BUF_INIT, p = MORGUE_BUF_INIT;
	char key[MORGUE_HASH_HEX] = "";
	int memo = w->s->memo.reuse || w->s->memo.record;
	morgue_buf_put(&p, prefix, plen);
	shard_file(&name, prefix, plen);
	if (w->shards.size > 1)
		morgue_buf_putc(&w->shards, ',');
	morgue_escape_json_string(&w->shards, morgue_buf_cstr(&p));
	if (memo) {
		morgue_hash h;
		morgue_hash_init(&h);
		morgue_hash_puts(&h, "search shard 1");
		morgue_hash_puts(&h, name.ptr);
		for (size_t i = lo; i < hi; i++) {
			morgue_hash_int(&h, it[i].kind);
			morgue_hash_put(&h, &it[i].dig, sizeof(it[i].dig));
		}
		morgue_hash_hex(key, &h);
		if (w->s->memo.reuse && w->s->memo.reuse(name.ptr, key, w->s->memo.payload))
			goto done;
	}
	morgue_buf_puts(&body, "{\"s\":{");
	int first = 1;
	for (size_t i = lo; i < hi; i++)
		if (it[i].kind == 0) {
			if (!first)
				morgue_buf_putc(&body, ',');
			first = 0;
			size_t at = body.size;
			if (it[i].json)
				morgue_buf_put(&body, it[i].json, it[i].len);
			else
				term_json(w, &body, it[i].t);
			/* split sized the shard by the measure: a bug otherwise */
			if (body.size - at != it[i].len && !w->rc)
				w->rc = morgue_error_set(MORGUE_ERROR, NULL, 0,
							 "search index: term \"%s\" is %zu bytes,"
							 " measured %zu", it[i].key,
							 body.size - at, it[i].len);
		}
	morgue_buf_puts(&body, "},\"f\":{");
	first = 1;
	for (size_t i = lo; i < hi; i++)
		if (it[i].kind == 1) {
			if (!first)
				morgue_buf_putc(&body, ',');
			first = 0;
			morgue_buf_put(&body, it[i].json, it[i].len);
		}
	morgue_buf_puts(&body, "}}");
	put_json_keyed(w, name.ptr, &body, 0, memo ? key : NULL);
done:
	for (size_t i = lo; i < hi; i++)
		if (it[i].kind == 0 && !it[i].json)
			post_drop(it[i].t);
	morgue_buf_free(&name);
	morgue_buf_free(&body);
	morgue_buf_free(&p);
}

/* it[lo..hi) share the first `depth` code points (prefix). Emit one shard,
 * or split by one more code point when the shard would be too big. */
static void split(writer *w, item *it, size_t lo, size_t hi, size_t depth)
{
	size_t total = 64;
	for (size_t i = lo; i < hi; i++)
		total += it[i].len + 1;
	const char *prefix = it[lo].key;
	size_t plen = cp_prefix(prefix, depth);
	int same = !strcmp(it[lo].key, it[hi - 1].key);
	morgue_buf fname = MORGUE_BUF_INIT;
	shard_file(&fname, prefix, cp_prefix(prefix, depth + 1));
	/* a longer prefix could overflow a file name (NAME_MAX): stop there */
	int too_long = fname.size > 200;
	morgue_buf_free(&fname);
	if (total <= MORGUE_SEARCH_SHARD_MAX || same || too_long) {
		emit_shard(w, it, lo, hi, prefix, plen);
		return;
	}
	size_t i = lo;
	/* keys equal to the prefix itself form their own shard */
	while (i < hi && strlen(it[i].key) == plen)
		i++;
	if (i > lo)
		emit_shard(w, it, lo, i, prefix, plen);
	while (i < hi) {
		size_t l = cp_prefix(it[i].key, depth + 1), j = i + 1;
		while (j < hi && !strncmp(it[j].key, it[i].key, l) && cp_prefix(it[j].key, depth + 1) == l)
			j++;
		split(w, it, i, j, depth + 1);
		i = j;
	}
}

static int alpha_val(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A' + 36;
	return ch == '-' ? 62 : 63;
}

/* The positions files of one chunk: parts[0..n), each about CHUNK bytes. */
typedef struct pos_parts {
	morgue_buf *parts;
	size_t n, cap;
} pos_parts;

static morgue_buf *pos_part(pos_parts *pp)
{
	MORGUE_ARRAY_RESERVE(pp->parts, pp->cap, pp->n + 1);
	pp->parts[pp->n] = (morgue_buf)MORGUE_BUF_INIT;
	return &pp->parts[pp->n++];
}

/* Append the postings p[0..n) of a word (whole documents, as built by
 * index_doc) with their three kinds of numbers apart, which deflate codes
 * better: the doc deltas, ".", the tf codes, ".", the positions. With pp
 * (a chunk of a long list), the positions go to pp's parts instead,
 * a new part starting at a document once one reaches CHUNK bytes, and out
 * ends after the tf codes with ",K" for each part after the first (K: the
 * index in the chunk of its first document). A facet's list (doc deltas
 * only) and an empty one are copied. */
/* The end of the varint at p[i..n) (a character without the 32 bit
 * ends it), and its value in *v. */
static size_t varint_end(const char *p, size_t n, size_t i, unsigned long *v)
{
	unsigned long r = 0;
	unsigned shift = 0;
	while (i < n) {
		int d = alpha_val((unsigned char)p[i++]);
		r |= (unsigned long)(d & 31) << shift;
		if (!(d & 32))
			break;
		shift += 5;
	}
	*v = r;
	return i;
}

/* The end of the k varints at p[i..n): each ends at a character worth
 * less than 32 ('0'-'9', 'a'-'v'). Positions are most of the postings:
 * skipped without their values. */
static size_t varints_skip(const char *p, size_t n, size_t i, unsigned long k)
{
	for (; k && i < n; i++)
		k -= (unsigned)(p[i] - '0') < 10 || (unsigned)(p[i] - 'a') < 22;
	return i;
}

/* Append p[a..e) to b, which has room (grown by the caller). */
static void put_span(morgue_buf *b, const char *p, size_t a, size_t e)
{
	char *o = b->ptr + b->size;
	b->size += e - a;
	if (e - a > 16) {
		memcpy(o, p + a, e - a);
		return;
	}
	while (a < e) /* most are a character or two: no call */
		*o++ = p[a++];
}

/* Take postings p[0..n) apart into out (see the top of the file); sep:
 * three buffers for the parts, kept from call to call (one per term:
 * their allocations were a tenth of the writer). */
static void separate(morgue_buf *out, const char *p, size_t n, const term *t, pos_parts *pp,
		     morgue_buf sep[3])
{
	if (t->facet || !n) {
		morgue_buf_put(out, p, n);
		return;
	}
	/* the varints are moved as they are: what read_varint then varint
	 * would write is the same characters */
	morgue_buf *docs = &sep[0], *tfs = &sep[1], cuts = MORGUE_BUF_INIT;
	morgue_buf *pos = pp && !t->stop ? pos_part(pp) : &sep[2];
	for (int k = 0; k < 3; k++)
		morgue_buf_clear(&sep[k]);
	morgue_buf_grow(docs, n + 1);
	morgue_buf_grow(tfs, n + 1);
	morgue_buf_grow(pos, n + 1);
	size_t i = 0;
	for (size_t d = 0; i < n; d++) {
		if (pos != &sep[2] && pos->size > CHUNK) {
			pos = pos_part(pp);
			morgue_buf_grow(pos, n - i + 1);
			morgue_buf_printf(&cuts, ",%zu", d);
		}
		unsigned long code;
		size_t e = varints_skip(p, n, i, 1);
		put_span(docs, p, i, e);
		i = e;
		e = varint_end(p, n, i, &code);
		put_span(tfs, p, i, e);
		i = e;
		if (!t->stop) {
			size_t a = i;
			i = varints_skip(p, n, i, code / 4);
			put_span(pos, p, a, i);
		}
	}
	morgue_buf_grow(out, docs->size + tfs->size + sep[2].size + cuts.size + 2);
	morgue_buf_put(out, docs->ptr, docs->size);
	morgue_buf_putc(out, '.');
	morgue_buf_put(out, tfs->ptr, tfs->size);
	if (pos != &sep[2]) {
		morgue_buf_put(out, cuts.ptr, cuts.size);
	} else {
		morgue_buf_putc(out, '.');
		morgue_buf_put(out, sep[2].ptr, sep[2].size);
	}
	morgue_buf_free(&cuts);
}

/* The two ends of t's entry in its term shard, around its postings:
 * head the key and ":[", tail its [forms] and [entities] (see below)
 * and "]". */
static void term_ends(writer *w, const term *t, morgue_buf *head, morgue_buf *tail)
{
	morgue_buf_clear(head);
	morgue_buf_clear(tail);
	morgue_escape_json_string(head, t->key);
	morgue_buf_puts(head, ":[");
	size_t other = 0;
	for (size_t i = 0; i < t->nforms; i++)
		other += strcmp(t->forms[i], t->key) != 0;
	if (other || t->nents) {
		morgue_buf_puts(tail, ",[");
		int n = 0;
		for (size_t i = 0; i < t->nforms; i++) {
			if (!strcmp(t->forms[i], t->key))
				continue;
			if (n++)
				morgue_buf_putc(tail, ',');
			morgue_escape_json_string(tail, t->forms[i]);
		}
		morgue_buf_putc(tail, ']');
	}
	if (t->nents) {
		morgue_buf_puts(tail, ",[");
		for (size_t i = 0; i < t->nents; i++) {
			sent *e = &w->s->ents[t->ents[i]];
			if (i)
				morgue_buf_putc(tail, ',');
			morgue_buf_putc(tail, '[');
			morgue_escape_json_string(tail, e->slug);
			morgue_buf_putc(tail, ',');
			morgue_escape_json_string(tail, e->name);
			morgue_buf_putc(tail, ',');
			morgue_escape_json_string(tail, e->type);
			morgue_buf_putc(tail, ',');
			/* "" for the default entities/SLUG.html */
			size_t sl = strlen(e->slug);
			int dflt = !strncmp(e->url, "entities/", 9) && !strncmp(e->url + 9, e->slug, sl) &&
				   !strcmp(e->url + 9 + sl, ".html");
			morgue_escape_json_string(tail, dflt ? "" : e->url);
			morgue_buf_printf(tail, ",%d]", e->count);
		}
		morgue_buf_putc(tail, ']');
	}
	morgue_buf_putc(tail, ']');
}

/* Whether t's postings go into its entry, as one string (not chunks):
 * its item can then be lazy. */
static int term_short(const term *t)
{
	return t->ncuts == 0 && t->post.size <= CHUNK;
}

/* A short term's entry appended to b: what lazy_item measured. */
static void term_json(writer *w, morgue_buf *b, term *t)
{
	term_ends(w, t, &w->head, &w->tail);
	morgue_buf_put(b, w->head.ptr, w->head.size);
	morgue_buf_puts(b, t->stop ? "\"!" : "\"");
	separate(b, morgue_buf_cstr(&t->post), t->post.size, t, NULL, w->sep);
	morgue_buf_putc(b, '"');
	morgue_buf_put(b, w->tail.ptr, w->tail.size);
}

/* A short term's item, its JSON not made: the length term_json will
 * give (separate keeps every byte of the postings, and adds a '.'
 * before the tf codes and one before the positions, none to a facet's),
 * and the digest of what it is made of: ends, flags, postings. */
static void lazy_item(writer *w, term *t, item *out)
{
	size_t n = t->post.size;
	term_ends(w, t, &w->head, &w->tail);
	out->key = t->key;
	out->kind = 0;
	out->json = NULL;
	out->len = w->head.size + (t->stop ? 2 : 1) + (t->facet || !n ? n : n + 2) + 1 +
		   w->tail.size;
	morgue_hash_init(&out->dig);
	morgue_hash_put(&out->dig, w->head.ptr, w->head.size);
	morgue_hash_int(&out->dig, (t->stop ? 1 : 0) | (t->facet ? 2 : 0));
	morgue_hash_put(&out->dig, t->post.ptr ? t->post.ptr : "", n);
	morgue_hash_put(&out->dig, w->tail.ptr, w->tail.size);
}

/* A long term's entry as out->json: [postings, [forms], [entities]],
 * its postings [first chunk, chunks] and, when it has positions,
 * [first chunk, chunks, first positions file, positions files]; the
 * chunks and positions files are written and numbered from *chunk_no and
 * *pos_no. */
static void ser_term(writer *w, term *t, item *out, size_t *chunk_no, size_t *pos_no)
{
	morgue_buf b = MORGUE_BUF_INIT, body = MORGUE_BUF_INIT, name = MORGUE_BUF_INIT;
	size_t first = *chunk_no, pfirst = *pos_no;
	int with_pos = !t->stop && !t->facet;
	term_ends(w, t, &w->head, &w->tail);
	morgue_buf_put(&b, w->head.ptr, w->head.size);
	for (size_t c = 0; c <= t->ncuts; c++) {
		size_t a = c ? t->cuts[c - 1] : 0, e = c < t->ncuts ? t->cuts[c] : t->post.size;
		pos_parts pp = { 0 };
		morgue_buf_clear(&name);
		morgue_buf_printf(&name, "c-%zu", (*chunk_no)++);
		morgue_buf_clear(&body);
		morgue_buf_puts(&body, t->stop && c == 0 ? "\"!" : "\"");
		separate(&body, t->post.ptr + a, e - a, t, with_pos ? &pp : NULL, w->sep);
		morgue_buf_putc(&body, '"');
		put_json(w, name.ptr, &body, 0);
		for (size_t k = 0; k < pp.n; k++) {
			morgue_buf_clear(&name);
			morgue_buf_printf(&name, "p-%zu", (*pos_no)++);
			morgue_buf_clear(&body);
			morgue_buf_putc(&body, '"');
			morgue_buf_put(&body, pp.parts[k].ptr, pp.parts[k].size);
			morgue_buf_putc(&body, '"');
			put_json(w, name.ptr, &body, 0);
			morgue_buf_free(&pp.parts[k]);
		}
		free(pp.parts);
	}
	if (with_pos)
		morgue_buf_printf(&b, "[%zu,%zu,%zu,%zu]", first, t->ncuts + 1, pfirst,
				  *pos_no - pfirst);
	else
		morgue_buf_printf(&b, "[%zu,%zu]", first, t->ncuts + 1);
	morgue_buf_put(&b, w->tail.ptr, w->tail.size);
	morgue_buf_free(&body);
	morgue_buf_free(&name);
	out->key = t->key;
	out->kind = 0;
	out->len = b.size;
	out->json = morgue_buf_detach(&b);
	morgue_hash_init(&out->dig);
	morgue_hash_put(&out->dig, out->json, out->len);
}

/* One document as the JSON array [url, title, date, publication|null,
 * [tags], text] (the entities it mentions are only in the ~e postings). */
static void doc_json(morgue_buf *b, morgue_searchindex *s, const sdoc *d, morgue_buf *tmp)
{
	const char *text = doc_text(s, d, tmp);
	morgue_buf_putc(b, '[');
	morgue_escape_json_string(b, d->url);
	morgue_buf_putc(b, ',');
	morgue_escape_json_string(b, d->title);
	morgue_buf_putc(b, ',');
	morgue_escape_json_string(b, d->date);
	morgue_buf_putc(b, ',');
	if (d->pub)
		morgue_escape_json_string(b, d->pub);
	else
		morgue_buf_puts(b, "null");
	morgue_buf_puts(b, ",[");
	for (size_t i = 0; i < d->ntags; i++) {
		if (i)
			morgue_buf_putc(b, ',');
		morgue_escape_json_string(b, d->tags[i]);
	}
	morgue_buf_puts(b, "],\"");
	morgue_escape_json(b, text, strlen(text));
	morgue_buf_puts(b, "\"]");
}

/* The preset dictionary of the doc shards: the openings of DICT_SAMPLES
 * documents spread evenly over the archive, at most DICT_MAX bytes (deflate
 * reaches 32 KiB back, so a document can still use most of it). Written to
 * z.js as [BASE64, length]: the raw deflate of the dictionary ended by a
 * sync flush, so that it and a d-N.js stream together inflate to the
 * dictionary followed by the document. */
#define DICT_MAX 28000
#define DICT_SAMPLES 14
/* The dictionary into w->dict and its hash into w->dict_key (left empty
 * when there is too little to be worth a file). */
static void make_dict(writer *w)
{
	morgue_searchindex *s = w->s;
	morgue_buf one = MORGUE_BUF_INIT, tmp = MORGUE_BUF_INIT;
	size_t per = DICT_MAX / DICT_SAMPLES, prev = (size_t)-1;
	morgue_buf_clear(&w->dict);
	for (size_t k = 0; k < DICT_SAMPLES && s->ndocs; k++) {
		size_t id = k * s->ndocs / DICT_SAMPLES;
		if (id == prev)
			continue;
		prev = id;
		morgue_buf_clear(&one);
		doc_json(&one, s, &s->docs[id], &tmp);
		morgue_buf_put(&w->dict, one.ptr, one.size < per ? one.size : per);
	}
	if (w->dict.size < 64) { /* too little to be worth a file */
		morgue_buf_clear(&w->dict);
	} else {
		morgue_hash dh;
		morgue_hash_init(&dh);
		morgue_hash_put(&dh, w->dict.ptr, w->dict.size);
		morgue_hash_hex(w->dict_key, &dh);
	}
	morgue_buf_free(&one);
	morgue_buf_free(&tmp);
}

static void write_dict(writer *w)
{
	morgue_buf one = MORGUE_BUF_INIT, z = MORGUE_BUF_INIT, body = MORGUE_BUF_INIT,
		   tmp = MORGUE_BUF_INIT;
	make_dict(w);
	if (!w->dict.size)
		goto done;
	if ((w->rc = deflate_raw(w, &z, w->dict.ptr, w->dict.size, NULL, 1)) < 0)
		goto done;
	morgue_buf_puts(&body, "morgueSearch.load(\"z\",[\"");
	base85(&body, (const unsigned char *)z.ptr, z.size);
	morgue_buf_printf(&body, "\",%zu]);\n", w->dict.size);
	put_file(w, "z", &body);
done:
	morgue_buf_free(&one);
	morgue_buf_free(&z);
	morgue_buf_free(&body);
	morgue_buf_free(&tmp);
}

/* The memo key of doc shard name holding docs [lo, hi), from the
 * documents' keys instead of their JSON (which need not be made when the
 * file is reused): 1, or 0 when a document has no key. */
static int docs_key(writer *w, char key[MORGUE_HASH_HEX], const char *name, size_t lo,
		    size_t hi)
{
	morgue_hash h;
	morgue_hash_init(&h);
	morgue_hash_puts(&h, "search d 1");
	morgue_hash_puts(&h, name);
	morgue_hash_int(&h, w->dict.size > 0);
	if (w->dict.size)
		morgue_hash_put(&h, w->dict_key, MORGUE_HASH_HEX);
	for (size_t id = lo; id < hi; id++) {
		const sdoc *d = &w->s->docs[id];
		if (!d->key)
			return 0;
		/* the key promises the fields; the short ones are hashed
		 * as well, for free */
		morgue_hash_puts(&h, d->key);
		morgue_hash_puts(&h, d->url);
		morgue_hash_puts(&h, d->title);
		morgue_hash_puts(&h, d->date);
		morgue_hash_puts(&h, d->pub);
		morgue_hash_int(&h, (long long)d->ntags);
		for (size_t i = 0; i < d->ntags; i++)
			morgue_hash_puts(&h, d->tags[i]);
	}
	morgue_hash_hex(key, &h);
	return 1;
}

/* The JSON of doc shard g: its documents, in order. */
static void shard_json(morgue_buf *body, morgue_searchindex *s, size_t g, morgue_buf *tmp)
{
	morgue_buf_clear(body);
	morgue_buf_putc(body, '[');
	for (size_t k = 0; k < MORGUE_SEARCH_DOCS_PER_SHARD; k++) {
		size_t id = g * MORGUE_SEARCH_DOCS_PER_SHARD + k;
		if (id >= s->ndocs)
			break;
		if (k)
			morgue_buf_putc(body, ',');
		doc_json(body, s, &s->docs[id], tmp);
	}
	morgue_buf_putc(body, ']');
}

static size_t shard_bounds(const morgue_searchindex *s, size_t g, size_t *hi)
{
	size_t lo = g * MORGUE_SEARCH_DOCS_PER_SHARD;
	*hi = lo + MORGUE_SEARCH_DOCS_PER_SHARD < s->ndocs ? lo + MORGUE_SEARCH_DOCS_PER_SHARD
							   : s->ndocs;
	return lo;
}

static void write_docs(writer *w)
{
	morgue_searchindex *s = w->s;
	morgue_buf body = MORGUE_BUF_INIT, name = MORGUE_BUF_INIT, tmp = MORGUE_BUF_INIT;
	int memo = s->memo.reuse || s->memo.record;
	write_dict(w);
	/* shards packed ahead with this very dictionary are written as
	 * they are, under the key prepack gave each */
	size_t npre = s->pre_dict_size == w->dict.size &&
			      !memcmp(s->pre_dict_key, w->dict_key, MORGUE_HASH_HEX)
		      ? s->npre : 0;
	for (size_t g = 0; g * MORGUE_SEARCH_DOCS_PER_SHARD < s->ndocs && !w->rc; g++) {
		char key[MORGUE_HASH_HEX];
		size_t hi, lo = shard_bounds(s, g, &hi);
		int keyed;
		morgue_buf_clear(&name);
		morgue_buf_printf(&name, "d-%zu", g);
		if (g < npre && s->pre[g].body.size) {
			const char *k = s->pre[g].key;
			if (s->memo.reuse && s->memo.reuse(name.ptr, k, s->memo.payload))
				continue;
			put_file(w, name.ptr, &s->pre[g].body);
			if (!w->rc && s->memo.record)
				s->memo.record(name.ptr, k, s->memo.payload);
			continue;
		}
		keyed = memo && docs_key(w, key, name.ptr, lo, hi);
		if (keyed && s->memo.reuse && s->memo.reuse(name.ptr, key, s->memo.payload))
			continue;
		shard_json(&body, s, g, &tmp);
		put_json_keyed(w, name.ptr, &body, 1, keyed ? key : NULL);
	}
	prepacked_free(s);
	morgue_buf_free(&body);
	morgue_buf_free(&name);
	morgue_buf_free(&tmp);
}

int morgue_searchindex_prepack(morgue_searchindex *s, size_t max_bytes,
			       int (*stop)(void *payload), void *payload)
{
	writer w = { .s = s, .dir = MORGUE_BUF_INIT, .shards = MORGUE_BUF_INIT,
		     .dict = MORGUE_BUF_INIT, .rc = 0 };
	morgue_buf json = MORGUE_BUF_INIT, name = MORGUE_BUF_INIT, tmp = MORGUE_BUF_INIT;
	size_t bytes = 0, cap = 0;
	int rc;

	prepacked_free(s);
	if ((rc = morgue_searchindex_index(s)) < 0)
		return rc;
	make_dict(&w);
	s->pre_dict_size = w.dict.size;
	memcpy(s->pre_dict_key, w.dict_key, MORGUE_HASH_HEX);
	for (size_t g = 0; g * MORGUE_SEARCH_DOCS_PER_SHARD < s->ndocs; g++) {
		size_t hi, lo = shard_bounds(s, g, &hi);
		char key[MORGUE_HASH_HEX];
		if (bytes >= max_bytes || (stop && stop(payload)))
			break;
		morgue_buf_clear(&name);
		morgue_buf_printf(&name, "d-%zu", g);
		shard_json(&json, s, g, &tmp);
		/* the memo key write would give it: by the documents' keys,
		 * or, when one has none, by the JSON */
		if (!docs_key(&w, key, name.ptr, lo, hi))
			json_key(&w, key, name.ptr, &json, 1);
		MORGUE_ARRAY_RESERVE(s->pre, cap, s->npre + 1);
		struct prepacked *p = &s->pre[s->npre++];
		p->body = (morgue_buf)MORGUE_BUF_INIT;
		memcpy(p->key, key, MORGUE_HASH_HEX);
		if ((rc = file_body(&w, &p->body, name.ptr, &json, 1)) < 0)
			break;
		bytes += p->body.size;
	}
	if (rc < 0) {
		prepacked_free(s);
		morgue_error_clear(); /* write packs them itself */
	}
	morgue_buf_free(&json);
	morgue_buf_free(&name);
	morgue_buf_free(&tmp);
	morgue_buf_free(&w.dict);
	if (w.zok)
		deflateEnd(&w.z);
	if (w.zdok)
		deflateEnd(&w.zd);
	return 0;
}

typedef struct facet_count {
	const char *key, *label;
	size_t n;
} facet_count;

static int fc_cmp(const void *a, const void *b)
{
	const facet_count *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int fc_key_cmp(const void *a, const void *b)
{
	return strcmp(((const facet_count *)a)->key, ((const facet_count *)b)->key);
}

/* Count distinct facet values (publications or tags) over the documents. */
static facet_count *count_facets(morgue_searchindex *s, int tags, size_t *out_n)
{
	facet_count *fc = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < s->ndocs; i++) {
		sdoc *d = &s->docs[i];
		size_t m = tags ? d->ntags : (d->pubkey ? 1 : 0);
		for (size_t k = 0; k < m; k++) {
			const char *key = tags ? d->tags[k] : d->pubkey;
			MORGUE_ARRAY_RESERVE(fc, cap, n + 1);
			fc[n++] = (facet_count){ key, tags ? d->tags[k] : (d->pub ? d->pub : key), 1 };
		}
	}
	if (n)
		qsort(fc, n, sizeof(*fc), fc_key_cmp);
	size_t u = 0;
	for (size_t i = 0; i < n; i++) {
		if (u && !strcmp(fc[u - 1].key, fc[i].key))
			fc[u - 1].n++;
		else
			fc[u++] = fc[i];
	}
	if (u)
		qsort(fc, u, sizeof(*fc), fc_cmp);
	*out_n = u;
	return fc;
}

/* meta.js: {"v","n","avgdl","dps","d0","pubs","tags","x"} where x, packed
 * (see pack), holds the bulky {"dl","dates","shards"}; search.js merges
 * it into the rest. */
static void write_meta(writer *w, const unsigned *lens)
{
	morgue_searchindex *s = w->s;
	morgue_buf b = MORGUE_BUF_INIT, x = MORGUE_BUF_INIT;
	unsigned long long total = 0;
	for (size_t i = 0; i < s->ndocs; i++)
		total += lens[i];
	morgue_buf_puts(&x, "{\"dl\":\"");
	for (size_t i = 0; i < s->ndocs; i++) {
		long c = lround(log((double)lens[i] + 1) / log(1.17));
		morgue_buf_putc(&x, ALPHA[c > 63 ? 63 : c]);
	}
	morgue_buf_puts(&x, "\",\"dates\":\"");
	int prev = s->ndocs ? days_from_civil(s->docs[0].date) : 0;
	for (size_t i = 0; i < s->ndocs;) {
		size_t j = i + 1;
		while (j < s->ndocs && !strcmp(s->docs[j].date, s->docs[i].date))
			j++;
		int day = days_from_civil(s->docs[i].date);
		varint(&x, (unsigned long)(day >= prev ? day - prev : 0));
		varint(&x, j - i);
		prev = day > prev ? day : prev;
		i = j;
	}
	morgue_buf_puts(&x, "\",\"shards\":[");
	morgue_buf_put(&x, w->shards.ptr + 1, w->shards.size - 1);
	morgue_buf_puts(&x, "]}");

	morgue_buf_puts(&b, "morgueSearch.load(\"meta\",");
	morgue_buf_printf(&b, "{\"v\":2,\"n\":%zu,\"avgdl\":%.2f,\"dps\":%d,\"d0\":", s->ndocs,
			  s->ndocs ? (double)total / (double)s->ndocs : 0.0,
			  MORGUE_SEARCH_DOCS_PER_SHARD);
	morgue_escape_json_string(&b, s->ndocs ? s->docs[0].date : "");
	morgue_buf_puts(&b, ",\"pubs\":[");
	size_t n;
	facet_count *fc = count_facets(s, 0, &n);
	for (size_t i = 0; i < n; i++) {
		morgue_buf k = MORGUE_BUF_INIT;
		morgue_tokenize_fold(&k, fc[i].key, strlen(fc[i].key));
		morgue_buf_puts(&b, i ? ",[" : "[");
		morgue_escape_json_string(&b, morgue_buf_cstr(&k));
		morgue_buf_putc(&b, ',');
		morgue_escape_json_string(&b, fc[i].label);
		morgue_buf_printf(&b, ",%zu]", fc[i].n);
		morgue_buf_free(&k);
	}
	free(fc);
	morgue_buf_puts(&b, "],\"tags\":[");
	fc = count_facets(s, 1, &n);
	for (size_t i = 0; i < n && i < MAX_TAGS_LISTED; i++) {
		morgue_buf_puts(&b, i ? ",[" : "[");
		morgue_escape_json_string(&b, fc[i].key);
		morgue_buf_printf(&b, ",%zu]", fc[i].n);
	}
	free(fc);
	morgue_buf_puts(&b, "],\"x\":");
	if (!w->rc && (w->rc = pack(w, &b, &x, 0)) >= 0) {
		morgue_buf_puts(&b, "});\n");
		put_file(w, "meta", &b);
	}
	morgue_buf_free(&b);
	morgue_buf_free(&x);
}

/* ---- the postings snapshot: an edit's index from the last build's ----
 *
 * Replaying every document's blob costs an edit as much as all the rest
 * of its search index. So a build in which every document has a blob
 * also records, through the token cache, what indexing left, under keys
 * starting with '#':
 *   "#postings": SNAP_MAGIC NUL, TOK_BLOB_VERSION, the dictionary's id,
 *       the snapshot's id (WDICT_ID bytes each), uvarint(P),
 *       uvarint(D), D times: uvarint(n), n bytes: the document's key,
 *                uvarint(its length);
 *       uvarint(W), W times (by word number): uvarint(count of documents
 *                whose folds list it) and, unless 0, uvarint(the first
 *                of them), uvarint(its place in that one's folds);
 *   "#postings/1".."#postings/P", a few MB each: the snapshot's id, then
 *       per term uvarint(n), n bytes: its key, a byte (1 facet,
 *       2 stopword), uvarint(last_doc + 1), uvarint(dc),
 *       uvarint(dc_start), uvarint(C), C cuts, uvarint(n), n bytes of
 *       postings.
 * A build whose documents are the last one's but for a few changed or
 * appended (the others at the same numbers: the same keys at the same
 * places) loads it and takes out each changed document's old postings,
 * read from its old blob, and puts in its new ones (index_delta). The
 * terms, postings and forms are those of indexing every document: the
 * postings are appended in document order by post_codes, as indexing
 * does, and the forms added in the order of their first document and
 * place, as replaying does. */
#define SNAP_MAGIC "morgue-postings 1"
#define SNAP_KEY "#postings"
#define SNAP_PART (4u << 20)

/* The snapshot blob of key into out: viewed where the cache keeps it
 * (asize 0; a copy of 14 MB at 10k articles was a page fault per page
 * into fresh memory), else copied. 1, or 0 when there is none. Release
 * it with snap_release. */
static int snap_get(morgue_searchindex *s, const char *key, morgue_buf *out)
{
	const void *p = NULL;
	size_t n = 0;
	snap_release(out);
	if (s->toks.view && s->toks.view(key, &p, &n, s->toks.payload) == 1 && p) {
		*out = (morgue_buf){ (char *)p, n, 0 };
		return 1;
	}
	return s->toks.lookup(key, out, s->toks.payload) == 1;
}

static void snap_key(morgue_buf *b, size_t part)
{
	morgue_buf_clear(b);
	morgue_buf_puts(b, SNAP_KEY);
	if (part)
		morgue_buf_printf(b, "/%zu", part);
}

static void snap_term(morgue_buf *b, const term *t)
{
	size_t kl = strlen(t->key);
	uvarint(b, kl);
	morgue_buf_put(b, t->key, kl);
	morgue_buf_putc(b, (t->facet ? 1 : 0) | (t->stop ? 2 : 0));
	uvarint(b, (size_t)(t->last_doc + 1));
	uvarint(b, t->dc);
	uvarint(b, t->dc_start);
	uvarint(b, t->ncuts);
	for (size_t i = 0; i < t->ncuts; i++)
		uvarint(b, t->cuts[i]);
	uvarint(b, t->post.size);
	morgue_buf_put(b, t->post.ptr, t->post.size);
}

/* Record the snapshot of the index just made, unless a document had no
 * blob (s->snap_off). */
static void snap_record(morgue_searchindex *s)
{
	if (s->snap_off || s->wstate != 1 || !s->toks.record)
		return;
	morgue_buf b = MORGUE_BUF_INIT, key = MORGUE_BUF_INIT;
	char id[MORGUE_HASH_HEX];
	size_t parts = 0;
	new_id(id, s->lens);
	/* a part's room made once, not grown by half again and again from
	 * nothing (each step a copy into fresh, faulted pages) */
	size_t total = WDICT_ID;
	for (size_t i = 0; i < s->nterms && total < SNAP_PART; i++)
		total += strlen(s->terms[i]->key) + 8 + 4 * s->terms[i]->ncuts + s->terms[i]->post.size;
	morgue_buf_grow(&b, (total < SNAP_PART ? total : SNAP_PART) + 4096);
	for (size_t i = 0; i < s->nterms; i++) {
		if (!b.size)
			morgue_buf_put(&b, id, WDICT_ID);
		snap_term(&b, s->terms[i]);
		if (b.size >= SNAP_PART || i + 1 == s->nterms) {
			snap_key(&key, ++parts);
			s->toks.record(key.ptr, b.ptr, b.size, s->toks.payload);
			morgue_buf_clear(&b);
		}
	}
	morgue_buf_put(&b, SNAP_MAGIC, strlen(SNAP_MAGIC) + 1);
	morgue_buf_putc(&b, TOK_BLOB_VERSION);
	morgue_buf_put(&b, s->wdict.ptr + strlen(WDICT_MAGIC), WDICT_ID);
	morgue_buf_put(&b, id, WDICT_ID);
	uvarint(&b, parts);
	uvarint(&b, s->ndocs);
	for (size_t i = 0; i < s->ndocs; i++) {
		size_t kl = strlen(s->docs[i].key);
		uvarint(&b, kl);
		morgue_buf_put(&b, s->docs[i].key, kl);
		uvarint(&b, s->lens[i]);
	}
	uvarint(&b, s->nw);
	for (size_t w = 0; w < s->nw; w++) {
		size_t n = w < s->capws ? s->wcount[w] : 0;
		uvarint(&b, n);
		if (n) {
			uvarint(&b, s->wfirst[w]);
			uvarint(&b, s->widx[w]);
		}
	}
	snap_key(&key, 0);
	s->toks.record(key.ptr, b.ptr, b.size, s->toks.payload);
	morgue_buf_free(&b);
	morgue_buf_free(&key);
}

/* Read one term of a snapshot part at p[*i..n) into the index: 0, or -1
 * (a term twice, or bytes that do not parse). */
static int snap_load_term(morgue_searchindex *s, const unsigned char *p, size_t n, size_t *i)
{
	size_t kl, last, dc, dcs, ncuts, pl;
	if (read_uvarint(p, n, i, &kl) < 0 || !kl || kl >= n - *i)
		return -1;
	char *key = morgue_strndup((const char *)p + *i, kl);
	unsigned flags = p[*i + kl];
	*i += kl + 1;
	if (strlen(key) != kl || smap_slot(&s->tmap, key, 0) ||
	    read_uvarint(p, n, i, &last) < 0 || last > s->ndocs ||
	    read_uvarint(p, n, i, &dc) < 0 || read_uvarint(p, n, i, &dcs) < 0 ||
	    read_uvarint(p, n, i, &ncuts) < 0 || ncuts > n - *i) {
		free(key);
		return -1;
	}
	term *t = morgue_calloc(1, sizeof(*t));
	t->key = key;
	t->facet = flags & 1;
	t->stop = (flags & 2) != 0;
	t->last_doc = (long)last - 1;
	t->seen_doc = -1;
	t->dc = dc;
	t->dc_start = dcs;
	MORGUE_ARRAY_RESERVE(s->terms, s->capterms, s->nterms + 1);
	s->terms[s->nterms++] = t;
	*smap_slot(&s->tmap, t->key, 1) = t;
	if (ncuts) {
		t->cuts = morgue_calloc(ncuts, sizeof(*t->cuts));
		t->ncuts = t->capcuts = ncuts;
	}
	for (size_t k = 0; k < ncuts; k++)
		if (read_uvarint(p, n, i, &t->cuts[k]) < 0)
			return -1;
	if (read_uvarint(p, n, i, &pl) < 0 || pl > n - *i)
		return -1;
	for (size_t k = 0; k < ncuts; k++)
		if (t->cuts[k] > pl)
			return -1;
	/* borrowed, not copied: most terms are written as they were */
	t->post = (morgue_buf){ pl ? (char *)p + *i : NULL, pl, 0 };
	t->borrowed = pl > 0;
	*i += pl;
	return 0;
}

/* A changed document's postings of a term, for index_delta (code NULL:
 * a facet's). */
typedef struct pend {
	term *t;
	long doc;
	const char *code;
	size_t n, head;
} pend;

static int pend_cmp(const void *a, const void *b)
{
	const pend *x = a, *y = b;
	if (x->t != y->t)
		return (uintptr_t)x->t < (uintptr_t)y->t ? -1 : 1;
	return (x->doc > y->doc) - (x->doc < y->doc);
}

static void pend_put(term *t, const pend *e)
{
	if (!t->facet)
		post_codes(t, e->doc, e->code, e->n, e->head);
	else if (t->last_doc != e->doc) /* two tags folding alike */
		post_begin(t, e->doc);
}

/* Make t's postings again: the unchanged documents' as they were, with
 * e[0..ne) (in document order) merged in, appended as indexing every
 * document appends them (chunk cuts included): 0, or -1 for postings
 * that do not decode. */
static int term_rebuild(term *t, const unsigned char *changed, size_t ndocs, const pend *e,
			size_t ne)
{
	morgue_buf old = t->post;
	const char *p = old.ptr;
	size_t n = old.size, i = 0;
	long doc = -1;
	int rc = 0, borrowed = t->borrowed;
	t->post = (morgue_buf)MORGUE_BUF_INIT;
	t->borrowed = 0;
	free(t->cuts);
	t->cuts = NULL;
	t->ncuts = t->capcuts = 0;
	t->dc = t->dc_start = 0;
	t->last_doc = -1;
	while (i < n) {
		unsigned long v;
		size_t at, head = 0;
		i = varint_end(p, n, i, &v);
		if (v >= ndocs - (size_t)(doc + 1)) {
			rc = -1;
			break;
		}
		doc += (long)v + 1;
		at = i;
		if (!t->facet) {
			i = varint_end(p, n, i, &v);
			head = i - at;
			if (!t->stop)
				i = varints_skip(p, n, i, v >> 2);
		}
		for (; ne && e->doc < doc; e++, ne--)
			pend_put(t, e);
		if (changed[doc])
			continue;
		if (t->facet)
			post_begin(t, doc);
		else
			post_codes(t, doc, p + at, i - at, head);
	}
	for (; ne; e++, ne--)
		pend_put(t, e);
	if (!borrowed)
		morgue_buf_free(&old);
	return rc;
}

/* Whether a facet's postings list one of the changed documents: when
 * none (and none is added), making them again gives the same bytes, the
 * same cuts and counts as the snapshot's, so index_delta leaves them. A
 * scan of the doc numbers alone: every facet is a candidate on an edit
 * (2,000 entities' lists at 10k articles). -1 for postings that do not
 * decode. */
static int facet_lists_changed(const term *t, const unsigned char *changed, size_t ndocs)
{
	const char *p = t->post.ptr;
	size_t n = t->post.size, i = 0;
	long doc = -1;
	while (i < n) {
		unsigned long v;
		i = varint_end(p, n, i, &v);
		if (v >= ndocs - (size_t)(doc + 1))
			return -1;
		doc += (long)v + 1;
		if (changed[doc])
			return 1;
	}
	return 0;
}

/* A document index_delta indexes again: its blobs, the old one's folds. */
typedef struct chdoc {
	long doc;
	int has_old;
	morgue_buf old, now;
	size_t folds, nfolds;
} chdoc;

typedef struct word_order {
	unsigned first, idx;
	size_t w;
} word_order;

static int word_order_cmp(const void *a, const void *b)
{
	const word_order *x = a, *y = b;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	if (x->idx != y->idx)
		return x->idx < y->idx ? -1 : 1;
	return (x->w > y->w) - (x->w < y->w);
}

static void dctx_free(dctx *c);
static void terms_reset(morgue_searchindex *s);

/* Index the documents from the last build's snapshot when only a few of
 * them changed: 0, or -1 (no snapshot, other documents, a blob missing
 * or unreadable...) to index them all after index_reset. */
static int index_delta(morgue_searchindex *s)
{
	morgue_buf h = MORGUE_BUF_INIT, part = MORGUE_BUF_INIT, key = MORGUE_BUF_INIT;
	dctx dc = { .s = s };
	chdoc *ch = NULL;
	size_t nch = 0, capch = 0, odocs, nparts, onw, ml = strlen(SNAP_MAGIC) + 1, i;
	unsigned char *changed = NULL, *seen = NULL;
	pend *pe = NULL;
	size_t npe = 0, cappe = 0;
	word_order *order = NULL;
	const unsigned char *p;
	char sid[WDICT_ID];
	int rc = -1;

	if (s->snap_off || s->wstate != 1 || !s->toks.lookup || !s->toks.record || !s->ndocs)
		return -1;
	snap_key(&key, 0);
	if (!snap_get(s, key.ptr, &h))
		goto done;
	p = (const unsigned char *)h.ptr;
	i = ml + 1 + 2 * WDICT_ID;
	if (h.size < i || memcmp(p, SNAP_MAGIC, ml) || p[ml] != TOK_BLOB_VERSION ||
	    memcmp(p + ml + 1, s->wdict.ptr + strlen(WDICT_MAGIC), WDICT_ID) ||
	    read_uvarint(p, h.size, &i, &nparts) < 0 || read_uvarint(p, h.size, &i, &odocs) < 0 ||
	    odocs > s->ndocs)
		goto done;
	memcpy(sid, p + ml + 1 + WDICT_ID, WDICT_ID);
	changed = morgue_calloc(s->ndocs, 1);
	for (size_t d = 0; d < s->ndocs; d++) {
		size_t kl = 0, len = 0;
		const char *k = NULL;
		if (d < odocs) {
			if (read_uvarint(p, h.size, &i, &kl) < 0 || kl > h.size - i)
				goto done;
			k = (const char *)p + i;
			i += kl;
			if (read_uvarint(p, h.size, &i, &len) < 0)
				goto done;
			if (strlen(s->docs[d].key) == kl && !memcmp(s->docs[d].key, k, kl)) {
				s->lens[d] = (unsigned)len;
				continue;
			}
		}
		if (nch >= s->ndocs / 4 + 8)
			goto done; /* many changed: replaying them all is as quick */
		changed[d] = 1;
		MORGUE_ARRAY_RESERVE(ch, capch, nch + 1);
		ch[nch++] = (chdoc){ (long)d, k != NULL, MORGUE_BUF_INIT, MORGUE_BUF_INIT, 0, 0 };
		if (k) { /* its old postings are read from its old blob */
			morgue_buf_clear(&part);
			morgue_buf_put(&part, k, kl);
			if (s->toks.lookup(part.ptr, &ch[nch - 1].old, s->toks.payload) != 1)
				goto done;
		}
	}
	if (read_uvarint(p, h.size, &i, &onw) < 0 || onw > s->nw)
		goto done;
	wstat_reserve(s, s->nw);
	if (s->capws)
		memset(s->wcount, 0, s->capws * sizeof(unsigned));
	for (size_t w = 0; w < onw; w++) {
		size_t n, first = 0, idx = 0;
		if (read_uvarint(p, h.size, &i, &n) < 0 ||
		    (n && (read_uvarint(p, h.size, &i, &first) < 0 ||
			   read_uvarint(p, h.size, &i, &idx) < 0)) ||
		    n > odocs || first >= odocs || idx > UINT_MAX)
			goto done;
		s->wcount[w] = (unsigned)n;
		s->wfirst[w] = (unsigned)first;
		s->widx[w] = (unsigned)idx;
	}
	if (i != h.size)
		goto done;

	/* the changed documents' new blobs: the cache's, or made now (dry:
	 * the terms this makes are dropped) */
	dc.dry = 1;
	for (size_t k = 0; k < nch; k++) {
		unsigned len;
		if (s->toks.lookup(s->docs[ch[k].doc].key, &ch[k].now, s->toks.payload) == 1)
			continue;
		index_doc(s, s->tk, &dc, ch[k].doc, &len);
		if (!dc.encode)
			goto done;
		morgue_buf_put(&ch[k].now, dc.blob.ptr, dc.blob.size);
	}
	terms_reset(s);
	wstat_reserve(s, s->nw); /* and the words those made */

	/* the terms as the last build left them */
	for (size_t k = 1; k <= nparts; k++) {
		/* grown part by part: nparts is the file's word */
		MORGUE_ARRAY_RESERVE(s->snaps, s->capsnaps, s->nsnaps + 1);
		morgue_buf *sp = &s->snaps[s->nsnaps++];
		*sp = (morgue_buf)MORGUE_BUF_INIT;
		snap_key(&key, k);
		if (!snap_get(s, key.ptr, sp) || sp->size < WDICT_ID ||
		    memcmp(sp->ptr, sid, WDICT_ID))
			goto done;
		for (size_t j = WDICT_ID; j < sp->size;)
			if (snap_load_term(s, (const unsigned char *)sp->ptr, sp->size, &j) < 0)
				goto done;
	}

	/* out with the changed documents' old postings and folds */
	for (size_t k = 0; k < nch; k++) {
		unsigned len;
		size_t w;
		if (!ch[k].has_old)
			continue;
		const unsigned char *b = (const unsigned char *)ch[k].old.ptr;
		if (tok_parse(s, &dc, b, ch[k].old.size, -2 - ch[k].doc, &len, &ch[k].folds,
			      &ch[k].nfolds) < 0)
			goto done;
		for (size_t j = 0; j < dc.nrt; j++)
			dc.rt[j].t->dirty = 1;
		i = ch[k].folds;
		for (size_t j = 0; j < ch[k].nfolds; j++) {
			read_uvarint(b, ch[k].old.size, &i, &w);
			if (!s->wcount[w])
				goto done;
			s->wcount[w]--;
		}
	}
	/* in with the new ones; a word's first document is kept, or is a
	 * changed one before it; a first document changed and not the first
	 * again leaves it unknown: index them all */
	seen = morgue_calloc(s->nw + 1, 1);
	for (size_t k = 0; k < nch; k++) {
		unsigned len;
		size_t folds, nf, w;
		long doc = ch[k].doc;
		const unsigned char *b = (const unsigned char *)ch[k].now.ptr;
		if (tok_parse(s, &dc, b, ch[k].now.size, doc, &len, &folds, &nf) < 0)
			goto done;
		s->lens[doc] = len;
		for (size_t j = 0; j < dc.nrt; j++) {
			dc.rt[j].t->dirty = 1;
			MORGUE_ARRAY_RESERVE(pe, cappe, npe + 1);
			pe[npe++] = (pend){ dc.rt[j].t, doc, dc.rt[j].code, dc.rt[j].n, dc.rt[j].head };
		}
		for (size_t j = 0; j < nf; j++) {
			read_uvarint(b, ch[k].now.size, &folds, &w);
			if (!seen[w]) {
				seen[w] = 1;
				if (!s->wcount[w] || (unsigned long)doc <= s->wfirst[w]) {
					s->wfirst[w] = (unsigned)doc;
					s->widx[w] = (unsigned)j;
				} else if (changed[s->wfirst[w]]) {
					goto done;
				}
			}
			s->wcount[w]++;
		}
		sdoc *d = &s->docs[doc];
		doc_ents(s, d);
		MORGUE_ARRAY_RESERVE(pe, cappe, npe + 1 + d->ntags + d->nents);
		if (d->pubkey)
			pe[npe++] = (pend){ facet_term(s, "~p", d->pubkey), doc, NULL, 0, 0 };
		for (size_t j = 0; j < d->ntags; j++)
			pe[npe++] = (pend){ facet_term(s, "~t", d->tags[j]), doc, NULL, 0, 0 };
		for (size_t j = 0; j < d->nents; j++)
			pe[npe++] = (pend){ facet_term(s, "~e", d->ents[j]), doc, NULL, 0, 0 };
	}
	for (size_t k = 0; k < nch; k++) {
		size_t w;
		i = ch[k].folds;
		for (size_t j = 0; ch[k].has_old && j < ch[k].nfolds; j++) {
			read_uvarint((const unsigned char *)ch[k].old.ptr, ch[k].old.size, &i, &w);
			if (s->wcount[w] && !seen[w] && changed[s->wfirst[w]])
				goto done;
		}
	}

	/* every facet (the old values of a document are not known) and each
	 * term of a changed document: postings made again */
	for (size_t k = 0; k < s->nterms; k++)
		if (s->terms[k]->facet)
			s->terms[k]->dirty = 1;
	if (npe)
		qsort(pe, npe, sizeof(*pe), pend_cmp);
	for (size_t j = 0, k; j < npe; j = k) {
		for (k = j; k < npe && pe[k].t == pe[j].t; k++)
			;
		if (term_rebuild(pe[j].t, changed, s->ndocs, pe + j, k - j) < 0)
			goto done;
		pe[j].t->dirty = 0;
	}
	size_t kept = 0;
	for (size_t k = 0; k < s->nterms; k++) {
		term *t = s->terms[k];
		int lists = t->dirty && t->facet ? facet_lists_changed(t, changed, s->ndocs) : 1;
		if (lists < 0)
			goto done;
		if (t->dirty && lists && term_rebuild(t, changed, s->ndocs, NULL, 0) < 0)
			goto done;
		t->dirty = 0;
		if (t->post.size)
			s->terms[kept++] = t;
		else
			term_free(t); /* as if never made */
	}
	if (kept < s->nterms) {
		s->nterms = kept;
		smap_free(&s->tmap);
		for (size_t k = 0; k < s->nterms; k++)
			*smap_slot(&s->tmap, s->terms[k]->key, 1) = s->terms[k];
		memset(s->wterm, 0, s->nw * sizeof(*s->wterm));
		smap_free(&s->rawfacets);
		freev(s->rawkeys, s->nrawkeys);
		s->rawkeys = NULL;
		s->nrawkeys = s->caprawkeys = 0;
	}

	/* the forms, in the order replaying every document adds them */
	order = morgue_calloc(s->nw + 1, sizeof(*order));
	size_t no = 0;
	for (size_t w = 0; w < s->nw; w++)
		if (s->wcount[w])
			order[no++] = (word_order){ s->wfirst[w], s->widx[w], w };
	qsort(order, no, sizeof(*order), word_order_cmp);
	for (size_t k = 0; k < no; k++) {
		size_t w = order[k].w;
		s->wdone[w] = 1;
		add_form(s, dict_term(s, w), s->wdict.ptr + s->woff[w]);
	}
	rc = 0;
done:
	for (size_t k = 0; k < nch; k++) {
		morgue_buf_free(&ch[k].old);
		morgue_buf_free(&ch[k].now);
	}
	free(ch);
	free(changed);
	free(seen);
	free(pe);
	free(order);
	snap_release(&h);
	morgue_buf_free(&part);
	morgue_buf_free(&key);
	dctx_free(&dc);
	return rc;
}

static void dctx_free(dctx *c)
{
	free(c->occ);
	free(c->terms);
	morgue_buf_free(&c->text);
	free(c->seen_word);
	free(c->tword);
	smap_free(&c->dfolds);
	freev(c->dkeys, c->ndkeys);
	morgue_buf_free(&c->folds);
	morgue_buf_free(&c->blob);
	morgue_buf_free(&c->code);
	free(c->rt);
}

/* Forget the terms (those a dry index_doc made, or a failed
 * index_delta's), keeping the dictionary of words. */
static void terms_reset(morgue_searchindex *s)
{
	free_terms(s);
	s->by_word = morgue_calloc(MORGUE_TOKEN_WORDS, sizeof(*s->by_word));
	if (s->nw) {
		memset(s->wterm, 0, s->nw * sizeof(*s->wterm));
		memset(s->wdone, 0, s->nw);
	}
}

/* Back to nothing indexed, for indexing every document. */
static void index_reset(morgue_searchindex *s)
{
	terms_reset(s);
	memset(s->lens, 0, (s->ndocs + 1) * sizeof(unsigned));
	if (s->capws)
		memset(s->wcount, 0, s->capws * sizeof(unsigned));
}

int morgue_searchindex_index(morgue_searchindex *s)
{
	dctx c = { .s = s };
	int rc;

	if (s->indexed)
		return 0;
	unindex(s);
	if ((rc = morgue_tokenizer_new(&s->tk)) < 0)
		return rc;
	if (s->ndocs)
		qsort(s->docs, s->ndocs, sizeof(sdoc), doc_cmp);
	s->lens = morgue_calloc(s->ndocs + 1, sizeof(unsigned));
	s->by_word = morgue_calloc(MORGUE_TOKEN_WORDS, sizeof(*s->by_word));
	/* the snapshot needs every document's key, and '#' names its own */
	s->snap_off = 0;
	for (size_t i = 0; i < s->ndocs; i++)
		if (!s->docs[i].key || s->docs[i].key[0] == '#')
			s->snap_off = 1;
	dict_setup(s);
	if (index_delta(s) < 0) {
		index_reset(s);
		for (size_t i = 0; i < s->ndocs; i++)
			index_doc(s, s->tk, &c, (long)i, &s->lens[i]);
	}
	dctx_free(&c);
	snap_record(s);
	if (s->wdirty && s->toks.record)
		s->toks.record("", s->wdict.ptr, s->wdict.size, s->toks.payload);
	dict_free(s); /* its terms are the index's now */
	s->indexed = 1;
	return 0;
}

int morgue_searchindex_write(morgue_searchindex *s, const char *site_dir)
{
	morgue_tokenizer *tk = NULL;
	writer w = { .s = s, .dir = MORGUE_BUF_INIT, .shards = MORGUE_BUF_INIT,
		     .dict = MORGUE_BUF_INIT, .rc = 0 };
	unsigned *lens = NULL;
	item *items = NULL;
	size_t nitems = 0, chunk_no = 0, pos_no = 0;
	int rc;

	s->bytes = s->files = 0;
	morgue_buf_printf(&w.dir, "%s/search", site_dir);
	/* the output removes what it was not given itself */
	if (!s->output &&
	    ((rc = morgue_fs_rmtree(w.dir.ptr)) < 0 || (rc = morgue_fs_mkdirs(w.dir.ptr)) < 0))
		goto done;
	if ((rc = morgue_searchindex_index(s)) < 0)
		goto done;
	tk = s->tk;
	lens = s->lens;
	if (s->nents)
		qsort(s->ents, s->nents, sizeof(sent), ent_cmp);
	for (size_t i = 0; i < s->nents; i++) {
		ent_tok et = { s, (unsigned)i };
		morgue_tokenize(tk, s->ents[i].name, strlen(s->ents[i].name), on_entity_token, &et);
		for (size_t k = 0; k < s->ents[i].naliases; k++)
			morgue_tokenize(tk, s->ents[i].aliases[k], strlen(s->ents[i].aliases[k]),
					on_entity_token, &et);
	}
	/* terms in key order so chunk numbers are deterministic */
	items = morgue_calloc(s->nterms + s->nfpairs + 1, sizeof(item));
	for (size_t i = 0; i < s->nterms; i++)
		items[i] = (item){ .key = s->terms[i]->key, .pre = key_prefix(s->terms[i]->key),
				   .t = s->terms[i] };
	qsort(items, s->nterms, sizeof(item), item_cmp);
	for (size_t i = 0; i < s->nterms; i++) {
		term *t = items[i].t;
		if (term_short(t)) {
			lazy_item(&w, t, &items[i]); /* its postings kept until its shard */
			continue;
		}
		ser_term(&w, t, &items[i], &chunk_no, &pos_no);
		/* written out: the postings are not needed twice at the peak */
		post_drop(t);
	}
	nitems = s->nterms;
	for (size_t i = 0; i < s->nfpairs; i++) {
		const char *form = s->fpairs[i], *stem = form + strlen(form) + 1;
		morgue_buf b = MORGUE_BUF_INIT;
		morgue_escape_json_string(&b, form);
		morgue_buf_putc(&b, ':');
		morgue_escape_json_string(&b, stem);
		items[nitems].key = form;
		items[nitems].kind = 1;
		items[nitems].pre = key_prefix(form);
		items[nitems].len = b.size;
		items[nitems].json = morgue_buf_detach(&b);
		morgue_hash_init(&items[nitems].dig);
		morgue_hash_put(&items[nitems].dig, items[nitems].json, items[nitems].len);
		nitems++;
	}
	if (nitems)
		qsort(items, nitems, sizeof(item), item_cmp);
	morgue_buf_putc(&w.shards, '[');
	if (nitems)
		split(&w, items, 0, nitems, 0);
	write_docs(&w);
	write_meta(&w, lens);
	rc = w.rc;
	if (!rc && s->spill_lost)
		rc = morgue_error_set(MORGUE_EIO, NULL, 0,
				      "search index: the articles' texts or entities could not be"
				      " read back (temporary file or previous cache)");
done:
	for (size_t i = 0; i < nitems; i++)
		free(items[i].json);
	free(items);
	/* the terms are not needed after the files: freed here, in the
	 * writer's thread, not by the caller's; a second write indexes
	 * again */
	unindex(s);
	morgue_buf_free(&w.dir);
	morgue_buf_free(&w.shards);
	morgue_buf_free(&w.dict);
	for (int k = 0; k < 3; k++)
		morgue_buf_free(&w.sep[k]);
	morgue_buf_free(&w.head);
	morgue_buf_free(&w.tail);
	if (w.zok)
		deflateEnd(&w.z);
	if (w.zdok)
		deflateEnd(&w.zd);
	return rc;
}

/* ---- reading the files back (tests and tools; search.js is the browser's
 * reader) ---- */

static int unb85(morgue_buf *out, const char *s, size_t n)
{
	if (n % 5 == 1)
		return -1;
	for (size_t i = 0; i < n; i += 5) {
		size_t m = n - i < 5 ? n - i : 5;
		uint64_t v = 0;
		for (size_t k = 0; k < 5; k++) {
			const char *p = k < m ? memchr(B85, s[i + k], 85) : B85 + 84;
			if (!p || (k < m && !s[i + k]))
				return -1;
			v = v * 85 + (uint64_t)(p - B85);
		}
		if (v > 0xFFFFFFFFu)
			return -1;
		for (size_t k = 0; k + 1 < m; k++)
			morgue_buf_putc(out, (int)((v >> (24 - 8 * k)) & 255));
	}
	return 0;
}

/* Inflate the raw deflate stream in[0..n) into out. */
static int inflate_raw(morgue_buf *out, const char *in, size_t n)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, -15) != Z_OK)
		return -1;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	int zr;
	do {
		morgue_buf_grow(out, 65536);
		z.next_out = (Bytef *)out->ptr + out->size;
		z.avail_out = (uInt)(out->asize - out->size - 1);
		size_t before = z.avail_out;
		zr = inflate(&z, Z_NO_FLUSH);
		out->size += before - z.avail_out;
		out->ptr[out->size] = 0;
	} while (zr == Z_OK);
	inflateEnd(&z);
	return zr == Z_STREAM_END && !z.avail_in ? 0 : -1;
}

/* The argument text of site_dir/search/NAME.js's morgueSearch.load("NAME",
 * ...); call, without the name, into out. */
static int load_args(morgue_buf *out, const char *site_dir, const char *name)
{
	morgue_buf path = MORGUE_BUF_INIT, file = MORGUE_BUF_INIT, head = MORGUE_BUF_INIT;
	int rc;
	morgue_buf_printf(&path, "%s/search/%s.js", site_dir, name);
	if ((rc = morgue_fs_read(&file, path.ptr)) < 0)
		goto done;
	morgue_buf_puts(&head, "morgueSearch.load(");
	morgue_escape_json_string(&head, name);
	morgue_buf_putc(&head, ',');
	if (file.size < head.size + 3 || memcmp(file.ptr, head.ptr, head.size) ||
	    memcmp(file.ptr + file.size - 3, ");\n", 3)) {
		rc = morgue_error_set(MORGUE_EINPUT, path.ptr, 0, "not a search index file");
		goto done;
	}
	morgue_buf_clear(out);
	morgue_buf_put(out, file.ptr + head.size, file.size - head.size - 3);
	rc = 0;
done:
	morgue_buf_free(&path);
	morgue_buf_free(&file);
	morgue_buf_free(&head);
	return rc;
}

/* Append to out the JSON value v[0..n), unpacked when it is {"z":...} or
 * {"zd":...} (see pack). */
static int unpack(morgue_buf *out, const char *site_dir, const char *v, size_t n)
{
	morgue_buf zargs = MORGUE_BUF_INIT, raw = MORGUE_BUF_INIT, text = MORGUE_BUF_INIT;
	size_t skip = 0, head = n > 6 && !memcmp(v, "{\"z\":\"", 6) ? 6
		: n > 7 && !memcmp(v, "{\"zd\":\"", 7) ? 7 : 0;
	int rc = 0;
	if (!head || memcmp(v + n - 2, "\"}", 2) || memchr(v + head, '"', n - head - 2)) {
		morgue_buf_put(out, v, n);
		return 0;
	}
	if (head == 7) {
		/* z.js: ["BASE85",LENGTH] */
		if ((rc = load_args(&zargs, site_dir, "z")) < 0)
			goto done;
		const char *q = zargs.size > 2 && !memcmp(zargs.ptr, "[\"", 2)
			? memchr(zargs.ptr + 2, '"', zargs.size - 2) : NULL;
		if (!q || unb85(&raw, zargs.ptr + 2, (size_t)(q - zargs.ptr - 2)) < 0 ||
		    sscanf(q, "\",%zu]", &skip) != 1) {
			rc = morgue_error_set(MORGUE_EINPUT, NULL, 0, "search/z.js: bad dictionary");
			goto done;
		}
	}
	if (unb85(&raw, v + head, n - head - 2) < 0) {
		rc = morgue_error_set(MORGUE_EINPUT, NULL, 0, "search: bad base85");
		goto done;
	}
	/* with the dictionary, the stream inflates to it, then the JSON */
	if (inflate_raw(&text, raw.ptr, raw.size) < 0 || text.size < skip) {
		rc = morgue_error_set(MORGUE_EINPUT, NULL, 0, "search: bad deflate data");
		goto done;
	}
	morgue_buf_put(out, text.ptr + skip, text.size - skip);
done:
	morgue_buf_free(&zargs);
	morgue_buf_free(&raw);
	morgue_buf_free(&text);
	return rc;
}

int morgue_searchindex_read(morgue_buf *out, const char *site_dir, const char *name)
{
	morgue_buf args = MORGUE_BUF_INIT, x = MORGUE_BUF_INIT;
	int rc;
	morgue_buf_clear(out);
	if ((rc = load_args(&args, site_dir, name)) < 0)
		goto done;
	const char *at = strcmp(name, "meta") ? NULL : strstr(args.ptr, ",\"x\":{");
	if (!at || args.ptr[args.size - 1] != '}') {
		rc = unpack(out, site_dir, args.ptr, args.size);
		goto done;
	}
	/* meta: merge the members of x into the object */
	size_t xs = (size_t)(at - args.ptr) + 5;
	if ((rc = unpack(&x, site_dir, args.ptr + xs, args.size - xs - 1)) < 0)
		goto done;
	morgue_buf_put(out, args.ptr, (size_t)(at - args.ptr));
	if (x.size > 2) {
		morgue_buf_putc(out, ',');
		morgue_buf_put(out, x.ptr + 1, x.size - 1);
	} else {
		morgue_buf_putc(out, '}');
	}
done:
	morgue_buf_free(&args);
	morgue_buf_free(&x);
	return rc;
}
