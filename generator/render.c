#include "render.h"
#include "feed.h"
#include "jsonld.h"
#include "webanno.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/path.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* The context every page starts from. */
static morgue_value *page_context(morgue_site *s, const char *path,
				  const char *title)
{
	morgue_value *ctx = morgue_value_map();
	morgue_value *site = morgue_value_set_map(ctx, "site");
	morgue_buf root = MORGUE_BUF_INIT;

	morgue_path_root(&root, path);
	morgue_value_set(ctx, "root", morgue_value_string_own(morgue_buf_detach(&root)));
	morgue_value_set_str(ctx, "page_path", path);
	morgue_value_set_str(ctx, "page_title", title);
	morgue_value_set_str(site, "title", s->config->title);
	morgue_value_set_str(site, "description", s->config->description);
	morgue_value_set_str(site, "language", s->config->language);
	morgue_value_set_str(site, "base_url", s->config->base_url);
	if (s->config->base_url) {
		morgue_buf canon = MORGUE_BUF_INIT;
		morgue_buf_printf(&canon, "%s/%s", s->config->base_url, path);
		morgue_value_set(ctx, "canonical_url", morgue_value_string_own(morgue_buf_detach(&canon)));
	}
	morgue_value_set_bool(ctx, "history_partial", s->history_partial);
	/* the feed a page links with <link rel=alternate>; entity and tag
	 * pages replace it with their own */
	morgue_value_set_str(ctx, "feed_url", "feed.xml");
	morgue_value_set_str(ctx, "feed_title", s->config->title);
	return ctx;
}

/* The commit a site was built from changes with every commit, so it is
 * shown on the front page only: every other page stays byte-identical
 * until its own inputs change (incremental builds rely on it). */
static void set_build(morgue_site *s, morgue_value *ctx)
{
	if (s->commit) {
		morgue_value_set_str(ctx, "commit", s->commit);
		morgue_value_set(ctx, "commit_short", morgue_value_stringn(s->commit, 7));
	}
	morgue_value_set_str(ctx, "build_date", s->build_date);
}

/* Write one file of the site, noting it under the current family. */
static int put(morgue_site *s, const char *path, const char *data, size_t len)
{
	int rc = morgue_output_write(s->output, path, data, len);
	if (rc == 0 && s->cache && s->family)
		rc = morgue_cache_page_record(s->cache, s->family, s->family_sig, path,
					      (long long)len);
	return rc;
}

static void count_page(morgue_site *s, const char *path)
{
	size_t len = strlen(path);
	if (s->uncounted || len < 5 || strcmp(path + len - 5, ".html"))
		return;
	s->pages++;
	if (s->config->base_url) {
		MORGUE_ARRAY_RESERVE(s->paths, s->cappaths, s->npaths + 1);
		s->paths[s->npaths++] = morgue_strdup(path);
	}
}

static void reused_file(const char *path, void *payload)
{
	count_page(payload, path);
}

/* 1 when the previous site's files of family `name` with the same
 * signature were linked in: nothing to render. */
static int family_reuse(morgue_site *s, const char *name, const char *sig)
{
	return s->cache && s->reuse &&
	       morgue_cache_page_reuse(s->cache, s->output, name, sig, reused_file, s);
}

/* Files written from now on belong to family `name`. */
static void family_set(morgue_site *s, const char *name, const char *sig)
{
	if (!s->cache)
		return;
	s->family = name;
	memcpy(s->family_sig, sig, MORGUE_HASH_HEX);
}

/* Start writing the family `name` (e.g. "e:SLUG") whose inputs hash to
 * sig. 1 when it was reused and there is nothing to render. */
static int family_begin(morgue_site *s, const char *name, const char *sig)
{
	if (family_reuse(s, name, sig))
		return 1;
	family_set(s, name, sig);
	return 0;
}

/* The cache's signature lookups share its connection's statements and
 * lazily loaded groups: entity pages rendered by two threads take turns. */
static pthread_mutex_t sig_lock = PTHREAD_MUTEX_INITIALIZER;

/* Page signatures of a paged list (cache.h), or NULL without a cache. */
static char (*list_sigs(morgue_site *s, const char *list, const char *key,
			const char *salt, size_t *npages))[MORGUE_HASH_HEX]
{
	char (*sigs)[MORGUE_HASH_HEX] = NULL;
	*npages = 0;
	if (!s->cache)
		return NULL;
	pthread_mutex_lock(&sig_lock);
	int rc = morgue_cache_list_sigs(s->cache, &sigs, npages, s->page_key, list, key, salt,
					s->config->page_size);
	pthread_mutex_unlock(&sig_lock);
	if (rc < 0) {
		morgue_error_clear();
		return NULL;
	}
	return sigs;
}

/* morgue_cache_group_sig under sig_lock. */
static int group_sig(morgue_site *s, char sig[MORGUE_HASH_HEX], const char *group,
		     const char *key)
{
	pthread_mutex_lock(&sig_lock);
	int rc = morgue_cache_group_sig(s->cache, sig, s->page_key, group, key);
	pthread_mutex_unlock(&sig_lock);
	return rc;
}

/* Family name of page n (n >= 2) of a paged list. */
static void page_family(morgue_buf *out, const char *prefix, const char *key, long long n)
{
	morgue_buf_clear(out);
	morgue_buf_printf(out, "%s:%s:%lld", prefix, key ? key : "", n);
}

static void family_end(morgue_site *s)
{
	s->family = NULL;
}

/* A family whose signature is that of a group of articles (cache.h). */
static int group_begin(morgue_site *s, morgue_buf *name, const char *prefix,
		       const char *group, const char *key)
{
	char sig[MORGUE_HASH_HEX];
	if (!s->cache)
		return 0;
	morgue_buf_clear(name);
	morgue_buf_printf(name, "%s:%s", prefix, key);
	if (group_sig(s, sig, group, key) < 0) {
		morgue_error_clear();
		return 0;
	}
	return family_begin(s, name->ptr, sig);
}

/* Every entity with its counts, queried once per build (the query
 * counts all references; pages used to run it a dozen times). */
static const morgue_value *all_entities(morgue_site *s)
{
	if (!s->entities)
		s->entities = morgue_catalog_entities(s->catalog, NULL);
	return s->entities;
}

/* A new list of the entities of one type, in the catalog's order (by
 * type, then name): what morgue_catalog_entities(type) returns. */
static morgue_value *entities_of_type(morgue_site *s, const char *type)
{
	const morgue_value *all = all_entities(s);
	morgue_value *list = morgue_value_list();
	for (size_t i = 0; i < morgue_value_count(all); i++) {
		const morgue_value *e = morgue_value_at(all, i);
		const char *t = morgue_value_get_str(e, "type");
		if (!t || strcmp(t, type))
			continue;
		morgue_value *m = morgue_value_push_map(list);
		for (size_t k = 0; k < morgue_value_count(e); k++) {
			const morgue_value *v = morgue_value_value_at(e, k);
			const char *key = morgue_value_key_at(e, k);
			switch (morgue_value_type_of(v)) {
			case MORGUE_VALUE_STRING:
				morgue_value_set_str(m, key, morgue_value_get_string(v));
				break;
			case MORGUE_VALUE_NUMBER:
				morgue_value_set(m, key, morgue_value_number(morgue_value_get_number(v)));
				break;
			case MORGUE_VALUE_BOOL:
				morgue_value_set_bool(m, key, morgue_value_get_bool(v));
				break;
			default:
				morgue_value_set(m, key, morgue_value_null());
				break;
			}
		}
	}
	return list;
}

/* What a page's or an article's JSON buffer starts with: most pages fit
 * (an article page is about 32 KB, its JSON 45 KB at 10k articles), and
 * growing from nothing copied each one about twice on the way. */
