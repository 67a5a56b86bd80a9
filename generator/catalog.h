/*
 * catalog.h - the archive's catalog in SQLite: articles, entities, tags,
 * mentions (and later attributions). The build writes it once, then every
 * page reads its cross-references from it (back-references, co-mentions,
 * timelines), and it is exported into the site as archive.sqlite.
 *
 * Read queries return morgue_value trees shaped for templates (lists of
 * maps); the caller owns and frees them. Site paths in the returned maps
 * are root-relative ("articles/2017/x.html"): the renderer makes them
 * relative to the page it writes.
 */
#ifndef MORGUE_CATALOG_H
#define MORGUE_CATALOG_H

#include <stddef.h>

#include "article.h"
#include "util/buf.h"
#include "value.h"

typedef struct morgue_catalog morgue_catalog;
typedef struct morgue_mention morgue_mention;
typedef struct morgue_attribution morgue_attribution;

/* A private temporary database (on disk, so memory stays bounded). */
int morgue_catalog_new(morgue_catalog **out);
/* The same in a file at path (replaced if it exists), which outlives the
 * handle: the build keeps it as the next build's cache (cache.h). */
int morgue_catalog_new_file(morgue_catalog **out, const char *path);
void morgue_catalog_free(morgue_catalog *c);

/* begin opens a transaction unless one is open; rollback ends one, if
 * open, undoing it (only in a shared catalog: the others keep no
 * journal to undo with). */
int morgue_catalog_begin(morgue_catalog *c);
int morgue_catalog_commit(morgue_catalog *c);
int morgue_catalog_rollback(morgue_catalog *c);

/* Let other connections to the file read the catalog while this one
 * writes it (SQLite's WAL mode): they see it as last committed, never a
 * half-written page, and a transaction can be rolled back. unshare ends
 * that, once every other connection is closed: what was committed is
 * copied into the file, whose -wal and -shm files are removed. Both
 * MORGUE_ERROR when SQLite refuses. */
int morgue_catalog_share(morgue_catalog *c);
int morgue_catalog_unshare(morgue_catalog *c);

/* Writes. Entities must be added before the articles that refer to them.
 * The html/text of an article are its rendered body and plain text. */
int morgue_catalog_add_entity(morgue_catalog *c, const morgue_entity *e,
			      const char *body_html);
int morgue_catalog_add_article(morgue_catalog *c, long long *id,
			       const morgue_article *a, const char *body_html,
			       const char *text, size_t text_len);
/* The mentions of an article (offsets into text, the article's plain
 * text as given to add_article), and its refs rows: per entity the count,
 * the first mention and its sentence. Once per article. */
int morgue_catalog_add_mentions(morgue_catalog *c, long long article_id,
				const morgue_mention *m, size_t n, const char *text,
				size_t text_len);
/* The attributions of an article (attribution.h; offsets into text, the
 * article's plain text, in the order of the src-N ids of its page). */
int morgue_catalog_add_attributions(morgue_catalog *c, long long article_id,
				    const morgue_attribution *a, size_t n, const char *text,
				    size_t text_len);
/* The keyword in context of a mention at [off, off+len) of text, as the
 * entity pages show it: the sentence around it (after the previous ". "
 * or "\n", up to the next), at most ~160 bytes each side, cut on UTF-8
 * boundaries. Sets [*start, *end) and returns 1; 0 when the span lies
 * beyond the text. */
int morgue_catalog_kwic_span(const char *text, size_t tlen, size_t off, size_t len,
			     size_t *start, size_t *end);
/* The git history of an article (history.h): its revisions, the entities
 * each annotation commit added or removed, and its former paths. */
typedef struct morgue_article_history morgue_article_history;
int morgue_catalog_add_history(morgue_catalog *c, long long article_id,
			       const morgue_article_history *h);
/* Former article URLs that need a redirect page: (old_id, old_url, url,
 * title), skipping old paths a current article has taken over. */
morgue_value *morgue_catalog_redirects(morgue_catalog *c);

/* Reopen a catalog file written by a previous build (the build cache: it
 * is changed in place) to update it: drop the articles whose rows are
 * stale, add them again, and finish updates only the derived rows they
 * can change. */
int morgue_catalog_reopen(morgue_catalog **out, const char *path);
/* Drop every row of these articles (reopened catalogs only). */
int morgue_catalog_drop_articles(morgue_catalog *c, const long long *ids, size_t n);
/* Forget all histories (revisions, revision entities, redirects), to add
 * them again. */
int morgue_catalog_clear_history(morgue_catalog *c);
/* The id the next morgue_catalog_add_article gives its article (once);
 * by default SQLite's next rowid. */
