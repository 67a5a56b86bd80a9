/* test_searchindex.c - the sharded search index: files, escaping,
 * determinism, shard size bound, stems and forms. */
#include "test.h"

#include <dirent.h>
#include <sys/stat.h>

#include "output.h"
#include "searchindex.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"

static char tmpl[] = "/tmp/morgue-test-search-XXXXXX";
static const char *tmp;

static void site(morgue_buf *out, const char *name)
{
	morgue_buf_clear(out);
	morgue_buf_printf(out, "%s/%s", tmp, name);
}

static char *slurp(const char *dir, const char *file)
{
	morgue_buf p = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT;
	morgue_buf_printf(&p, "%s/search/%s", dir, file);
	if (morgue_fs_read(&b, p.ptr) < 0) {
		morgue_buf_free(&p);
		return NULL;
	}
	morgue_buf_free(&p);
	return morgue_buf_detach(&b);
}

/* The JSON value of dir/search/name.js as search.js sees it (inflated). */
static char *json(const char *dir, const char *name)
{
	morgue_buf b = MORGUE_BUF_INIT;
	if (morgue_searchindex_read(&b, dir, name) < 0) {
		morgue_buf_free(&b);
		return NULL;
	}
	return morgue_buf_detach(&b);
}

static const char *tags1[] = { "russia", "leaks" };
static const char *ents1[] = { "sergey-lavrov" }, *names1[] = { "Sergey Lavrov" };

static morgue_search_doc docs[] = {
	{ .url = "articles/2017/a.html", .title = "Trump shared secrets with Lavrov",
	  .date = "2017-05-15", .publication = "The Post", .publication_slug = "post",
	  .tags = tags1, .ntags = 2, .entities = ents1, .entity_names = names1, .nentities = 1,
	  .text = "Officials said the president shared highly classified information.",
	  .text_len = 0 },
	{ .url = "articles/2017/b.html",
	  .title = "Title </script><script>alert(1)</script> \"quoted\" \\ back",
	  .date = "2017-05-16", .publication = NULL,
	  .text = "Text with </script> and <!-- and \xE2\x80\xA8 line separator.", .text_len = 0 },
	{ .url = "articles/2015/c.html", .title = "Intelligence sharing agreement",
	  .date = "2015-09-30", .publication = "Wire",
	  .text = "Russia, Iraq and Syria agreed on sharing intelligence.", .text_len = 0 },
};
#define NDOCS (sizeof(docs) / sizeof(*docs))

/* How write_site drives the index: 0 add everything, then write; 1
 * morgue_searchindex_index before the entities are added (as the build
 * does from a second thread); 2 index after the first two documents, then
 * add the third (the work must be redone); 3 write twice; 4 every doc
 * shard packed ahead (morgue_searchindex_prepack) before the entities are
 * added; 5 packing told to stop after the first shard; 6 packed ahead of
 * the last document (dropped by it); 7 packed ahead within 1 byte. */
static int write_mode;
static int prepack_asked;

static int stop_after_one(void *payload)
{
	(void)payload;
	return prepack_asked++ >= 1;
}
/* Write through this output (into its staging directory), or NULL. */
static morgue_output *through;

/* Write the docs in the given order into tmp/name. */
static int write_site(const char *name, const size_t *order)
{
	morgue_searchindex *s = NULL;
	morgue_buf dir = MORGUE_BUF_INIT;
	const char *aliases[] = { "Sergei Lavrov" };
	int rc = morgue_searchindex_new(&s);
	for (size_t i = 0; i < NDOCS && !rc; i++) {
		morgue_search_doc d = docs[order[i]];
		d.text_len = strlen(d.text);
		if (write_mode == 2 && i == NDOCS - 1)
			rc = morgue_searchindex_index(s);
		if (write_mode == 6 && i == NDOCS - 1)
			rc = morgue_searchindex_prepack(s, 1u << 20, NULL, NULL);
		if (!rc)
			rc = morgue_searchindex_add(s, &d);
	}
	if (!rc && write_mode == 1)
		rc = morgue_searchindex_index(s);
	prepack_asked = 0;
	if (!rc && (write_mode == 4 || write_mode == 5 || write_mode == 7))
		rc = morgue_searchindex_prepack(s, write_mode == 7 ? 1 : 1u << 20,
						write_mode == 5 ? stop_after_one : NULL, NULL);
	if (!rc)
		rc = morgue_searchindex_add_entity(s, "sergey-lavrov", "Sergey Lavrov", "person",
						   "entities/sergey-lavrov.html", aliases, 1, 2);
	if (!rc)
		rc = morgue_searchindex_add_entity(s, "the-post", "The Post", "organisation",
						   "entities/org/the-post.html", NULL, 0, 1);
	site(&dir, name);
	if (through) {
		morgue_buf_clear(&dir);
		morgue_buf_puts(&dir, morgue_output_staging(through));
		morgue_searchindex_set_output(s, through);
	}
	if (!rc && write_mode == 3)
		rc = morgue_searchindex_write(s, dir.ptr);
	if (!rc)
		rc = morgue_searchindex_write(s, dir.ptr);
	morgue_searchindex_free(s);
	morgue_buf_free(&dir);
	return rc;
}