#define PAGE_BUF_START (64u << 10)

/* Render template `tpl` with ctx to site path `path` and free ctx. */
static int emit(morgue_site *s, const char *tpl, const char *path, morgue_value *ctx)
{
	morgue_buf html = MORGUE_BUF_INIT;
	morgue_buf_grow(&html, PAGE_BUF_START);
	int rc = morgue_theme_render(&html, s->theme, tpl, ctx);
	if (rc == 0)
		rc = put(s, path, morgue_buf_cstr(&html), html.size);
	if (rc == 0)
		count_page(s, path);
	morgue_buf_free(&html);
	morgue_value_free(ctx);
	return rc;
}

/* Site path of page n (1-based) of a paginated list whose first page is
 * base + ".html": later pages live in base/page-N.html. */
static void page_path(morgue_buf *out, const char *base, long long n)
{
	if (n <= 1)
		morgue_buf_printf(out, "%s.html", base);
	else
		morgue_buf_printf(out, "%s/page-%lld.html", base, n);
}

/* Add pagination links (root-relative) for page n of total pages. */
static void set_pagination(morgue_value *ctx, const char *base, long long n,
			   long long pages)
{
	morgue_value *p = morgue_value_set_map(ctx, "pagination");
	morgue_buf b = MORGUE_BUF_INIT;

	morgue_value_set_int(p, "page", n);
	morgue_value_set_int(p, "pages", pages);
	morgue_value_set_bool(p, "many", pages > 1);
	if (n > 1) {
		page_path(&b, base, n - 1);
		morgue_value_set(p, "prev_url", morgue_value_string_own(morgue_buf_detach(&b)));
	}
	if (n < pages) {
		page_path(&b, base, n + 1);
		morgue_value_set(p, "next_url", morgue_value_string_own(morgue_buf_detach(&b)));
	}
}

/* The last article of a page just rendered, (date, path): the next page
 * of the list starts after it (morgue_catalog_articles_after) instead of
 * at an offset. Empty when the page before was not rendered. */
typedef struct page_cursor {
	morgue_buf date, path;
} page_cursor;
#define PAGE_CURSOR_INIT { MORGUE_BUF_INIT, MORGUE_BUF_INIT }

static void cursor_set(page_cursor *end, const morgue_value *list)
{
	size_t n = morgue_value_count(list);
	const morgue_value *last = n ? morgue_value_at(list, n - 1) : NULL;
	const char *date = morgue_value_get_str(last, "date");
	const char *path = morgue_value_get_str(last, "path");
	morgue_buf_clear(&end->date);
	morgue_buf_clear(&end->path);
	if (date && path && *path) {
		morgue_buf_puts(&end->date, date);
		morgue_buf_puts(&end->path, path);
	}
}

static void cursor_free(page_cursor *end)
{
	morgue_buf_free(&end->date);
	morgue_buf_free(&end->path);
}

/* A paginated list of articles (filter/key as in morgue_catalog_articles)
 * written to base.html, base/page-2.html, ... with template tpl. `extra`
 * fields are copied onto every page's context by the callback. */
typedef void (*decorate_fn)(morgue_site *s, morgue_value *ctx, void *payload);

/* Each page of a list is its own family ("tp:SLUG:N", "yp:2017:N", ...),
 * depending on the articles it shows, the totals and salt (what else it
 * shows); the front page's first page shows the whole archive's
 * highlights and is always rendered. */
static int emit_article_list(morgue_site *s, const char *tpl, const char *base,
			     const char *title, const char *filter, const char *key,
			     const char *salt, decorate_fn decorate, void *payload)
{
	long long total = morgue_catalog_articles_count(s->catalog, filter, key);
	long long size = s->config->page_size;
	long long pages = total ? (total + size - 1) / size : 1;
	const char *list = filter ? filter : "home";
	const char *prefix = !filter ? "h" : !strcmp(filter, "tag") ? "tp"
			     : !strcmp(filter, "year") ? "yp" : "mp";
	size_t nsigs = 0;
	char (*sigs)[MORGUE_HASH_HEX] = list_sigs(s, list, key, salt, &nsigs);
	morgue_buf fam = MORGUE_BUF_INIT;
	page_cursor end = PAGE_CURSOR_INIT;
	int rc = 0;

	if (sigs && (long long)nsigs != pages) { /* cannot happen; never guess */
		free(sigs);
		sigs = NULL;
	}
	for (long long n = 1; n <= pages && !rc; n++) {
		morgue_buf path = MORGUE_BUF_INIT;
		if (sigs && (filter || n >= 2)) {
			page_family(&fam, prefix, key, n);
			if (family_begin(s, fam.ptr, sigs[n - 1])) {
				s->family = NULL;
				morgue_buf_clear(&end.path); /* the next page starts at its offset */
				continue;
			}
		}
		page_path(&path, base, n);
		morgue_value *ctx = page_context(s, path.ptr, title);
		morgue_value *arts = end.path.size
			? morgue_catalog_articles_after(s->catalog, filter, key, (int)size,
							end.date.ptr, end.path.ptr)
			: morgue_catalog_articles(s->catalog, filter, key, (int)size,
						  (int)((n - 1) * size));
		cursor_set(&end, arts);
		morgue_value_set(ctx, "articles", arts);
		morgue_value_set_int(ctx, "article_count", total);
		morgue_value_set_bool(ctx, "one_article", total == 1);
		set_pagination(ctx, base, n, pages);
		if (decorate)
			decorate(s, ctx, payload);
		rc = emit(s, tpl, path.ptr, ctx);
		morgue_buf_free(&path);
		if (sigs)
			s->family = NULL;
	}
	free(sigs);
	morgue_buf_free(&fam);
	cursor_free(&end);
	return rc;
}

static void set_neighbour(morgue_site *s, morgue_value *ctx, const char *key,
			  long long id)
{
	if (id <= 0)
		return;
	morgue_value *a = morgue_catalog_article_brief(s->catalog, id);
	morgue_value *n = morgue_value_set_map(ctx, key);
	morgue_value_set_str(n, "title", morgue_value_get_str(a, "title"));
	morgue_value_set_str(n, "url", morgue_value_get_str(a, "url"));
	morgue_value_set_str(n, "date", morgue_value_get_str(a, "date"));
	morgue_value_free(a);
}

static size_t vsize(const morgue_value *m, const char *key)
{
	return (size_t)morgue_value_get_number(morgue_value_get(m, key));
}