void morgue_catalog_set_article_id(morgue_catalog *c, long long id);

/* Derive tables that depend on everything (co-mentions, counts). Call once
 * after all writes. */
int morgue_catalog_finish(morgue_catalog *c);

/* Lookups used while building. */
int morgue_catalog_entity_exists(morgue_catalog *c, const char *slug);
/* Every entity's slug, sorted bytewise (strcmp): what entity_exists
 * answers, for a thread without the catalog. Caller frees each and the
 * array. */
int morgue_catalog_entity_slugs(morgue_catalog *c, char ***slugs, size_t *n);

/* Number of articles referring to each entity, in the order of slugs[]
 * (counts[i] for slugs[i]). */
int morgue_catalog_article_counts(morgue_catalog *c, long long *counts,
				  const char *const *slugs, size_t n);

/* Things `morgue check` reports that are not errors: entities no article
 * mentions, and articles that mention no entity. A list of maps
 * {file, message}, in file order. */
morgue_value *morgue_catalog_lint(morgue_catalog *c);

/* Counts for the summary line. */
long long morgue_catalog_count(morgue_catalog *c, const char *table);

/* Copy the public tables (documented in docs/morgue-content.5) into a new
 * SQLite file at path, with their full-text index. */
int morgue_catalog_export(morgue_catalog *c, const char *path);
/* The same in parts, so that two connections (threads) share the work:
 * morgue_catalog_export_tables writes the tables with an empty full-text
 * index, morgue_catalog_export_fts builds the index's rows into a new file
 * fts_path meanwhile, and morgue_catalog_export_fts_fill then copies them
 * in. The result holds the same rows as morgue_catalog_export's. The
 * caller removes fts_path. */
int morgue_catalog_export_tables(morgue_catalog *c, const char *path);
int morgue_catalog_export_fts(morgue_catalog *c, const char *fts_path);
int morgue_catalog_export_fts_fill(morgue_catalog *c, const char *path, const char *fts_path);
/* Bring path, a copy of the previous build's export, up to date in place:
 * the rows of the articles ids (n of them: every article dropped since
 * that build) and of those after the file's last article are deleted and
 * the catalog's inserted, with their full-text entries; entities and
 * histories are replaced whole. The file
 * then holds the rows morgue_catalog_export writes, though not its bytes
 * (the new rows come last, in freed pages). A file whose other articles
 * do not match the catalog's is refused (MORGUE_ERROR); after an error
 * the file is of no use. */
int morgue_catalog_export_update(morgue_catalog *c, const char *path, const long long *ids,
				 size_t n);

/* ---- queries for pages: each returns a new list of maps ---- */

/* Article summaries (id, path, url, title, date, year, month, publication,
 * publication_url, excerpt, tags) newest first; limit<0 for all.
 * filter: NULL, or one of "tag", "entity", "year", "month"
 * ("YYYY-MM"), "publication" with its key. */
morgue_value *morgue_catalog_articles(morgue_catalog *c, const char *filter,
				      const char *key, int limit, int offset);
/* The page of the same list that follows the article (date, path), the
 * last of the page before: a page costs its own rows, where one at an
 * offset costs the rows before it too (paging through a long list by
 * offsets is quadratic). */
morgue_value *morgue_catalog_articles_after(morgue_catalog *c, const char *filter,
					    const char *key, int limit, const char *date,
					    const char *path);
long long morgue_catalog_articles_count(morgue_catalog *c, const char *filter,
					const char *key);

/* All article ids in date order (oldest first), for prev/next and paging,
 * and (urls not NULL) their pages' site paths; the caller frees both. */
int morgue_catalog_article_ids(morgue_catalog *c, long long **ids, char ***urls, size_t *n);

/* One article as a full map (summary fields + body_html, authors, url,
 * mentions "in this article" with counts, related articles), and its
 * sourcing: "attributions" (seq, anchor "src-N", source slug or null,
 * name, description, entity_url, kind, kind_label, cue, affiliation,
 * count, offset, length, origin, quote_excerpt) in text order; "sources"
 * (one per entity or anonymous description: name, entity_url, kind,
 * kind_label, anonymous, statement_count, statements: anchor, cue,
 * quote_excerpt); "sourcing_summary" ("5 named sources, 2 anonymous, 1
 * publication"), attribution_count, source_count. */
morgue_value *morgue_catalog_article(morgue_catalog *c, long long id);

/* Entities: list of maps (slug, url, name, type, description,
 * article_count, mention_count), by type then name. type NULL for all. */