/* Every file under dir/search: a single morgueSearch.load("name", ...);
 * call, with no "</" or "<!--" and at most max bytes, whose value unpacks
 * (morgue_searchindex_read) to JSON. Returns the count, or -1 on a bad
 * file. */
static int check_files(const char *dir, size_t max, size_t *total)
{
	morgue_buf p = MORGUE_BUF_INIT;
	morgue_buf_printf(&p, "%s/search", dir);
	DIR *d = opendir(p.ptr);
	int n = 0;
	struct dirent *de;
	*total = 0;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *s = slurp(dir, de->d_name);
		size_t len = s ? strlen(s) : 0;
		morgue_buf head = MORGUE_BUF_INIT;
		morgue_buf_printf(&head, "morgueSearch.load(\"%.*s\",", (int)(strlen(de->d_name) - 3),
				  de->d_name);
		if (!s || strncmp(s, head.ptr, head.size) || len < 3 || strcmp(s + len - 3, ");\n") ||
		    strstr(s, "</") || strstr(s, "<!--") || strstr(s, "\xE2\x80\xA8") || len > max) {
			printf("  bad file %s (%zu bytes)\n", de->d_name, len);
			n = -1;
		}
		morgue_buf j = MORGUE_BUF_INIT;
		de->d_name[strlen(de->d_name) - 3] = 0;
		if (morgue_searchindex_read(&j, dir, de->d_name) < 0 || !j.size ||
		    !strchr("{[\"", j.ptr[0]) || strchr("}]\"", j.ptr[j.size - 1]) == NULL) {
			printf("  %s.js does not unpack\n", de->d_name);
			n = -1;
		}
		morgue_buf_free(&j);
		*total += len;
		free(s);
		morgue_buf_free(&head);
		if (n >= 0)
			n++;
	}
	if (d)
		closedir(d);
	morgue_buf_free(&p);
	return n;
}

static void test_files_and_escaping(void)
{
	size_t order[] = { 0, 1, 2 }, total;
	morgue_buf dir = MORGUE_BUF_INIT;
	CHECK_INT(write_site("a", order), 0);
	site(&dir, "a");
	CHECK_INT(check_files(dir.ptr, MORGUE_SEARCH_SHARD_MAX, &total), 6); /* meta, t-, z, 3 docs */
	char *meta = json(dir.ptr, "meta");
	CHECK(meta != NULL);
	CHECK_CONTAINS(meta, "\"n\":3");
	CHECK_CONTAINS(meta, "\"d0\":\"2015-09-30\"");
	CHECK_CONTAINS(meta, "\"shards\":[\"\"]");
	CHECK_CONTAINS(meta, "[\"post\",\"The Post\",1]");
	CHECK_CONTAINS(meta, "[\"russia\",1]");
	/* docs are numbered by date: the 2017-05-16 title is doc 2 */
	char *d2 = json(dir.ptr, "d-2");
	CHECK(d2 != NULL);
	CHECK_CONTAINS(d2, "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)");
	CHECK_CONTAINS(d2, "\\\"quoted\\\" \\\\ back");
	CHECK_CONTAINS(d2, "\\u2028");
	char *d0 = json(dir.ptr, "d-0");
	CHECK_CONTAINS(d0, "[[\"articles/2015/c.html\",\"Intelligence sharing agreement\",\"2015-09-30\",\"Wire\",[],");
	/* the doc shards are deflated against the dictionary in z.js */
	char *raw = slurp(dir.ptr, "d-0.js");
	CHECK_CONTAINS(raw, "morgueSearch.load(\"d-0\",{\"zd\":\"");
	free(raw);
	CHECK(json(dir.ptr, "nonexistent") == NULL);
	free(meta), free(d2), free(d0);
	morgue_buf_free(&dir);
}

static void test_terms(void)
{
	morgue_buf dir = MORGUE_BUF_INIT;
	site(&dir, "a");
	char *t = json(dir.ptr, "t-");
	CHECK(t != NULL);
	/* stems with their forms, and the form dictionary */
	CHECK_CONTAINS(t, "\"share\":[");
	CHECK_CONTAINS(t, "\"sharing\":\"share\"");
	CHECK_CONTAINS(t, "\"shared\":\"share\"");
	/* the entity is attached to the words of its name and aliases */
	CHECK_CONTAINS(t, "\"lavrov\":[");
	CHECK_CONTAINS(t, "[\"sergey-lavrov\",\"Sergey Lavrov\",\"person\",\"\",2]");
	/* a url other than entities/SLUG.html is kept */
	CHECK_CONTAINS(t, "[\"the-post\",\"The Post\",\"organisation\",\"entities/org/the-post.html\",1]");
	CHECK_CONTAINS(t, "\"sergei\":[\"\"");
	/* facets */
	CHECK_CONTAINS(t, "\"~ppost\":[\"1\"]");
	CHECK_CONTAINS(t, "\"~esergey-lavrov\":[\"1\"]");
	CHECK_CONTAINS(t, "\"~tleaks\":[\"1\"]");
	/* "the" is a stopword: postings without positions */
	CHECK_CONTAINS(t, "\"the\":[\"!");
	/* "intellig" in doc 0 only: tf 2 and title flag (9), at 0 and 12 */
	CHECK_CONTAINS(t, "\"intellig\":[\"0.9.0c\",");
	free(t);
	morgue_buf_free(&dir);
}