/* articles/<id>.json next to the page: text + W3C Web Annotations. */
static int write_article_json(morgue_site *s, long long id, const morgue_value *a,
			      const char *page)
{
	size_t len = 0, nm = 0;
	char *text = morgue_catalog_article_text(s->catalog, id, &len);
	morgue_buf json = MORGUE_BUF_INIT, path = MORGUE_BUF_INIT, strings = MORGUE_BUF_INIT;
	morgue_mention_span *spans = NULL;
	int rc = morgue_catalog_mention_spans(s->catalog, id, &spans, &nm, &strings);
	const morgue_value *ents = morgue_value_get(a, "entities");
	const morgue_value *attrs = morgue_value_get(a, "attributions");
	size_t ne = morgue_value_count(ents), na = morgue_value_count(attrs);
	morgue_webanno_mention *ms = morgue_calloc(nm + 1, sizeof(*ms));
	morgue_webanno_attribution *as = morgue_calloc(na + 1, sizeof(*as));
	const char **slugs = morgue_calloc(ne + 1, sizeof(*slugs));

	if (rc < 0)
		goto done;
	for (size_t k = 0; k < ne; k++)
		slugs[k] = morgue_value_get_str(morgue_value_at(ents, k), "slug");
	/* each mention's entity name and type, from the article's few
	 * entities (a join per mention cost as much as the mentions) */
	for (size_t i = 0; i < nm; i++) {
		const char *slug = spans[i].entity;
		ms[i] = (morgue_webanno_mention){
			.entity = slug, .generator = spans[i].source,
			.offset = spans[i].offset, .length = spans[i].length,
		};
		for (size_t k = 0; slug && k < ne; k++)
			if (slugs[k] && !strcmp(slug, slugs[k])) {
				const morgue_value *e = morgue_value_at(ents, k);
				ms[i].name = morgue_value_get_str(e, "name");
				ms[i].type = morgue_value_get_str(e, "type");
				break;
			}
	}
	for (size_t i = 0; i < na; i++) {
		const morgue_value *t = morgue_value_at(attrs, i);
		as[i] = (morgue_webanno_attribution){
			.value = morgue_value_get_str(t, "description"), .source = morgue_value_get_str(t, "source"),
			.kind = morgue_value_get_str(t, "kind"), .cue = morgue_value_get_str(t, "cue"),
			.offset = vsize(t, "offset"), .length = vsize(t, "length"),
		};
	}
	morgue_webanno_doc d = {
		.id = morgue_value_get_str(a, "path"), .title = morgue_value_get_str(a, "title"), .date = morgue_value_get_str(a, "date"),
		.publication = morgue_value_get_str(a, "publication"), .source_url = morgue_value_get_str(a, "source_url"),
		.text = text, .len = len, .mentions = ms, .nmentions = nm,
		.attributions = as, .nattributions = na,
	};
	morgue_buf_grow(&json, PAGE_BUF_START);
	morgue_webanno_write(&json, &d, page);
	morgue_buf_put(&path, page, strlen(page) - 5); /* ".html" */
	morgue_buf_puts(&path, ".json");
	rc = put(s, path.ptr, json.ptr, json.size);
done:
	morgue_buf_free(&json);
	morgue_buf_free(&path);
	morgue_buf_free(&strings);
	free(spans);
	free(ms);
	free(as);
	free(slugs);
	free(text);
	return rc;
}

int morgue_render_article(morgue_site *s, long long id, long long prev,
			  long long next)
{
	morgue_value *a = morgue_catalog_article(s->catalog, id);
	const char *url = morgue_value_get_str(a, "url");
	const char *title = morgue_value_get_str(a, "title");
	morgue_buf path = MORGUE_BUF_INIT;

	if (!url) {
		morgue_value_free(a);
		return morgue_error_set(MORGUE_ERROR, NULL, 0, "article %lld vanished", id);
	}
	morgue_buf_puts(&path, url);
	morgue_value *ctx = page_context(s, path.ptr, title);
	morgue_buf ld = MORGUE_BUF_INIT;
	morgue_jsonld_article(&ld, a, path.ptr, s->config->base_url);
	morgue_value_set(ctx, "jsonld", morgue_value_string_own(morgue_buf_detach(&ld)));
	morgue_value_set_str(ctx, "og_type", "article");
	morgue_value_set_str(ctx, "og_description",
			     morgue_value_get_str(a, "excerpt"));
	int rc = write_article_json(s, id, a, path.ptr);
	morgue_value_set(ctx, "article", a);
	set_neighbour(s, ctx, "prev", prev);
	set_neighbour(s, ctx, "next", next);
	if (rc == 0)
		rc = emit(s, "article", path.ptr, ctx);
	else
		morgue_value_free(ctx);
	morgue_buf_free(&path);
	return rc;
}

/* Inline SVG bar chart of mentions per month: no JavaScript needed. The
 * months between the first and last are filled in so gaps show. */
static void timeline_svg(morgue_value *entity)
{
	morgue_value *tl = morgue_value_get(entity, "timeline");
	size_t n = morgue_value_count(tl);
	if (!n)
		return;
	int y0, m0, y1, m1;
	const char *first = morgue_value_get_string(morgue_value_get(morgue_value_at(tl, 0), "month"));
	const char *last = morgue_value_get_string(morgue_value_get(morgue_value_at(tl, n - 1), "month"));
	if (sscanf(first, "%d-%d", &y0, &m0) != 2 || sscanf(last, "%d-%d", &y1, &m1) != 2)
		return;
	int months = (y1 - y0) * 12 + (m1 - m0) + 1;
	if (months < 1 || months > 1200)
		return;
	double max = 1;
	for (size_t i = 0; i < n; i++) {
		double v = morgue_value_get_number(morgue_value_get(morgue_value_at(tl, i), "articles"));
		if (v > max)
			max = v;
	}
	int bw = months > 60 ? 4 : 12, gap = 2, h = 60;
	int w = months * (bw + gap);
	morgue_value *bars = morgue_value_set_list(entity, "timeline_bars");
	size_t j = 0;
	for (int k = 0; k < months; k++) {
		int y = y0 + (m0 - 1 + k) / 12, m = (m0 - 1 + k) % 12 + 1;
		char key[16];
		snprintf(key, sizeof(key), "%04d-%02d", y, m);
		double v = 0;
		if (j < n && !strcmp(morgue_value_get_string(morgue_value_get(morgue_value_at(tl, j), "month")), key))
			v = morgue_value_get_number(morgue_value_get(morgue_value_at(tl, j++), "articles"));
		morgue_value *b = morgue_value_push_map(bars);
		int bh = v > 0 ? (int)(v / max * (h - 2)) + 2 : 0;
		morgue_value_set_int(b, "x", k * (bw + gap));
		morgue_value_set_int(b, "y", h - bh);
		morgue_value_set_int(b, "w", bw);
		morgue_value_set_int(b, "h", bh);
		morgue_value_set_str(b, "month", key);
		morgue_value_set_int(b, "count", (long long)v);
	}
	morgue_value *svg = morgue_value_set_map(entity, "timeline_svg");
	morgue_value_set_int(svg, "width", w);
	morgue_value_set_int(svg, "height", h);
	morgue_value_set_str(svg, "first", first);
	morgue_value_set_str(svg, "last", last);
}

/* Copy the scalar fields `keys` of map src into a new map. */
static morgue_value *copy_fields(const morgue_value *src, const char *const *keys, size_t n)
{
	morgue_value *m = morgue_value_map();
	for (size_t k = 0; k < n; k++) {
		const morgue_value *v = morgue_value_get(src, keys[k]);
		switch (morgue_value_type_of(v)) {
		case MORGUE_VALUE_STRING:
			morgue_value_set_str(m, keys[k], morgue_value_get_string(v));
			break;
		case MORGUE_VALUE_NUMBER:
			morgue_value_set(m, keys[k], morgue_value_number(morgue_value_get_number(v)));
			break;
		case MORGUE_VALUE_BOOL:
			morgue_value_set_bool(m, keys[k], morgue_value_get_bool(v));
			break;
		default:
			break;
		}
	}
	return m;
}

