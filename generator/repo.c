#include "repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct morgue_repo {
	git_repository *git;
	git_tree *tree;  /* the content root at the commit; NULL in worktree mode */
	char *dir;       /* worktree mode: the content root on disk */
	char *prefix;    /* content root inside the repository, "" for all */
	char *label;
	char commit[41]; /* "" in worktree mode */
	long long time;
	int worktree;
	/* libgit2 objects must be used by one thread at a time */
	pthread_mutex_t lock;
};

/* Record a libgit2 failure as MORGUE_EREPO: "<what>: <libgit2's words>". */
static int git_fail(const char *what)
{
	const git_error *e = git_error_last();
	return morgue_error_set(MORGUE_EREPO, NULL, 0, "%s: %s", what,
				e && e->message ? e->message : "libgit2 error");
}

/* A path relative to the content root that cannot leave it: not absolute,
 * no empty, "." or ".." segments. Names git allows otherwise pass. */
static int relpath_ok(const char *p)
{
	const char *seg = p;

	if (!*p || *p == '/')
		return 0;
	for (;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		size_t n = (size_t)(p - seg);
		if (n == 0 || (n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
		if (!*p)
			return 1;
		seg = p + 1;
	}
}

/* Copy of `p` without leading and trailing slashes. */
static char *trim_slashes(const char *p, size_t n)
{
	while (n && *p == '/')
		p++, n--;
	while (n && p[n - 1] == '/')
		n--;
	return morgue_strndup(p, n);
}

/* Name of a file for messages: "<prefix>/<path>". */
static void display_name(morgue_buf *out, const morgue_repo *r, const char *path)
{
	if (*r->prefix)
		morgue_buf_printf(out, "%s/", r->prefix);
	morgue_buf_puts(out, path);
}

/* The content root's path relative to the work tree of r->git. */
static int compute_prefix(morgue_repo *r, const char *root)
{
	char *real_root = realpath(root, NULL);
	char *real_wd = realpath(git_repository_workdir(r->git), NULL);
	int rc = 0;

	if (!real_root || !real_wd) {
		rc = morgue_error_set(MORGUE_EREPO, NULL, 0, "%s: %s", root,
				      strerror(errno));
		goto done;
	}
	size_t n = strcmp(real_wd, "/") ? strlen(real_wd) : 0;
	const char *rest = real_root + n;
	if (strncmp(real_root, real_wd, n) || (*rest && *rest != '/') ||
	    !strcmp(rest, "/.git") || !strncmp(rest, "/.git/", 6)) {
		rc = morgue_error_set(MORGUE_EREPO, NULL, 0,
				      "%s: not inside the repository's work tree",
				      root);
		goto done;
	}
	r->prefix = trim_slashes(rest, strlen(rest));
done:
	free(real_root);
	free(real_wd);
	return rc;
}

/* Find the repository: "REPO:PATH" (when root is not itself a directory)
 * or the repository containing the directory root. Sets r->git and
 * r->prefix. */
static int find_repo(morgue_repo *r, const char *root)
{
	const char *colon = strrchr(root, ':');
	int rc = 0;

	if (colon && !morgue_fs_is_dir(root)) {
		char *repo = morgue_strndup(root, (size_t)(colon - root));
		r->prefix = trim_slashes(colon + 1, strlen(colon + 1));
		if (*r->prefix && !relpath_ok(r->prefix))
			rc = morgue_error_set(MORGUE_EREPO, NULL, 0,
					      "%s: '%s' is not a path inside the repository",
					      root, r->prefix);
		else if (git_repository_open_ext(&r->git, repo,
						 GIT_REPOSITORY_OPEN_NO_SEARCH,
						 NULL) < 0)
			rc = morgue_error_set(MORGUE_EREPO, NULL, 0,
					      "%s: not a git repository", repo);
		free(repo);
		return rc;
	}
	if (!morgue_fs_is_dir(root))
		return morgue_error_set(MORGUE_EREPO, NULL, 0,
					"%s: no such directory", root);
	if (git_repository_open_ext(&r->git, root, 0, NULL) < 0)
		return morgue_error_set(MORGUE_EREPO, NULL, 0,
					"%s: not inside a git repository", root);
	if (git_repository_is_bare(r->git)) {
		r->prefix = morgue_strdup("");
		return 0;
	}
	return compute_prefix(r, root);
}

/* Resolve rev (NULL = HEAD) to a commit and the content root's tree. */
static int resolve(morgue_repo *r, const char *root, const char *rev)
{
	git_object *obj = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	int rc = 0;

	if (git_revparse_single(&obj, r->git, rev ? rev : "HEAD") < 0) {
		if (rev)
			rc = morgue_error_set(MORGUE_EREPO, NULL, 0,
					      "--rev %s: revision not found", rev);
		else if (git_repository_head_unborn(r->git) == 1)
			rc = morgue_error_set(MORGUE_EREPO, NULL, 0,
					      "%s: the repository has no commits yet",
					      root);
		else
			rc = git_fail(root);
		goto done;
	}
	if (git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
		rc = morgue_error_set(MORGUE_EREPO, NULL, 0,
				      "--rev %s: not a commit", rev ? rev : "HEAD");
		goto done;
	}
	git_oid_tostr(r->commit, sizeof(r->commit), git_commit_id(commit));
	r->time = (long long)git_commit_time(commit);
	r->label = morgue_strdup(rev ? rev : "HEAD");
	if (git_commit_tree(&tree, commit) < 0) {
		rc = git_fail(root);
		goto done;
	}
	if (!*r->prefix) {
		r->tree = tree;
		tree = NULL;
		goto done;
	}
	if (git_tree_entry_bypath(&entry, tree, r->prefix) < 0 ||
	    git_tree_entry_type(entry) != GIT_OBJECT_TREE) {
		rc = morgue_error_set(MORGUE_EREPO, NULL, 0,
				      "%s: not in commit %.7s (is it committed?)",
				      root, r->commit);
		goto done;
	}
	if (git_tree_lookup(&r->tree, r->git, git_tree_entry_id(entry)) < 0)
		rc = git_fail(root);
done:
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	git_object_free(obj);
	return rc;
}

/* Worktree mode: the content root on disk, and HEAD's time (0 when HEAD
 * is unborn) so "built from" stays independent of the clock. */
static int open_worktree(morgue_repo *r, const char *root)
{
	morgue_buf dir = MORGUE_BUF_INIT;
	git_object *head = NULL;

	if (git_repository_is_bare(r->git))
		return morgue_error_set(MORGUE_EREPO, NULL, 0,
					"%s: a bare repository has no work tree to preview",
					root);
	morgue_buf_puts(&dir, git_repository_workdir(r->git));
	morgue_buf_puts(&dir, r->prefix);
	r->dir = morgue_buf_detach(&dir);
	if (!morgue_fs_is_dir(r->dir))
		return morgue_error_set(MORGUE_EREPO, NULL, 0,
					"%s: no such directory in the work tree",
					root);
	if (git_revparse_single(&head, r->git, "HEAD^{commit}") == 0)
		r->time = (long long)git_commit_time((git_commit *)head);
	git_object_free(head);
	r->label = morgue_strdup("worktree");
	return 0;
}

int morgue_repo_open(morgue_repo **out, const char *root, const char *rev,
		     int worktree)
{
	morgue_repo *r = morgue_calloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	git_libgit2_init();
	/* libgit2 re-hashes every object it reads (SHA-1 of blob, tree and
	 * commit: a twentieth of a clean build); git itself does not, and
	 * zlib still rejects a damaged object */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	/* libgit2 keeps no tree over 4 KB in its object cache: a directory
	 * of a few hundred articles was inflated again by every commit's diff
	 * of the history walk (most commits leave it unchanged) */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, (int)GIT_OBJECT_TREE, (size_t)(4 << 20));
	/* and the whole cache at 64 MB, not 256: a long history of a big
	 * archive has many versions of each directory */
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)(64 << 20));
	/* recursive: the history walk's callback may read blobs */
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&r->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	r->worktree = worktree;
	if (worktree && rev) {
		rc = morgue_error_set(MORGUE_EUSAGE, NULL, 0,
				      "--rev and --worktree cannot be used together");
		goto done;
	}
	if ((rc = find_repo(r, root)) < 0)
		goto done;
	rc = worktree ? open_worktree(r, root) : resolve(r, root, rev);
	if (rc < 0)
		goto done;
	*out = r;
	r = NULL;
