#define _GNU_SOURCE /* dl_iterate_phdr */
#include "build.h"
#include "annotate.h"
#include "article.h"
#include "cache.h"
#include "catalog.h"
#include "config.h"
#include "ftsindex.h"
#include "gazetteer.h"
#include "history.h"
#include "markdown.h"
#include "output.h"
#include "parsepool.h"
#include "render.h"
#include "repo.h"
#include "searchindex.h"
#include "theme.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/path.h"
#include "util/thread.h"

#include <dirent.h>
#include <link.h>
#include <pthread.h>
#include <sqlite3.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct build {
	const morgue_build_opts *opts;
	morgue_build_stats *stats;
	morgue_repo *repo;
	morgue_config *config;
	morgue_theme *theme;
	morgue_output *output;
	morgue_catalog *catalog;
	morgue_gazetteer *gazetteer;
	morgue_history *history;
	morgue_searchindex *search;
	morgue_ftsindex *fts;        /* archive.sqlite's index, fed as articles load */
	morgue_entity **entities;
	size_t nentities, capentities;
	morgue_cache *cache;         /* NULL for `morgue check` */
	morgue_repo_entry *ann;      /* annotation files (blob ids), by path */
	size_t nann;
	morgue_hash parse;           /* what every article's rows depend on */
	char parse_key[MORGUE_HASH_HEX], page_key[MORGUE_HASH_HEX];
	char bin[17];                /* hash of this binary */
	morgue_repo_entry *ents;     /* entities/ files, listed (and hashed) first */
	size_t nents;
	morgue_repo_entry *arts;     /* articles/ files */
	size_t narts;
	char (*keys)[MORGUE_HASH_HEX]; /* each article's parse key, by arts[] */
	int self;                    /* the catalog is the previous cache, moved */
	size_t cached;               /* articles copied from the cache */
	morgue_cache_kept *kept;     /* on the moved cache: its articles, by id */
	size_t nkept;
	morgue_entity **by_slug;     /* entities by slug: open addressing, */
	size_t nslots;               /* a power of two over twice their number */
	int reuse_site;              /* the previous site may lend files */
	int words_read;              /* the theme shows articles' word counts */
	char **slugs;                /* the catalog's entity slugs, sorted: */
	size_t nslugs;               /* entity_exists off the main thread */
} build;

/* Record a content error and keep going; the caller checks stats->errors. */
static void content_error(build *b)
{
	b->stats->errors++;
	if (b->opts->on_error)
		b->opts->on_error(morgue_error_last(), b->opts->payload);
	morgue_error_clear();
}

static void progress(build *b, const char *phase, size_t done, size_t total)
{
	if (b->opts->on_progress)
		b->opts->on_progress(phase, done, total, b->opts->payload);
}

/* "content/articles/x.md": the repository path, for messages. */
static void repo_file(morgue_buf *out, build *b, const char *path)
{
	const char *prefix = morgue_repo_prefix(b->repo);
	if (prefix && *prefix)
		morgue_buf_printf(out, "%s/", prefix);
	morgue_buf_puts(out, path);
}

static int load_config(build *b)
{
	morgue_buf data = MORGUE_BUF_INIT, file = MORGUE_BUF_INIT;
	int rc = morgue_repo_read(&data, b->repo, "morgue.yaml");

	repo_file(&file, b, "morgue.yaml");
	morgue_hash_puts(&b->parse, "morgue.yaml");
	morgue_hash_put(&b->parse, data.ptr ? data.ptr : "", data.size);
	morgue_hash_puts(&b->parse, file.ptr);
	if (rc == MORGUE_ENOTFOUND) {
		morgue_error_clear();
		rc = morgue_config_parse(&b->config, file.ptr, NULL, 0);
	} else if (rc == 0)
		rc = morgue_config_parse(&b->config, file.ptr, morgue_buf_cstr(&data), data.size);
	morgue_buf_free(&data);
	morgue_buf_free(&file);
	return rc;
}

/* List the .md files below dir. Symbolic links and submodules of any
 * name (a link to a directory, a submodule holding articles) are warned
 * about and left in the list marked is_link, for the caller to skip. */
/* The content of a listed file: by its blob id when reading a commit (a
 * path lookup walks, and inflates, every tree above the file again). */
static int read_entry(build *b, morgue_buf *out, const morgue_repo_entry *e)
{
	if (b->opts->worktree) /* the id is a hash of the file, not a blob */
		return morgue_repo_read(out, b->repo, e->path);
	if (morgue_repo_read_blob(out, b->repo, e->oid) == 0)
		return 0;
	morgue_error_clear();
	return morgue_repo_read(out, b->repo, e->path);
}

static int list_markdown(build *b, morgue_repo_entry **e, size_t *n, const char *dir)
{
	int rc = morgue_repo_list(e, n, b->repo, dir, NULL);
	size_t k = 0;

	for (size_t i = 0; rc == 0 && i < *n; i++) {
		morgue_repo_entry *x = &(*e)[i];
		size_t len = strlen(x->path);
		if (x->is_link) {
			morgue_buf f = MORGUE_BUF_INIT;
			repo_file(&f, b, x->path);
			morgue_warn(f.ptr, 0, "symbolic link or submodule: skipped (links are not followed)");
			morgue_buf_free(&f);
		} else if (len < 3 || strcmp(x->path + len - 3, ".md")) {
			free(x->path);
			continue;
		}
		(*e)[k++] = *x;
	}
	if (rc == 0)
		*n = k;
	return rc;
}

static int by_string(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Whether the catalog holds an entity: asked while articles are parsed,
 * maybe on a parse worker, so from b->slugs (the catalog's slugs, taken
 * before the articles; they add no entity) and never the catalog. */
static int entity_exists(const char *slug, void *payload)
{
	build *b = payload;
	return b->nslugs && bsearch(&slug, b->slugs, b->nslugs, sizeof(*b->slugs), by_string);
}

/* The registry's files, hashed into the parse key (the key is known
 * before any entity is parsed). */
static int list_entities(build *b)
{
	int rc = list_markdown(b, &b->ents, &b->nents, "entities");
	for (size_t i = 0; rc == 0 && i < b->nents; i++) {
		if (b->ents[i].is_link)
			continue;
		morgue_hash_puts(&b->parse, b->ents[i].path);
		morgue_hash_puts(&b->parse, b->ents[i].oid);
	}
	return rc;
}

/* Parse the registry; add: into the catalog too (not when the catalog,
 * the previous cache with the same parse key, moved, has it). */
static int load_entities(build *b, int add)
{
	morgue_repo_entry *e = b->ents;
	size_t n = b->nents;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		morgue_buf data = MORGUE_BUF_INIT, file = MORGUE_BUF_INIT;
		morgue_entity *ent = NULL;
		morgue_doc *doc = NULL;
		const char *rel = e[i].path + strlen("entities/");

		if (e[i].is_link)
			continue;
		repo_file(&file, b, e[i].path);
		if ((rc = read_entry(b, &data, &e[i])) < 0)
			goto next;
		if (morgue_entity_parse(&ent, file.ptr, rel, morgue_buf_cstr(&data), data.size) < 0) {
			content_error(b);
			goto next;
		}
		memcpy(ent->oid, e[i].oid, sizeof(ent->oid));
		if (!add)
			goto keep;
		morgue_markdown_opts mo = { .root = "../", .unsafe_html = b->config->unsafe_html,
					    .file = file.ptr, .first_line = ent->body_line,
					    .no_attributions = 1 };
		if (morgue_markdown_render(&doc, ent->body, ent->body_len, &mo) < 0 ||
		    morgue_catalog_add_entity(b->catalog, ent, doc->html) < 0) {
			content_error(b);
			morgue_entity_free(ent);
			goto next;
		}
	keep:
		MORGUE_ARRAY_RESERVE(b->entities, b->capentities, b->nentities + 1);
		b->entities[b->nentities++] = ent;
	next:
		morgue_doc_free(doc);
		morgue_buf_free(&data);
		morgue_buf_free(&file);
	}
	b->stats->entities = b->nentities;
	return rc;
}

/* The publication must be a registered entity when written as a slug; a
 * plain name ("War News Updates") is shown as it is. */
static int check_publication(build *b, const morgue_article *a)
{
	const char *p = a->publication;
	if (!p || !morgue_slug_is_valid(p) || morgue_catalog_entity_exists(b->catalog, p))
		return 0;
	return morgue_error_set(MORGUE_EINPUT, a->file, 1,
				"publication: unknown entity '%s' (register it in "
				"entities/ or write the publication's plain name)", p);
}

/* FNV-1a: the slot of a slug in b->by_slug. */
static size_t slug_slot(const build *b, const char *slug)
{
	return (size_t)morgue_hash_fnv(slug) & (b->nslots - 1);
}

/* The entities by slug, in a table: every mention of every article is
 * looked up (450k at 10k articles; a binary search was 0.07 s of an
 * edit's loading). The first of two with one slug is kept (two are a
 * content error anyway). */
static void index_slugs(build *b)
{
	b->nslots = 16;
	while (b->nslots < 2 * b->nentities)
		b->nslots *= 2;
	b->by_slug = morgue_calloc(b->nslots, sizeof(*b->by_slug));
	for (size_t i = 0; i < b->nentities; i++) {
		size_t k = slug_slot(b, b->entities[i]->slug);
		while (b->by_slug[k] && strcmp(b->by_slug[k]->slug, b->entities[i]->slug))
			k = (k + 1) & (b->nslots - 1);
		if (!b->by_slug[k])
			b->by_slug[k] = b->entities[i];
	}
}

static const morgue_entity *entity_by_slug(build *b, const char *slug)
{
	if (!b->by_slug)
		return NULL;
	for (size_t k = slug_slot(b, slug); b->by_slug[k]; k = (k + 1) & (b->nslots - 1))
		if (!strcmp(b->by_slug[k]->slug, slug))
			return b->by_slug[k];
	return NULL;
}

/* Hand one article to the search index; slugs are the entities it
 * mentions, each once, in order of first mention; key the article's
 * cache key (what all of this is made from), or NULL. */
static void search_add(build *b, const char *id, const char *title, const char *date,
		       const char *publication, const char *const *tags, size_t ntags,
		       const char **slugs, size_t n, long long slugs_ref, const char *text,
		       size_t text_len, long long text_ref, const char *key)
{
	const char **names = morgue_calloc(n + 1, sizeof(*names));
	morgue_buf url = MORGUE_BUF_INIT;
	char *pubname = NULL;

	for (size_t i = 0; i < n; i++) {
		const morgue_entity *e = entity_by_slug(b, slugs[i]);
		names[i] = e ? e->name : slugs[i];
	}
	if (publication) { /* the catalog's entities are these */
		const morgue_entity *e = entity_by_slug(b, publication);
		pubname = e && e->name ? morgue_strdup(e->name) : NULL;
	}
	morgue_buf_printf(&url, "articles/%s.html", id);
	morgue_search_doc sd = {
		.url = url.ptr, .title = title, .date = date,
		.publication = pubname ? pubname : publication,
		.publication_slug = pubname ? publication : NULL,
		.tags = tags, .ntags = ntags,
		.entities = slugs, .entity_names = names, .nentities = n,
		.entities_ref = slugs_ref,
		.text = text, .text_len = text_len, .text_ref = text_ref,
		.key = b->cache ? key : NULL,
	};
	if (morgue_searchindex_add(b->search, &sd) < 0)
		content_error(b);
	free(pubname);
	free(names);
	morgue_buf_free(&url);
}