int morgue_render_entity(morgue_site *s, const char *slug)
{
	static const char *const head_keys[] = {
		"slug", "url", "name", "type", "description", "article_count",
		"mention_count", "one_article", "one_mention",
	};
	/* page 1 (connections, timeline: every article of the entity) is
	 * the family "e:SLUG"; each continuation page "ep:SLUG:N" depends on
	 * its own articles and the totals */
	size_t nsigs = 0;
	char (*sigs)[MORGUE_HASH_HEX] = list_sigs(s, "entity", slug, NULL, &nsigs);
	char *need = morgue_calloc(nsigs + 1, 1);
	morgue_buf fam = MORGUE_BUF_INIT;
	int any = !sigs;
	if (sigs) {
		char sig[MORGUE_HASH_HEX];
		morgue_buf_printf(&fam, "e:%s", slug);
		if (group_sig(s, sig, "entity", slug) < 0) {
			morgue_error_clear();
			need[0] = 1;
		} else
			need[0] = !family_reuse(s, fam.ptr, sig);
		for (size_t n = 1; n < nsigs; n++) {
			page_family(&fam, "ep", slug, (long long)n + 1);
			need[n] = !family_reuse(s, fam.ptr, sigs[n]);
		}
		for (size_t n = 0; n < nsigs; n++)
			any |= need[n];
	}
	if (!any) {
		free(sigs);
		free(need);
		morgue_buf_free(&fam);
		return 0;
	}
	morgue_value *e = morgue_catalog_entity(s->catalog, slug);
	morgue_buf base = MORGUE_BUF_INIT;
	page_cursor end = PAGE_CURSOR_INIT;
	const char *type = morgue_value_get_str(e, "type");
	long long total = (long long)morgue_value_get_number(morgue_value_get(e, "article_count"));
	long long size = s->config->page_size;
	long long pages = total ? (total + size - 1) / size : 1;
	int rc = 0;

	morgue_buf_printf(&base, "entities/%s", slug);
	timeline_svg(e);
	morgue_value_set_bool(e, "one_article", total == 1);
	morgue_value_set_bool(e, "one_mention",
			      morgue_value_get_number(morgue_value_get(e, "mention_count")) == 1);
	if (type) {
		morgue_buf key = MORGUE_BUF_INIT;
		morgue_buf_printf(&key, "is_%s", type);
		morgue_value_set_bool(e, key.ptr, 1);
		morgue_buf_free(&key);
	}
	if (type && !strcmp(type, "publication"))
		morgue_value_set(e, "published", morgue_catalog_articles(s->catalog, "publication", slug, 20, 0));
	/* continuation pages repeat the header, not the connections */
	morgue_value *head = copy_fields(e, head_keys, sizeof(head_keys) / sizeof(*head_keys));
	morgue_value_set_bool(head, "continuation", 1);
	const char *name = morgue_value_get_str(head, "name");
	const char *desc = morgue_value_get_str(head, "description");

	/* page 1 has everything; the older articles of a much-mentioned
	 * entity continue on entities/SLUG/page-N.html */
	if (sigs && (long long)nsigs != pages) { /* the lists disagree: render all */
		free(sigs);
		sigs = NULL;
	}
	for (long long n = 1; n <= pages && !rc; n++) {
		morgue_buf path = MORGUE_BUF_INIT, ld = MORGUE_BUF_INIT, feed = MORGUE_BUF_INIT;
		morgue_value *pe;
		if (sigs) {
			if (!need[n - 1]) {
				if (n == 1) { /* page 1 hands e over; nobody else needs it */
					morgue_value_free(e);
					e = NULL;
				}
				morgue_buf_clear(&end.path); /* the next page starts at its offset */
				continue;
			}
			char sig[MORGUE_HASH_HEX];
			if (n == 1) {
				morgue_buf_clear(&fam);
				morgue_buf_printf(&fam, "e:%s", slug);
				if (group_sig(s, sig, "entity", slug) < 0)
					morgue_error_clear();
			} else {
				page_family(&fam, "ep", slug, n);
				memcpy(sig, sigs[n - 1], MORGUE_HASH_HEX);
			}
			family_set(s, fam.ptr, sig);
		}
		page_path(&path, base.ptr, n);
		morgue_value *ctx = page_context(s, path.ptr, name);
		if (n == 1) {
			morgue_jsonld_entity(&ld, e, path.ptr, s->config->base_url);
			morgue_value_set(ctx, "jsonld", morgue_value_string_own(morgue_buf_detach(&ld)));
			pe = e; /* handed over to the context */
			e = NULL;
		} else
			pe = copy_fields(head, head_keys, sizeof(head_keys) / sizeof(*head_keys));
		morgue_value_set_str(ctx, "og_type", "profile");
		morgue_value_set_str(ctx, "og_description", desc);
		if (total > 0) {
			morgue_buf_printf(&feed, "entities/%s.xml", slug);
			morgue_value_set(ctx, "feed_url", morgue_value_string_own(morgue_buf_detach(&feed)));
			morgue_value_set_str(ctx, "feed_title", name);
		}
		morgue_value *list = end.path.size
			? morgue_catalog_entity_articles_after(s->catalog, slug, (int)size,
							       end.date.ptr, end.path.ptr)
			: morgue_catalog_entity_articles(s->catalog, slug, (int)size,
							 (int)((n - 1) * size));
		cursor_set(&end, list);
		morgue_value_set(pe, "articles", list);
		set_pagination(ctx, base.ptr, n, pages);
		morgue_value_set(ctx, "entity", pe);
		rc = emit(s, "entity", path.ptr, ctx);
		s->family = NULL;
		morgue_buf_free(&path);
		morgue_buf_free(&feed);
	}
	morgue_value_free(e);
	morgue_value_free(head);
	morgue_buf_free(&base);
	morgue_buf_free(&fam);
	cursor_free(&end);
	free(sigs);
	free(need);
	return rc;
}

int morgue_render_entities_index(morgue_site *s)
{
	static const char *types[][2] = {
		{ "person", "People" }, { "organization", "Organizations" },
		{ "place", "Places" }, { "publication", "Publications" },
		{ "event", "Events" }, { "topic", "Topics" },
	};
	morgue_value *ctx = page_context(s, "entities/index.html", "Entities");
	morgue_value *groups = morgue_value_set_list(ctx, "groups");
	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++) {
		morgue_value *list = entities_of_type(s, types[i][0]);
		if (!morgue_value_count(list)) {
			morgue_value_free(list);
			continue;
		}
		morgue_value *g = morgue_value_push_map(groups);
		morgue_value_set_str(g, "type", types[i][0]);
		morgue_value_set_str(g, "label", types[i][1]);
		morgue_value_set_int(g, "count", (long long)morgue_value_count(list));
		morgue_value_set(g, "entities", list);
	}
	return emit(s, "entities", "entities/index.html", ctx);
}

static void tag_decorate(morgue_site *s, morgue_value *ctx, void *payload)
{
	morgue_value *tag = payload;
	morgue_buf feed = MORGUE_BUF_INIT;
	morgue_value_set_str(ctx, "tag", morgue_value_get_str(tag, "tag"));
	morgue_buf_printf(&feed, "tags/%s.xml", morgue_value_get_str(tag, "slug"));
	morgue_value_set(ctx, "feed_url", morgue_value_string_own(morgue_buf_detach(&feed)));
	morgue_value_set_str(ctx, "feed_title", morgue_value_get_str(tag, "tag"));
}

int morgue_render_tags(morgue_site *s)
{
	morgue_value *tags = morgue_catalog_tags(s->catalog);
	int rc = 0;
	for (size_t i = 0; i < morgue_value_count(tags) && !rc; i++) {
		morgue_value *t = morgue_value_at(tags, i);
		morgue_buf base = MORGUE_BUF_INIT, title = MORGUE_BUF_INIT;
		const char *slug = morgue_value_get_str(t, "slug");
		const char *tag = morgue_value_get_str(t, "tag");
		morgue_buf_printf(&base, "tags/%s", slug);
		morgue_buf_printf(&title, "Tagged “%s”", tag);
		rc = emit_article_list(s, "tag", base.ptr, title.ptr, "tag", slug, tag,
				       tag_decorate, t);
		morgue_buf_free(&base);
		morgue_buf_free(&title);
	}
	if (!rc) {
		morgue_value *ctx = page_context(s, "tags/index.html", "Tags");
		morgue_value_set(ctx, "tags", tags);
		tags = NULL;
		rc = emit(s, "tags", "tags/index.html", ctx);
	}
	morgue_value_free(tags);
	return rc;
}