static int same_tree(const char *a, const char *b)
{
	size_t ta, tb;
	int na = check_files(a, (size_t)-1, &ta), nb = check_files(b, (size_t)-1, &tb);
	if (na <= 0 || na != nb || ta != tb)
		return 0;
	const char *names[] = { "meta.js", "t-.js", "z.js", "d-0.js", "d-1.js", "d-2.js" };
	for (size_t i = 0; i < 6; i++) {
		char *x = slurp(a, names[i]), *y = slurp(b, names[i]);
		int eq = x && y && !strcmp(x, y);
		free(x), free(y);
		if (!eq)
			return 0;
	}
	return 1;
}

static void test_determinism(void)
{
	size_t o1[] = { 0, 1, 2 }, o2[] = { 2, 0, 1 };
	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT;
	CHECK_INT(write_site("a", o1), 0);
	CHECK_INT(write_site("b", o2), 0);
	site(&a, "a");
	site(&b, "b");
	CHECK(same_tree(a.ptr, b.ptr));
	/* and rewriting replaces the old tree */
	CHECK_INT(write_site("b", o1), 0);
	CHECK(same_tree(a.ptr, b.ptr));
	/* tokenized ahead (morgue_searchindex_index), redone after a late
	 * document, written twice, doc shards packed ahead (all, one, then
	 * dropped, as many as fit 1 byte): the same files */
	for (write_mode = 1; write_mode <= 7; write_mode++) {
		CHECK_INT(write_site("b", o2), 0);
		CHECK(same_tree(a.ptr, b.ptr));
	}
	write_mode = 5;
	CHECK_INT(write_site("b", o2), 0);
	CHECK_INT(prepack_asked, 2); /* asked before each shard, until told */
	write_mode = 0;
	morgue_buf_free(&a);
	morgue_buf_free(&b);
}

/* Written through an output, as a build does: the same files; a rebuild
 * that starts from the old site's tree (its third) drops a file the
 * index does not have. */
static void test_through_output(void)
{
	size_t order[] = { 0, 1, 2 };
	morgue_buf a = MORGUE_BUF_INIT, out = MORGUE_BUF_INIT, junk = MORGUE_BUF_INIT;
	morgue_output *o;
	CHECK_INT(write_site("a", order), 0);
	site(&a, "a");
	site(&out, "out");
	morgue_buf_printf(&junk, "%s.old/search/t-zz.js", out.ptr);
	for (int i = 0; i < 3; i++) {
		if (i == 2) { /* the second build's old site (same files: linked) */
			morgue_buf m = MORGUE_BUF_INIT;
			morgue_buf_printf(&m, "%s.old/.morgue-site", out.ptr);
			CHECK(morgue_fs_exists(m.ptr));
			morgue_buf_free(&m);
			CHECK_INT(morgue_fs_write(junk.ptr, "x", 1), 0);
		}
		CHECK_INT(morgue_output_begin(&o, out.ptr), 0);
		morgue_output_keep_unchanged(o);
		through = o;
		CHECK_INT(write_site("unused", order), 0);
		through = NULL;
		CHECK_INT(morgue_output_commit(o), 0);
		morgue_output_free(o);
		CHECK(same_tree(a.ptr, out.ptr));
	}
	morgue_buf_free(&a);
	morgue_buf_free(&out);
	morgue_buf_free(&junk);
}

/* Many documents with many distinct words: shards split by prefix and
 * long posting lists go to chunks; no file exceeds the bound. */