/* The entities a parsed article mentions, each once, in order of first
 * mention (pointers into doc). */
static const char **mentioned(const morgue_doc *doc, size_t *n)
{
	const char **slugs = morgue_calloc(doc->nmentions + 1, sizeof(*slugs));
	*n = 0;
	for (size_t i = 0; i < doc->nmentions; i++) {
		size_t j;
		for (j = 0; j < *n; j++)
			if (!strcmp(slugs[j], doc->mentions[i].entity))
				break;
		if (j == *n)
			slugs[(*n)++] = doc->mentions[i].entity;
	}
	return slugs;
}

/* Index an article copied from the cache (brief: its title and date),
 * from what the cache kept; its text is left in *text (*len bytes, the
 * caller frees it), unless the article is kept in place in a copy of the
 * previous cache: then the search index reads it from there if it needs
 * it (*text NULL). */
static int search_add_cached(build *b, long long id, const morgue_value *brief,
			     const char *path, const char *key, char **text, size_t *len)
{
	char *pub = NULL, **tags = NULL, **ents = NULL;
	size_t ntags = 0, nents = 0;
	/* on the moved cache, the search thread reads the entities (and the
	 * text) itself from the previous cache, if it needs them */
	int rc = morgue_cache_search_fields(b->cache, id, &pub, &tags, &ntags,
					    b->self ? NULL : &ents, &nents);

	if (rc == 0) {
		if (!b->self)
			*text = morgue_catalog_article_text(b->catalog, id, len);
		search_add(b, path, morgue_value_get_str(brief, "title"),
			   morgue_value_get_str(brief, "date"), pub,
			   (const char *const *)tags, ntags, (const char **)ents, nents,
			   b->self ? id : 0, *text, *len, b->self ? id : 0, key);
	}
	for (size_t i = 0; i < ntags; i++)
		free(tags[i]);
	for (size_t i = 0; i < nents; i++)
		free(ents[i]);
	free(tags);
	free(ents);
	free(pub);
	return rc;
}

/* Hand archive.sqlite's index the row of article id (text taken over),
 * or, for an article kept in place in the previous cache (moved), just
 * its id; a failure leaves the index to be made from the finished
 * catalog. */
static void fts_add(build *b, long long id, int kept, const char *title, char *text,
		    size_t len)
{
	if (!b->fts || kept)
		free(text);
	if (!b->fts)
		return;
	if ((kept ? morgue_ftsindex_add_kept(b->fts, id)
		  : morgue_ftsindex_add(b->fts, id, title, text, len)) < 0) {
		morgue_ftsindex_free(b->fts);
		b->fts = NULL;
		morgue_error_clear();
	}
}

static int by_entry_path(const void *x, const void *y)
{
	return strcmp(((const morgue_repo_entry *)x)->path, ((const morgue_repo_entry *)y)->path);
}

/* Blob id of a file of annotations/, or "" when there is none. */
static const char *annotation_oid(build *b, const char *path)
{
	morgue_repo_entry want = { .path = (char *)path }, *e;
	e = b->nann ? bsearch(&want, b->ann, b->nann, sizeof(*b->ann), by_entry_path) : NULL;
	return e ? e->oid : "";
}

/* Everything an article page and the pages listing it show about the
 * article: its rows (key) and its git history. */
static void article_digest(char out[MORGUE_HASH_HEX], const char *key,
			   const morgue_article_history *h)
{
	morgue_hash d;
	morgue_hash_init(&d);
	morgue_hash_puts(&d, key);
	for (size_t i = 0; h && i < h->nrevs; i++) {
		const morgue_revision *r = &h->revs[i];
		morgue_hash_puts(&d, r->commit);
		morgue_hash_int(&d, r->time);
		morgue_hash_int(&d, r->tz);
		morgue_hash_puts(&d, r->author);
		morgue_hash_puts(&d, r->summary);
		morgue_hash_int(&d, r->article);
		morgue_hash_int(&d, r->annotations);
		for (size_t k = 0; k < r->nadded; k++)
			morgue_hash_puts(&d, r->added[k]);
		morgue_hash_puts(&d, "/");
		for (size_t k = 0; k < r->nremoved; k++)
			morgue_hash_puts(&d, r->removed[k]);
		morgue_hash_puts(&d, "/");
	}
	for (size_t i = 0; h && i < h->nold; i++)
		morgue_hash_puts(&d, h->old_paths[i]);
	morgue_hash_hex(out, &d);
}

/* The stand-off annotations of "articles/2017/x.md" live in
 * "annotations/2017/x.yaml"; a missing file is no error (out stays empty). */
static int read_annotations(build *b, morgue_buf *out, morgue_buf *file,
			    const char *article_path)
{
	morgue_buf path = MORGUE_BUF_INIT;
	const char *rel = article_path + strlen("articles/");
	int rc;

	morgue_buf_printf(&path, "annotations/%.*s.yaml", (int)(strlen(rel) - 3), rel);
	repo_file(file, b, path.ptr);
	rc = morgue_repo_read(out, b->repo, path.ptr);
	if (rc == MORGUE_ENOTFOUND) {
		morgue_error_clear();
		rc = 0;
	}
	morgue_buf_free(&path);
	return rc;
}

/* A parse worker's error or warning, kept for the main thread. */
typedef struct held_message {
	int code;    /* errors: the morgue_error_code */
	char *file;  /* may be NULL */
	int line;
	char *message;
} held_message;

/* Which step of parse_article failed: READ and ANNOTATIONS stop the
 * build (as a failed read always did), ARTICLE and RENDER are content
 * errors. */
enum { PARSED_OK, PARSED_READ, PARSED_ARTICLE, PARSED_ANNOTATIONS, PARSED_RENDER };

/* What parse_article made of one article: everything that needs no
 * catalog, cache or search index. */
typedef struct parsed {
	int failed;             /* PARSED_* */
	held_message error;     /* the failure's error */
	morgue_article *a;
	morgue_doc *doc;
	/* with a cache: the digests of its rows (made by the worker) */
	morgue_cache_rows_digest rows;
	held_message *warn;     /* warnings, in the order given */
	size_t nwarn, capwarn;
	size_t nwarn_article;   /* how many came from reading and parsing the
				 * file (the rest: annotations and render) */
} parsed;

static void hold_warning(const char *file, int line, const char *msg, void *payload)
{
	parsed *p = payload;
	MORGUE_ARRAY_RESERVE(p->warn, p->capwarn, p->nwarn + 1);
	p->warn[p->nwarn++] = (held_message){ .file = file ? morgue_strdup(file) : NULL,
					      .line = line, .message = morgue_strdup(msg) };
}

static void hold_error(parsed *p, int failed)
{
	const morgue_error *e = morgue_error_last();
	p->failed = failed;
	p->error.code = e ? e->code : MORGUE_ERROR;
	p->error.file = e && e->file ? morgue_strdup(e->file) : NULL;
	p->error.line = e ? e->line : 0;
	p->error.message = morgue_strdup(e && e->message ? e->message : "unknown error");
	morgue_error_clear();
}

static void parsed_free(void *arg)
{
	parsed *p = arg;
	if (!p)
		return;
	for (size_t i = 0; i < p->nwarn; i++) {
		free(p->warn[i].file);
		free(p->warn[i].message);
	}
	free(p->warn);
	free(p->error.file);
	free(p->error.message);
	morgue_doc_free(p->doc);
	morgue_article_free(p->a);
	free(p);
}

/* The held error, as this thread's error again; returns its code. */
static int parsed_error(const parsed *p)
{
	return morgue_error_set(p->error.code, p->error.file, p->error.line, "%s",
				p->error.message);
}

/* Re-issue the held warnings [from, to) on this thread. */
static void parsed_warn(const parsed *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		morgue_warn(p->warn[i].file, p->warn[i].line, "%s", p->warn[i].message);
}

/* Read, parse and render article b->arts[index] (a morgue_parsepool_fn:
 * runs on a parse worker, or on the main thread). Touches only what
 * stays unchanged while articles load: the repository (locked), the
 * config, the gazetteer and b->slugs. Failures and warnings are held in
 * the result, never left in this thread's error state. */
static void *parse_article(size_t index, void *payload)
{
	build *b = payload;
	const morgue_repo_entry *e = &b->arts[index];
	parsed *p = morgue_calloc(1, sizeof(*p));
	morgue_buf data = MORGUE_BUF_INIT, file = MORGUE_BUF_INIT, root = MORGUE_BUF_INIT;
	morgue_buf ann = MORGUE_BUF_INIT, annfile = MORGUE_BUF_INIT;
	const char *rel = e->path + strlen("articles/");

	morgue_warn_capture(hold_warning, p);
	repo_file(&file, b, e->path);
	if (read_entry(b, &data, e) < 0) {
		hold_error(p, PARSED_READ);
		goto done;
	}
	if (morgue_article_parse(&p->a, file.ptr, rel, morgue_buf_cstr(&data), data.size) < 0) {
		hold_error(p, PARSED_ARTICLE);
		goto done;
	}
	memcpy(p->a->oid, e->oid, sizeof(p->a->oid));
	p->nwarn_article = p->nwarn;
	if (read_annotations(b, &ann, &annfile, e->path) < 0) {
		hold_error(p, PARSED_ANNOTATIONS);
		goto done;
	}
	/* the article page lives at articles/<id>.html */
	morgue_buf_puts(&root, "../");
	for (const char *q = p->a->id; *q; q++)
		if (*q == '/')
			morgue_buf_puts(&root, "../");
	morgue_markdown_opts mo = {
		.gazetteer = b->gazetteer, .root = root.ptr,
		.unsafe_html = b->config->unsafe_html,
		.entity_exists = entity_exists, .payload = b,
		.file = file.ptr, .first_line = p->a->body_line,
		.annotations = ann.size ? ann.ptr : NULL,
		.annotations_len = ann.size,
		.annotations_file = annfile.ptr,
	};
	if (morgue_markdown_render(&p->doc, p->a->body, p->a->body_len, &mo) < 0)
		hold_error(p, PARSED_RENDER);
	else if (b->cache)
		morgue_cache_rows_digest_of(&p->rows, p->doc->text, p->doc->text_len,
					    p->doc->mentions, p->doc->nmentions,
					    p->doc->attributions, p->doc->nattributions);
done:
	if (p->failed == PARSED_READ || p->failed == PARSED_ARTICLE)
		p->nwarn_article = p->nwarn;
	morgue_warn_capture(NULL, NULL);
	morgue_error_clear();
	morgue_buf_free(&data);
	morgue_buf_free(&file);
	morgue_buf_free(&root);
	morgue_buf_free(&ann);
	morgue_buf_free(&annfile);
	return p;
}