static void period_decorate(morgue_site *s, morgue_value *ctx, void *payload)
{
	morgue_value_set_str(ctx, "period", payload);
}

int morgue_render_archive(morgue_site *s)
{
	morgue_value *years = morgue_catalog_years(s->catalog);
	int rc = 0;
	for (size_t i = 0; i < morgue_value_count(years) && !rc; i++) {
		morgue_value *y = morgue_value_at(years, i);
		const char *year = morgue_value_get_str(y, "year");
		morgue_value *months = morgue_value_get(y, "months");
		morgue_buf base = MORGUE_BUF_INIT;
		morgue_buf_printf(&base, "archive/%s", year);
		rc = emit_article_list(s, "archive-period", base.ptr, year, "year", year, NULL,
				       period_decorate, (void *)year);
		for (size_t j = 0; j < morgue_value_count(months) && !rc; j++) {
			morgue_value *m = morgue_value_at(months, j);
			const char *month = morgue_value_get_str(m, "month");
			const char *label = morgue_value_get_str(m, "month_display");
			morgue_buf_clear(&base);
			morgue_buf_printf(&base, "archive/%s/%s", year,
					  morgue_value_get_str(m, "mm"));
			rc = emit_article_list(s, "archive-period", base.ptr, label, "month",
					       month, label, period_decorate, (void *)label);
		}
		morgue_buf_free(&base);
	}
	if (!rc) {
		morgue_value *ctx = page_context(s, "archive/index.html", "Archive");
		morgue_value_set(ctx, "years", years);
		years = NULL;
		rc = emit(s, "archive", "archive/index.html", ctx);
	}
	morgue_value_free(years);
	return rc;
}

/* Most referenced entities of a type, for the home page highlights. */
static morgue_value *top_entities(morgue_site *s, const char *type, size_t max)
{
	morgue_value *all = entities_of_type(s, type);
	morgue_value *top = morgue_value_list();
	size_t n = morgue_value_count(all);
	char *taken = morgue_calloc(n ? n : 1, 1);
	for (size_t k = 0; k < max && k < n; k++) {
		long best = -1;
		double bestv = 0;
		for (size_t i = 0; i < n; i++) {
			double v = morgue_value_get_number(morgue_value_get(morgue_value_at(all, i), "article_count"));
			if (!taken[i] && v > 0 && (best < 0 || v > bestv)) {
				best = (long)i;
				bestv = v;
			}
		}
		if (best < 0)
			break;
		taken[best] = 1;
		morgue_value *src = morgue_value_at(all, (size_t)best), *dst = morgue_value_push_map(top);
		morgue_value_set_str(dst, "name", morgue_value_get_str(src, "name"));
		morgue_value_set_str(dst, "url", morgue_value_get_str(src, "url"));
		morgue_value_set_int(dst, "article_count", (long long)bestv);
	}
	free(taken);
	morgue_value_free(all);
	return top;
}

static void home_decorate(morgue_site *s, morgue_value *ctx, void *payload)
{
	/* the highlights belong on the front page only */
	if (morgue_value_get_number(morgue_value_get(morgue_value_get(ctx, "pagination"), "page")) > 1)
		return;
	morgue_value_set(ctx, "top_people", top_entities(s, "person", 8));
	morgue_value_set(ctx, "top_organizations", top_entities(s, "organization", 8));
	morgue_value_set(ctx, "top_places", top_entities(s, "place", 8));
	morgue_value_set(ctx, "top_publications", top_entities(s, "publication", 8));
	morgue_value_set_int(ctx, "entity_count", morgue_catalog_count(s->catalog, "entities"));
	morgue_value_set(ctx, "years", morgue_catalog_years(s->catalog));
	morgue_value_set_bool(ctx, "is_home", 1);
	set_build(s, ctx);
}

int morgue_render_home(morgue_site *s)
{
	/* index.html is the first page; older articles follow in index/page-N */
	return emit_article_list(s, "index", "index", s->config->title, NULL, NULL, NULL,
				 home_decorate, NULL);
}

/* family_begin for a page whose signature is that of an export (cache.h,
 * morgue_cache_export_sig); without one the page is rendered. */
static int export_family_begin(morgue_site *s, const char *family, const char *what)
{
	char sig[MORGUE_HASH_HEX];
	if (!s->cache)
		return 0;
	pthread_mutex_lock(&sig_lock);
	int rc = morgue_cache_export_sig(s->cache, sig, s->page_key, what);
	pthread_mutex_unlock(&sig_lock);
	if (rc < 0) {
		morgue_error_clear();
		return 0;
	}
	return family_begin(s, family, sig);
}

/* sourcing.html counts every attribution: with a cache it is linked from
 * the previous site while its signature (cache.h: the articles'
 * attribution digests and publications) is unchanged, since its queries
 * scan the whole attributions table. */
int morgue_render_sourcing(morgue_site *s)
{
	if (export_family_begin(s, "x:sourcing", "sourcing"))
		return 0;
	morgue_value *ctx = page_context(s, "sourcing.html", "Sourcing");
	morgue_value_set(ctx, "sourcing", morgue_catalog_sourcing(s->catalog));
	int rc = emit(s, "sourcing", "sourcing.html", ctx);
	family_end(s);
	return rc;
}

int morgue_render_search_page(morgue_site *s)
{
	return emit(s, "search", "search.html", page_context(s, "search.html", "Search"));
}

/* Article pages to render, shared by the threads that render them. */
typedef struct article_job {
	long long id, prev, next;
	char *url;
	char sig[MORGUE_HASH_HEX];
} article_job;

/* One thread's share of the article or entity pages: jobs first, first +
 * step, ... of njobs (article_job or entity_job). */
/* The jobs two threads share: each takes the next one when it is done
 * with its last (a fixed split left one thread idle for a second while
 * the other, slowed by the search and export threads, finished its half),
 * and both stop taking once either has failed. */
typedef struct job_queue {
	atomic_size_t next;
	atomic_int failed;
} job_queue;

typedef struct page_worker {
	morgue_site site; /* a copy; a second thread's has its own catalog connection */
	void *jobs;
	size_t njobs;
	job_queue *queue;
	int rc;
	morgue_buf error;
} page_worker;

/* The index of w's next job, or njobs when there is none left for it. */
static size_t next_job(page_worker *w)
{
	if (w->rc) {
		atomic_store(&w->queue->failed, 1);
		return w->njobs;
	}
	if (atomic_load(&w->queue->failed))
		return w->njobs;
	size_t i = atomic_fetch_add(&w->queue->next, 1);
	return i < w->njobs ? i : w->njobs;
}

/* Keep the worker's error message (its thread's own goes with it). */
static void worker_failed(page_worker *w)
{
	if (w->rc < 0 && morgue_error_last())
		morgue_buf_puts(&w->error, morgue_error_last()->message);
}

static void *render_jobs(void *arg)
{
	page_worker *w = arg;
	article_job *jobs = w->jobs;
	for (size_t i; (i = next_job(w)) < w->njobs;)
		w->rc = morgue_render_article(&w->site, jobs[i].id, jobs[i].prev, jobs[i].next);
	worker_failed(w);
	morgue_error_clear(); /* frees this thread's message */
	return NULL;
}

/* Every article page and its JSON. Those whose family is unchanged are
 * linked; the rest are rendered by two threads (the second with its own
 * catalog connection) when the catalog is a file and there are enough.
 * Pages are counted, and listed for the sitemap, in article order. */
