/*
 * propose.h - what `morgue annotate` proposes, and the files it writes.
 *
 * A proposer is fed every article of the archive (its plain text and
 * mentions from markdown.h, and its stand-off annotation file) and collects:
 *   - candidates: capitalised name sequences ("Theresa May", "NATO") that
 *     no registered name or alias covers, counted across the archive, with
 *     the articles they occur in. Sentence-initial common words ("The",
 *     "But", or any word the archive also uses in lower case), leading
 *     titles ("President"), months and days, single letters and Title Case
 *     headline blocks are left out;
 *   - unsure mentions: raw gazetteer hits that did not become mentions
 *     because the alias is claimed by several entities (AMBIGUOUS) or is a
 *     person's bare surname with no fuller name earlier (UNANCHORED), and
 *     stand-off anchors that were re-found only approximately (APPROXIMATE)
 *     or not at all, or in several places (ORPHAN).
 *   - attributions to review (morgue_proposer_add_attributions): those
 *     the extractor gave an anonymous or document source, or resolved
 *     from "he"/"she"/"they" to an earlier source, and direct quotations
 *     (“…” or "…", 8 words or more, within a paragraph) that no
 *     attribution covers (UNATTRIBUTED; one dismissed with a suppress entry
 *     in the annotation file is not proposed again). Stand-off
 *     attributions (already reviewed) and spans running over a line break
 *     are left out.
 * Results are sorted: candidates by count (descending), then folded name;
 * unsure items by article, then offset. Only articles fed with `selected`
 * set produce unsure items and qualify candidates, but every article
 * counts.
 *
 * The proposer owns copies of everything; it borrows the gazetteer.
 * morgue_propose_load does the reading (like the build: entities, then
 * articles with their annotation files) from an open repository.
 */
#ifndef MORGUE_PROPOSE_H
#define MORGUE_PROPOSE_H

#include <stddef.h>

#include "gazetteer.h"
#include "markdown.h"
#include "repo.h"
#include "util/buf.h"

typedef struct morgue_candidate {
	char *name;        /* the most frequent spelling */
	char *key;         /* folded (morgue_fold) */
	const char *type;  /* a guessed entity type name: "person", ... */
	size_t count;      /* occurrences across the archive */
	char **articles;   /* article names ("2017/x"), sorted, distinct */
	size_t narticles;
} morgue_candidate;

typedef enum morgue_unsure_kind {
	MORGUE_UNSURE_AMBIGUOUS,
	MORGUE_UNSURE_UNANCHORED,
	MORGUE_UNSURE_APPROXIMATE,
	MORGUE_UNSURE_ORPHAN,
} morgue_unsure_kind;

typedef struct morgue_unsure {
	morgue_unsure_kind kind;
	char *article;     /* "2017/x" */
	char *surface;     /* the text in the article (ORPHAN: the anchor's exact) */
	size_t offset;     /* bytes into the plain text (ORPHAN: 0) */
	size_t occurrence; /* 1-based: which occurrence of surface (ORPHAN: 0) */
	char **slugs;      /* the entities it may be */
	size_t nslugs;
	char *context;     /* the text around it, one line */
	char *found;       /* APPROXIMATE: the text found for the anchor; else NULL */
	int line;          /* APPROXIMATE/ORPHAN: line in the annotation file */
} morgue_unsure;

typedef enum morgue_review_kind {
	MORGUE_REVIEW_ANONYMOUS,    /* the extractor's source has no entity */
	MORGUE_REVIEW_DOCUMENT,     /* an unnamed report */
	MORGUE_REVIEW_PRONOUN,      /* "he/she/they said", resolved backwards */
	MORGUE_REVIEW_UNATTRIBUTED, /* a direct quotation with no source */
} morgue_review_kind;

typedef struct morgue_attr_review {
	morgue_review_kind kind;
	char *article;      /* "2017/x" */
	char *text;         /* the attributed span / quotation content, exact */
	size_t offset;      /* bytes into the plain text */
	size_t occurrence;  /* 1-based: which occurrence of text */
	char *source;       /* slug, or "anonymous"; UNATTRIBUTED: a guess
			       (the last person/organization/publication
			       named before it in the paragraph, else
			       "anonymous") */
	const char *skind;  /* source kind name ("anonymous", "document", ...);
			       UNATTRIBUTED: NULL unless anonymous */
	char *source_text;  /* the source as written (UNATTRIBUTED: NULL) */
	char *cue;          /* the extractor's cue (UNATTRIBUTED: NULL) */
	char *excerpt;      /* a short excerpt of text, one line */
} morgue_attr_review;

typedef struct morgue_proposer morgue_proposer;

