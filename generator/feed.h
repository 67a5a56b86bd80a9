/*
 * feed.h - machine-readable views of the site: Atom feeds (RFC 4287) and
 * sitemap.xml. Pure functions from catalog values to text; render.c decides
 * which feeds exist and writes them.
 *
 * Links inside a feed are relative to the feed's own location (Atom allows
 * IRI references), so feeds work from a copy of the site too; with base_url
 * set they are absolute. Entry and feed ids are stable across builds: the
 * absolute URL when base_url is set, otherwise a tag: URI (RFC 4151) built
 * from the site path. Dates come from the content, never the clock.
 */
#ifndef MORGUE_FEED_H
#define MORGUE_FEED_H

#include <stddef.h>

#include "util/buf.h"
#include "value.h"

typedef struct morgue_feed {
	const char *path;      /* site path of the feed ("entities/x.xml") */
	const char *page;      /* site path of the HTML page it mirrors */
	const char *title;
	const char *subtitle;  /* or NULL */
	const char *author;    /* feed-level author: the site's title */
	const char *base_url;  /* "https://example.org" or NULL */
	const char *language;  /* xml:lang, or NULL */
	/* catalog article summaries (title, url, date, excerpt, publication,
	 * authors?), newest first; the feed takes what it is given */
	const morgue_value *articles;
} morgue_feed;

/* Append a complete Atom document. Every text is XML-escaped. */
void morgue_feed_atom(morgue_buf *out, const morgue_feed *f);

/* Append sitemap.xml for the given site paths (base_url required). */
void morgue_feed_sitemap(morgue_buf *out, const char *base_url,
			 const char *const *paths, size_t n);

#endif