static void test_shard_bound(void)
{
	morgue_searchindex *s = NULL;
	morgue_buf dir = MORGUE_BUF_INIT, text = MORGUE_BUF_INIT, url = MORGUE_BUF_INIT;
	size_t total;
	morgue_searchindex_new(&s);
	unsigned x = 12345;
	for (int i = 0; i < 1500; i++) {
		morgue_buf_clear(&text);
		morgue_buf_clear(&url);
		morgue_buf_printf(&url, "articles/%04d.html", i);
		morgue_buf_puts(&text, "common words common common common common common common common common appear "
					"common common common common common common common common common common ");
		for (int w = 0; w < 60; w++) {
			x = x * 1103515245u + 12345u;
			morgue_buf_printf(&text, "w%c%c%u ", 'a' + (x >> 8) % 26, 'a' + (x >> 13) % 26,
					  (x >> 18) % 400);
		}
		morgue_search_doc d = { .url = url.ptr, .title = "t", .date = "2020-01-01",
					.text = text.ptr, .text_len = text.size };
		CHECK_INT(morgue_searchindex_add(s, &d), 0);
	}
	site(&dir, "big");
	CHECK_INT(morgue_searchindex_write(s, dir.ptr), 0);
	int n = check_files(dir.ptr, MORGUE_SEARCH_SHARD_MAX, &total);
	CHECK(n > 1500 + 10);
	size_t files;
	CHECK_INT(morgue_searchindex_bytes(s, &files), total);
	CHECK_INT(files, n);
	char *meta = json(dir.ptr, "meta");
	CHECK(meta && strstr(meta, "\"waa\",\"wab\"")); /* split below one character */ /* split below one character */
	char *c0 = json(dir.ptr, "c-0");
	CHECK(c0 != NULL && c0[0] == '"'); /* "common" is chunked */
	/* a chunk holds doc deltas "." tf codes; its positions are p-N */
	CHECK(c0 && strchr(c0, '.') && !strchr(strchr(c0, '.') + 1, '.'));
	char *p0 = json(dir.ptr, "p-0");
	CHECK(p0 != NULL && p0[0] == '"' && strlen(p0) > 100 && !strchr(p0, '.'));
	/* the entry: [first chunk, chunks, first positions file, files] */
	char *t = json(dir.ptr, "t-c");
	size_t chunks = 0, pfirst = 1, pfiles = 0;
	const char *at = t ? strstr(t, "\"common\":[[0,") : NULL;
	CHECK(at && sscanf(at, "\"common\":[[0,%zu,%zu,%zu]", &chunks, &pfirst, &pfiles) == 3);
	CHECK(chunks >= 1 && pfirst == 0 && pfiles >= 2); /* 1500 docs x 20 positions */
	/* positions files after the first start at a document of the chunk */
	char *pl = json(dir.ptr, "p-1");
	CHECK(pl != NULL && (pfiles == chunks || strchr(c0, ',')));
	free(pl);
	free(meta), free(c0), free(p0), free(t);
	morgue_searchindex_free(s);
	morgue_buf_free(&dir), morgue_buf_free(&text), morgue_buf_free(&url);
}

/* Facet keys are not length-limited: many long tags sharing a prefix of
 * spaces and punctuation must not make a shard file name too long. */
static void test_long_prefix(void)
{
	morgue_searchindex *s = NULL;
	morgue_buf dir = MORGUE_BUF_INIT, tag = MORGUE_BUF_INIT, url = MORGUE_BUF_INIT;
	size_t total;
	morgue_searchindex_new(&s);
	for (int i = 0; i < 2000; i++) {
		morgue_buf_clear(&tag);
		morgue_buf_clear(&url);
		for (int k = 0; k < 70; k++)
			morgue_buf_puts(&tag, "a ");
		morgue_buf_printf(&tag, "%04d", i);
		morgue_buf_printf(&url, "articles/%04d.html", i);
		const char *tags[] = { tag.ptr };
		morgue_search_doc d = { .url = url.ptr, .title = "t", .date = "2020-01-01",
					.tags = tags, .ntags = 1, .text = "x", .text_len = 1 };
		morgue_searchindex_add(s, &d);
	}
	site(&dir, "long");
	CHECK_INT(morgue_searchindex_write(s, dir.ptr), 0);
	CHECK(check_files(dir.ptr, (size_t)-1, &total) > 2000);
	morgue_searchindex_free(s);
	morgue_buf_free(&dir), morgue_buf_free(&tag), morgue_buf_free(&url);
}

/* Every file of a/search equal to b/search's, and as many. */
static int identical_tree(const char *a, const char *b)
{
	morgue_buf p = MORGUE_BUF_INIT;
	size_t ta, tb;
	int na = check_files(a, (size_t)-1, &ta), nb = check_files(b, (size_t)-1, &tb), ok;
	ok = na > 0 && na == nb && ta == tb;
	morgue_buf_printf(&p, "%s/search", a);
	DIR *d = opendir(p.ptr);
	struct dirent *de;
	while (ok && d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *x = slurp(a, de->d_name), *y = slurp(b, de->d_name);
		ok = x && y && !strcmp(x, y);
		if (!ok)
			printf("  %s differs\n", de->d_name);
		free(x), free(y);
	}
	if (d)
		closedir(d);
	morgue_buf_free(&p);
	return ok;
}

/* The token cache and the memo as a build keeps them: blobs by key, and
 * the files written with their keys (reused by copying them from the
 * directory they were written to). */
typedef struct store {
	char *keys[64];
	morgue_buf blobs[64];
	size_t n;
	size_t hits, records; /* lookups answered, documents recorded */
	int dict_records;
	size_t snap_hits, snap_records; /* of the index's own blobs ('#') */
	/* view: the '#' blobs are viewed in place (st_view), and one that
	 * is recorded again goes to old, unchanged, as a cache keeps the
	 * previous file until it is freed */
	int view;
	size_t snap_views;
	morgue_buf old[256];
	size_t nold;
	char *fkeys[4096], *fnames[4096];
	size_t nf, reused;
	const char *from, *to; /* reuse copies from/search/NAME.js to to/search */
} store;

static int st_lookup(const char *key, morgue_buf *out, void *payload)
{
	store *st = payload;
	for (size_t i = 0; i < st->n; i++)
		if (!strcmp(st->keys[i], key)) {
			morgue_buf_clear(out);
			morgue_buf_put(out, st->blobs[i].ptr, st->blobs[i].size);
			if (*key == '#')
				st->snap_hits++;
			else
				st->hits += *key != 0;
			return 1;
		}
	return 0;
}