done:
	morgue_repo_free(r);
	return rc;
}

void morgue_repo_free(morgue_repo *r)
{
	if (!r)
		return;
	git_tree_free(r->tree);
	git_repository_free(r->git);
	free(r->dir);
	free(r->prefix);
	free(r->label);
	pthread_mutex_destroy(&r->lock);
	free(r);
	git_libgit2_shutdown();
}

const char *morgue_repo_commit(const morgue_repo *r)
{
	return r->worktree ? NULL : r->commit;
}

long long morgue_repo_commit_time(const morgue_repo *r) { return r->time; }
const char *morgue_repo_label(const morgue_repo *r) { return r->label; }
const char *morgue_repo_prefix(const morgue_repo *r) { return r->prefix; }

void morgue_repo_entries_free(morgue_repo_entry *e, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(e[i].path);
	free(e);
}

typedef struct listing {
	morgue_repo_entry *v;
	size_t n, cap;
	const char *dir;    /* below the content root, "" for all */
	const char *suffix; /* NULL for all */
	morgue_repo *r;
} listing;

static int wanted(const listing *l, const char *name)
{
	size_t n = strlen(name), s;

	if (!l->suffix)
		return 1;
	s = strlen(l->suffix);
	return n >= s && !strcmp(name + n - s, l->suffix);
}

