/*
 * attribution.h - who said or reported what: rule-based attribution
 * extraction over the plain text of an article (no ML).
 *
 * Input is PLAIN TEXT (Markdown already stripped; paragraphs separated by a
 * blank line "\n\n"; a single "\n" ends a line such as a headline in a list,
 * so callers should turn soft line breaks inside a paragraph into spaces)
 * plus the entity mentions already found in that text (offsets into it).
 * Output is one morgue_attribution per attributed statement, in text order.
 *
 * Patterns: direct quotes with a speech verb and a speaker ("...," X said;
 * X said: "..."; "...," said X; "...," she said -> the last person named
 * earlier in the paragraph), block quotes introduced by a sentence ending in
 * a colon, indirect speech (X said (that) ...; X told Y that ...; X
 * described ... as ...), "according to X", "citing X", media credit (X first
 * reported / first broke / broke the story; "it was reported that"),
 * stance verbs with a that-clause (fears that, are horrified that, concerns
 * by X that), headline conventions ("Source: claim", "headline --
 * Publication", "headline (Publication)") and blog comment headers
 * ("X said..." followed by the comment). Cues inside quotations are ignored.
 *
 * Sources: a mention of a person, organization or publication is that
 * entity; a place used as an actor ("The U.S. fears that") counts as an
 * organization; unnamed staff of a named organization ("White House
 * officials said") speak for it. Otherwise an anonymous description ("one
 * current and one former US official", "people familiar with the matter")
 * is MORGUE_SOURCE_ANONYMOUS with its affiliation and count, and an unnamed
 * report ("according to the reports", "reports say") is
 * MORGUE_SOURCE_DOCUMENT ("those reports" resolve to the publication named
 * shortly before, "reports suggested … . In those reports (… PUB)" to the
 * one named just after). A description resolves to a person only when the
 * text makes it certain: "a German MP warned …" directly followed by
 * "According to PERSON …", or a title alone ("Russian ambassador",
 * "Russian Amb.") used earlier before exactly one person's name ("Russian
 * Ambassador Sergey Kislyak"). "He/she said" is the last person named
 * earlier in the paragraph; "they" the last non-document source of the
 * paragraph. No cue, no attribution; a cue whose source cannot be found
 * yields nothing; negated ("has not said") and passive/hedged ("is said
 * to", "was told") cues are skipped.
 *
 * Spans: a quotation's content without its marks (a quotation may run over
 * paragraphs), else the reported clause after the cue (after "that" when it
 * follows closely) up to the sentence end or a clause cut (";", ", but",
 * ", according to", ", citing" ...); a one-word clause is no span.
 *
 * Ownership: the caller owns text and mentions (only read); the returned
 * array and every string in it belong to the caller and are released with
 * morgue_attributions_free.
 */
#ifndef MORGUE_ATTRIBUTION_H
#define MORGUE_ATTRIBUTION_H

#include <stddef.h>

typedef enum morgue_source_kind {
	MORGUE_SOURCE_PERSON,
	MORGUE_SOURCE_ORGANIZATION,
	MORGUE_SOURCE_PUBLICATION,
	MORGUE_SOURCE_ANONYMOUS,
	MORGUE_SOURCE_DOCUMENT,
} morgue_source_kind;

/* An entity mention found by the linker. Input; sorted by offset (unsorted
 * or out-of-range mentions are tolerated: they are sorted or dropped). */
typedef struct morgue_attr_mention {
	const char *entity; /* slug */
	const char *type;   /* "person", "organization", "publication",
			       "place", ... (others are never sources) */
	size_t offset, length;
} morgue_attr_mention;

typedef struct morgue_attribution {
	char *source;        /* entity slug; NULL for anonymous/document */
	char *source_text;   /* the words naming the source as written */
	morgue_source_kind kind;
	char *cue;           /* "said", "according to", "first broke", ":",
				"--", "(Politico)", ... (lower case except
				copied credits) */
	char *affiliation;   /* anonymous: "US", "European intelligence"; or
				NULL */
	int count;           /* anonymous: 2 for "two officials"; 0 unknown */
	size_t offset, length;               /* quoted/reported span */
	size_t source_offset, source_length; /* where the source is named */
	int standoff;        /* 1: given in an annotation file (annotate.h) */
} morgue_attribution;

/* Find the attributions in text[0..len). *out is an allocated array of *n
 * items (NULL when none). Returns 0, or MORGUE_EUSAGE when out, n or text
 * is NULL (text may be NULL only when len is 0). */
int morgue_attribution_extract(morgue_attribution **out, size_t *n,
			       const char *text, size_t len,
			       const morgue_attr_mention *m, size_t nm);
void morgue_attributions_free(morgue_attribution *a, size_t n);

/* "person", "organization", "publication", "anonymous", "document". */
const char *morgue_source_kind_name(morgue_source_kind k);

/* What the catalog stores of a: its quote, the span [*off, *off + *len) of
 * a text of text_len bytes (cut to fit), and its origin, "standoff" (an
 * annotation file's) or "auto" (found in the text). */
void morgue_attribution_quote_span(const morgue_attribution *a, size_t text_len, size_t *off,
				   size_t *len);
const char *morgue_attribution_origin(const morgue_attribution *a);

#endif