int morgue_proposer_new(morgue_proposer **out, const morgue_gazetteer *g);
void morgue_proposer_free(morgue_proposer *p);

/* Feed one article: its name ("2017/x"), plain text and mentions (from
 * morgue_markdown_render) and its annotation file (yaml may be NULL).
 * An unreadable annotation file is skipped (the build reports it). */
int morgue_proposer_add(morgue_proposer *p, const char *article, const char *text,
			size_t len, const morgue_mention *m, size_t nm, const char *yaml,
			size_t ylen, int selected);

/* Feed the attributions of one article (after morgue_proposer_add): a/na
 * from morgue_markdown_render (doc->attributions), m/nm its mentions and
 * yaml its annotation file (for dismissed quotations; may be NULL). Only
 * selected articles produce items. */
int morgue_proposer_add_attributions(morgue_proposer *p, const char *article,
				     const char *text, size_t len,
				     const morgue_attribution *a, size_t na,
				     const morgue_mention *m, size_t nm, const char *yaml,
				     size_t ylen, int selected);

/* Sort and return the results (valid until the proposer is freed). */
const morgue_candidate *morgue_proposer_candidates(morgue_proposer *p, size_t *n);
const morgue_unsure *morgue_proposer_unsure(morgue_proposer *p, size_t *n);

/* Attributions to review, by article, then offset. */
const morgue_attr_review *morgue_proposer_attributions(morgue_proposer *p, size_t *n);

/* "anonymous", "document", "pronoun", "unattributed". */
const char *morgue_review_kind_name(morgue_review_kind k);

/* "ambiguous", "unanchored", "approximate", "orphan". */
const char *morgue_unsure_kind_name(morgue_unsure_kind k);

/* Report as readable text or as JSON ({"candidates":[...],"unsure":[...],
 * "attributions":[...]}),
 * appended to out. Each item carries the --accept argument that takes it. */
void morgue_proposer_text(morgue_buf *out, morgue_proposer *p);
void morgue_proposer_json(morgue_buf *out, morgue_proposer *p);

/* Read the archive below an open repository and feed every article.
 * selected/nselected: article names ("2017/x", "articles/2017/x.md" also
 * work) whose unsure mentions are wanted; none = all. *g receives the
 * gazetteer (the caller frees it after the proposer). Content errors are
 * warnings (the article is skipped); an unknown selected article is
 * MORGUE_ENOTFOUND. */
int morgue_propose_load(morgue_proposer **out, morgue_gazetteer **g, morgue_repo *repo,
			const char *const *selected, size_t nselected);

/* "articles/2017/x.md", "2017/x.md", "2017/x" -> "2017/x" (appended). */
void morgue_propose_article_name(morgue_buf *out, const char *arg);

/* The plain text of article `name` ("2017/x") as the build sees it. */
int morgue_propose_article_text(morgue_buf *text, morgue_repo *repo, const char *name);

/* The sources of the attributions of article `name` (as the build finds
 * them, annotation file applied; g may be NULL) that overlap the span
 * [s, e) of its plain text: distinct slugs, "anonymous" for one without an
 * entity, each followed by '\n', appended to sources. */
int morgue_propose_article_sources(morgue_buf *sources, morgue_repo *repo,
				   const morgue_gazetteer *g, const char *name, size_t s,
				   size_t e);

/* Byte offset of the n-th (1-based) occurrence of exact in text, or -1. */
long morgue_propose_nth(const char *text, size_t len, const char *exact, size_t n);

/* Prefix and suffix (appended) for the span [start, end) of text such that
 * morgue_anchor_find places exact = text[start, end) there and nowhere
 * else: some words of context, more when needed. MORGUE_EINPUT when no
 * context makes it unique. */
int morgue_propose_anchor(morgue_buf *prefix, morgue_buf *suffix, const char *text,
			  size_t len, size_t start, size_t end);

/* Append one entry to the `mentions` list of annotation file `yaml`
 * (may be empty), writing the new file to out; comments and other entries
 * are kept as written. 1 when added, 0 when the same entry was there,
 * MORGUE_EINPUT when the file cannot be extended (not a mapping, or a
 * flow-style list: edit it by hand). */
int morgue_propose_annotation_add(morgue_buf *out, const char *yaml, size_t ylen,
				  const char *file, const char *entity, const char *exact,
				  const char *prefix, const char *suffix, int suppress);

/* The same for the `attributions` list: an entry with source (a slug or
 * "anonymous"), kind (may be NULL: the default), exact, prefix, suffix and
 * suppress. */
int morgue_propose_attribution_add(morgue_buf *out, const char *yaml, size_t ylen,
				   const char *file, const char *source, const char *kind,
				   const char *exact, const char *prefix, const char *suffix,
				   int suppress);

#endif