/* One article from the repository: added to the catalog from its parse
 * (p, taken over; NULL: parsed here), or, when the cache holds its key,
 * copied from the cache; its catalog id in *out (0: not added). Its
 * history comes later (record_articles). Errors and warnings come out in
 * the order a serial parse gives them: a bad publication (checked here,
 * against the catalog) hides what annotations and render said. */
static int by_kept_id(const void *key, const void *x)
{
	long long a = *(const long long *)key, b = ((const morgue_cache_kept *)x)->id;
	return (a > b) - (a < b);
}

/* The kept article of id (b->kept, by id), or NULL. */
static const morgue_cache_kept *kept_find(const build *b, long long id)
{
	return b->nkept ? bsearch(&id, b->kept, b->nkept, sizeof(*b->kept), by_kept_id) : NULL;
}

static int load_article(long long *out, build *b, size_t index, long long pos, parsed *p)
{
	const char *key = b->keys[index];
	const char **slugs = NULL;
	long long id = 0, old = 0;
	size_t nslugs = 0;
	int rc = 0;

	*out = 0;
	if (b->cache && morgue_cache_article_lookup(b->cache, &old, key)) {
		const morgue_cache_kept *k =
			b->self && morgue_cache_has_previous(b->cache) ? kept_find(b, old) : NULL;
		if (k) {
			/* in place, under its id: its fields were read with
			 * the others' (kept_list) */
			id = old;
			search_add(b, k->path, k->title, k->date, k->publication,
				   (const char *const *)k->tags, k->ntags, NULL, 0, id, NULL, 0, id,
				   key);
			fts_add(b, id, 1, k->title, NULL, 0);
			b->cached++;
			goto recorded;
		}
		if (morgue_cache_article_copy(b->cache, &id, old) == 0) {
			morgue_value *brief = morgue_catalog_article_brief(b->catalog, id);
			const char *url = morgue_value_get_str(brief, "url");
			size_t len = url ? strlen(url) : 0, tlen = 0;
			morgue_buf aid = MORGUE_BUF_INIT;
			char *text = NULL;
			if (len > strlen("articles/.html"))
				morgue_buf_put(&aid, url + strlen("articles/"),
					       len - strlen("articles/.html"));
			if (!aid.size)
				rc = morgue_error_set(MORGUE_ERROR, NULL, 0, "cache: article %lld has no path", id);
			else
				rc = search_add_cached(b, id, brief, aid.ptr, key, &text, &tlen);
			if (rc == 0)
				fts_add(b, id, b->self,
					morgue_value_get_str(brief, "title"),
					text, tlen);
			else
				free(text);
			morgue_value_free(brief);
			morgue_buf_free(&aid);
			if (rc < 0)
				goto done;
			b->cached++;
			goto recorded;
		}
		morgue_error_clear(); /* the cache was dropped: parse it */
	}

	if (!p)
		p = parse_article(index, b);
	parsed_warn(p, 0, p->nwarn_article);
	if (p->failed == PARSED_READ) {
		rc = parsed_error(p);
		goto done;
	}
	if (p->failed == PARSED_ARTICLE) {
		parsed_error(p);
		content_error(b);
		goto done;
	}
	morgue_article *a = p->a;
	if (check_publication(b, a) < 0) {
		content_error(b);
		goto done;
	}
	if (p->failed == PARSED_ANNOTATIONS) {
		rc = parsed_error(p);
		goto done;
	}
	parsed_warn(p, p->nwarn_article, p->nwarn);
	if (b->self) /* the number a clean build gives it */
		morgue_catalog_set_article_id(b->catalog, pos);
	if (p->failed == PARSED_RENDER) {
		parsed_error(p);
		content_error(b);
		goto done;
	}
	morgue_doc *doc = p->doc;
	if (morgue_catalog_add_article(b->catalog, &id, a, doc->html, doc->text,
				       doc->text_len) < 0 ||
	    morgue_catalog_add_mentions(b->catalog, id, doc->mentions, doc->nmentions,
					doc->text, doc->text_len) < 0 ||
	    morgue_catalog_add_attributions(b->catalog, id, doc->attributions,
					    doc->nattributions, doc->text, doc->text_len) < 0) {
		content_error(b);
		goto done;
	}
	slugs = mentioned(doc, &nslugs);
	search_add(b, a->id, a->title, a->date, a->publication, (const char *const *)a->tags,
		   a->ntags, slugs, nslugs, 0, doc->text, doc->text_len, 0, key);
	if (b->fts) /* the row as the catalog holds it */
		fts_add(b, id, 0, a->title, morgue_strndup(doc->text ? doc->text : "", doc->text_len),
			doc->text_len);
	if (b->cache &&
	    ((rc = morgue_cache_search_record(b->cache, id, a->publication,
					      (const char *const *)a->tags, a->ntags,
					      slugs, nslugs)) < 0 ||
	     (rc = morgue_cache_rows_record_digest(b->cache, id, b->words_read, &p->rows)) < 0))
		goto done;
recorded:
	*out = id;
	b->stats->articles++;
done:
	free(slugs);
	parsed_free(p);
	return rc;
}

/* The articles and annotation files, and every article's parse key: what
 * its rows depend on (the build's parse key, its path, its blob and its
 * annotations' blob). */
static int list_articles(build *b)
{
	int rc = list_markdown(b, &b->arts, &b->narts, "articles");
	morgue_buf annpath = MORGUE_BUF_INIT;

	if (rc == 0 && (rc = morgue_repo_list(&b->ann, &b->nann, b->repo, "annotations", NULL)) == 0)
		if (b->nann) /* qsort(NULL, 0) is undefined */
			qsort(b->ann, b->nann, sizeof(*b->ann), by_entry_path);
	if (rc)
		return rc;
	b->keys = morgue_calloc(b->narts + 1, sizeof(*b->keys));
	for (size_t i = 0; i < b->narts; i++) {
		const morgue_repo_entry *e = &b->arts[i];
		const char *rel = e->path + strlen("articles/");
		morgue_buf_clear(&annpath);
		morgue_buf_printf(&annpath, "annotations/%.*s.yaml", (int)(strlen(rel) - 3), rel);
		morgue_hash k = b->parse;
		morgue_hash_puts(&k, e->path);
		morgue_hash_puts(&k, e->oid);
		morgue_hash_puts(&k, annotation_oid(b, annpath.ptr));
		morgue_hash_hex(b->keys[i], &k);
	}
	morgue_buf_free(&annpath);
	return 0;
}

/* The parse keys of the articles that are loaded (no links), in order. */
static const char **article_keys(build *b, size_t *n)
{
	const char **keys = morgue_calloc(b->narts + 1, sizeof(*keys));
	*n = 0;
	for (size_t i = 0; i < b->narts; i++)
		if (!b->arts[i].is_link)
			keys[(*n)++] = b->keys[i];
	return keys;
}

/* Articles to parse before a second thread pays (its start, the
 * handing over); fewer are parsed on the main thread. */
#define PARSE_THREADED_MIN 64
/* Parse workers: parsing an article costs nearly twice what adding it
 * costs the main thread (10k clean build: 8.5 s against 4.8 s of CPU),
 * so with one worker the main thread waits; two keep both cores busy
 * (they share the repository's lock only for the blob reads). */
#define PARSE_WORKERS 2
/* Parsed articles held ahead of the main thread at most. */
#define PARSE_SLOTS 64

/* Every article, in order: those the cache does not hold are parsed
 * ahead by worker threads (parse_article) while the main thread adds
 * each, in article order, to the catalog, the cache and the search index
 * (load_article). */
static int load_articles(long long *ids, build *b)
{
	morgue_repo_entry *e = b->arts;
	size_t n = b->narts, ntodo = 0, next = 0, item;
	size_t *todo = morgue_calloc(n + 1, sizeof(*todo));
	morgue_parsepool *pool = NULL;
	long long pos = 0, old;
	int rc;

	if ((rc = morgue_catalog_entity_slugs(b->catalog, &b->slugs, &b->nslugs)) < 0)
		goto done;
	if (b->self && morgue_cache_kept_list(b->cache, &b->kept, &b->nkept) < 0)
		morgue_error_clear(); /* then each is looked up as it loads */
	/* the cache's answers do not change while articles load (a dropped
	 * cache only turns hits into misses, parsed by load_article) */
	for (size_t i = 0; i < n; i++)
		if (!e[i].is_link && !(b->cache && morgue_cache_article_lookup(b->cache, &old,
									       b->keys[i])))
			todo[ntodo++] = i;
	if ((rc = morgue_parsepool_start(&pool, todo, ntodo,
					 ntodo >= PARSE_THREADED_MIN ? PARSE_WORKERS : 0,
					 PARSE_SLOTS, parse_article, parsed_free, b)) < 0)
		goto done;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		parsed *p = NULL;
		if (e[i].is_link)
			continue;
		if ((i & 255) == 0)
			progress(b, "articles", i, n);
		if (next < ntodo && todo[next] == i) {
			void *r = NULL;
			morgue_parsepool_next(pool, &item, &r);
			p = r;
			next++;
		}
		rc = load_article(&ids[i], b, i, ++pos, p);
	}
	progress(b, "articles", n, n);
	if (!b->opts->uncounted)
		b->stats->mentions = (size_t)morgue_catalog_count(b->catalog, "mentions");
done:
	morgue_cache_kept_free(b->kept, b->nkept);
	b->kept = NULL;
	b->nkept = 0;
	morgue_parsepool_free(pool);
	free(todo);
	return rc;
}

/* The loaded articles' (ids[i] of b->arts[i], 0: none) git histories
 * into the catalog, and into the cache each one's digest: what its page
 * and the pages listing it show of it. After the articles load, so that
 * they load while the revision walk runs. */
static int record_articles(build *b, const long long *ids)
{
	char digest[MORGUE_HASH_HEX];
	int rc = 0;

	for (size_t i = 0; i < b->narts && rc == 0; i++) {
		if (!ids[i])
			continue;
		const morgue_article_history *hist = morgue_history_find(b->history,
									 b->arts[i].path);
		article_digest(digest, b->keys[i], hist);
		if (hist && (rc = morgue_catalog_add_history(b->catalog, ids[i], hist)) < 0)
			break;
		if (b->cache)
			rc = morgue_cache_article_record(b->cache, ids[i], b->keys[i], digest);
	}
	return rc;
}