morgue_value *morgue_catalog_entities(morgue_catalog *c, const char *type);
/* One entity with its back-references, co-mentions, timeline and
 * publications; "quoted" (what it said or reported: article summary
 * fields + anchor, source_kind, cue, quote_excerpt, newest first, at most
 * 100), "cited_by" (articles citing it as a source, with attributions),
 * quoted_count and cited_by_count. */
morgue_value *morgue_catalog_entity(morgue_catalog *c, const char *slug);

/* The sourcing overview: attribution_count, article_count, named,
 * anonymous, documents; "publications" (per publishing outlet: name, url,
 * articles, attributions, named, anonymous, documents, named_pct,
 * anonymous_pct); the most cited "people", "organizations" and
 * "cited_publications" (slug, name, url, attributions, articles; 20 each). */
morgue_value *morgue_catalog_sourcing(morgue_catalog *c);

/* The plain text of an article (caller frees). */
char *morgue_catalog_article_text(morgue_catalog *c, long long id, size_t *len);

/* One entity mention of an article, as its JSON export needs it (the
 * entities' names are in the article's "entities", morgue_catalog_article). */
typedef struct morgue_mention_span {
	const char *entity;    /* slug */
	const char *source;    /* "auto", "inline" or "standoff" */
	size_t offset, length; /* bytes into the article's text */
} morgue_mention_span;

/* The mentions of article id by offset, the longest first: *out is
 * allocated (the caller frees it), its strings are appended to `strings`,
 * which must outlive them and not grow meanwhile. Plain structs, not
 * morgue_value maps: an article's JSON reads its 40-odd mentions once.
 * 0 or MORGUE_ERROR. */
int morgue_catalog_mention_spans(morgue_catalog *c, long long id, morgue_mention_span **out,
				 size_t *n, morgue_buf *strings);

/* A CSV export (RFC 4180, header line, UTF-8) of "entities" (slug, name,
 * type, description, url, wikidata, aliases, articles, mentions) or
 * "mentions" (article, date, entity, surface, offset, length, source) or
 * "attributions" (article, date, seq, source, source_text, kind, cue,
 * affiliation, count, offset, length, quote, origin). */
int morgue_catalog_csv(morgue_buf *out, morgue_catalog *c, const char *what);

/* "mentions" and "attributions" list every row of one article together,
 * and the articles in path order: such an export is its header line
 * followed by one block per article, in the order of
 * morgue_catalog_csv_order, and morgue_catalog_csv writes it with these
 * functions, so that an incremental build can copy the blocks of
 * unchanged articles from the previous file instead (cache.h).
 * header: append the header line (CRLF included). block: append the rows
 * of one article (nothing when it has none). order: the article ids in
 * export order, in *ids (caller frees), *n of them. 0 ok, <0 on a
 * database error (out may then hold part of a block) or another
 * export's name. */
int morgue_catalog_csv_header(morgue_buf *out, morgue_catalog *c, const char *what);
int morgue_catalog_csv_block(morgue_buf *out, morgue_catalog *c, const char *what,
			     long long article_id);
int morgue_catalog_csv_order(long long **ids, size_t *n, morgue_catalog *c);

/* The articles referring to an entity, newest first, each with the
 * sentence around its first mention (kwic_before, kwic_match, kwic_after),
 * paged (limit < 0 for all). */
morgue_value *morgue_catalog_entity_articles(morgue_catalog *c, const char *slug,
					     int limit, int offset);
/* Its page after the article (date, path), as morgue_catalog_articles_after. */
morgue_value *morgue_catalog_entity_articles_after(morgue_catalog *c, const char *slug,
						   int limit, const char *date, const char *path);
/* Just title, url and date of an article (for prev/next links). */
morgue_value *morgue_catalog_article_brief(morgue_catalog *c, long long id);

/* The co-mention network of the `limit` entities in most articles:
 * "nodes" (id, slug, name, type, url, article_count) and "edges"
 * (source, target as node ids, count) among them, strongest first. */
morgue_value *morgue_catalog_network(morgue_catalog *c, int limit);

/* Tags (tag, slug, url, count) by name; years (year, url, count, months). */
morgue_value *morgue_catalog_tags(morgue_catalog *c);
morgue_value *morgue_catalog_years(morgue_catalog *c);

/* A second connection to a finished catalog file (morgue_catalog_new_file),
 * for reading it (queries, exports) from another thread. The connection
 * has no mutex of its own: one thread at a time may use it. */
int morgue_catalog_open(morgue_catalog **out, const char *path);

/* The SQLite connection, for cache.c only: the build cache lives in the
 * catalog's database and copies rows between its tables. */
struct sqlite3;
struct sqlite3 *morgue_catalog_handle(morgue_catalog *c);

#endif