static int render_articles(morgue_site *s)
{
	long long *ids = NULL;
	size_t n = 0, njobs = 0;
	char **urls = NULL;
	int rc = morgue_catalog_article_ids(s->catalog, &ids, &urls, &n);
	article_job *jobs = morgue_calloc(n + 1, sizeof(*jobs));
	morgue_buf fam = MORGUE_BUF_INIT;

	s->uncounted = 1;
	for (size_t i = 0; i < n && !rc; i++) {
		long long prev = i > 0 ? ids[i - 1] : 0, next = i + 1 < n ? ids[i + 1] : 0;
		article_job *j = &jobs[njobs];
		*j = (article_job){ .id = ids[i], .prev = prev, .next = next, .url = urls[i] };
		if (s->cache) {
			morgue_buf_clear(&fam);
			morgue_buf_printf(&fam, "a:%s", urls[i]);
			morgue_cache_article_sig(s->cache, j->sig, s->page_key, ids[i], prev, next);
			if (family_reuse(s, fam.ptr, j->sig))
				continue;
		}
		njobs++;
	}
	free(ids);

	job_queue queue = { 0 };
	page_worker w = { .jobs = jobs, .njobs = njobs, .queue = &queue };
	page_worker mine = { .jobs = jobs, .njobs = njobs, .queue = &queue, .rc = rc };
	pthread_t thread;
	int threaded = 0;
	if (!rc && s->catalog_file && njobs >= 64 &&
	    morgue_catalog_open(&w.site.catalog, s->catalog_file) == 0) {
		/* one read transaction: each query would take the file's
		 * shared lock and check it for changes again */
		morgue_catalog_begin(w.site.catalog);
		w.site.theme = s->theme;
		w.site.output = s->output;
		w.site.config = s->config;
		w.site.history_partial = s->history_partial;
		w.site.uncounted = 1;
		threaded = pthread_create(&thread, NULL, render_jobs, &w) == 0;
	}
	morgue_error_clear();
	for (size_t i; (i = next_job(&mine)) < njobs;)
		mine.rc = morgue_render_article(s, jobs[i].id, jobs[i].prev, jobs[i].next);
	rc = mine.rc; /* its message is this thread's */
	if (threaded) {
		pthread_join(thread, NULL);
		if (w.rc < 0 && !rc)
			rc = morgue_error_set(w.rc, NULL, 0, "%s", morgue_buf_cstr(&w.error));
	}
	morgue_catalog_free(w.site.catalog);
	morgue_buf_free(&w.error);

	/* the rendered families' files, recorded from this thread */
	for (size_t i = 0; i < njobs && !rc && s->cache; i++) {
		morgue_buf json = MORGUE_BUF_INIT;
		size_t len = strlen(jobs[i].url);
		morgue_buf_clear(&fam);
		morgue_buf_printf(&fam, "a:%s", jobs[i].url);
		morgue_buf_put(&json, jobs[i].url, len > 5 ? len - 5 : 0);
		morgue_buf_puts(&json, ".json");
		if ((rc = morgue_cache_page_record(s->cache, fam.ptr, jobs[i].sig, jobs[i].url,
						   -1)) == 0)
			rc = morgue_cache_page_record(s->cache, fam.ptr, jobs[i].sig, json.ptr, -1);
		morgue_buf_free(&json);
	}
	s->uncounted = 0;
	for (size_t i = 0; i < n; i++) {
		if (!rc)
			count_page(s, urls[i]);
		free(urls[i]);
	}
	free(urls);
	free(jobs);
	morgue_buf_free(&fam);
	return rc;
}

/* One entity's pages to render, and what they counted (for the sitemap,
 * merged in entity order). */
typedef struct entity_job {
	const char *slug;
	size_t pages;
	char **paths;
	size_t npaths;
} entity_job;

static void *entity_jobs(void *arg)
{
	page_worker *w = arg;
	for (size_t i; (i = next_job(w)) < w->njobs;) {
		entity_job *j = (entity_job *)w->jobs + i;
		w->site.pages = 0;
		w->site.paths = NULL;
		w->site.npaths = w->site.cappaths = 0;
		w->rc = morgue_render_entity(&w->site, j->slug);
		j->pages = w->site.pages;
		j->paths = w->site.paths;
		j->npaths = w->site.npaths;
	}
	worker_failed(w);
	return NULL;
}

static void *entity_thread(void *arg)
{
	entity_jobs(arg);
	morgue_error_clear(); /* frees this thread's message */
	return NULL;
}

/* Every entity's pages, by two threads when the catalog is a file (the
 * second with its own connection) and there are enough; pages are
 * counted, and listed for the sitemap, in entity order. */
static int render_entities(morgue_site *s)
{
	const morgue_value *ents = all_entities(s);
	size_t n = morgue_value_count(ents);
	entity_job *jobs = morgue_calloc(n + 1, sizeof(*jobs));
	int rc = 0;
	for (size_t i = 0; i < n; i++)
		jobs[i].slug = morgue_value_get_string(morgue_value_get(morgue_value_at(ents, i), "slug"));

	morgue_site base = *s;
	base.family = NULL;
	base.uncounted = 0;
	job_queue queue = { 0 };
	page_worker mine = { .site = base, .jobs = jobs, .njobs = n, .queue = &queue };
	page_worker other = { .site = base, .jobs = jobs, .njobs = n, .queue = &queue };
	pthread_t thread;
	int threaded = 0;
	if (s->catalog_file && n >= 64 &&
	    morgue_catalog_open(&other.site.catalog, s->catalog_file) == 0) {
		morgue_catalog_begin(other.site.catalog);
		if (s->cache) { /* load the group before two threads look into it */
			char sig[MORGUE_HASH_HEX];
			if (group_sig(s, sig, "entity", jobs[0].slug) < 0)
				morgue_error_clear();
		}
		threaded = pthread_create(&thread, NULL, entity_thread, &other) == 0;
		if (!threaded) {
			morgue_catalog_free(other.site.catalog);
			other.site.catalog = NULL;
		}
	}
	morgue_error_clear();
	entity_jobs(&mine);
	if (threaded) {
		pthread_join(thread, NULL);
		morgue_catalog_free(other.site.catalog);
	}
	rc = mine.rc; /* its message is this thread's */
	if (!rc && other.rc < 0)
		rc = morgue_error_set(other.rc, NULL, 0, "%s", morgue_buf_cstr(&other.error));
	for (size_t i = 0; i < n; i++) {
		s->pages += jobs[i].pages;
		for (size_t k = 0; k < jobs[i].npaths; k++) {
			MORGUE_ARRAY_RESERVE(s->paths, s->cappaths, s->npaths + 1);
			s->paths[s->npaths++] = jobs[i].paths[k];
		}
		free(jobs[i].paths);
	}
	morgue_buf_free(&mine.error);
	morgue_buf_free(&other.error);
	free(jobs);
	return rc;
}

static int feed_files(morgue_site *s);
static int sitemap(morgue_site *s);
static void *feeds_thread(void *arg);

/* The pages listing the archive, counted in s; *mapped: how many of s's
 * paths the sitemap lists (not the redirects'). */
static int list_pages(morgue_site *s, size_t *mapped)
{
	int rc = morgue_render_entities_index(s);
	if (!rc) rc = morgue_render_tags(s);
	if (!rc) rc = morgue_render_archive(s);
	if (!rc) rc = morgue_render_home(s);
	if (!rc) rc = morgue_render_search_page(s);
	if (!rc) rc = morgue_render_sourcing(s);
	if (!rc) rc = morgue_render_network(s);
	*mapped = s->npaths;
	if (!rc) rc = morgue_render_redirects(s);
	return rc;
}

typedef struct lists_worker {
	page_worker w;
	size_t mapped;
} lists_worker;