/* Append an entry whose path is dir/parent/name (parent may be "" or end
 * in '/'). */
static void add(listing *l, const char *parent, const char *name,
		const char *oid, int is_link)
{
	morgue_buf p = MORGUE_BUF_INIT;

	if (*l->dir)
		morgue_buf_printf(&p, "%s/", l->dir);
	morgue_buf_puts(&p, parent);
	morgue_buf_puts(&p, name);
	MORGUE_ARRAY_RESERVE(l->v, l->cap, l->n + 1);
	l->v[l->n].path = morgue_buf_detach(&p);
	memcpy(l->v[l->n].oid, oid, 41);
	l->v[l->n].is_link = is_link;
	l->n++;
}

static int tree_cb(const char *parent, const git_tree_entry *e, void *payload)
{
	listing *l = payload;
	git_filemode_t mode = git_tree_entry_filemode(e);
	char oid[41];

	if (mode == GIT_FILEMODE_TREE || !wanted(l, git_tree_entry_name(e)))
		return 0;
	git_oid_tostr(oid, sizeof(oid), git_tree_entry_id(e));
	add(l, parent, git_tree_entry_name(e), oid,
	    mode == GIT_FILEMODE_LINK || mode == GIT_FILEMODE_COMMIT);
	return 0;
}

static int list_commit(listing *l)
{
	morgue_repo *r = l->r;
	git_tree_entry *entry = NULL;
	git_tree *sub = NULL;
	git_tree *tree = r->tree;
	int rc = 0;

	if (*l->dir) {
		if (git_tree_entry_bypath(&entry, r->tree, l->dir) < 0 ||
		    git_tree_entry_type(entry) != GIT_OBJECT_TREE)
			goto done; /* missing: no entries */
		if (git_tree_lookup(&sub, r->git, git_tree_entry_id(entry)) < 0) {
			rc = git_fail(l->dir);
			goto done;
		}
		tree = sub;
	}
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, tree_cb, l) < 0)
		rc = git_fail(l->dir);
done:
	git_tree_free(sub);
	git_tree_entry_free(entry);
	return rc;
}

/* Open `path` below the content root on disk without following any
 * symbolic link on the way: each component is opened with O_NOFOLLOW.
 * Returns a descriptor or -1 with errno set (ELOOP for a symlink). */