static int index_entities(build *b)
{
	const char **slugs = morgue_calloc(b->nentities + 1, sizeof(*slugs));
	long long *counts = morgue_calloc(b->nentities + 1, sizeof(*counts));
	int rc = 0;

	for (size_t i = 0; i < b->nentities; i++)
		slugs[i] = b->entities[i]->slug;
	rc = morgue_catalog_article_counts(b->catalog, counts, slugs, b->nentities);
	for (size_t i = 0; i < b->nentities && !rc; i++) {
		morgue_entity *e = b->entities[i];
		morgue_buf url = MORGUE_BUF_INIT;
		morgue_buf_printf(&url, "entities/%s.html", e->slug);
		rc = morgue_searchindex_add_entity(b->search, e->slug, e->name,
						   morgue_entity_type_name(e->type), url.ptr,
						   (const char *const *)e->aliases, e->naliases,
						   (int)counts[i]);
		morgue_buf_free(&url);
	}
	free(slugs);
	free(counts);
	return rc;
}

static void warn_ambiguous(const char *alias, const char *const *slugs, size_t n,
			   void *payload)
{
	morgue_buf list = MORGUE_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		morgue_buf_printf(&list, "%s%s", i ? ", " : "", slugs[i]);
	morgue_warn(NULL, 0, "alias '%s' is claimed by %zu entities (%s): linked only "
		    "where one of them was named in full", alias, n, list.ptr);
	morgue_buf_free(&list);
}

/* `morgue check`'s reports beyond errors: ambiguous aliases, entities
 * never mentioned, articles mentioning no entity. All are warnings. */
static void lint(build *b)
{
	morgue_gazetteer_ambiguous(b->gazetteer, warn_ambiguous, b);
	morgue_value *l = morgue_catalog_lint(b->catalog);
	for (size_t i = 0; i < morgue_value_count(l); i++) {
		const morgue_value *m = morgue_value_at(l, i);
		morgue_warn(morgue_value_get_str(m, "file"), 0, "%s",
			    morgue_value_get_str(m, "message"));
	}
	morgue_value_free(l);
}