static int st_view(const char *key, const void **blob, size_t *len, void *payload)
{
	store *st = payload;
	if (!st->view || *key != '#')
		return 0;
	for (size_t i = 0; i < st->n; i++)
		if (!strcmp(st->keys[i], key)) {
			*blob = st->blobs[i].ptr;
			*len = st->blobs[i].size;
			st->snap_views++;
			return 1;
		}
	return 0;
}

static void st_record(const char *key, const void *blob, size_t len, void *payload)
{
	store *st = payload;
	size_t i;
	for (i = 0; i < st->n && strcmp(st->keys[i], key); i++)
		;
	if (i < st->n && st->view && *key == '#' && st->nold < 256) {
		st->old[st->nold++] = st->blobs[i];
		st->blobs[i] = (morgue_buf)MORGUE_BUF_INIT;
	}
	if (i == st->n) {
		st->keys[st->n] = strdup(key);
		st->blobs[st->n++] = (morgue_buf)MORGUE_BUF_INIT;
	}
	morgue_buf_clear(&st->blobs[i]);
	morgue_buf_put(&st->blobs[i], blob, len);
	if (*key == '#')
		st->snap_records++;
	else if (*key)
		st->records++;
	else
		st->dict_records++;
}

static int st_reuse(const char *name, const char *key, void *payload)
{
	store *st = payload;
	for (size_t i = 0; st->from && i < st->nf; i++)
		if (!strcmp(st->fnames[i], name) && !strcmp(st->fkeys[i], key)) {
			morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT, body = MORGUE_BUF_INIT;
			morgue_buf_printf(&a, "%s/search/%s.js", st->from, name);
			morgue_buf_printf(&b, "%s/search/%s.js", st->to, name);
			int ok = morgue_fs_read(&body, a.ptr) == 0 &&
				 morgue_fs_write(b.ptr, body.ptr, body.size) == 0;
			morgue_buf_free(&a), morgue_buf_free(&b), morgue_buf_free(&body);
			st->reused += ok;
			return ok;
		}
	return 0;
}

static void st_memo_record(const char *name, const char *key, void *payload)
{
	store *st = payload;
	for (size_t i = 0; i < st->nf; i++)
		if (!strcmp(st->fnames[i], name)) {
			free(st->fkeys[i]);
			st->fkeys[i] = strdup(key);
			return;
		}
	if (st->nf < 4096) {
		st->fnames[st->nf] = strdup(name);
		st->fkeys[st->nf++] = strdup(key);
	}
}

static void st_free(store *st)
{
	for (size_t i = 0; i < st->n; i++) {
		free(st->keys[i]);
		morgue_buf_free(&st->blobs[i]);
	}
	for (size_t i = 0; i < st->nf; i++)
		free(st->fkeys[i]), free(st->fnames[i]);
	for (size_t i = 0; i < st->nold; i++)
		morgue_buf_free(&st->old[i]);
}

/* Texts of documents added by reference (ref i + 1 is document i). */
static morgue_buf ref_texts[64];
static int ref_fetches, ref_fail;

static int fetch_text(long long ref, morgue_buf *out, void *payload)
{
	(void)payload;
	ref_fetches++;
	if (ref < 1 || ref > 64 || ref == ref_fail)
		return morgue_error_set(MORGUE_ENOTFOUND, NULL, 0, "no text %lld", ref);
	morgue_buf_clear(out);
	morgue_buf_put(out, ref_texts[ref - 1].ptr, ref_texts[ref - 1].size);
	return 0;
}

/* Entities of documents added by reference (ref i + 1 is document i:
 * an odd one mentions Sergey Lavrov). */
static int ent_fetches, ent_fail;

static int fetch_ents(long long ref, char ***slugs, char ***names, size_t *n, void *payload)
{
	(void)payload;
	ent_fetches++;
	*slugs = *names = NULL;
	*n = 0;
	if (ref < 1 || ref > 64 || ref == ent_fail)
		return morgue_error_set(MORGUE_ENOTFOUND, NULL, 0, "no entities %lld", ref);
	*n = (size_t)((ref - 1) % 2);
	*slugs = calloc(2, sizeof(char *));
	*names = calloc(2, sizeof(char *));
	if (*n) {
		(*slugs)[0] = strdup("sergey-lavrov");
		(*names)[0] = strdup("Sergey Lavrov");
	}
	return 0;
}

static int cache_prepack; /* cache_site packs the doc shards ahead */
static int cache_keyless; /* cache_site's documents have no keys */

/* 40 documents, each with a key naming its text (version v of
 * document 7 differs); forms of one stem, stopwords, non-ASCII words,
 * entity names; with st, through the token cache and the memo; by_ref:
 * added without their texts, fetched by reference. */