static int open_below(const morgue_repo *r, const char *path, int flags)
{
	int fd = open(r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const char *seg = path;

	while (fd >= 0 && *seg) {
		const char *slash = strchr(seg, '/');
		char *name = morgue_strndup(seg, slash ? (size_t)(slash - seg)
						       : strlen(seg));
		int nfd = openat(fd, name,
				 (slash ? O_RDONLY | O_DIRECTORY : flags) |
					 O_NOFOLLOW | O_CLOEXEC);
		int err = errno;
		struct stat st;
		/* O_DIRECTORY|O_NOFOLLOW on a link says ENOTDIR: be precise */
		if (nfd < 0 && err == ENOTDIR &&
		    fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode))
			err = ELOOP;
		free(name);
		close(fd);
		fd = nfd;
		errno = err;
		seg = slash ? slash + 1 : seg + strlen(seg);
	}
	return fd;
}

static int read_fd(morgue_buf *out, int fd)
{
	char chunk[65536];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		morgue_buf_put(out, chunk, (size_t)n);
	return n < 0 ? -1 : 0;
}

/* The git blob id of a file's bytes (what `git hash-object` prints). */
static void blob_id(char *hex, const char *data, size_t len)
{
	git_oid oid;
	git_odb_hash(&oid, data, len, GIT_OBJECT_BLOB);
	git_oid_tostr(hex, 41, &oid);
}

/* Hash one directory entry in worktree mode; 1 when it was added, 0 when
 * skipped (not a file, link or nested repository), <0 on error. */
static int wt_entry(listing *l, int dfd, const char *parent, const char *name)
{
	morgue_buf data = MORGUE_BUF_INIT;
	struct stat st;
	char oid[41];
	int rc = 0;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0; /* vanished while listing */
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(dfd, name, target, sizeof(target));
		if (n < 0)
			return 0;
		blob_id(oid, target, (size_t)n);
		add(l, parent, name, oid, 1);
		return 1;
	}
	if (!S_ISREG(st.st_mode))
		return 0;
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || read_fd(&data, fd) < 0) {
		morgue_buf pn = MORGUE_BUF_INIT;
		morgue_buf_printf(&pn, "%s/%s%s%s", l->r->dir, l->dir, parent, name);
		rc = morgue_error_set(MORGUE_EIO, morgue_buf_cstr(&pn), 0,
				      "cannot read: %s", strerror(errno));
		morgue_buf_free(&pn);
	} else {
		blob_id(oid, data.ptr ? data.ptr : "", data.size);
		add(l, parent, name, oid, 0);
	}
	if (fd >= 0)
		close(fd);
	morgue_buf_free(&data);
	return rc;
}

/* Walk directory `dfd` (whose path below l->dir is `parent`, "" or ending
 * in '/'). Takes ownership of dfd. Nested repositories (a directory with a
 * .git) are listed like submodules: is_link, all-zero id. */
static int wt_walk(listing *l, int dfd, const char *parent)
{
	static const char zero[41] = "0000000000000000000000000000000000000000";
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		close(dfd);
		return morgue_error_set(MORGUE_EIO, l->r->dir, 0,
					"cannot list: %s", strerror(errno));
	}
	while (rc >= 0 && (de = readdir(d))) {
		const char *name = de->d_name;
		struct stat st;
		if (!strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, ".git"))
			continue;
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (!S_ISDIR(st.st_mode)) {
			if (wanted(l, name))
				rc = wt_entry(l, dirfd(d), parent, name);
			continue;
		}
		int sub = openat(dirfd(d), name,
				 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue;
		if (faccessat(sub, ".git", F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
			close(sub);
			if (wanted(l, name))
				add(l, parent, name, zero, 1);
			continue;
		}
		morgue_buf p = MORGUE_BUF_INIT;
		morgue_buf_printf(&p, "%s%s/", parent, name);
		rc = wt_walk(l, sub, morgue_buf_cstr(&p));
		morgue_buf_free(&p);
	}
	closedir(d);
	return rc < 0 ? rc : 0;
}