static void *lists_thread(void *arg)
{
	lists_worker *l = arg;
	l->w.rc = list_pages(&l->w.site, &l->mapped);
	worker_failed(&l->w);
	morgue_error_clear(); /* frees this thread's message */
	return NULL;
}

/* A copy of s for another thread, with its own catalog connection (in
 * one read transaction), counting its own pages; 0 when it could not be
 * made (no catalog file, or it could not be opened). s's entities are
 * loaded before and only read while the thread runs. */
static int worker_site(morgue_site *out, morgue_site *s, int uncounted)
{
	*out = *s;
	out->catalog = NULL;
	out->family = NULL;
	out->paths = NULL;
	out->pages = out->npaths = out->cappaths = 0;
	out->uncounted = uncounted;
	if (!s->catalog_file || morgue_catalog_open(&out->catalog, s->catalog_file) < 0) {
		morgue_error_clear();
		return 0;
	}
	morgue_catalog_begin(out->catalog);
	return 1;
}

/* After the article pages, three threads share the cores when the catalog
 * is a file: the entity pages (two of them, taking turns at the jobs),
 * the list pages, and the feeds (none of them counted). Run one after
 * the other, the list pages and feeds were a second of one thread alone
 * at the end of a 10k build. Pages are counted, and listed for the
 * sitemap, in the same order either way: articles, entities, lists. */
int morgue_render_site(morgue_site *s)
{
	lists_worker lists = { 0 };
	page_worker feeds = { 0 };
	pthread_t lists_tid, feeds_tid;
	int lists_threaded = 0, feeds_threaded = 0;
	int rc = render_articles(s);
	if (rc)
		goto done;
	all_entities(s); /* loaded once, before the threads read it */
	if (worker_site(&feeds.site, s, 1)) {
		feeds_threaded = pthread_create(&feeds_tid, NULL, feeds_thread, &feeds) == 0;
		if (!feeds_threaded)
			morgue_catalog_free(feeds.site.catalog);
	}
	if (worker_site(&lists.w.site, s, 0)) {
		lists_threaded = pthread_create(&lists_tid, NULL, lists_thread, &lists) == 0;
		if (!lists_threaded)
			morgue_catalog_free(lists.w.site.catalog);
	}
	rc = render_entities(s);
	if (lists_threaded) {
		pthread_join(lists_tid, NULL);
		morgue_catalog_free(lists.w.site.catalog);
		if (lists.w.rc < 0 && !rc)
			rc = morgue_error_set(lists.w.rc, NULL, 0, "%s",
					      morgue_buf_cstr(&lists.w.error));
		s->pages += lists.w.site.pages;
		for (size_t i = 0; i < lists.w.site.npaths; i++) {
			if (i < lists.mapped && !rc) {
				MORGUE_ARRAY_RESERVE(s->paths, s->cappaths, s->npaths + 1);
				s->paths[s->npaths++] = lists.w.site.paths[i];
			} else
				free(lists.w.site.paths[i]);
		}
		free(lists.w.site.paths);
		lists.mapped = s->npaths;
	} else if (!rc)
		rc = list_pages(s, &lists.mapped);
	if (feeds_threaded) {
		pthread_join(feeds_tid, NULL);
		morgue_catalog_free(feeds.site.catalog);
		if (feeds.rc < 0 && !rc)
			rc = morgue_error_set(feeds.rc, NULL, 0, "%s", morgue_buf_cstr(&feeds.error));
	} else if (!rc)
		rc = feed_files(s);
	if (!rc) {
		size_t all = s->npaths;
		s->npaths = lists.mapped; /* the sitemap's pages */
		rc = sitemap(s);
		s->npaths = all;
	}
done:
	/* a worker that found no entities loaded shared looked its own up */
	if (lists.w.site.entities != s->entities)
		morgue_value_free(lists.w.site.entities);
	if (feeds.site.entities != s->entities)
		morgue_value_free(feeds.site.entities);
	morgue_buf_free(&lists.w.error);
	morgue_buf_free(&feeds.error);
	for (size_t i = 0; i < s->npaths; i++)
		free(s->paths[i]);
	free(s->paths);
	s->paths = NULL;
	s->npaths = s->cappaths = 0;
	morgue_value_free(s->entities);
	s->entities = NULL;
	return rc;
}

#define FEED_ENTRIES 50

static int write_feed(morgue_site *s, const char *path, const char *page,
		      const char *title, const char *subtitle, const char *filter,
		      const char *key)
{
	morgue_value *arts = morgue_catalog_articles(s->catalog, filter, key, FEED_ENTRIES, 0);
	morgue_buf xml = MORGUE_BUF_INIT;
	morgue_feed f = {
		.path = path, .page = page, .title = title, .subtitle = subtitle,
		.author = s->config->title, .base_url = s->config->base_url,
		.language = s->config->language, .articles = arts,
	};
	morgue_feed_atom(&xml, &f);
	int rc = put(s, path, morgue_buf_cstr(&xml), xml.size);
	morgue_buf_free(&xml);
	morgue_value_free(arts);
	return rc;
}

/* feed.xml and every entity's and tag's feed: no page is counted, so
 * another thread may write them. */
static int feed_files(morgue_site *s)
{
	morgue_buf fam = MORGUE_BUF_INIT;
	int rc = write_feed(s, "feed.xml", "index.html", s->config->title,
			    s->config->description, NULL, NULL);
	const morgue_value *ents = all_entities(s);
	for (size_t i = 0; i < morgue_value_count(ents) && !rc; i++) {
		const morgue_value *e = morgue_value_at(ents, i);
		const char *slug = morgue_value_get_str(e, "slug");
		morgue_buf path = MORGUE_BUF_INIT, page = MORGUE_BUF_INIT;
		if (morgue_value_get_number(morgue_value_get(e, "article_count")) <= 0)
			continue;
		morgue_buf_printf(&path, "entities/%s.xml", slug);
		morgue_buf_printf(&page, "entities/%s.html", slug);
		if (!group_begin(s, &fam, "ef", "entity", slug))
			rc = write_feed(s, path.ptr, page.ptr,
					morgue_value_get_str(e, "name"),
					morgue_value_get_str(e, "description"),
					"entity", slug);
		family_end(s);
		morgue_buf_free(&path);
		morgue_buf_free(&page);
	}
	
	morgue_value *tags = morgue_catalog_tags(s->catalog);
	for (size_t i = 0; i < morgue_value_count(tags) && !rc; i++) {
		const morgue_value *t = morgue_value_at(tags, i);
		const char *slug = morgue_value_get_str(t, "slug");
		morgue_buf path = MORGUE_BUF_INIT, page = MORGUE_BUF_INIT, title = MORGUE_BUF_INIT;
		morgue_buf_printf(&path, "tags/%s.xml", slug);
		morgue_buf_printf(&page, "tags/%s.html", slug);
		morgue_buf_printf(&title, "Tagged “%s”",
				  morgue_value_get_str(t, "tag"));
		if (!group_begin(s, &fam, "tf", "tag", slug))
			rc = write_feed(s, path.ptr, page.ptr, title.ptr, NULL, "tag", slug);
		family_end(s);
		morgue_buf_free(&path);
		morgue_buf_free(&page);
		morgue_buf_free(&title);
	}
	morgue_value_free(tags);
	morgue_buf_free(&fam);
	return rc;
}

