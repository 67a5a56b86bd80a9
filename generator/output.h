/*
 * output.h - where the site is written: a staging directory next to the
 * output directory, swapped into place only when the build is complete.
 *
 * morgue_output_begin takes an exclusive lock (<dir>.lock, flock) so two
 * builds cannot interleave, clears staging directories left behind by
 * killed builds, and refuses to replace a non-empty directory that morgue
 * did not create (it carries a ".morgue-site" marker), so a mistyped -o
 * can never wipe a user's files. morgue_output_commit swaps the staging
 * directory in with one rename (renameat2 RENAME_EXCHANGE when the old site
 * exists): at every instant either the old or the new site is complete;
 * the old one is then kept as <dir>.old for the next build to start from.
 * Dropping the handle without commit removes the staging directory and
 * leaves the previous site untouched.
 */
#ifndef MORGUE_OUTPUT_H
#define MORGUE_OUTPUT_H

#include <stddef.h>

#include "util/buf.h"

typedef struct morgue_output morgue_output;

/* Errors: MORGUE_ELOCKED (another build holds the lock), MORGUE_EIO. */
int morgue_output_begin(morgue_output **out, const char *dir);

/* Write a file at a site path ("articles/2017/x.html"); parent
 * directories are created. Thread-safe. */
int morgue_output_write(morgue_output *o, const char *site_path,
			const char *data, size_t len);

/* A file written in pieces (an export too big to assemble in memory),
 * for one thread at a time: open creates (or replaces) it at site_path,
 * as morgue_output_write does (parent directories created, never through
 * a linked inode: the unchanged-file rule below applies to it alike);
 * append adds bytes at its end; restart empties it again (a writer that
 * must start over); close counts it as written and frees the handle,
 * whatever it returns. append, restart and close: 0 or MORGUE_EIO (the
 * file is then incomplete: fail the build). */
typedef struct morgue_output_file morgue_output_file;
int morgue_output_open(morgue_output *o, const char *site_path, morgue_output_file **out);
int morgue_output_append(morgue_output_file *f, const char *data, size_t len);
int morgue_output_restart(morgue_output_file *f);
/* Bytes in the file so far. */
size_t morgue_output_file_size(const morgue_output_file *f);
int morgue_output_close(morgue_output_file *f);

/* Incremental builds. After keep_unchanged, a file written with the
 * same bytes as the previous site's file at its path is replaced at
 * commit by a hard link to that file (it keeps its mtime), and writes
 * never go through a linked inode. morgue_output_link puts the previous
 * site's file at site_path into the new site as it is (a hard link):
 * MORGUE_ENOTFOUND when the previous site has no such file.
 *
 * A commit keeps the site it replaced as <dir>.old (hard links to the
 * new site's unchanged files: it takes the space of the changed ones).
 * A commit that keeps not the site it replaced (the build wrote most of
 * its files) keeps a spare <dir>.old instead: links to all of the new
 * site's files, made at prepare.
 * keep_unchanged starts the staging tree from it, so a build that
 * changes a few pages links, writes and removes only those: at prepare,
 * a file of that tree the build did not write, link or claim is
 * removed. Modules that write files themselves must claim them. */
void morgue_output_keep_unchanged(morgue_output *o);
/* Make a staging tree begun from <dir>.old (keep_unchanged) hold a link
 * to every file of the live site, except claimed paths: a directory walk
 * that relinks only what changed since <dir>.old was live (readdir gives
 * the inodes). Call it only when the live site is intact (its marker's
 * counts hold) and before anything is written. After it, linking a page
 * of known size costs no syscall. 0 (also when there is no such tree), or
 * MORGUE_EIO: then pages are checked one by one as without it. */
int morgue_output_mirror(morgue_output *o);
/* size: the file's bytes when the caller knows them (the build cache
 * records them), else -1. Known, the file is linked without a stat of
 * the previous site's (a stat per page was a tenth of an edit at 10k);
 * a file that is not there to link is then looked at as before. */
int morgue_output_link(morgue_output *o, const char *site_path, long long size);
/* The size of the regular file at site_path in staging, or -1. */
long long morgue_output_staged_size(morgue_output *o, const char *site_path);

/* The staging directory (for modules that write files themselves). */
const char *morgue_output_staging(const morgue_output *o);

/* A file or directory a module writes itself below the staging directory
 * (SQLite's archive): whatever an old site left at site_path is removed
 * now, and what is there at prepare is counted however it got there.
 * 0 or MORGUE_EIO. */
int morgue_output_claim(morgue_output *o, const char *site_path);

/* Number of files and bytes written so far; after a commit with a
 * stamp, those of the whole site (search index and exports included). */
size_t morgue_output_files(const morgue_output *o);
size_t morgue_output_bytes(const morgue_output *o);

/* Record what the site was built from (a one-line stamp, see build.c);
 * written into the site's marker file at commit, with the number of
 * files and bytes, so a later build can tell the site is current. */
void morgue_output_set_stamp(morgue_output *o, const char *stamp);

/* 1 when dir holds a complete site built with this stamp: the marker
 * names it and the files and bytes on disk still match the counts
 * recorded at commit (a deleted or truncated page makes it stale). */
int morgue_output_is_current(const char *dir, const char *stamp);
/* The same, also appending the marker's bytes to *marker when it could be
 * read: a check made before morgue_output_begin takes the lock (from a
 * second thread, while the build starts) still holds after it when
 * morgue_output_marker_is finds the same marker (a site is swapped in
 * with its marker; two sites with one marker are the same bytes). */
int morgue_output_check(morgue_buf *marker, const char *dir, const char *stamp);
int morgue_output_marker_is(const char *dir, const morgue_buf *marker);
/* dir's marker appended to out: 0, or MORGUE_ENOTFOUND / MORGUE_EIO. */
int morgue_output_read_marker(morgue_buf *out, const char *dir);

/* What commit does before the swap: link each staged file whose bytes
 * equal the previous site's to it (keep_unchanged), count the files and
 * bytes, write the marker. Nothing may be written after it. commit calls
 * it unless it was called (e.g. while another thread finishes the
 * cache). */
int morgue_output_prepare(morgue_output *o);
/* Swap the staging directory into place. After success or failure the
 * handle must still be freed. */
int morgue_output_commit(morgue_output *o);

/* Remove the staging directory unless committed; release the lock. */
void morgue_output_free(morgue_output *o);

#endif