static int list_worktree(listing *l)
{
	int fd = open_below(l->r, l->dir, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == ELOOP
			       ? 0 /* missing (or a link): no entries */
			       : morgue_error_set(MORGUE_EIO, l->r->dir, 0,
						  "cannot list %s: %s", l->dir,
						  strerror(errno));
	return wt_walk(l, fd, "");
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const morgue_repo_entry *)a)->path,
		      ((const morgue_repo_entry *)b)->path);
}

int morgue_repo_list(morgue_repo_entry **out, size_t *count, morgue_repo *r,
		     const char *dir, const char *suffix)
{
	listing l = { NULL, 0, 0, NULL, suffix, r };
	char *d = trim_slashes(dir ? dir : "", dir ? strlen(dir) : 0);
	int rc;

	*out = NULL;
	*count = 0;
	l.dir = d;
	if (*d && !relpath_ok(d)) {
		rc = morgue_error_set(MORGUE_EUSAGE, NULL, 0,
				      "%s: not a path inside the content root", d);
		goto done;
	}
	if (r->worktree)
		rc = list_worktree(&l);
	else {
		pthread_mutex_lock(&r->lock);
		rc = list_commit(&l);
		pthread_mutex_unlock(&r->lock);
	}
	if (rc < 0)
		goto done;
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), by_path);
	*out = l.v;
	*count = l.n;
	l.v = NULL;
	l.n = 0;
done:
	morgue_repo_entries_free(l.v, l.n);
	free(d);
	return rc;
}

static int read_commit(morgue_buf *out, morgue_repo *r, const char *path,
		       const char *name)
{
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	int rc = 0;

	if (git_tree_entry_bypath(&e, r->tree, path) < 0) {
		rc = morgue_error_set(MORGUE_ENOTFOUND, name, 0,
				      "not found in commit %.7s", r->commit);
		goto done;
	}
	switch (git_tree_entry_filemode(e)) {
	case GIT_FILEMODE_TREE:
		rc = morgue_error_set(MORGUE_ENOTFOUND, name, 0,
				      "is a directory, not a file");
		goto done;
	case GIT_FILEMODE_LINK:
		rc = morgue_error_set(MORGUE_EINPUT, name, 0,
				      "is a symbolic link (links are not followed)");
		goto done;
	case GIT_FILEMODE_COMMIT:
		rc = morgue_error_set(MORGUE_EINPUT, name, 0,
				      "is a submodule (submodules are not read)");
		goto done;
	default:
		break;
	}
	if (git_blob_lookup(&blob, r->git, git_tree_entry_id(e)) < 0) {
		rc = git_fail(name);
		goto done;
	}
	morgue_buf_put(out, git_blob_rawcontent(blob),
		       (size_t)git_blob_rawsize(blob));
done:
	git_blob_free(blob);
	git_tree_entry_free(e);
	return rc;
}

static int read_worktree(morgue_buf *out, morgue_repo *r, const char *path,
			 const char *name)
{
	struct stat st;
	int fd = open_below(r, path, O_RDONLY), rc = 0;

	if (fd < 0) {
		if (errno == ELOOP)
			return morgue_error_set(MORGUE_EINPUT, name, 0,
						"is (or is below) a symbolic link (links are not followed)");
		if (errno == ENOENT || errno == ENOTDIR)
			return morgue_error_set(MORGUE_ENOTFOUND, name, 0,
						"not found in the work tree");
		return morgue_error_set(MORGUE_EIO, name, 0, "cannot read: %s",
					strerror(errno));
	}
	if (fstat(fd, &st) < 0)
		rc = morgue_error_set(MORGUE_EIO, name, 0, "cannot read: %s",
				      strerror(errno));
	else if (S_ISDIR(st.st_mode))
		rc = morgue_error_set(MORGUE_ENOTFOUND, name, 0,
				      "is a directory, not a file");
	else if (!S_ISREG(st.st_mode))
		rc = morgue_error_set(MORGUE_EINPUT, name, 0,
				      "not a regular file");
	else if (read_fd(out, fd) < 0)
		rc = morgue_error_set(MORGUE_EIO, name, 0, "cannot read: %s",
				      strerror(errno));
	close(fd);
	return rc;
}