static int cache_site(const char *name, int v, int extra, store *st, int by_ref)
{
	morgue_searchindex *s = NULL;
	morgue_buf dir = MORGUE_BUF_INIT, text = MORGUE_BUF_INIT, url = MORGUE_BUF_INIT,
		   key = MORGUE_BUF_INIT;
	static const char *words[] = { "share", "shared", "sharing", "shares", "the", "of",
				       "Zürich", "naïve", "café", "Straße", "1,000", "U.S",
				       "intelligence", "intelligent", "run", "running", "ran" };
	const char *ents[] = { "sergey-lavrov" }, *names[] = { "Sergey Lavrov" };
	const char *tags[] = { "russia", "Leaks" };
	int rc = morgue_searchindex_new(&s);
	unsigned x = 99;
	site(&dir, name);
	if (st) {
		morgue_searchindex_tokens t = { .lookup = st_lookup, .record = st_record,
						.view = st_view, .payload = st };
		morgue_searchindex_memo m = { st_reuse, st_memo_record, st };
		morgue_searchindex_set_tokens(s, &t);
		morgue_searchindex_set_memo(s, &m);
		st->to = dir.ptr;
	}
	if (by_ref) {
		morgue_searchindex_set_text(s, fetch_text, NULL);
		morgue_searchindex_set_entities(s, fetch_ents, NULL);
	}
	for (int i = 0; i < 40 + extra && !rc; i++) {
		morgue_buf_clear(&text);
		morgue_buf_clear(&url);
		morgue_buf_clear(&key);
		morgue_buf_printf(&url, "articles/%02d.html", i);
		morgue_buf_printf(&key, "key-%d-%d", i, i == 7 || (i == 10 && v == 8) ? v : 0);
		if (i == 20)
			morgue_buf_puts(&text, "connects ");
		for (int w = 0; w < 200; w++) {
			x = x * 1103515245u + 12345u;
			if ((x >> 9) % 3)
				morgue_buf_printf(&text, "%s ", words[(x >> 12) % 17]);
			else
				morgue_buf_printf(&text, "w%u ", (x >> 14) % 300);
		}
		if (i == 7)
			morgue_buf_printf(&text, "version%d only here", v);
		/* words whose first document is 7, but 8 in version 5 or 8;
		 * forms of "connect" listed in the order of their first
		 * documents, not of their places in them */
		if (i == 7 && v != 8)
			morgue_buf_puts(&text, " connected");
		if (i == 7 && v != 5)
			morgue_buf_puts(&text, " sharedrare");
		if (i == 8)
			morgue_buf_puts(&text, " sharedrare connecting connected");
		if (i == 10 && v == 8) /* after 8: not the first either */
			morgue_buf_puts(&text, " connected");
		int v3 = i == 7 && v == 3; /* another title, another tag */
		morgue_search_doc d = { .url = url.ptr,
					.title = v3 ? "A new title" : i % 2 ? "Shared secrets" : "The café",
					.date = i % 3 ? "2020-01-01" : "2019-05-05",
					.publication = i % 4 ? "The Post" : NULL,
					.tags = tags, .ntags = (size_t)(v3 ? 2 : i == 7 && v == 6 ? 0 : i % 3),
					.entities = ents, .entity_names = names, .nentities = (size_t)(i % 2),
					.text = text.ptr, .text_len = text.size,
					.key = cache_keyless ? NULL : key.ptr };
		if (by_ref) {
			morgue_buf_clear(&ref_texts[i]);
			morgue_buf_put(&ref_texts[i], text.ptr, text.size);
			d.text = NULL;
			d.text_len = 0;
			d.text_ref = i + 1;
			d.entities = d.entity_names = NULL;
			d.nentities = 0;
			d.entities_ref = i + 1;
		}
		rc = morgue_searchindex_add(s, &d);
	}
	if (!rc && cache_prepack)
		rc = morgue_searchindex_prepack(s, 1u << 20, NULL, NULL);
	if (!rc)
		rc = morgue_searchindex_add_entity(s, "sergey-lavrov", "Sergey Lavrov", "person",
						   NULL, NULL, 0, 20);
	if (!rc)
		rc = morgue_searchindex_write(s, dir.ptr);
	morgue_searchindex_free(s);
	morgue_buf_free(&dir), morgue_buf_free(&text), morgue_buf_free(&url), morgue_buf_free(&key);
	return rc;
}

/* Documents replayed from the token cache, files reused by their keys:
 * the same files as tokenizing and writing everything. */