static void format_date(char out[11], long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* What a site is a pure function of: this binary, the input (commit id,
 * or a digest of the work tree's files) and an on-disk --theme. Two builds
 * with the same stamp write the same bytes (tested), so a site carrying
 * the stamp needs no rebuild. */
/* The search index's files, reused from the previous site when their
 * content key is unchanged (no deflate, no write): families "s:NAME". */
static int search_reuse(const char *name, const char *key, void *payload)
{
	build *b = payload;
	morgue_buf fam = MORGUE_BUF_INIT;
	int done = 0;
	if (b->reuse_site) {
		morgue_buf_printf(&fam, "s:%s", name);
		done = morgue_cache_page_reuse(b->cache, b->output, fam.ptr, key, NULL, NULL);
	}
	morgue_buf_free(&fam);
	return done;
}

/* The search index's token cache, in the build cache (by article key). */
static int tokens_get(const char *key, morgue_buf *out, void *payload)
{
	return morgue_cache_tokens_get(((build *)payload)->cache, key, out);
}

/* The search index's own blobs, viewed in the previous postings file. */
static int tokens_view(const char *key, const void **blob, size_t *len, void *payload)
{
	return morgue_cache_tokens_view(((build *)payload)->cache, key, blob, len);
}

/* An unchanged article's text, from the previous cache (search thread). */
static int previous_text(long long id, morgue_buf *out, void *payload)
{
	return morgue_cache_previous_text(((build *)payload)->cache, id, out);
}

/* An unchanged article's entities and their names, from the previous
 * cache and the registry (search thread). */
static int previous_entities(long long id, char ***slugs, char ***names, size_t *n,
			     void *payload)
{
	build *b = payload;
	int rc = morgue_cache_previous_entities(b->cache, id, slugs, n);
	*names = NULL;
	if (rc < 0)
		return rc;
	*names = morgue_calloc(*n + 1, sizeof(**names));
	for (size_t i = 0; i < *n; i++) {
		const morgue_entity *e = entity_by_slug(b, (*slugs)[i]);
		(*names)[i] = morgue_strdup(e && e->name ? e->name : (*slugs)[i]);
	}
	return 0;
}

static void tokens_record(const char *key, const void *blob, size_t len, void *payload)
{
	morgue_cache_tokens_record(((build *)payload)->cache, key, blob, len);
}

static void search_record(const char *name, const char *key, void *payload)
{
	build *b = payload;
	morgue_buf fam = MORGUE_BUF_INIT, path = MORGUE_BUF_INIT;
	morgue_buf_printf(&fam, "s:%s", name);
	morgue_buf_printf(&path, "search/%s.js", name);
	morgue_cache_page_record(b->cache, fam.ptr, key, path.ptr, -1);
	morgue_buf_free(&fam);
	morgue_buf_free(&path);
}

/* The CSV exports (morgue_catalog_csv), written as NAME.csv. */
static const char *const csv_names[] = { "entities", "mentions", "attributions" };
#define NCSV (sizeof(csv_names) / sizeof(*csv_names))

/* archive.sqlite and the CSV exports, written from a second connection
 * to the catalog file while the pages are rendered: the FTS5 index and
 * the CSVs are a tenth of a build, and there are two cores. */
/* The previous site's archive.sqlite copied beside the cache by a thread
 * of its own from the start of an edit, so that the export thread finds
 * it copied (149 MB at 10k articles: half a second on ext4) and only
 * updates it. The live site's marker is read before and after: a copy
 * is used only when both are the marker the build found current (then
 * it is that site's file). */
typedef struct archive_copy {
	char *from, *to;     /* the live site's archive.sqlite, the copy */
	const char *site;
	morgue_buf marker;   /* the site's marker while it was copied */
	pthread_t thread;
	int started, joined;
	int ok;
} archive_copy;

/* On an edit the main thread is the critical path, and the helpers it
 * waits for only later (the archive.sqlite copy and update, the history
 * since the last build, the check of the live site, the previous page
 * records) would otherwise take most of a core from it while it loads:
 * five threads on two cores. Niced (morgue_thread_background), they fill
 * the idle gaps after (10k articles, the first edit after a clean build,
 * 8 alternating pairs: 1.00 -> 0.93 s). Not the search thread: niced, it
 * was still writing when the pages were done, and the build waited for
 * it. */

static void *copy_archive(void *arg)
{
	archive_copy *a = arg;
	morgue_thread_background();
	morgue_buf after = MORGUE_BUF_INIT;
	a->ok = morgue_output_read_marker(&a->marker, a->site) == 0 &&
		morgue_fs_copy(a->from, a->to) == 0 &&
		morgue_output_read_marker(&after, a->site) == 0 && after.size == a->marker.size &&
		!memcmp(after.ptr, a->marker.ptr, after.size);
	morgue_error_clear();
	morgue_buf_free(&after);
	return NULL;
}

/* Wait for the copy (once, from the thread that uses it). */
static void archive_copy_join(archive_copy *a)
{
	if (a->started && !a->joined)
		pthread_join(a->thread, NULL);
	a->joined = 1;
}

typedef struct exports {
	const char *catalog; /* the finished catalog file */
	/* instead, when the catalog has no file: the build's own (borrowed),
	 * the exports then written after the pages */
	morgue_catalog *borrowed;
	const char *sqlite;  /* where archive.sqlite goes */
	morgue_output *output;
	const morgue_config *config;
	morgue_ftsindex *fts; /* the full-text index, filled as the articles loaded */
	/* the previous build's archive.sqlite (NULL: none) and the articles
	 * changed since (morgue_catalog_export_update) */
	const char *prev_archive;
	const long long *changed;
	size_t nchanged;
	/* prev_archive copied already (its marker must be site_marker) */
	archive_copy *copy;
	const morgue_buf *site_marker;
	int skip[NCSV];      /* CSV exports linked from the previous site */
	/* mentions and attributions: the spans of the previous site's file
	 * (NULL: generate it all) and its path; the spans of the new one */
	morgue_csv_spans *prev_spans[NCSV];
	char *prev_file[NCSV];
	morgue_csv_spans *spans[NCSV];
	/* the CSV fields above are set while archive.sqlite is written:
	 * the thread waits for csv_ready before it reads them */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int csv_ready;
	int finished;        /* set (atomically) as the thread ends */
	int rc;
	morgue_buf error;    /* the thread's error message, for the caller */
	char *error_file;
	int error_line;
} exports;

/* The CSV fields of x are set: let the export thread go on to them. */
static void exports_csv_ready(exports *x)
{
	pthread_mutex_lock(&x->lock);
	x->csv_ready = 1;
	pthread_cond_signal(&x->cond);
	pthread_mutex_unlock(&x->lock);
}

/* The full-text index of archive.sqlite, built into its own file by a
 * thread of its own (own catalog connection) while the export thread
 * copies the tables: the index is half of the export's time. */
typedef struct fts_job {
	const char *catalog, *path;
	int rc;
	morgue_buf error;
} fts_job;

static void *build_fts(void *arg)
{
	fts_job *j = arg;
	morgue_catalog *c = NULL;
	j->rc = morgue_catalog_open(&c, j->catalog);
	if (j->rc == 0)
		j->rc = morgue_catalog_export_fts(c, j->path);
	if (j->rc < 0) {
		const morgue_error *e = morgue_error_last();
		morgue_buf_puts(&j->error, e && e->message ? e->message : "full-text index failed");
	}
	morgue_catalog_free(c);
	morgue_error_clear(); /* frees this thread's message */
	return NULL;
}

/* archive.sqlite at x->sqlite: a copy of the previous one, updated, when
 * there is one; else its tables, then the rows of the index filled while
 * the articles loaded (x->fts), when it holds every article; else the
 * index is made from the catalog, by a second thread while this one
 * copies the tables (by this one alone when no thread can be made). */
static int write_archive(exports *x, morgue_catalog *c)
{
	morgue_buf fts = MORGUE_BUF_INIT;
	fts_job j = { .catalog = x->catalog, .error = MORGUE_BUF_INIT };
	pthread_t thread;
	int rc;

	if (x->prev_archive) {
		int copied = 0;
		if (x->copy) {
			archive_copy_join(x->copy);
			copied = x->copy->ok && x->site_marker &&
				 x->copy->marker.size == x->site_marker->size &&
				 !memcmp(x->copy->marker.ptr, x->site_marker->ptr,
					 x->site_marker->size) &&
				 rename(x->copy->to, x->sqlite) == 0;
		}
		if ((copied || morgue_fs_copy(x->prev_archive, x->sqlite) == 0) &&
		    morgue_catalog_export_update(c, x->sqlite, x->changed, x->nchanged) == 0)
			return 0;
		morgue_error_clear(); /* written again from the catalog */
		if (remove(x->sqlite) < 0 && errno != ENOENT)
			return morgue_error_set(MORGUE_EIO, x->sqlite, 0, "cannot remove: %s",
						strerror(errno));
	}
	if (x->fts) {
		long long count, last;
		if ((rc = morgue_catalog_export_tables(c, x->sqlite)) < 0)
			return rc;
		if (morgue_ftsindex_finish(x->fts, &count, &last) == 0 &&
		    count == morgue_catalog_count(c, "articles"))
			return morgue_catalog_export_fts_fill(c, x->sqlite,
							      morgue_ftsindex_path(x->fts));
		morgue_error_clear(); /* rows missing: made from the catalog */
		morgue_buf_printf(&fts, "%s.fts", x->sqlite);
		rc = morgue_catalog_export_fts(c, fts.ptr);
		if (rc == 0)
			rc = morgue_catalog_export_fts_fill(c, x->sqlite, fts.ptr);
		remove(fts.ptr);
		morgue_buf_free(&fts);
		return rc;
	}
	morgue_buf_printf(&fts, "%s.fts", x->sqlite);
	j.path = fts.ptr;
	/* a borrowed catalog has no file a second thread could open */
	if (x->borrowed || pthread_create(&thread, NULL, build_fts, &j) != 0) {
		morgue_buf_free(&fts);
		return morgue_catalog_export(c, x->sqlite);
	}
	rc = morgue_catalog_export_tables(c, x->sqlite);
	pthread_join(thread, NULL);
	if (rc == 0 && j.rc < 0)
		rc = morgue_error_set(j.rc, NULL, 0, "%s", morgue_buf_cstr(&j.error));
	if (rc == 0)
		rc = morgue_catalog_export_fts_fill(c, x->sqlite, fts.ptr);
	if (remove(fts.ptr) < 0 && rc == 0)
		rc = morgue_error_set(MORGUE_EIO, fts.ptr, 0, "cannot remove: %s", strerror(errno));
	morgue_buf_free(&j.error);
	morgue_buf_free(&fts);
	return rc;
}

static void *write_exports(void *arg)
{
	exports *x = arg;
	if (x->prev_archive)
		morgue_thread_background();
	morgue_catalog *c = x->borrowed;
	int rc = c ? 0 : morgue_catalog_open(&c, x->catalog);
	if (rc == 0)
		rc = write_archive(x, c);
	pthread_mutex_lock(&x->lock);
	while (!x->csv_ready)
		pthread_cond_wait(&x->cond, &x->lock);
	pthread_mutex_unlock(&x->lock);
	for (size_t i = 0; i < NCSV && rc == 0; i++) {
		morgue_buf csv = MORGUE_BUF_INIT, file = MORGUE_BUF_INIT;
		if (x->skip[i])
			continue;
		morgue_buf_printf(&file, "%s.csv", csv_names[i]);
		if (strcmp(csv_names[i], "entities")) {
			/* by article, streamed (~0.5 GB each at 100k articles):
			 * unchanged ones copied from the old file */
			morgue_output_file *f = NULL;
			if ((rc = morgue_output_open(x->output, file.ptr, &f)) == 0) {
				rc = morgue_cache_csv_write(f, &x->spans[i], c, csv_names[i],
							    x->prev_spans[i], x->prev_file[i]);
				int crc = morgue_output_close(f);
				if (rc == 0)
					rc = crc;
			}
		} else {
			/* one row per entity: small */
			rc = morgue_catalog_csv(&csv, c, csv_names[i]);
			if (!rc)
				rc = morgue_output_write(x->output, file.ptr, morgue_buf_cstr(&csv),
							 csv.size);
		}
		morgue_buf_free(&csv);
		morgue_buf_free(&file);
	}
	if (c != x->borrowed)
		morgue_catalog_free(c);
	/* errors are per thread: carry the message over */
	if (rc < 0 && morgue_error_last()) {
		const morgue_error *e = morgue_error_last();
		morgue_buf_puts(&x->error, e->message ? e->message : "export failed");
		x->error_file = e->file ? morgue_strdup(e->file) : NULL;
		x->error_line = e->line;
	}
	x->rc = rc;
	morgue_error_clear(); /* frees this thread's message */
	__atomic_store_n(&x->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* The revision walk, from a second thread while the cache is copied (it
 * holds the repository's lock: a read waits for it). */
typedef struct history_job {
	morgue_repo *repo;
	const char *prev_cache; /* continue the history stored there, or NULL */
	const char *key;        /* what a stored history must have been made with */
	int background;         /* an edit's: a few commits (niced) */
	morgue_history *history;
	int rc;
	morgue_buf error;
	char *error_file;
} history_job;

static void *collect_history(void *arg)
{
	history_job *j = arg;
	if (j->background)
		morgue_thread_background();
	morgue_buf prev = MORGUE_BUF_INIT;
	if (j->prev_cache && morgue_cache_read_history(&prev, j->prev_cache) == 0)
		j->rc = morgue_history_collect_since(&j->history, j->repo, j->key,
						     morgue_buf_cstr(&prev), prev.size);
	else {
		morgue_error_clear();
		j->rc = morgue_history_collect(&j->history, j->repo);
	}
	morgue_buf_free(&prev);
	if (j->rc < 0) {
		const morgue_error *e = morgue_error_last();
		morgue_buf_puts(&j->error, e && e->message ? e->message : "history failed");
		j->error_file = e && e->file ? morgue_strdup(e->file) : NULL;
	}
	morgue_error_clear();
	return NULL;
}

/* The search index, from a second thread: the documents are tokenized
 * while the catalog is finished (one core is idle then), and the files
 * are written, once the entities are added and the staging directory
 * exists (search_go), while the pages are rendered. It reuses files
 * through the cache, which allows that. */
typedef struct search_job {
	build *b;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	const char *dir; /* where to write, set by search_go; NULL: give up */
	int told;        /* search_go was called */
	/* no file of a previous site can be reused: the doc shards are
	 * packed while the thread waits for the directory */
	int prepack;
	/* the files are written (rc and error set): the caller goes on
	 * while the thread frees the index, and joins it at the end */
	int finished;
	pthread_cond_t finished_cond;
	int rc;
	morgue_buf error; /* the thread's error message, for the caller */
} search_job;

static int search_told(void *arg)
{
	search_job *j = arg;
	pthread_mutex_lock(&j->lock);
	int told = j->told;
	pthread_mutex_unlock(&j->lock);
	return told;
}

/* The doc shards packed ahead at most (bytes): about 0.5 s of packing,
 * what the thread would otherwise wait at 10k articles, while the
 * catalog is finished; the bound keeps memory flat at any size. */
#define SEARCH_PREPACK_BYTES (16u << 20)

static void *run_search(void *arg)
{
	search_job *j = arg;
	int rc = morgue_searchindex_index(j->b->search);
	if (rc == 0 && j->prepack)
		rc = morgue_searchindex_prepack(j->b->search, SEARCH_PREPACK_BYTES, search_told, j);
	pthread_mutex_lock(&j->lock);
	while (!j->told)
		pthread_cond_wait(&j->cond, &j->lock);
	const char *dir = j->dir;
	pthread_mutex_unlock(&j->lock);
	if (rc == 0 && dir)
		rc = morgue_searchindex_write(j->b->search, dir);
	pthread_mutex_lock(&j->lock);
	j->rc = rc;
	if (rc < 0) {
		const morgue_error *e = morgue_error_last();
		morgue_buf_puts(&j->error, e && e->message ? e->message : "search index failed");
	}
	j->finished = 1;
	pthread_cond_signal(&j->finished_cond);
	pthread_mutex_unlock(&j->lock);
	morgue_error_clear(); /* frees this thread's message */
	/* not needed after: freed here, while the build goes on, rather
	 * than by the main thread at the end */
	morgue_searchindex_free(j->b->search);
	j->b->search = NULL;
	return NULL;
}

/* Wait until the search thread has written its files. */
static void search_wait(search_job *j)
{
	pthread_mutex_lock(&j->lock);
	while (!j->finished)
		pthread_cond_wait(&j->finished_cond, &j->lock);
	pthread_mutex_unlock(&j->lock);
}

/* Whether the previous site is intact and the one the cache was built
 * with (a stat of each of its files), from a second thread while the
 * articles load. */
typedef struct reuse_job {
	const char *dir;
	char *stamp;       /* a copy: the cache may drop its own meanwhile */
	int current;
	morgue_buf marker; /* what the check read; compared under the lock */
} reuse_job;

static void *check_reuse(void *arg)
{
	reuse_job *j = arg;
	morgue_thread_background();
	j->current = morgue_output_check(&j->marker, j->dir, j->stamp);
	morgue_error_clear();
	return NULL;
}

/* The end of the catalog's part of a build: the page records flushed,
 * the stamp set, the transaction committed (from a second thread); or,
 * partial, only the page records recorded so far flushed. */
typedef struct flush_job {
	morgue_cache *cache;
	morgue_catalog *catalog;
	const char *stamp;
	const morgue_history *history; /* stored for the next build, with its key */
	const char *history_key;
	const morgue_buf *history_text; /* history serialized already, or NULL */
	int partial;  /* only the page records so far: no stamp, no commit */
	int rc;
	morgue_buf error;
} flush_job;

static void *flush_cache(void *arg)
{
	flush_job *j = arg;
	morgue_buf text = MORGUE_BUF_INIT;
	if (j->partial) /* the records so far, while the exports are written */
		j->rc = morgue_cache_flush(j->cache);
	else {
		if (!j->history_text)
			morgue_history_serialize(&text, j->history, j->history_key);
		const morgue_buf *h = j->history_text ? j->history_text : &text;
		if ((j->rc = morgue_cache_flush(j->cache)) == 0 &&
		    (j->rc = morgue_cache_set_stamp(j->cache, j->stamp)) == 0 &&
		    (j->rc = morgue_cache_set_history(j->cache, morgue_buf_cstr(h))) == 0)
			j->rc = morgue_catalog_commit(j->catalog);
	}
	morgue_buf_free(&text);
	if (j->rc < 0) {
		const morgue_error *e = morgue_error_last();
		morgue_buf_puts(&j->error, e && e->message ? e->message : "cache failed");
	}
	morgue_error_clear(); /* frees this thread's message */
	return NULL;
}

/* Let the search thread write into dir, or, dir NULL, stop it. */
static void search_go(search_job *j, const char *dir)
{
	pthread_mutex_lock(&j->lock);
	j->dir = dir;
	j->told = 1;
	pthread_cond_signal(&j->cond);
	pthread_mutex_unlock(&j->lock);
}

static int build_stamp(morgue_buf *out, build *b)
{
	morgue_buf_printf(out, "bin-%s input-", b->bin);
	int rc = morgue_build_fingerprint(out, b->opts);
	morgue_buf_puts(out, " theme-");
	morgue_theme_digest(out, b->theme);
	return rc;
}

/* dl_iterate_phdr's visit of the program (the first object): its GNU
 * build id note, appended to the buffer `data`. Stops the walk. */
static int build_id_note(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		size_t align = ph->p_align == 8 ? 8 : 4; /* the notes' padding */
		if (ph->p_type != PT_NOTE)
			continue;
		const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		const char *end = p + ph->p_memsz;
		while ((size_t)(end - p) >= sizeof(ElfW(Nhdr))) {
			const ElfW(Nhdr) *n = (const void *)p;
			const char *name = p + sizeof(*n);
			const char *desc = name + ((n->n_namesz + align - 1) & ~(align - 1));
			if (desc > end || n->n_descsz > (size_t)(end - desc))
				break;
			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && !memcmp(name, "GNU", 4)) {
				morgue_buf_put(data, desc, n->n_descsz);
				return 1;
			}
			p = desc + ((n->n_descsz + align - 1) & ~(align - 1));
		}
	}
	return 1;
}

/* This binary's identity: code changes change what a build writes. The
 * linker's build id (a hash of the linked program, already in memory)
 * when it has one; else FNV-1a of the file, which reading costs about
 * 15 ms of every build. */
static void binary_hash(char out[17])
{
	morgue_buf id = MORGUE_BUF_INIT;
	unsigned long long h = 1469598103934665603ULL;
	dl_iterate_phdr(build_id_note, &id);
	if (id.size < 8 && morgue_fs_read(&id, "/proc/self/exe") < 0)
		morgue_error_clear();
	for (size_t i = 0; i < id.size; i++)
		h = (h ^ (unsigned char)id.ptr[i]) * 1099511628211ULL;
	morgue_buf_free(&id);
	snprintf(out, 17, "%016llx", h);
}

/* name is this build's cache file mine or one beside it ("mine.fts") */
static int own_file(const char *name, const char *mine)
{
	size_t n = strlen(mine);
	return n && !strncmp(name, mine, n) &&
	       (name[n] == '\0' || name[n] == '.' || name[n] == '-');
}

/* Remove the cache files of killed builds ("DIR.cache.new-PID" and
 * "DIR.cache.new-PID.fts"); called
 * with the output lock held, so no live build owns them. */
static void remove_stale_caches(const char *cache, const char *mine)
{
	morgue_buf parent = MORGUE_BUF_INIT, prefix = MORGUE_BUF_INIT;
	const char *slash = strrchr(cache, '/');
	DIR *d;
	struct dirent *e;

	if (slash)
		morgue_buf_put(&parent, cache, (size_t)(slash - cache) + 1);
	else
		morgue_buf_puts(&parent, "./");
	morgue_buf_printf(&prefix, "%s.new-", slash ? slash + 1 : cache);
	if ((d = opendir(parent.ptr))) {
		while ((e = readdir(d))) {
			morgue_buf p = MORGUE_BUF_INIT;
			if (strncmp(e->d_name, prefix.ptr, prefix.size))
				continue;
			const char *base = strrchr(mine, '/');
			morgue_buf_printf(&p, "%s%s", parent.ptr, e->d_name);
			if (!own_file(e->d_name, base ? base + 1 : mine))
				remove(p.ptr);
			morgue_buf_free(&p);
		}
		closedir(d);
	}
	morgue_buf_free(&parent);
	morgue_buf_free(&prefix);
}

/* The new cache file becomes the cache: 1, or 0 with a warning. The old
 * one is moved aside first (as "NEW.old", which remove_stale_caches
 * knows): a rename over an existing file makes ext4 write the new one's
 * 400 MB out before it returns (auto_da_alloc), a rename to a free name
 * does not. *old is then its path, for the caller to remove (else empty). */
static int keep_cache(const char *new_path, const char *path, morgue_buf *old)
{
	int kept = 0, aside;

	morgue_buf_printf(old, "%s.old", new_path);
	aside = rename(path, old->ptr) == 0;
	if (rename(new_path, path) == 0)
		kept = 1;
	else {
		morgue_warn(path, 0, "cannot keep the build cache: %s", strerror(errno));
		if (aside && rename(old->ptr, path) == 0)
			aside = 0;
	}
	if (!aside)
		morgue_buf_clear(old);
	return kept;
}

/* The cache file path and its WAL files (a shared catalog's), if any. */
static void remove_cache(const char *path)
{
	morgue_buf p = MORGUE_BUF_INIT;
	remove(path);
	morgue_buf_printf(&p, "%s-wal", path);
	remove(p.ptr);
	morgue_buf_clear(&p);
	morgue_buf_printf(&p, "%s-shm", path);
	remove(p.ptr);
	morgue_buf_free(&p);
}

/* A failed build that started from the previous cache (moved to
 * new_path): before its first commit, the transaction is rolled back and
 * the file moved back to path, unchanged; after it, it is left to be
 * removed. Every connection but c's must be closed. */
static void give_back(morgue_catalog *c, int committed, const char *new_path,
		      const char *path)
{
	/* the build's error (why it failed) outlives this cleanup's own */
	const morgue_error *e = morgue_error_last();
	int code = e ? e->code : 0, line = e ? e->line : 0;
	char *file = e && e->file ? morgue_strdup(e->file) : NULL;
	char *message = e ? morgue_strdup(e->message) : NULL;
	if (!committed && morgue_catalog_rollback(c) == 0 && morgue_catalog_unshare(c) == 0)
		rename(new_path, path);
	morgue_error_clear();
	if (message)
		morgue_error_set(code, file, line, "%s", message);
	free(file);
	free(message);
}

/* Removing the old cache frees its 400 MB of page cache (10k articles):
 * from a thread of its own while the build frees its memory. */
static void *remove_file(void *arg)
{
	remove((const char *)arg);
	return NULL;
}

int morgue_build_run(morgue_build_stats *stats, const morgue_build_opts *opts)
{
	build b = { .opts = opts, .stats = stats };
	morgue_buf path = MORGUE_BUF_INIT, stamp = MORGUE_BUF_INIT;
	morgue_buf cache_path = MORGUE_BUF_INIT, cache_new = MORGUE_BUF_INIT;
	morgue_buf fts_path = MORGUE_BUF_INIT, history_key = MORGUE_BUF_INIT;
	morgue_buf history_text = MORGUE_BUF_INIT;
	long long *ids = NULL;       /* each article's catalog id, by b.arts */
	int cache_kept = 0;
	long long kept = 0;          /* articles 1..kept are kept in place */
	/* with the catalog moved: the articles dropped from it (changed or
	 * gone), and the previous site's archive.sqlite, which the export
	 * then updates (those rows) instead of writing it again */
	long long *changed = NULL;
	size_t nchanged = 0;
	morgue_buf prev_archive = MORGUE_BUF_INIT;
	archive_copy ac = { .marker = MORGUE_BUF_INIT };
	int committed = 0;           /* the catalog committed its articles */
	morgue_buf cache_old = MORGUE_BUF_INIT; /* the previous cache, moved aside */
	pthread_t remove_thread;
	int removing = 0;
	char date[11];
	int rc;
	history_job hj = { 0 };
	pthread_t history_thread;
	int history_threaded = 0;
	search_job sj = { .b = &b, .lock = PTHREAD_MUTEX_INITIALIZER,
			  .cond = PTHREAD_COND_INITIALIZER, .finished_cond = PTHREAD_COND_INITIALIZER,
			  .error = MORGUE_BUF_INIT };
	pthread_t search_thread;
	int search_started = 0;
	reuse_job rj = { .marker = MORGUE_BUF_INIT };
	pthread_t reuse_thread;
	int reuse_started = 0;

	memset(stats, 0, sizeof(*stats));
	binary_hash(b.bin);
	morgue_hash_init(&b.parse);
	morgue_hash_puts(&b.parse, "morgue-parse 1");
	morgue_hash_puts(&b.parse, b.bin);
	/* the library too (e.g. its stemmer makes the recorded tokens) */
	morgue_hash_puts(&b.parse, sqlite3_sourceid());
	if ((rc = morgue_repo_open(&b.repo, opts->root, opts->rev, opts->worktree)) < 0)
		goto done;
	morgue_hash_puts(&b.parse, morgue_repo_prefix(b.repo));
	if (morgue_repo_commit(b.repo))
		memcpy(stats->commit, morgue_repo_commit(b.repo), 40);
	if ((rc = load_config(&b)) < 0)
		goto done;
	if ((rc = morgue_theme_open(&b.theme, opts->theme_dir, b.repo, b.config->theme)) < 0)
		goto done;
	/* the listing digests cover the word count only when shown (an
	 * edit changes it, and the default theme does not show it) */
	b.words_read = morgue_theme_reads(b.theme, "words");
	if (!opts->check_only) {
		if ((rc = build_stamp(&stamp, &b)) < 0)
			goto done;
		if (!opts->clean && morgue_output_is_current(opts->out, stamp.ptr)) {
			stats->up_to_date = 1;
			goto done;
		}
	}
	/* the files and their parse keys, before the catalog: whether the
	 * previous cache can be copied depends on them */
	if ((rc = list_entities(&b)) < 0)
		goto done;
	morgue_hash_hex(b.parse_key, &b.parse);
	if ((rc = list_articles(&b)) < 0)
		goto done;
	if (!opts->check_only) {
		/* the catalog is built in a file that becomes the next
		 * build's cache: DIR.cache next to the site */
		morgue_buf_puts(&cache_path, opts->out);
		while (cache_path.size > 1 && cache_path.ptr[cache_path.size - 1] == '/')
			morgue_buf_truncate(&cache_path, cache_path.size - 1);
		/* -o may name a directory below ones not made yet: make them
		 * now, not after the work of the build (a cache, a lock and
		 * the staging tree go beside the site) */
		if ((rc = morgue_fs_mkparents(cache_path.ptr)) < 0)
			goto done;
		morgue_buf_puts(&cache_path, ".cache");
		morgue_buf_printf(&cache_new, "%s.new-%ld", cache_path.ptr, (long)getpid());
		/* an edit: start from the previous cache (moved, not copied),
		 * unless the articles before it moved (added, removed,
		 * renamed) */
		if (!opts->clean) {
			size_t nkeys;
			const char **keys = article_keys(&b, &nkeys);
			morgue_cache_plan *plan;
			morgue_cache_plan_move(&plan, cache_path.ptr, b.parse_key, keys, nkeys);
			free(keys);
			if (plan) {
				const long long *stale = morgue_cache_plan_stale(plan, &nchanged);
				kept = (long long)morgue_cache_plan_kept(plan);
				changed = morgue_calloc(nchanged + 1, sizeof(*changed));
				if (nchanged)
					memcpy(changed, stale, nchanged * sizeof(*changed));
				b.self = morgue_cache_open_planned(&b.cache, &b.catalog,
								   cache_new.ptr, cache_path.ptr, plan);
			}
		}
		/* before the build's threads start (their memory follows) */
		if (opts->on_plan)
			opts->on_plan(b.narts, b.self, opts->payload);
		if (!opts->clean) {
			morgue_buf_printf(&prev_archive, "%s/archive.sqlite", opts->out);
			if (!b.self || !morgue_fs_exists(prev_archive.ptr))
				morgue_buf_clear(&prev_archive);
			if (prev_archive.size && !opts->check_only) {
				morgue_buf to = MORGUE_BUF_INIT;
				morgue_buf_printf(&to, "%s.archive", cache_new.ptr);
				ac.from = morgue_strdup(prev_archive.ptr);
				ac.to = morgue_buf_detach(&to);
				ac.site = opts->out;
				ac.started = pthread_create(&ac.thread, NULL, copy_archive, &ac) == 0;
			}
		}
		/* the walk continues the previous build's history when the
		 * commit descends from its commit */
		morgue_buf_printf(&history_key, "morgue-history 1 %s %s", b.bin,
				  morgue_repo_prefix(b.repo));
		hj.repo = b.repo;
		hj.prev_cache = opts->clean ? NULL : b.self ? cache_new.ptr : cache_path.ptr;
		hj.key = history_key.ptr;
		hj.background = b.self;
		history_threaded = pthread_create(&history_thread, NULL, collect_history, &hj) == 0;
		/* archive.sqlite's index, filled by a thread of its own while
		 * the articles load, next to the catalog file (without one,
		 * it is made from the catalog afterwards); the rows kept in
		 * place before the first changed one are queued at once; not
		 * needed when the previous archive.sqlite is to be updated */
		morgue_buf_printf(&fts_path, "%s.fts", cache_new.ptr);
		if (prev_archive.size)
			; /* its index is updated with the rest */
		else if (morgue_ftsindex_start(&b.fts, fts_path.ptr, b.self ? cache_new.ptr : NULL) < 0 ||
		    (b.self && morgue_ftsindex_add_kept_through(b.fts, kept) < 0)) {
			morgue_ftsindex_free(b.fts);
			b.fts = NULL;
			morgue_error_clear();
		}
		if (b.self)
			; /* catalog and cache are open */
		else if (morgue_catalog_new_file(&b.catalog, cache_new.ptr) < 0) {
			/* e.g. an unwritable directory: build without a cache
			 * (writing the site will say what is wrong), and
			 * without the full-text index that goes beside it */
			morgue_error_clear();
			morgue_buf_clear(&cache_new);
			morgue_ftsindex_free(b.fts);
			b.fts = NULL;
			if ((rc = morgue_catalog_new(&b.catalog)) < 0)
				goto done;
		}
		if (!b.self && (rc = morgue_cache_open(&b.cache, b.catalog,
						       opts->clean ? NULL : cache_path.ptr)) < 0)
			goto done;
		if ((rc = morgue_cache_set_parse_key(b.cache, b.parse_key)) < 0)
			goto done;
		morgue_cache_read_ahead(b.cache);
		if (cache_new.size) {
			morgue_buf post = MORGUE_BUF_INIT, scratch = MORGUE_BUF_INIT;
			morgue_buf_printf(&post, "%s.postings", cache_path.ptr);
			morgue_buf_printf(&scratch, "%s.postings", cache_new.ptr);
			morgue_cache_set_postings_file(b.cache, post.ptr, scratch.ptr);
			morgue_buf_free(&post);
			morgue_buf_free(&scratch);
		}
	} else if ((rc = morgue_catalog_new(&b.catalog)) < 0)
		goto done;
	if (b.cache && morgue_cache_has_previous(b.cache) && morgue_cache_previous_stamp(b.cache)) {
		rj.dir = opts->out;
		rj.stamp = morgue_strdup(morgue_cache_previous_stamp(b.cache));
		reuse_started = pthread_create(&reuse_thread, NULL, check_reuse, &rj) == 0;
	}
	if ((rc = morgue_searchindex_new(&b.search)) < 0 ||
	    (rc = morgue_catalog_begin(b.catalog)) < 0)
		goto done;
	if (b.cache) {
		morgue_searchindex_tokens toks = { tokens_get, tokens_record, tokens_view, &b };
		morgue_searchindex_set_tokens(b.search, &toks);
		morgue_searchindex_set_text(b.search, previous_text, &b);
		morgue_searchindex_set_entities(b.search, previous_entities, &b);
	}

	progress(&b, "entities", 0, 0);
	if ((rc = load_entities(&b, !b.self)) < 0)
		goto done;
	index_slugs(&b);
	if ((rc = morgue_gazetteer_new(&b.gazetteer, (const morgue_entity *const *)b.entities,
				       b.nentities)) < 0)
		goto done;
	/* the articles load while the revision walk runs; their histories
	 * are recorded after it */
	ids = morgue_calloc(b.narts + 1, sizeof(*ids));
	if ((rc = load_articles(ids, &b)) < 0)
		goto done;
	stats->cached = b.cached;
	if (!opts->check_only && !stats->errors) { /* no documents are added from here on */
		sj.prepack = !(b.cache && morgue_cache_has_previous(b.cache));
		search_started = pthread_create(&search_thread, NULL, run_search, &sj) == 0;
	}
	progress(&b, "history", 0, 0);
	if (history_threaded) {
		pthread_join(history_thread, NULL);
		history_threaded = 0;
	} else {
		hj.repo = b.repo; /* (the thread's is set before it starts) */
		collect_history(&hj);
	}
	b.history = hj.history;
	hj.history = NULL;
	if (hj.rc < 0) {
		rc = morgue_error_set(hj.rc, hj.error_file, 0, "%s", morgue_buf_cstr(&hj.error));
		goto done;
	}
	if (morgue_history_shallow(b.history))
		morgue_warn(NULL, 0, "shallow clone: article histories are partial "
			    "(fetch the full history with git fetch --unshallow)");
	if (stats->errors) {
		rc = morgue_error_set(MORGUE_EINPUT, NULL, 0,
				      "%zu error%s in the content; the previous site is unchanged",
				      stats->errors, stats->errors == 1 ? "" : "s");
		goto done;
	}
	if ((rc = record_articles(&b, ids)) < 0 || (rc = morgue_catalog_finish(b.catalog)) < 0)
		goto done;
	committed = 1; /* from here on, a failed build cannot give the cache back */
	if ((rc = morgue_catalog_commit(b.catalog)) < 0 ||
	    (b.cache && (rc = morgue_cache_load_listings(b.cache)) < 0))
		goto done;
	if (opts->check_only) {
		lint(&b);
		goto done;
	}

	/* Only now touch the file system: everything above can still fail on
	 * bad content, and a failed build must leave no trace. */
	if ((rc = morgue_output_begin(&b.output, opts->out)) < 0)
		goto done;
	remove_stale_caches(cache_path.ptr, cache_new.size ? cache_new.ptr : "");
	morgue_output_set_stamp(b.output, stamp.ptr);
	if (!opts->clean)
		morgue_output_keep_unchanged(b.output);
	{
		morgue_hash h;
		morgue_buf theme = MORGUE_BUF_INIT;
		morgue_theme_digest(&theme, b.theme);
		morgue_hash_init(&h);
		morgue_hash_puts(&h, "morgue-pages 1");
		morgue_hash_puts(&h, b.parse_key);
		morgue_hash_puts(&h, theme.ptr);
		morgue_hash_int(&h, morgue_history_shallow(b.history));
		morgue_hash_hex(b.page_key, &h);
		morgue_buf_free(&theme);
	}
	/* archive.sqlite first, from its own thread, while the CSV exports
	 * are decided and the pages rendered */
	/* SQLite writes it itself; the search index goes through the output */
	if ((rc = morgue_output_claim(b.output, "archive.sqlite")) < 0)
		goto done;
	if (b.search)
		morgue_searchindex_set_output(b.search, b.output);
	if (b.cache)
		morgue_cache_set_output(b.cache, b.output);
	format_date(date, morgue_repo_commit_time(b.repo));
	morgue_site site = {
		.catalog = b.catalog, .theme = b.theme, .output = b.output,
		.config = b.config, .commit = morgue_repo_commit(b.repo),
		.build_date = date,
		.history_partial = morgue_history_shallow(b.history),
		.cache = b.cache, .page_key = b.page_key,
		.catalog_file = cache_new.size ? cache_new.ptr : NULL,
	};
	/* reuse pages only from the very site the cache was built with, and
	 * only while it is intact: checked while the articles loaded, and
	 * still so if its marker did not change before the lock was taken */
	int reuse_checked = reuse_started;
	if (reuse_started) {
		pthread_join(reuse_thread, NULL);
		reuse_started = 0;
		site.reuse = rj.current && morgue_cache_has_previous(b.cache) &&
			     morgue_output_marker_is(opts->out, &rj.marker);
	} else
		site.reuse = morgue_cache_has_previous(b.cache) &&
			     morgue_cache_previous_stamp(b.cache) &&
			     morgue_output_is_current(opts->out, morgue_cache_previous_stamp(b.cache));
	/* an adopted old site is brought up to the live one before anything
	 * is written: then an unchanged page is only counted */
	if (site.reuse && morgue_output_mirror(b.output) < 0)
		morgue_error_clear();
	morgue_buf_printf(&path, "%s/archive.sqlite", morgue_output_staging(b.output));
	exports x = { .catalog = cache_new.ptr, .sqlite = path.ptr, .output = b.output,
		      .config = b.config, .fts = b.fts, .lock = PTHREAD_MUTEX_INITIALIZER,
		      .cond = PTHREAD_COND_INITIALIZER };
	/* the previous site's archive.sqlite is updated only when that site
	 * is the cache's, intact */
	if (site.reuse && prev_archive.size) {
		x.prev_archive = prev_archive.ptr;
		x.copy = ac.started ? &ac : NULL;
		x.site_marker = reuse_checked ? &rj.marker : NULL;
		x.changed = changed;
		x.nchanged = nchanged;
	}
	pthread_t thread;
	/* a temporary catalog (no file) cannot be shared: export after */
	int threaded = cache_new.size && pthread_create(&thread, NULL, write_exports, &x) == 0;
	/* a CSV export whose rows are unchanged is linked, not written */
	char csv_sig[NCSV][MORGUE_HASH_HEX];
	int csv_known[NCSV] = { 0 };
	for (size_t i = 0; i < NCSV && b.cache; i++) {
		morgue_buf fam = MORGUE_BUF_INIT;
		if (morgue_cache_export_sig(b.cache, csv_sig[i], b.page_key, csv_names[i]) < 0) {
			morgue_error_clear();
			continue;
		}
		csv_known[i] = 1;
		morgue_buf_printf(&fam, "x:%s", csv_names[i]);
		x.skip[i] = site.reuse && morgue_cache_page_reuse(b.cache, b.output, fam.ptr,
								  csv_sig[i], NULL, NULL);
		morgue_buf_free(&fam);
	}
	/* the others copy the blocks of unchanged articles from the
	 * previous site's file, when that site is the cache's */
	for (size_t i = 0; i < NCSV && b.cache && site.reuse; i++) {
		if (!strcmp(csv_names[i], "entities"))
			continue;
		if (morgue_cache_csv_spans(&x.prev_spans[i], b.cache, csv_names[i]) < 0) {
			morgue_error_clear();
			continue;
		}
		morgue_buf fp = MORGUE_BUF_INIT;
		morgue_buf_printf(&fp, "%s/%s.csv", opts->out, csv_names[i]);
		x.prev_file[i] = morgue_buf_detach(&fp);
	}
	exports_csv_ready(&x);
	/* the search index is written while the pages are rendered: it
	 * needs nothing of theirs, and re-tokenizing every document is the
	 * longest step of a rebuild */
	morgue_searchindex_memo memo = { search_reuse, search_record, &b };
	b.reuse_site = site.reuse;
	if (b.cache)
		morgue_searchindex_set_memo(b.search, &memo);
	progress(&b, "pages", 0, 0);
	if ((rc = index_entities(&b)) == 0 && (rc = morgue_catalog_begin(b.catalog)) == 0) {
		if (search_started)
			search_go(&sj, morgue_output_staging(b.output));
		rc = morgue_render_site(&site);
		if (rc == 0)
			rc = morgue_theme_copy_static(b.theme, b.output);
		progress(&b, "search", 0, 0);
		if (search_started) {
			/* while the search index is still being written (an
			 * edit's pages are done first), the history the final
			 * flush stores is serialized here, off its path */
			pthread_mutex_lock(&sj.lock);
			int waiting = !sj.finished;
			pthread_mutex_unlock(&sj.lock);
			if (waiting && b.cache)
				morgue_history_serialize(&history_text, b.history, history_key.ptr);
			search_wait(&sj); /* joined at the end */
		} else {
			search_go(&sj, morgue_output_staging(b.output));
			run_search(&sj);
		}
		if (sj.rc < 0 && rc == 0)
			rc = morgue_error_set(sj.rc, NULL, 0, "%s", morgue_buf_cstr(&sj.error));
	}
	if (threaded) {
		/* the page records made so far are written meanwhile (in the
		 * catalog's transaction; it commits after the exports), unless
		 * the exports are done (an edit's): then all are written by
		 * the last flush, beside the comparison of the staged files */
		flush_job early = { .cache = b.cache, .partial = 1, .error = MORGUE_BUF_INIT };
		pthread_t early_thread;
		int early_started = rc == 0 && b.cache &&
				    !__atomic_load_n(&x.finished, __ATOMIC_ACQUIRE) &&
				    pthread_create(&early_thread, NULL, flush_cache, &early) == 0;
		pthread_join(thread, NULL);
		if (early_started) {
			pthread_join(early_thread, NULL);
			if (early.rc < 0 && rc == 0)
				rc = morgue_error_set(early.rc, NULL, 0, "%s",
						      morgue_buf_cstr(&early.error));
		}
		morgue_buf_free(&early.error);
		if (x.rc < 0 && rc == 0)
			rc = morgue_error_set(x.rc, x.error_file, x.error_line, "%s",
					      morgue_buf_cstr(&x.error));
	} else if (rc == 0) {
		/* out of the pages' transaction: the export attaches its
		 * file (and the cache's flush ends the transaction later) */
		x.borrowed = b.catalog;
		if ((rc = morgue_catalog_commit(b.catalog)) == 0) {
			write_exports(&x);
			rc = morgue_catalog_begin(b.catalog);
		} else
			x.rc = rc;
		if (rc == 0 && (rc = x.rc) < 0)
			rc = morgue_error_set(x.rc, x.error_file, x.error_line, "%s",
					      morgue_buf_cstr(&x.error));
	}
	/* the tokens it recorded, for the next build's index */
	if (rc == 0 && b.cache && b.fts &&
	    morgue_cache_fts_record(b.cache, morgue_ftsindex_path(b.fts)) < 0)
		morgue_error_clear(); /* the next build tokenizes those articles again */
	morgue_ftsindex_free(b.fts); /* its rows are in archive.sqlite */
	b.fts = NULL;
	morgue_buf_free(&x.error);
	free(x.error_file);
	for (size_t i = 0; i < NCSV && rc == 0; i++) {
		morgue_buf fam = MORGUE_BUF_INIT, file = MORGUE_BUF_INIT;
		if (csv_known[i] && !x.skip[i]) {
			morgue_buf_printf(&fam, "x:%s", csv_names[i]);
			morgue_buf_printf(&file, "%s.csv", csv_names[i]);
			rc = morgue_cache_page_record(b.cache, fam.ptr, csv_sig[i], file.ptr, -1);
		}
		/* the spans of the file the site now holds: a linked file
		 * is the previous one */
		if (rc == 0 && b.cache && strcmp(csv_names[i], "entities"))
			rc = morgue_cache_csv_record(b.cache, csv_names[i],
						     x.skip[i] ? x.prev_spans[i] : x.spans[i]);
		morgue_buf_free(&fam);
		morgue_buf_free(&file);
	}
	for (size_t i = 0; i < NCSV; i++) {
		morgue_csv_spans_free(x.prev_spans[i]);
		morgue_csv_spans_free(x.spans[i]);
		free(x.prev_file[i]);
	}
	if (rc < 0)
		goto done;
	stats->pages = site.pages;
	stats->reused = morgue_cache_pages_reused(b.cache);
	{
		/* the cache's page records are written while the staged
		 * files are compared with the previous site's; the site is
		 * swapped in only when both are done */
		flush_job fj = { .cache = b.cache, .catalog = b.catalog, .stamp = stamp.ptr,
				 .history = b.history, .history_key = history_key.ptr,
				 .history_text = history_text.size ? &history_text : NULL,
				 .error = MORGUE_BUF_INIT };
		pthread_t flush_thread;
		int flushing = pthread_create(&flush_thread, NULL, flush_cache, &fj) == 0;
		if (!flushing)
			flush_cache(&fj);
		rc = morgue_output_prepare(b.output);
		if (flushing)
			pthread_join(flush_thread, NULL);
		if (rc == 0 && fj.rc < 0)
			rc = morgue_error_set(fj.rc, NULL, 0, "%s", morgue_buf_cstr(&fj.error));
		morgue_buf_free(&fj.error);
	}
	if (rc < 0 || (rc = morgue_output_commit(b.output)) < 0)
		goto done;
	stats->files = morgue_output_files(b.output);
	stats->bytes = morgue_output_bytes(b.output);
	if (cache_new.size) {
		/* the previous cache, moved and changed in place, becomes a
		 * plain file again before it is kept */
		if (b.self) {
			morgue_cache_free(b.cache);
			b.cache = NULL;
			if (morgue_catalog_unshare(b.catalog) < 0) {
				morgue_warn(cache_path.ptr, 0, "cannot keep the build cache: %s",
					    morgue_error_last()->message);
				morgue_error_clear();
				goto done;
			}
		}
		cache_kept = keep_cache(cache_new.ptr, cache_path.ptr, &cache_old);
		if (cache_old.size &&
		    !(removing = pthread_create(&remove_thread, NULL, remove_file, cache_old.ptr) == 0))
			remove(cache_old.ptr);
	}
	done:
	if (search_started) { /* after a failure before the pages, told to stop */
		search_go(&sj, NULL);
		pthread_join(search_thread, NULL);
	}
	morgue_buf_free(&sj.error);
	if (reuse_started)
		pthread_join(reuse_thread, NULL);
	morgue_buf_free(&rj.marker);
	free(rj.stamp);
	if (history_threaded)
		pthread_join(history_thread, NULL);
	morgue_history_free(hj.history);
	morgue_buf_free(&hj.error);
	free(hj.error_file);
	stats->warnings = morgue_warn_count();
	morgue_buf_free(&path);
	morgue_buf_free(&stamp);
	morgue_output_free(b.output);
	morgue_searchindex_free(b.search);
	morgue_gazetteer_free(b.gazetteer);
	morgue_history_free(b.history);
	for (size_t i = 0; i < b.nentities; i++)
		morgue_entity_free(b.entities[i]);
	free(b.entities);
	free(b.by_slug);
	for (size_t i = 0; i < b.nslugs; i++)
		free(b.slugs[i]);
	free(b.slugs);
	morgue_repo_entries_free(b.ann, b.nann);
	morgue_repo_entries_free(b.ents, b.nents);
	morgue_repo_entries_free(b.arts, b.narts);
	free(b.keys);
	morgue_ftsindex_free(b.fts);
	morgue_buf_free(&fts_path);
	morgue_buf_free(&history_key);
	morgue_buf_free(&history_text);
	morgue_buf_free(&prev_archive);
	archive_copy_join(&ac); /* the export thread's is joined */
	if (ac.to)
		remove(ac.to); /* not used, or renamed */
	free(ac.from);
	free(ac.to);
	morgue_buf_free(&ac.marker);
	free(changed);
	free(ids);
	morgue_cache_free(b.cache);
	if (b.self && !cache_kept)
		give_back(b.catalog, committed, cache_new.ptr, cache_path.ptr);
	morgue_catalog_free(b.catalog);
	if (cache_new.size && !cache_kept)
		remove_cache(cache_new.ptr);
	morgue_buf_free(&cache_path);
	morgue_buf_free(&cache_new);
	morgue_theme_free(b.theme);
	morgue_config_free(b.config);
	morgue_repo_free(b.repo);
	if (removing)
		pthread_join(remove_thread, NULL);
	morgue_buf_free(&cache_old);
	return rc;
}

int morgue_build_fingerprint(morgue_buf *out, const morgue_build_opts *opts)
{
	morgue_repo *r = NULL;
	morgue_repo_entry *e = NULL;
	size_t n = 0;
	int rc;

	if ((rc = morgue_repo_open(&r, opts->root, opts->rev, opts->worktree)) < 0)
		return rc;
	if (!opts->worktree) {
		morgue_buf_puts(out, morgue_repo_commit(r) ? morgue_repo_commit(r) : "");
		goto done;
	}
	/* FNV-1a over "path oid\n" of every file: small and order-stable */
	if ((rc = morgue_repo_list(&e, &n, r, "", NULL)) < 0)
		goto done;
	unsigned long long h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		for (const char *p = e[i].path; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		for (const char *p = e[i].oid; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	}
	morgue_buf_printf(out, "worktree-%zu-%016llx", n, h);
done:
	morgue_repo_entries_free(e, n);
	morgue_repo_free(r);
	return rc;
}