int morgue_repo_read(morgue_buf *out, morgue_repo *r, const char *path)
{
	morgue_buf name = MORGUE_BUF_INIT;
	int rc;

	display_name(&name, r, path);
	if (!relpath_ok(path))
		rc = morgue_error_set(MORGUE_EUSAGE, morgue_buf_cstr(&name), 0,
				      "not a path inside the content root");
	else if (r->worktree)
		rc = read_worktree(out, r, path, morgue_buf_cstr(&name));
	else {
		pthread_mutex_lock(&r->lock);
		rc = read_commit(out, r, path, morgue_buf_cstr(&name));
		pthread_mutex_unlock(&r->lock);
	}
	morgue_buf_free(&name);
	return rc;
}

/* The commit whose history is walked: the resolved one, or HEAD. */
static int walk_start(git_oid *oid, morgue_repo *r)
{
	if (!r->worktree)
		return git_oid_fromstr(oid, r->commit) < 0 ? git_fail("history") : 0;
	if (git_reference_name_to_id(oid, r->git, "HEAD") < 0) {
		git_error_clear();
		return MORGUE_ENOTFOUND;
	}
	return 0;
}

/* Strip the content root prefix: "content/articles/x.md" -> "articles/x.md". */
static const char *strip_prefix(const morgue_repo *r, const char *path)
{
	size_t n = strlen(r->prefix);
	if (!n)
		return path;
	return !strncmp(path, r->prefix, n) && path[n] == '/' ? path + n + 1 : NULL;
}

static int report_deltas(morgue_repo *r, git_diff *diff, git_commit *commit,
			 morgue_repo_change_fn fn, void *payload)
{
	const git_signature *sig = git_commit_author(commit);
	const char *summary = git_commit_summary(commit);
	char id[41], oldid[41], newid[41];
	int rc = 0;

	git_oid_tostr(id, sizeof(id), git_commit_id(commit));
	for (size_t i = 0; i < git_diff_num_deltas(diff) && !rc; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		morgue_repo_change c = {
			.commit = id, .time = (long long)sig->when.time, .tz = sig->when.offset,
			.author = sig->name ? sig->name : "", .summary = summary ? summary : "",
		};
		switch (d->status) {
		case GIT_DELTA_ADDED: c.status = 'A'; break;
		case GIT_DELTA_DELETED: c.status = 'D'; break;
		case GIT_DELTA_MODIFIED: c.status = 'M'; break;
		case GIT_DELTA_RENAMED: c.status = 'R'; break;
		default: continue;
		}
		c.path = strip_prefix(r, c.status == 'D' ? d->old_file.path : d->new_file.path);
		if (!c.path)
			continue;
		if (c.status == 'R' && !(c.old_path = strip_prefix(r, d->old_file.path)))
			c.status = 'A'; /* moved in from outside the content root */
		if (c.status != 'A') {
			git_oid_tostr(oldid, sizeof(oldid), &d->old_file.id);
			c.old_oid = oldid;
		}
		if (c.status != 'D') {
			git_oid_tostr(newid, sizeof(newid), &d->new_file.id);
			c.new_oid = newid;
		}
		rc = fn(&c, payload);
	}
	return rc;
}