static void test_token_cache(void)
{
	store st = { 0 };
	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT, c = MORGUE_BUF_INIT;
	site(&a, "plain");
	site(&b, "cached1");
	site(&c, "cached2");
	/* first build: every document tokenized and recorded, and the words */
	CHECK_INT(cache_site("plain", 0, 0, NULL, 0), 0);
	CHECK_INT(cache_site("cached1", 0, 0, &st, 0), 0);
	CHECK_INT(st.records, 40);
	CHECK_INT(st.dict_records, 1);
	CHECK_INT(st.hits, 0);
	CHECK(identical_tree(a.ptr, b.ptr));
	CHECK(st.snap_records >= 2);
	/* again: nothing tokenized, no blob even read (the postings are
	 * the snapshot's), every file reused */
	st.records = st.dict_records = 0;
	st.from = b.ptr;
	CHECK_INT(cache_site("cached2", 0, 0, &st, 0), 0);
	CHECK_INT(st.records, 0);
	CHECK_INT(st.dict_records, 0);
	CHECK_INT(st.hits, 0);
	CHECK(st.snap_hits >= 2);
	CHECK(st.reused > 40);
	CHECK(identical_tree(a.ptr, c.ptr));
	/* document 7 edited (new key, a new word) and two documents more:
	 * those three tokenized, the words recorded again, d-7 rewritten;
	 * the other documents' postings are the snapshot's: only 7's old
	 * blob is read */
	st.records = st.dict_records = 0;
	st.hits = st.reused = 0;
	st.from = c.ptr;
	CHECK_INT(cache_site("plain", 1, 2, NULL, 0), 0);
	CHECK_INT(cache_site("cached1", 1, 2, &st, 0), 0);
	CHECK_INT(st.records, 3);
	CHECK_INT(st.dict_records, 1);
	CHECK_INT(st.hits, 1);
	CHECK(identical_tree(a.ptr, b.ptr));
	/* without the snapshot, blobs the index cannot use (cut short,
	 * another dictionary's, not one at all) are tokenized again, with
	 * the same result */
	for (size_t i = 0; i < st.n; i++) {
		if (st.keys[i][0] == '#')
			st.keys[i][0] = '-';
		if (!strcmp(st.keys[i], "key-3-0"))
			st.blobs[i].size /= 2;
		if (!strcmp(st.keys[i], "key-4-0"))
			st.blobs[i].ptr[3] ^= 1; /* in the dictionary's id */
		if (!strcmp(st.keys[i], "key-5-0"))
			morgue_buf_clear(&st.blobs[i]);
	}
	st.records = st.dict_records = 0;
	st.from = NULL;
	CHECK_INT(cache_site("cached2", 1, 2, &st, 0), 0);
	CHECK_INT(st.records, 3);
	CHECK(identical_tree(a.ptr, c.ptr));
	/* a dictionary that is not one: a new one, every document again */
	for (size_t i = 0; i < st.n; i++)
		if (!*st.keys[i])
			st.blobs[i].ptr[0] = 'x';
	st.records = st.dict_records = 0;
	CHECK_INT(cache_site("cached2", 1, 2, &st, 0), 0);
	CHECK_INT(st.records, 42);
	CHECK_INT(st.dict_records, 1);
	CHECK(identical_tree(a.ptr, c.ptr));
	st_free(&st);
	morgue_buf_free(&a), morgue_buf_free(&b), morgue_buf_free(&c);
}

/* Doc shards packed ahead are recorded in the memo under the keys write
 * gives them itself: by the documents' keys, or by their JSON when the
 * documents have none. */
static void test_prepack_memo(void)
{
	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT;
	site(&a, "memo-plain");
	site(&b, "memo-pre");
	for (cache_keyless = 0; cache_keyless <= 1; cache_keyless++) {
		store x = { 0 }, y = { 0 };
		CHECK_INT(cache_site("memo-plain", 0, 0, &x, 0), 0);
		cache_prepack = 1;
		CHECK_INT(cache_site("memo-pre", 0, 0, &y, 0), 0);
		cache_prepack = 0;
		CHECK(identical_tree(a.ptr, b.ptr));
		CHECK(x.nf > 40);
		CHECK_INT(y.nf, x.nf);
		for (size_t i = 0; i < x.nf && i < y.nf; i++) {
			CHECK_STR(y.fnames[i], x.fnames[i]);
			CHECK_STR(y.fkeys[i], x.fkeys[i]);
		}
		st_free(&x);
		st_free(&y);
	}
	cache_keyless = 0;
	morgue_buf_free(&a), morgue_buf_free(&b);
}

/* One step of test_postings_snapshot: version v of document 7 (and
 * extra documents) indexed anew into snap-plain and through st into
 * snap-cached; the files must be the same. The document blobs read. */
static size_t snap_step(store *st, int v, int extra)
{
	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT;
	site(&a, "snap-plain");
	site(&b, "snap-cached");
	st->hits = 0;
	CHECK_INT(cache_site("snap-plain", v, extra, NULL, 0), 0);
	CHECK_INT(cache_site("snap-cached", v, extra, st, 0), 0);
	CHECK(identical_tree(a.ptr, b.ptr));
	morgue_buf_free(&a), morgue_buf_free(&b);
	return st->hits;
}

/* The postings snapshot: an edit, a new title and tag, two documents
 * appended, a term gone, a form whose first document moves: each time
 * the same files as indexing every document anew, from the snapshot
 * (only the changed documents' blobs read) when it can be, else by
 * replaying every blob; its parts copied (lookup) or, with view, read
 * where the cache keeps them. */
