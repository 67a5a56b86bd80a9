/*
 * repo.h - the archive's git repository, read through libgit2.
 *
 * A content root is a directory inside a git repository. morgue reads it
 * at a commit (HEAD by default, any revision with `rev`), never from the
 * file system, unless the repo is opened in worktree mode (drafts preview),
 * where files are read from the working directory instead. Paths given to
 * and returned by this module are relative to the content root and use '/'.
 * Symbolic links and submodules are listed (is_link) but never followed.
 *
 * Threads: one morgue_repo may be shared by several threads after
 * morgue_repo_open returns. morgue_repo_list and morgue_repo_read take an
 * internal lock around libgit2 (whose objects must not be used by two
 * threads at once), so concurrent calls are safe but serialised; a caller
 * that wants parallel reads opens one morgue_repo per thread. Open and
 * free must not race with other calls on the same morgue_repo.
 */
#ifndef MORGUE_REPO_H
#define MORGUE_REPO_H

#include <stddef.h>

#include "util/buf.h"

typedef struct morgue_repo morgue_repo;

typedef struct morgue_repo_entry {
	char *path;    /* relative to the content root, e.g. "articles/2017/x.md" */
	char oid[41];  /* hex blob id; in worktree mode the hash of the file */
	int is_link;   /* a symlink or submodule: listed so callers can warn */
} morgue_repo_entry;

/* Open the repository containing `root` and resolve `rev` (NULL = HEAD).
 * `root` is a directory path inside a repository's work tree, or
 * "REPO:PATH" for a bare repository (PATH may be empty for the whole tree;
 * a plain path to a bare repository also means the whole tree).
 * With `worktree` set, files are read from the work tree, not a commit.
 * Errors: MORGUE_EREPO (not a repository, bad revision, root not in tree),
 * MORGUE_EUSAGE (rev and worktree together). */
int morgue_repo_open(morgue_repo **out, const char *root, const char *rev,
		     int worktree);
void morgue_repo_free(morgue_repo *r);

/* List the files below `dir` (relative to the content root, "" for all)
 * whose name ends in `suffix` (NULL for all), sorted by path, recursively.
 * A missing dir yields zero entries, not an error. The caller frees the
 * array with morgue_repo_entries_free. */
int morgue_repo_list(morgue_repo_entry **out, size_t *count, morgue_repo *r,
		     const char *dir, const char *suffix);
void morgue_repo_entries_free(morgue_repo_entry *e, size_t count);

/* Read a file (relative to the content root) into out (appended).
 * MORGUE_ENOTFOUND when it does not exist (or is a directory);
 * MORGUE_EINPUT when it is a symbolic link or a submodule. */
int morgue_repo_read(morgue_buf *out, morgue_repo *r, const char *path);

/* The resolved commit id (40 hex) or NULL in worktree mode. */
const char *morgue_repo_commit(const morgue_repo *r);
/* Committer time (seconds since the epoch) of the resolved commit; in
 * worktree mode HEAD's, or 0 when HEAD has no commit yet. Used as the site's
 * "built from" date so output never depends on the build machine's clock. */
long long morgue_repo_commit_time(const morgue_repo *r);
/* Display label of what was built: "HEAD", the rev as given, or "worktree". */
const char *morgue_repo_label(const morgue_repo *r);
/* The content root's path inside the repository ("" for the whole tree);
 * used to name files in messages: "content/articles/x.md". */
const char *morgue_repo_prefix(const morgue_repo *r);

/* One file changed by one commit, as reported by
 * morgue_repo_history_since. All strings are valid only during the
 * callback. */
typedef struct morgue_repo_change {
	const char *commit;   /* 40 hex */
	long long time;       /* author time, seconds since the epoch */
	int tz;               /* author's UTC offset in minutes */
	const char *author;   /* author name */
	const char *summary;  /* first line of the message */
	char status;          /* 'A' added, 'M' modified, 'D' deleted, 'R' renamed */
	const char *path;     /* content-root path after the commit (before, for 'D') */
	const char *old_path; /* 'R': the path before; else NULL */
	const char *old_oid;  /* blob before ('M', 'D', 'R'), else NULL */
	const char *new_oid;  /* blob after ('A', 'M', 'R'), else NULL */
} morgue_repo_change;

typedef int (*morgue_repo_change_fn)(const morgue_repo_change *c, void *payload);

/* One walk over the history of the resolved commit (HEAD in worktree
 * mode), newest first along first parents, reporting every file below
 * one of `dirs` (content-root paths like "articles") that each commit
 * changed relative to its first parent; exact and similar renames are
 * detected. Merge commits count as one change against their first
 * parent. A non-zero return from fn stops the walk and is returned.
 * *shallow is set when the history is cut short (a shallow clone): the
 * commit at the cut is not reported, since its parent is unknown.
 * head (41 bytes) receives the commit the walk started from ("" when
 * there is none).
 *
 * With `since` (40 hex; a commit an earlier walk started from) the walk
 * stops there, without reporting it: *joined is set when it reached it
 * along first parents (the walked commit is since, or the last reported
 * commit's first parent is), so that the earlier walk continues this one
 * exactly. since NULL: the whole history. */
int morgue_repo_history_since(morgue_repo *r, const char *const *dirs, size_t ndirs,
			      const char *since, morgue_repo_change_fn fn, void *payload,
			      int *shallow, int *joined, char *head);

/* Read a blob by its hex id (from morgue_repo_change). */
int morgue_repo_read_blob(morgue_buf *out, morgue_repo *r, const char *oid);

/* Commit the work-tree files `paths` (relative to the content root) on
 * top of HEAD (or as the first commit), like `git commit -- PATHS`: the
 * new tree is HEAD's with just these files taken from the work tree, so
 * other staged changes stay staged and out of the commit; the index is
 * updated for these paths. Author and committer: the user's configured
 * signature, else "morgue <morgue@localhost>". oid (may be NULL) receives
 * the new commit's 40-hex id. Errors: MORGUE_EREPO (a bare repository, a
 * path that is not a file, libgit2 failures). */
int morgue_repo_commit_files(char *oid, morgue_repo *r, const char *const *paths, size_t n,
			     const char *message);

#endif