int morgue_repo_history_since(morgue_repo *r, const char *const *dirs, size_t ndirs,
			      const char *since, morgue_repo_change_fn fn, void *payload,
			      int *shallow, int *joined, char *head)
{
	git_revwalk *walk = NULL;
	git_repository *git = NULL; /* the walk's own handle */
	git_oid oid, stop, last_parent;
	int have_parent = 0;
	morgue_buf *specs = morgue_calloc(ndirs ? ndirs : 1, sizeof(*specs));
	char **spec_ptrs = morgue_calloc(ndirs ? ndirs : 1, sizeof(*spec_ptrs));
	git_diff_options dopts;
	git_diff_find_options fopts;
	int rc;

	git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
	git_diff_find_options_init(&fopts, GIT_DIFF_FIND_OPTIONS_VERSION);
	*shallow = 0;
	*joined = 0;
	head[0] = '\0';
	/* the walk reads thousands of trees: on a repository handle of its
	 * own, so the build's blob reads (entities, articles) need not wait
	 * for the lock meanwhile */
	pthread_mutex_lock(&r->lock);
	rc = walk_start(&oid, r);
	if (rc == 0 && git_repository_open(&git, git_repository_path(r->git)) < 0)
		rc = git_fail("history");
	pthread_mutex_unlock(&r->lock);
	if (rc < 0) {
		if (rc == MORGUE_ENOTFOUND)
			rc = 0; /* no commits yet: no history */
		goto done;
	}
	for (size_t i = 0; i < ndirs; i++) {
		morgue_buf_printf(&specs[i], "%s%s%s/", r->prefix, *r->prefix ? "/" : "", dirs[i]);
		spec_ptrs[i] = specs[i].ptr;
	}
	dopts.pathspec.strings = spec_ptrs;
	dopts.pathspec.count = ndirs;
	fopts.flags = GIT_DIFF_FIND_RENAMES;
	/* a moved article keeps nearly all its bytes; two short different
	 * articles of one template can look 60% alike */
	fopts.rename_threshold = 90;
	*shallow = git_repository_is_shallow(git) == 1;
	git_oid_tostr(head, 41, &oid);
	if (since && git_oid_fromstr(&stop, since) < 0)
		since = NULL; /* not a commit id: the whole walk */
	if (git_revwalk_new(&walk, git) < 0 || git_revwalk_push(walk, &oid) < 0) {
		rc = git_fail("history");
		goto done;
	}
	if (since) {
		if (git_oid_equal(&oid, &stop)) {
			*joined = 1;
			goto done;
		}
		/* since and its ancestors are not walked; a commit the
		 * repository lacks: no walk (joined stays 0) */
		if (git_revwalk_hide(walk, &stop) < 0) {
			git_error_clear();
			goto done;
		}
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	git_revwalk_simplify_first_parent(walk);
	while (rc == 0 && git_revwalk_next(&oid, walk) == 0) {
		git_commit *commit = NULL, *parent = NULL;
		git_tree *tree = NULL, *ptree = NULL;
		git_diff *diff = NULL;

		if (git_commit_lookup(&commit, git, &oid) < 0) {
			*shallow = 1; /* an object the clone does not have */
			git_error_clear();
			break;
		}
		if (git_commit_parentcount(commit) > 0 &&
		    (git_commit_parent(&parent, commit, 0) < 0 ||
		     git_commit_tree(&ptree, parent) < 0)) {
			/* the parent is missing: the history was cut here */
			*shallow = 1;
			git_error_clear();
			git_commit_free(commit);
			git_commit_free(parent);
			break;
		}
		have_parent = parent != NULL;
		if (parent)
			git_oid_cpy(&last_parent, git_commit_id(parent));
		if (git_commit_tree(&tree, commit) < 0 ||
		    git_diff_tree_to_tree(&diff, git, ptree, tree, &dopts) < 0 ||
		    git_diff_find_similar(diff, &fopts) < 0)
			rc = git_fail("history");
		else
			rc = report_deltas(r, diff, commit, fn, payload);
		git_diff_free(diff);
		git_tree_free(tree);
		git_tree_free(ptree);
		git_commit_free(parent);
		git_commit_free(commit);
	}
	if (rc == 0 && since && !*shallow && have_parent && git_oid_equal(&last_parent, &stop))
		*joined = 1;
done:
	git_revwalk_free(walk);
	for (size_t i = 0; i < ndirs; i++)
		morgue_buf_free(&specs[i]);
	free(specs);
	free(spec_ptrs);
	git_repository_free(git);
	return rc;
}

int morgue_repo_read_blob(morgue_buf *out, morgue_repo *r, const char *hex)
{
	git_oid oid;
	git_blob *blob = NULL;
	int rc = 0;

	pthread_mutex_lock(&r->lock);
	if (git_oid_fromstr(&oid, hex) < 0 || git_blob_lookup(&blob, r->git, &oid) < 0) {
		git_error_clear();
		rc = morgue_error_set(MORGUE_ENOTFOUND, NULL, 0, "blob %.7s not found", hex);
	} else
		morgue_buf_put(out, (const char *)git_blob_rawcontent(blob),
			       (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

int morgue_repo_commit_files(char *oid, morgue_repo *r, const char *const *paths, size_t n,
			     const char *message)
{
	git_index *mem = NULL, *index = NULL;
	git_object *head = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_oid tree_id, commit_id;
	morgue_buf full = MORGUE_BUF_INIT;
	int rc = 0;

	pthread_mutex_lock(&r->lock);
	if (git_repository_is_bare(r->git)) {
		rc = morgue_error_set(MORGUE_EREPO, NULL, 0,
				      "a bare repository has no work tree to commit from");
		goto done;
	}
	if (git_revparse_single(&head, r->git, "HEAD^{commit}") < 0)
		head = NULL; /* unborn: the first commit */
	if (git_index_new(&mem) < 0 || git_repository_index(&index, r->git) < 0) {
		rc = git_fail("index");
		goto done;
	}
	if (head && (git_commit_tree(&tree, (git_commit *)head) < 0 ||
		     git_index_read_tree(mem, tree) < 0)) {
		rc = git_fail("HEAD");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		git_index_entry e;
		git_oid blob;
		struct stat st;
		morgue_buf_clear(&full);
		if (!relpath_ok(paths[i])) {
			rc = morgue_error_set(MORGUE_EREPO, NULL, 0, "%s: not a path below the "
					      "content root", paths[i]);
			goto done;
		}
		display_name(&full, r, paths[i]);
		morgue_buf dpath = MORGUE_BUF_INIT;
		morgue_buf_printf(&dpath, "%s%s", git_repository_workdir(r->git), full.ptr);
		int bad = lstat(dpath.ptr, &st) < 0 || !S_ISREG(st.st_mode);
		morgue_buf_free(&dpath);
		if (bad) {
			rc = morgue_error_set(MORGUE_EREPO, NULL, 0, "%s: not a file", full.ptr);
			goto done;
		}
		if (git_blob_create_from_workdir(&blob, r->git, full.ptr) < 0) {
			rc = git_fail(full.ptr);
			goto done;
		}
		memset(&e, 0, sizeof(e));
		e.path = full.ptr;
		e.id = blob;
		e.mode = (st.st_mode & S_IXUSR) ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
		e.file_size = (uint32_t)st.st_size;
		if (git_index_add(mem, &e) < 0 || git_index_add_bypath(index, full.ptr) < 0) {
			rc = git_fail(full.ptr);
			goto done;
		}
	}
	if (git_index_write_tree_to(&tree_id, mem, r->git) < 0) {
		rc = git_fail("tree");
		goto done;
	}
	git_tree_free(tree);
	tree = NULL;
	if (git_tree_lookup(&tree, r->git, &tree_id) < 0) {
		rc = git_fail("tree");
		goto done;
	}
	if (git_signature_default(&sig, r->git) < 0) {
		git_error_clear();
		if (git_signature_now(&sig, "morgue", "morgue@localhost") < 0) {
			rc = git_fail("signature");
			goto done;
		}
	}
	const git_commit *parents[1] = { (const git_commit *)head };
	if (git_commit_create(&commit_id, r->git, "HEAD", sig, sig, NULL, message, tree,
			      head ? 1 : 0, parents) < 0) {
		rc = git_fail("commit");
		goto done;
	}
	if (git_index_write(index) < 0) {
		rc = git_fail("index");
		goto done;
	}
	if (oid)
		git_oid_tostr(oid, 41, &commit_id);
done:
	pthread_mutex_unlock(&r->lock);
	git_signature_free(sig);
	git_tree_free(tree);
	git_object_free(head);
	git_index_free(mem);
	git_index_free(index);
	morgue_buf_free(&full);
	return rc;
}
