/*
 * build.h - the whole pipeline, in order:
 *   repository -> front matter -> markdown + annotate -> catalog ->
 *   render -> search index -> export -> atomic swap of the output.
 *
 * Content errors (bad front matter, unknown slugs...) are all collected
 * before giving up: each is passed to opts->on_error, and the build then
 * returns MORGUE_EINPUT without touching the previous site. Warnings go
 * through morgue_warn (error.h).
 */
#ifndef MORGUE_BUILD_H
#define MORGUE_BUILD_H

#include <stddef.h>

#include "util/buf.h"
#include "util/error.h"

typedef struct morgue_build_opts {
	const char *root;      /* content root (see repo.h) */
	const char *out;       /* output directory */
	const char *rev;       /* NULL = HEAD */
	int worktree;          /* read uncommitted files */
	const char *theme_dir; /* --theme DIR or NULL */
	int clean;             /* rebuild even when the site is current */
	int check_only;        /* read and annotate everything, write nothing
				  (`morgue check`); out may be NULL */
	int uncounted;         /* stats.mentions is not wanted (no summary):
				  the mentions are not counted (a scan of
				  them) */
	/* Called once per content error; the build fails after collecting. */
	void (*on_error)(const morgue_error *e, void *payload);
	/* Called at phase changes and every few items; may be NULL. */
	void (*on_progress)(const char *phase, size_t done, size_t total, void *payload);
	/* Called once, before the articles load (and before the build's
	 * threads start), with the number of article files and whether the
	 * build starts from the previous build's cache (an edit's build: its
	 * memory is a fraction of a clean build's); may be NULL. */
	void (*on_plan)(size_t articles, int incremental, void *payload);
	void *payload;
} morgue_build_opts;

typedef struct morgue_build_stats {
	size_t articles, entities, mentions;
	size_t pages, files, bytes;
	size_t errors, warnings;
	size_t cached;         /* articles copied from the build cache, not parsed */
	size_t reused;         /* files linked unchanged from the previous site */
	int up_to_date;        /* nothing to do: the site was built from this */
	char commit[41];
} morgue_build_stats;

int morgue_build_run(morgue_build_stats *stats, const morgue_build_opts *opts);

/* A short string that changes whenever a build with these options would
 * read different input: the commit id, or in worktree mode a digest of
 * every file's path and content hash. For `morgue serve`. */
int morgue_build_fingerprint(morgue_buf *out, const morgue_build_opts *opts);

#endif
