/*
 * render.h - one function per page kind: each reads what it needs from the
 * catalog, builds a template context and writes the page.
 *
 * Every page gets the common context: root (relative prefix back to the
 * site root, e.g. "../../"), site (title, description, language,
 * base_url), page_path, and the build (commit). Site paths returned by the
 * catalog are root-relative, so templates write href="{{root}}{{url}}".
 * Pages are documented for theme authors in docs/morgue-theme.5.
 */
#ifndef MORGUE_RENDER_H
#define MORGUE_RENDER_H

#include "cache.h"
#include "catalog.h"
#include "config.h"
#include "output.h"
#include "theme.h"

typedef struct morgue_site {
	morgue_catalog *catalog;
	morgue_theme *theme;
	morgue_output *output;
	const morgue_config *config;
	const char *commit;     /* 40 hex, or NULL in worktree mode */
	const char *build_date; /* YYYY-MM-DD of the commit, never the clock */
	int history_partial;    /* a shallow clone: revisions are incomplete */
	size_t pages;           /* pages written so far */
	/* incremental builds: with a cache, every page family records its
	 * signature and files; with reuse, a family whose signature the
	 * previous build recorded is linked from the previous site instead
	 * of rendered. cache NULL: no bookkeeping (tests, `morgue check`). */
	morgue_cache *cache;
	const char *page_key;   /* what every page depends on (cache.h) */
	int reuse;
	const char *family;     /* the family being written, or NULL */
	morgue_value *entities; /* all entities, loaded once; freed by render_site */
	/* the catalog's file (morgue_catalog_new_file), or NULL: with it,
	 * article pages render in two threads */
	const char *catalog_file;
	int uncounted;          /* pages written are not counted (threads) */
	char family_sig[MORGUE_HASH_HEX];
	/* HTML pages written, for sitemap.xml (only kept with base_url);
	 * owned by the renderer, freed by morgue_render_site */
	char **paths;
	size_t npaths, cappaths;
} morgue_site;

/* Every page of the site, in a deterministic order, then the feeds
 * (feed.xml, entities/SLUG.xml, tags/SLUG.xml) and, with base_url,
 * sitemap.xml and robots.txt. Not the CSV exports: the build writes them
 * from its export thread (cache.h, morgue_cache_csv_write). */
int morgue_render_site(morgue_site *s);
int morgue_render_feeds(morgue_site *s);
/* A small page at each former URL of a moved article (meta refresh and a
 * link), so published links never break. */
int morgue_render_redirects(morgue_site *s);
/* entities/network.html: the most-mentioned entities and how often they
 * appear together, as a static SVG whose nodes link to entity pages. */
int morgue_render_network(morgue_site *s);

int morgue_render_article(morgue_site *s, long long id, long long prev,
			  long long next);
int morgue_render_entity(morgue_site *s, const char *slug);
int morgue_render_entities_index(morgue_site *s);
int morgue_render_tags(morgue_site *s);
int morgue_render_archive(morgue_site *s);
int morgue_render_home(morgue_site *s);
int morgue_render_search_page(morgue_site *s);
/* sourcing.html: attributions per publication, most quoted and cited. */
int morgue_render_sourcing(morgue_site *s);

#endif