/* sitemap.xml and robots.txt, with base_url: the pages counted so far. */
static int sitemap(morgue_site *s)
{
	int rc = 0;
	if (s->config->base_url) {
		morgue_buf xml = MORGUE_BUF_INIT, robots = MORGUE_BUF_INIT;
		morgue_feed_sitemap(&xml, s->config->base_url, (const char *const *)s->paths, s->npaths);
		rc = morgue_output_write(s->output, "sitemap.xml", morgue_buf_cstr(&xml), xml.size);
		morgue_buf_printf(&robots, "User-agent: *\nAllow: /\nSitemap: %s/sitemap.xml\n",
				  s->config->base_url);
		if (!rc)
			rc = morgue_output_write(s->output, "robots.txt", robots.ptr, robots.size);
		morgue_buf_free(&xml);
		morgue_buf_free(&robots);
	}
	return rc;
}

int morgue_render_feeds(morgue_site *s)
{
	int rc = feed_files(s);
	return rc ? rc : sitemap(s);
}

static void *feeds_thread(void *arg)
{
	page_worker *w = arg;
	w->rc = feed_files(&w->site);
	worker_failed(w);
	morgue_error_clear(); /* frees this thread's message */
	return NULL;
}

int morgue_render_redirects(morgue_site *s)
{
	morgue_value *list = morgue_catalog_redirects(s->catalog);
	int rc = 0;
	for (size_t i = 0; i < morgue_value_count(list) && !rc; i++) {
		morgue_value *r = morgue_value_at(list, i);
		const char *old_url = morgue_value_get_str(r, "old_url");
		const char *url = morgue_value_get_str(r, "url");
		const char *title = morgue_value_get_str(r, "title");
		morgue_buf rel = MORGUE_BUF_INIT;
		if (!old_url || !url || !morgue_path_is_safe(old_url))
			continue;
		morgue_value *ctx = page_context(s, old_url, title);
		morgue_path_rel(&rel, old_url, url);
		morgue_value_set(ctx, "target", morgue_value_string_own(morgue_buf_detach(&rel)));
		morgue_value_set_str(ctx, "target_title", title);
		morgue_value_set_str(ctx, "target_path", url);
		if (s->config->base_url) {
			morgue_buf canon = MORGUE_BUF_INIT;
			morgue_buf_printf(&canon, "%s/%s", s->config->base_url, url);
			morgue_value_set(ctx, "canonical_url", morgue_value_string_own(morgue_buf_detach(&canon)));
		}
		rc = emit(s, "redirect", old_url, ctx);
		s->pages--; /* not a page of its own: keep it out of the count */
	}
	morgue_value_free(list);
	return rc;
}

#define NETWORK_NODES 60
#define NETWORK_SIZE 760

/* A deterministic circular layout, grouped by entity type so clusters of
 * people, organisations and places read as arcs; edge width grows with
 * the co-mention count. No script: a plain SVG with links. */
int morgue_render_network(morgue_site *s)
{
	/* the graph is the entities' mention counts and co-mentions: a
	 * function of every article's mention rows (and the registry, in the
	 * page key), which the "mentions" export signature covers */
	if (export_family_begin(s, "x:network", "mentions"))
		return 0;
	morgue_value *net = morgue_catalog_network(s->catalog, NETWORK_NODES);
	morgue_value *nodes = morgue_value_get(net, "nodes");
	morgue_value *edges = morgue_value_get(net, "edges");
	size_t n = morgue_value_count(nodes);
	static const char *order[] = { "person", "organization", "publication", "place",
				       "event", "topic" };
	morgue_value *placed = morgue_value_list();
	double cx = NETWORK_SIZE / 2.0, cy = NETWORK_SIZE / 2.0, r = NETWORK_SIZE / 2.0 - 130;
	double maxc = 1, maxa = 1;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		double a = morgue_value_get_number(morgue_value_get(morgue_value_at(nodes, i), "article_count"));
		if (a > maxa)
			maxa = a;
	}
	for (size_t t = 0; t < sizeof(order) / sizeof(*order); t++)
		for (size_t i = 0; i < n; i++) {
			const morgue_value *src = morgue_value_at(nodes, i);
			const char *type = morgue_value_get_str(src, "type");
			if (!type || strcmp(type, order[t]))
				continue;
			double ang = 2 * 3.14159265358979 * (double)k / (double)(n ? n : 1) - 3.14159265358979 / 2;
			morgue_value *p = morgue_value_push_map(placed);
			double a = morgue_value_get_number(morgue_value_get(src, "article_count"));
			long long x = (long long)(cx + r * cos(ang)), y = (long long)(cy + r * sin(ang));
			morgue_value_set_int(p, "id", (long long)morgue_value_get_number(morgue_value_get(src, "id")));
			morgue_value_set_str(p, "name", morgue_value_get_str(src, "name"));
			morgue_value_set_str(p, "type", type);
			morgue_value_set_str(p, "url", morgue_value_get_str(src, "url"));
			morgue_value_set_int(p, "article_count", (long long)a);
			morgue_value_set_int(p, "x", x);
			morgue_value_set_int(p, "y", y);
			morgue_value_set_int(p, "r", 3 + (long long)(7 * sqrt(a / maxa)));
			/* labels outside the circle, anchored away from it */
			morgue_value_set_int(p, "lx", (long long)(cx + (r + 12) * cos(ang)));
			morgue_value_set_int(p, "ly", (long long)(cy + (r + 12) * sin(ang)) + 4);
			morgue_value_set_str(p, "anchor", cos(ang) < -0.01 ? "end" : "start");
			k++;
		}
	for (size_t i = 0; i < morgue_value_count(edges); i++) {
		double c = morgue_value_get_number(morgue_value_get(morgue_value_at(edges, i), "count"));
		if (c > maxc)
			maxc = c;
	}
	morgue_value *lines = morgue_value_list();
	for (size_t i = 0; i < morgue_value_count(edges); i++) {
		const morgue_value *e = morgue_value_at(edges, i);
		long long a = (long long)morgue_value_get_number(morgue_value_get(e, "source"));
		long long b = (long long)morgue_value_get_number(morgue_value_get(e, "target"));
		const morgue_value *pa = NULL, *pb = NULL;
		for (size_t j = 0; j < morgue_value_count(placed); j++) {
			const morgue_value *p = morgue_value_at(placed, j);
			long long id = (long long)morgue_value_get_number(morgue_value_get(p, "id"));
			if (id == a)
				pa = p;
			if (id == b)
				pb = p;
		}
		if (!pa || !pb)
			continue;
		double c = morgue_value_get_number(morgue_value_get(e, "count"));
		morgue_value *l = morgue_value_push_map(lines);
		morgue_value_set(l, "x1", morgue_value_number(morgue_value_get_number(morgue_value_get(pa, "x"))));
		morgue_value_set(l, "y1", morgue_value_number(morgue_value_get_number(morgue_value_get(pa, "y"))));
		morgue_value_set(l, "x2", morgue_value_number(morgue_value_get_number(morgue_value_get(pb, "x"))));
		morgue_value_set(l, "y2", morgue_value_number(morgue_value_get_number(morgue_value_get(pb, "y"))));
		/* tenths of a pixel: 0.5 to 6 px */
		morgue_value_set_int(l, "w10", 5 + (long long)(55 * c / maxc));
		morgue_value_set_str(l, "a", morgue_value_get_str(pa, "name"));
		morgue_value_set_str(l, "b", morgue_value_get_str(pb, "name"));
		morgue_value_set_int(l, "count", (long long)c);
	}
	morgue_value *ctx = page_context(s, "entities/network.html", "Who appears with whom");
	morgue_value *svg = morgue_value_set_map(ctx, "network");
	morgue_value_set_int(svg, "size", NETWORK_SIZE);
	morgue_value_set(svg, "nodes", placed);
	morgue_value_set(svg, "edges", lines);
	morgue_value_set_int(svg, "node_count", (long long)n);
	morgue_value_free(net);
	int rc = emit(s, "network", "entities/network.html", ctx);
	family_end(s);
	return rc;
}
