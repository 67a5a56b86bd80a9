/*
 * markdown.h - Markdown to HTML with cmark, plus the plain text of the
 * document and its entity mentions.
 *
 * The body is parsed by cmark; the tree is then walked once (cmark_iter) to
 * build the plain text (doc->text: inline text of every block, blocks
 * separated by a blank line, soft breaks kept as newlines) and to find the
 * mentions: inline manual mentions ([text](@slug)), automatic mentions from
 * the gazetteer (annotate.h) in paragraphs, headings, list items and block
 * quotes but never in code or inside a link, and the stand-off annotations
 * of the article (annotations/<path>.yaml). Each mention is then wrapped in
 * the tree as
 *   <a class="mention" data-entity="SLUG" href="ROOTentities/SLUG.html">
 * (a cmark custom inline), splitting emphasis where a name crosses it.
 * Attributions (attribution.h) are then found in the plain text, using the
 * mentions and their entity types, corrected by the `attributions` list
 * of the annotation file, and each attributed span is wrapped as
 *   <span class="attributed" data-source="SLUG|anonymous"
 *         data-kind="KIND" id="src-N">
 * (N = 1 + its index in doc->attributions; only the first piece has the
 * id), split into several such elements where the span crosses a block or
 * the edge of an inline element; never inside code or an image's alt text.
 * An attribution with nothing that can be marked is dropped.
 * Raw HTML is shown escaped unless unsafe_html; link and image URLs that
 * morgue_url_is_safe rejects are emptied.
 *
 * The caller owns the morgue_doc (morgue_doc_free). Thread-safe as long as
 * each thread renders its own documents (the gazetteer is read-only).
 */
#ifndef MORGUE_MARKDOWN_H
#define MORGUE_MARKDOWN_H

#include <stddef.h>

#include "attribution.h"
#include "gazetteer.h"

typedef enum morgue_mention_source {
	MORGUE_MENTION_AUTO,
	MORGUE_MENTION_INLINE,
	MORGUE_MENTION_STANDOFF,
} morgue_mention_source;

/* The name the catalog stores: "auto", "inline" or "standoff". */
const char *morgue_mention_source_name(morgue_mention_source s);

/* offset/length: bytes into doc->text. */
struct morgue_mention {
	char *entity;
	char *surface;
	size_t offset;
	size_t length;
	morgue_mention_source source;
};
typedef struct morgue_mention morgue_mention;

typedef struct morgue_markdown_opts {
	const morgue_gazetteer *gazetteer; /* NULL: no automatic mentions */
	const char *root;                  /* page to site root: "../../" */
	int unsafe_html;                   /* pass raw HTML through */
	/* validates inline and stand-off slugs; NULL: ask the gazetteer (if
	 * any), else every slug is accepted */
	int (*entity_exists)(const char *slug, void *payload);
	void *payload;
	const char *file; /* for messages: the body starts at first_line */
	int first_line;
	/* the article's stand-off annotation file (YAML) or NULL */
	const char *annotations;
	size_t annotations_len;
	const char *annotations_file;
	/* the type (morgue_entity_type) of an entity, or -1; NULL: ask the
	 * gazetteer (if any), else unknown */
	int (*entity_type)(const char *slug, void *payload);
	int no_attributions; /* do not look for attributions */
} morgue_markdown_opts;

typedef struct morgue_doc {
	char *html;
	char *text;
	size_t text_len;
	morgue_mention *mentions; /* in text order */
	size_t nmentions;
	morgue_attribution *attributions; /* in text order; offsets into text */
	size_t nattributions;
} morgue_doc;

/* Render md[0, len). Errors: MORGUE_EINPUT with file:line for an unknown
 * entity slug in an inline mention or an annotation file, or a malformed
 * annotation file. Anchors that cannot be placed are warnings
 * (morgue_warn), the rest of the document is rendered. */
int morgue_markdown_render(morgue_doc **out, const char *md, size_t len,
			   const morgue_markdown_opts *o);
void morgue_doc_free(morgue_doc *d);

#endif