static void postings_snapshot(int view)
{
	store st = { .view = view };
	CHECK_INT(cache_site("snap-cached", 0, 0, &st, 0), 0);
	CHECK(st.snap_records >= 2);
	/* 7 with another text, title and tag; 40 and 41 appended */
	CHECK_INT(snap_step(&st, 3, 2), 1);
	/* 7 without "sharedrare", which 8 has: its first document is not
	 * known from the snapshot: every blob replayed */
	CHECK(snap_step(&st, 5, 2) >= 41);
	/* with it again (7 before 8: the first again), without its tag,
	 * "version5" gone */
	CHECK_INT(snap_step(&st, 6, 2), 1);
	/* 7 without "connected", which 8 has, and 10, changed, too: not
	 * known either */
	CHECK(snap_step(&st, 8, 2) >= 41);
	/* 7 and 10 back as they were: only their four blobs read */
	CHECK_INT(snap_step(&st, 6, 2), 4);
	/* two documents gone: other numbers, every blob replayed */
	CHECK_INT(snap_step(&st, 6, 0), 40);
	/* a part of the snapshot cut short: the same */
	for (size_t i = 0; i < st.n; i++)
		if (!strcmp(st.keys[i], "#postings/1"))
			st.blobs[i].size -= st.blobs[i].size / 3;
	CHECK(snap_step(&st, 7, 0) >= 39);
	CHECK(view ? st.snap_views >= 10 : st.snap_views == 0);
	st_free(&st);
}

static void test_postings_snapshot(void)
{
	postings_snapshot(0);
	postings_snapshot(1);
}

/* Documents added by reference: the same files; their texts fetched
 * only when a document is tokenized or its file written, not when both
 * are reused; a text that cannot be fetched fails the write. */
static void test_text_by_reference(void)
{
	store st = { 0 };
	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT, c = MORGUE_BUF_INIT;
	site(&a, "plain");
	site(&b, "cached1");
	site(&c, "cached2");
	CHECK_INT(cache_site("plain", 0, 0, NULL, 0), 0);
	ref_fetches = ent_fetches = 0;
	CHECK_INT(cache_site("cached1", 0, 0, NULL, 1), 0);
	CHECK(ref_fetches >= 40); /* tokenized and written: each at least once */
	CHECK_INT(ent_fetches, 40);
	CHECK(identical_tree(a.ptr, b.ptr));
	/* through the token cache and the memo: no document is tokenized or
	 * written again, only the dictionary's samples are fetched */
	CHECK_INT(cache_site("cached1", 0, 0, &st, 0), 0);
	st.from = b.ptr;
	ref_fetches = ent_fetches = 0;
	CHECK_INT(cache_site("cached2", 0, 0, &st, 1), 0);
	CHECK_INT(ref_fetches, 14); /* the deflate dictionary's 14 sample documents */
	CHECK_INT(ent_fetches, 0);  /* no facet made again */
	CHECK_INT(st.hits, 0); /* the postings are the snapshot's */
	CHECK(identical_tree(a.ptr, c.ptr));
	/* document 7 edited: it and the others of its file are fetched */
	st.hits = st.reused = 0;
	st.from = c.ptr;
	ref_fetches = ent_fetches = 0;
	CHECK_INT(cache_site("plain", 1, 0, NULL, 0), 0);
	CHECK_INT(cache_site("cached1", 1, 0, &st, 1), 0);
	CHECK(ref_fetches > 14 && ref_fetches < 40);
	CHECK_INT(ent_fetches, 1); /* document 7's alone */
	CHECK(identical_tree(a.ptr, b.ptr));
	/* entities that cannot be had: an error too */
	ent_fail = 4;
	CHECK_INT(cache_site("cached2", 2, 0, NULL, 1), MORGUE_EIO);
	CHECK_CONTAINS(morgue_error_last()->message, "could not be read back");
	morgue_error_clear();
	ent_fail = 0;
	/* a text that cannot be had: an error, not an empty document */
	ref_fail = 3;
	CHECK_INT(cache_site("cached2", 2, 0, NULL, 1), MORGUE_EIO);
	CHECK_CONTAINS(morgue_error_last()->message, "could not be read back");
	morgue_error_clear();
	ref_fail = 0;
	for (size_t i = 0; i < 64; i++)
		morgue_buf_free(&ref_texts[i]);
	st_free(&st);
	morgue_buf_free(&a), morgue_buf_free(&b), morgue_buf_free(&c);
}

static void test_bad_input(void)
{
	morgue_searchindex *s = NULL;
	morgue_searchindex_new(&s);
	morgue_search_doc d = { .url = NULL, .title = "x" };
	CHECK(morgue_searchindex_add(s, &d) < 0);
	CHECK(morgue_searchindex_add_entity(s, NULL, "x", NULL, NULL, NULL, 0, 0) < 0);
	/* an empty index is still a loadable index */
	morgue_buf dir = MORGUE_BUF_INIT;
	size_t total;
	site(&dir, "empty");
	CHECK_INT(morgue_searchindex_write(s, dir.ptr), 0);
	CHECK_INT(check_files(dir.ptr, MORGUE_SEARCH_SHARD_MAX, &total), 1);
	morgue_searchindex_free(s);
	morgue_buf_free(&dir);
}

int main(void)
{
	tmp = mkdtemp(tmpl);
	if (!tmp) {
		printf("FAIL mkdtemp\n");
		return 1;
	}
	RUN(test_files_and_escaping);
	RUN(test_terms);
	RUN(test_determinism);
	RUN(test_through_output);
	RUN(test_shard_bound);
	RUN(test_long_prefix);
	RUN(test_bad_input);
	RUN(test_token_cache);
	RUN(test_prepack_memo);
	RUN(test_postings_snapshot);
	RUN(test_text_by_reference);
	morgue_fs_rmtree(tmp);
	TEST_EXIT();
}
