/*
 * article.h - the two records of an archive: articles and entities, parsed
 * from Markdown files with YAML front matter (see frontmatter.h) and
 * validated. Bodies are kept verbatim; rendering happens elsewhere.
 */
#ifndef MORGUE_ARTICLE_H
#define MORGUE_ARTICLE_H

#include <stddef.h>

typedef enum morgue_entity_type {
	MORGUE_ENTITY_PERSON,
	MORGUE_ENTITY_ORGANIZATION,
	MORGUE_ENTITY_PLACE,
	MORGUE_ENTITY_PUBLICATION,
	MORGUE_ENTITY_EVENT,
	MORGUE_ENTITY_TOPIC,
} morgue_entity_type;

/* "person", "organization", ...; and back (-1 if unknown). */
const char *morgue_entity_type_name(morgue_entity_type t);
int morgue_entity_type_parse(const char *s);

/* More tags than this in one article is a content error (each tag page
 * lists its articles with all their tags). */
#define MORGUE_ARTICLE_MAX_TAGS 100
/* An article or entity file larger than this (16 MiB) is a content error:
 * a real article is well under 1 MB, and 50 MB takes minutes and ~1 GB. */
#define MORGUE_ARTICLE_MAX_BYTES (16 * 1024 * 1024)

typedef struct morgue_article {
	char *file;        /* path for messages: "content/articles/2017/x.md" */
	char *id;          /* path under articles/ without ".md", slug override
			      applied to the last segment: "2017/x" */
	char *title;
	char *date;        /* normalised "YYYY-MM-DD" */
	char *datetime;    /* ISO 8601 as written when it had a time, else NULL */
	char *publication; /* as written: an entity slug or a plain name; NULL */
	char **authors;    /* `author` or `authors`, in order */
	size_t nauthors;
	char *url;         /* original address or NULL (only safe schemes) */
	char **tags;       /* as written, de-duplicated, in order */
	size_t ntags;
	char *body;        /* Markdown, verbatim */
	size_t body_len;
	int body_line;     /* 1-based line of the body's first line in the file */
	char oid[41];      /* git blob id */
} morgue_article;

typedef struct morgue_entity {
	char *file;
	char *slug;        /* file name without .md */
	char *name;
	morgue_entity_type type;
	char **aliases;
	size_t naliases;
	char *description; /* one line or NULL */
	char *url;         /* NULL unless a safe URL */
	char *wikidata;    /* "Q123" or NULL */
	char *body;        /* Markdown description, verbatim */
	size_t body_len;
	int body_line;
	char oid[41];
} morgue_entity;

/* Parse an article file. `file` is the name used in messages, `rel` the
 * path below the content root's articles/ directory ("2017/x.md").
 * Errors: MORGUE_EINPUT with file:line ("date: expected YYYY-MM-DD"). */
int morgue_article_parse(morgue_article **out, const char *file,
			 const char *rel, const char *data, size_t len);
void morgue_article_free(morgue_article *a);

/* Parse an entity file; the slug is the file name of `rel` without .md. */
int morgue_entity_parse(morgue_entity **out, const char *file,
			const char *rel, const char *data, size_t len);
void morgue_entity_free(morgue_entity *e);

#endif
