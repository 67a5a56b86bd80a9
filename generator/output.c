#define _GNU_SOURCE
#include "output.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/hash.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARKER ".morgue-site"
#define OLD ".old" /* <dir>.old: the site the last build replaced */
#define REPLACED_BY ".morgue-replaced-by" /* in <dir>.old: by which site */
/* REPLACED_BY's second line when <dir>.old is the spare a clean build
 * made (make_spare): links to every file of the site that replaced it */
#define MIRROR "mirror\n"

/* A file put into staging by this build (written or linked). */
typedef struct placed {
	char *path;   /* site path; NULL: free slot */
	size_t size;
	int written;  /* written (compare with the previous site), not linked */
} placed;

struct morgue_output {
	morgue_buf dir;      /* the output directory as given, no trailing '/' */
	morgue_buf staging;  /* <dir>.staging-<pid> */
	morgue_buf old;      /* <dir>.old */
	int lock_fd;
	int prepared;        /* morgue_output_prepare done */
	int live;            /* prepare: the output directory (live site) exists */
	int committed;
	pthread_mutex_t lock;
	size_t files, bytes;
	size_t linked;       /* files of the new site that are the live site's */
	char *stamp;         /* what the site is built from, or NULL */
	int keep;            /* link unchanged files from the previous site */
	int spare;           /* staging began as <dir>.old (updated in place) */
	int spare_mirrors;   /* ... made as a mirror of the live site (MIRROR) */
	morgue_buf spare_dir; /* links to the new site's files, made at prepare
			       * when the replaced site is not kept: <dir>.old
			       * after the commit (empty: none) */
	int mirror;          /* staging holds links to every file of the live
			      * site (morgue_output_mirror): nothing to check */
	placed *placed;      /* with keep: open addressing, by site path */
	size_t nplaced, cap;
	char **claims;       /* paths that modules write themselves */
	size_t nclaims;
	/* the previous site and staging directories, opened (O_PATH) at the
	 * first link: a page's stat resolves its site path from them, not
	 * the whole path (-1: not opened; -2: could not be) */
	int dir_fd, staging_fd;
};

static size_t path_hash(const char *s)
{
	return (size_t)morgue_hash_fnv(s);
}

static placed *find_placed(const morgue_output *o, const char *path)
{
	if (!o->cap)
		return NULL;
	for (size_t i = path_hash(path) & (o->cap - 1);; i = (i + 1) & (o->cap - 1))
		if (!o->placed[i].path || !strcmp(o->placed[i].path, path))
			return o->placed[i].path ? &o->placed[i] : NULL;
}

/* Record that path now holds size bytes (caller holds o->lock). */
static void place(morgue_output *o, const char *path, size_t size, int written)
{
	if (2 * (o->nplaced + 1) > o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 4096;
		placed *t = morgue_calloc(cap, sizeof(*t));
		for (size_t k = 0; k < o->cap; k++) {
			if (!o->placed[k].path)
				continue;
			size_t i = path_hash(o->placed[k].path) & (cap - 1);
			while (t[i].path)
				i = (i + 1) & (cap - 1);
			t[i] = o->placed[k];
		}
		free(o->placed);
		o->placed = t;
		o->cap = cap;
	}
	size_t i = path_hash(path) & (o->cap - 1);
	while (o->placed[i].path && strcmp(o->placed[i].path, path))
		i = (i + 1) & (o->cap - 1);
	if (!o->placed[i].path) {
		o->placed[i].path = morgue_strdup(path);
		o->nplaced++;
	}
	o->placed[i].size = size;
	o->placed[i].written = written;
}

static void count_placed(morgue_output *o, const char *site_path, size_t size, int written)
{
	pthread_mutex_lock(&o->lock);
	o->files++;
	o->bytes += size;
	o->linked += !written;
	if (o->keep)
		place(o, site_path, size, written);
	pthread_mutex_unlock(&o->lock);
}

/* In a staging tree adopted from the old site, what stands in the
 * way of a file at site_path: a file where a directory is needed, or a
 * directory where the file goes. Removed (they are the old site's). */
static void clear_way(morgue_output *o, const char *site_path)
{
	morgue_buf p = MORGUE_BUF_INIT;
	struct stat st;
	morgue_buf_printf(&p, "%s/", o->staging.ptr);
	for (const char *s = site_path; *s; s++) {
		if (*s == '/' && lstat(p.ptr, &st) == 0 && !S_ISDIR(st.st_mode))
			unlink(p.ptr);
		morgue_buf_putc(&p, *s);
	}
	if (lstat(p.ptr, &st) == 0 && S_ISDIR(st.st_mode))
		morgue_fs_rmtree(p.ptr);
	morgue_buf_free(&p);
}

/* Staging dirs of builds that were killed: only safe to remove while we
 * hold the lock, because then no other build can be writing them. */
static void remove_stale_staging(const char *dir)
{
	morgue_buf parent = MORGUE_BUF_INIT, prefix = MORGUE_BUF_INIT;
	const char *slash = strrchr(dir, '/');
	DIR *d;
	struct dirent *e;

	if (slash) {
		morgue_buf_put(&parent, dir, (size_t)(slash - dir) + 1);
		morgue_buf_puts(&prefix, slash + 1);
	} else {
		morgue_buf_puts(&parent, "./");
		morgue_buf_puts(&prefix, dir);
	}
	morgue_buf_puts(&prefix, ".staging-");
	if ((d = opendir(parent.ptr))) {
		while ((e = readdir(d))) {
			if (strncmp(e->d_name, prefix.ptr, prefix.size))
				continue;
			morgue_buf p = MORGUE_BUF_INIT;
			morgue_buf_printf(&p, "%s%s", parent.ptr, e->d_name);
			morgue_fs_rmtree(p.ptr);
			morgue_buf_free(&p);
		}
		closedir(d);
	}
	morgue_buf_free(&parent);
	morgue_buf_free(&prefix);
}

/* 1 when dir is a site of morgue's (its marker is there). */
static int has_marker(const char *dir)
{
	morgue_buf m = MORGUE_BUF_INIT;
	morgue_buf_printf(&m, "%s/%s", dir, MARKER);
	int yes = morgue_fs_exists(m.ptr);
	morgue_buf_free(&m);
	return yes;
}

/* An existing non-empty directory without our marker is somebody's data. */
static int check_replaceable(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1;

	if (!d)
		return errno == ENOENT ? 0
		       : morgue_error_set(MORGUE_EIO, dir, 0, "not a directory or unreadable: %s",
					  strerror(errno));
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	if (!empty && !has_marker(dir))
		return morgue_error_set(MORGUE_EIO, dir, 0,
					"refusing to replace a directory morgue did not create "
					"(no %s marker); remove it or choose another -o",
					MARKER);
	return 0;
}

/* Which site dir holds, as far as a later build can tell: the device,
 * inode, mtime and size of its marker (written anew by every build). */
static int site_id(morgue_buf *out, const char *dir)
{
	morgue_buf m = MORGUE_BUF_INIT;
	struct stat st;
	morgue_buf_printf(&m, "%s/%s", dir, MARKER);
	int rc = lstat(m.ptr, &st);
	morgue_buf_free(&m);
	if (rc < 0)
		return MORGUE_ENOTFOUND;
	morgue_buf_printf(out, "%llu %llu %lld.%09ld %lld\n", (unsigned long long)st.st_dev,
			  (unsigned long long)st.st_ino, (long long)st.st_mtim.tv_sec,
			  (long)st.st_mtim.tv_nsec, (long long)st.st_size);
	return 0;
}

/* 1 when <dir>.old is morgue's and the site the live one replaced: only
 * that tree shares the live site's files (another, left when the site was
 * removed and built again, would cost more to update than a fresh one).
 * *mirrors: it is a clean build's spare (MIRROR), links to every file of
 * the live site as that build left it. */
static int old_is_current(const morgue_output *o, int *mirrors)
{
	morgue_buf m = MORGUE_BUF_INIT, id = MORGUE_BUF_INIT, was = MORGUE_BUF_INIT;
	morgue_buf_printf(&m, "%s/%s", o->old.ptr, REPLACED_BY);
	int yes = site_id(&id, o->dir.ptr) == 0 && morgue_fs_read(&was, m.ptr) == 0 &&
		  was.size >= id.size && !memcmp(was.ptr, id.ptr, id.size) &&
		  has_marker(o->old.ptr);
	*mirrors = yes && was.size == id.size + strlen(MIRROR) &&
		   !memcmp(was.ptr + id.size, MIRROR, strlen(MIRROR));
	yes = yes && (was.size == id.size || *mirrors);
	morgue_error_clear();
	morgue_buf_free(&m);
	morgue_buf_free(&id);
	morgue_buf_free(&was);
	return yes;
}

int morgue_output_begin(morgue_output **out, const char *dir)
{
	morgue_output *o = morgue_calloc(1, sizeof(*o));
	morgue_buf lockpath = MORGUE_BUF_INIT;
	int rc;

	o->lock_fd = -1;
	o->dir_fd = o->staging_fd = -1;
	pthread_mutex_init(&o->lock, NULL);
	morgue_buf_puts(&o->dir, dir);
	while (o->dir.size > 1 && o->dir.ptr[o->dir.size - 1] == '/')
		morgue_buf_truncate(&o->dir, o->dir.size - 1);

	morgue_buf_printf(&lockpath, "%s.lock", o->dir.ptr);
	o->lock_fd = open(lockpath.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (o->lock_fd < 0) {
		rc = morgue_error_set(MORGUE_EIO, lockpath.ptr, 0, "cannot create lock file: %s",
				      strerror(errno));
		goto done;
	}
	if (flock(o->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		rc = morgue_error_set(MORGUE_ELOCKED, o->dir.ptr, 0,
				      "another morgue build is writing this site (lock %s)",
				      lockpath.ptr);
		goto done;
	}
	if ((rc = check_replaceable(o->dir.ptr)) < 0)
		goto done;
	remove_stale_staging(o->dir.ptr);
	/* an old site that the live one did not replace is garbage: it
	 * holds the disk space of every file of its own */
	morgue_buf_printf(&o->old, "%s" OLD, o->dir.ptr);
	int mirrors;
	if (morgue_fs_is_dir(o->old.ptr) && has_marker(o->old.ptr) && !old_is_current(o, &mirrors))
		morgue_fs_rmtree_parallel(o->old.ptr);

	morgue_buf_printf(&o->staging, "%s.staging-%ld", o->dir.ptr, (long)getpid());
	if ((rc = morgue_fs_mkdirs(o->staging.ptr)) < 0)
		goto done;
	rc = morgue_output_write(o, MARKER, "morgue\n", 7);
done:
	morgue_buf_free(&lockpath);
	if (rc < 0) {
		morgue_output_free(o);
		o = NULL;
	}
	*out = o;
	return rc;
}

int morgue_output_write(morgue_output *o, const char *site_path,
			const char *data, size_t len)
{
	morgue_buf p = MORGUE_BUF_INIT;
	morgue_buf_printf(&p, "%s/%s", o->staging.ptr, site_path);
	/* a linked file shares its inode with the live site: never write
	 * through it */
	int rc = o->keep ? morgue_fs_write_fresh(p.ptr, data, len)
			 : morgue_fs_write(p.ptr, data, len);
	if (rc < 0 && o->spare) {
		morgue_error_clear();
		clear_way(o, site_path);
		rc = morgue_fs_write_fresh(p.ptr, data, len);
	}
	morgue_buf_free(&p);
	if (rc == 0)
		count_placed(o, site_path, len, 1);
	return rc;
}

struct morgue_output_file {
	morgue_output *o;
	morgue_buf path; /* in staging */
	char *site_path;
	int fd;
	size_t size;
};

/* Create (or replace) the staged file at f->path; as
 * morgue_output_write, never through a linked inode. */
static int open_staged(morgue_output_file *f)
{
	int fd = morgue_fs_open_new(f->path.ptr, f->o->keep);
	if (fd < 0)
		return fd;
	f->fd = fd;
	return 0;
}

int morgue_output_open(morgue_output *o, const char *site_path, morgue_output_file **out)
{
	morgue_output_file *f = morgue_calloc(1, sizeof(*f));
	int rc;

	f->o = o;
	f->fd = -1;
	f->site_path = morgue_strdup(site_path);
	morgue_buf_printf(&f->path, "%s/%s", o->staging.ptr, site_path);
	if ((rc = open_staged(f)) < 0 && o->spare) {
		morgue_error_clear();
		clear_way(o, site_path);
		rc = open_staged(f);
	}
	if (rc < 0) {
		morgue_buf_free(&f->path);
		free(f->site_path);
		free(f);
		f = NULL;
	}
	*out = f;
	return rc;
}

int morgue_output_append(morgue_output_file *f, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(f->fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return morgue_error_set(MORGUE_EIO, f->path.ptr, 0, "cannot write: %s",
						strerror(errno));
		}
		data += n;
		len -= (size_t)n;
		f->size += (size_t)n;
	}
	return 0;
}

int morgue_output_restart(morgue_output_file *f)
{
	if (ftruncate(f->fd, 0) < 0 || lseek(f->fd, 0, SEEK_SET) < 0)
		return morgue_error_set(MORGUE_EIO, f->path.ptr, 0, "cannot write: %s",
					strerror(errno));
	f->size = 0;
	return 0;
}

size_t morgue_output_file_size(const morgue_output_file *f)
{
	return f->size;
}

int morgue_output_close(morgue_output_file *f)
{
	int rc = 0;
	if (!f)
		return 0;
	if (close(f->fd) < 0)
		rc = morgue_error_set(MORGUE_EIO, f->path.ptr, 0, "cannot write: %s",
				      strerror(errno));
	if (rc == 0)
		count_placed(f->o, f->site_path, f->size, 1);
	morgue_buf_free(&f->path);
	free(f->site_path);
	free(f);
	return rc;
}

/* Start from the site the last build replaced (<dir>.old) instead of
 * an empty staging directory: most of its files are already
 * links to the current site's, so an incremental build only replaces
 * what changed since, and removes what it did not place (prepare). Its
 * files are never written through (writes unlink first), so the live
 * site, which shares their inodes, is not touched. */
static void adopt_old(morgue_output *o)
{
	morgue_buf m = MORGUE_BUF_INIT;
	int mirrors = 0;
	if (!old_is_current(o, &mirrors))
		return;
	/* staging holds only its marker yet */
	if (morgue_fs_rmtree(o->staging.ptr) < 0 || rename(o->old.ptr, o->staging.ptr) < 0) {
		morgue_error_clear();
		if (!morgue_fs_is_dir(o->staging.ptr))
			morgue_fs_mkdirs(o->staging.ptr);
	} else {
		o->spare = 1;
		o->spare_mirrors = mirrors;
	}
	morgue_error_clear();
	morgue_buf_printf(&m, "%s/%s", o->staging.ptr, MARKER);
	unlink(m.ptr);
	if (morgue_fs_write(m.ptr, "morgue\n", 7) < 0)
		morgue_error_clear(); /* prepare writes it again, or fails */
	morgue_buf_free(&m);
}

void morgue_output_keep_unchanged(morgue_output *o)
{
	o->keep = 1;
	adopt_old(o);
}

int morgue_output_claim(morgue_output *o, const char *site_path)
{
	morgue_buf p = MORGUE_BUF_INIT;
	morgue_buf_printf(&p, "%s/%s", o->staging.ptr, site_path);
	int rc = morgue_fs_rmtree(p.ptr);
	morgue_buf_free(&p);
	pthread_mutex_lock(&o->lock);
	o->claims = morgue_realloc(o->claims, (o->nclaims + 1) * sizeof(*o->claims));
	o->claims[o->nclaims++] = morgue_strdup(site_path);
	pthread_mutex_unlock(&o->lock);
	return rc;
}

/* A hard link from -> to, making the parent or clearing the way. */
static int put_link(morgue_output *o, const char *from, const char *to, const char *site_path)
{
	if (link(from, to) == 0)
		return 0;
	const char *slash = strrchr(to, '/');
	morgue_buf dir = MORGUE_BUF_INIT;
	int rc;
	morgue_buf_put(&dir, to, (size_t)(slash - to));
	if (errno == EEXIST)
		unlink(to);
	else if (errno == ENOENT && morgue_fs_mkdirs(dir.ptr) < 0)
		morgue_error_clear();
	if ((rc = link(from, to)) < 0 && o->spare) {
		clear_way(o, site_path);
		if (morgue_fs_mkdirs(dir.ptr) < 0)
			morgue_error_clear();
		rc = link(from, to);
	}
	morgue_buf_free(&dir);
	return rc;
}

/* One entry of a directory, for mirror_at. */
typedef struct dent {
	char *name;
	ino_t ino;
	unsigned char type; /* DT_DIR, DT_REG... (never DT_UNKNOWN) */
} dent;

static int by_dent_name(const void *a, const void *b)
{
	return strcmp(((const dent *)a)->name, ((const dent *)b)->name);
}

static void dents_free(dent *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* The entries of the directory open as dfd (taken over and closed), by
 * name, "." and ".." and, at the top, the marker left out: 0 or -1. The
 * inode and type come from readdir: no stat unless the file system
 * leaves the type out. */
static int dents_read(dent **out, size_t *nout, int dfd, int top)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;
	dent *v = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	if (!d) {
		close(dfd);
		return -1;
	}
	while (!rc && (errno = 0, e = readdir(d))) {
		unsigned char type = e->d_type;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    (top && !strcmp(e->d_name, MARKER)))
			continue;
		if (type == DT_UNKNOWN) {
			struct stat st;
			if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
				rc = -1;
				break;
			}
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
		}
		MORGUE_ARRAY_RESERVE(v, cap, n + 1);
		v[n++] = (dent){ morgue_strdup(e->d_name), e->d_ino, type };
	}
	if (!rc && errno)
		rc = -1;
	closedir(d);
	if (rc < 0) {
		dents_free(v, n);
		return -1;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), by_dent_name);
	*out = v;
	*nout = n;
	return 0;
}

static int is_claimed(const morgue_output *o, const char *path);

/* Make the directory open as to (root/rel; rel a site path, "" at the
 * top) hold what the live directory open as from holds: the same names,
 * each file a link to the live one (the same inode), each directory the
 * same below. A file already linked costs no syscall: readdir gives the
 * inodes. Claimed paths are left alone (their modules write them), and
 * so is the marker. The descriptors stay the caller's. 0, or -1 with
 * the tree part done. */
static int mirror_at(morgue_output *o, int from, int to, const char *root, const char *rel)
{
	dent *a = NULL, *b = NULL;
	size_t na = 0, nb = 0, i = 0, j = 0;
	int top = !*rel, rc = 0;
	morgue_buf sub = MORGUE_BUF_INIT;

	if (dents_read(&a, &na, dup(from), top) < 0 || dents_read(&b, &nb, dup(to), top) < 0) {
		rc = -1;
		goto done;
	}
	while (!rc && (i < na || j < nb)) {
		int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i].name, b[j].name);
		const dent *x = c <= 0 ? &a[i] : NULL, *y = c >= 0 ? &b[j] : NULL;
		const char *name = x ? x->name : y->name;
		i += c <= 0;
		j += c >= 0;
		morgue_buf_clear(&sub);
		morgue_buf_printf(&sub, "%s%s%s", rel, top ? "" : "/", name);
		if (is_claimed(o, sub.ptr))
			continue;
		if (x && y && x->type == y->type && (x->type == DT_DIR || x->ino == y->ino)) {
			if (x->type != DT_DIR)
				continue; /* linked already */
		} else {
			if (y) {
				morgue_buf p = MORGUE_BUF_INIT;
				morgue_buf_printf(&p, "%s/%s", root, sub.ptr);
				int gone = y->type == DT_DIR ? morgue_fs_rmtree(p.ptr)
							     : unlinkat(to, name, 0);
				morgue_buf_free(&p);
				if (gone < 0) {
					morgue_error_clear();
					rc = -1;
					break;
				}
			}
			if (!x)
				continue;
			if (x->type != DT_DIR) {
				if (linkat(from, name, to, name, 0) < 0)
					rc = -1;
				continue;
			}
			if (mkdirat(to, name, 0755) < 0) {
				rc = -1;
				break;
			}
		}
		int f = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int t = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		rc = f < 0 || t < 0 ? -1 : mirror_at(o, f, t, root, sub.ptr);
		if (f >= 0)
			close(f);
		if (t >= 0)
			close(t);
	}
done:
	dents_free(a, na);
	dents_free(b, nb);
	morgue_buf_free(&sub);
	return rc;
}

int morgue_output_mirror(morgue_output *o)
{
	int from = -1, to = -1, rc = 0;
	if (!o->spare)
		return 0; /* an empty staging tree: links are made page by page */
	if (o->spare_mirrors) {
		/* the live site is the one the spare mirrors (its marker, and
		 * the count of its files and bytes the caller checked): a walk
		 * of both trees finds nothing to link (a tenth of an edit) */
		o->mirror = 1;
		return 0;
	}
	from = open(o->dir.ptr, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	to = open(o->staging.ptr, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (from < 0 || to < 0 || mirror_at(o, from, to, o->staging.ptr, "") < 0)
		rc = morgue_error_set(MORGUE_EIO, o->staging.ptr, 0,
				      "cannot link the live site's files: %s", strerror(errno));
	else
		o->mirror = 1;
	if (from >= 0)
		close(from);
	if (to >= 0)
		close(to);
	return rc;
}

/* dir/path into out. */
static void join(morgue_buf *out, const morgue_buf *dir, const char *path)
{
	morgue_buf_put(out, dir->ptr, dir->size);
	morgue_buf_putc(out, '/');
	morgue_buf_puts(out, path);
}

/* A descriptor of dir (O_PATH), opened once under the lock into *fd, or
 * <0 when it cannot be. Paths below it resolve from there, not from /. */
static int dir_below(morgue_output *o, int *fd, const morgue_buf *dir)
{
	int d = __atomic_load_n(fd, __ATOMIC_ACQUIRE);
	if (d == -1) {
		pthread_mutex_lock(&o->lock);
		if ((d = *fd) == -1) {
			d = open(dir->ptr, O_PATH | O_DIRECTORY | O_CLOEXEC);
			__atomic_store_n(fd, d >= 0 ? d : -2, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&o->lock);
	}
	return d;
}

/* lstat of site_path below dir, through its descriptor *fd when it can
 * be opened. */
static int stat_below(morgue_output *o, int *fd, const morgue_buf *dir, const char *site_path,
		      struct stat *st)
{
	int d = dir_below(o, fd, dir);
	if (d >= 0)
		return fstatat(d, site_path, st, AT_SYMLINK_NOFOLLOW);
	morgue_buf p = MORGUE_BUF_INIT;
	join(&p, dir, site_path);
	int rc = lstat(p.ptr, st);
	morgue_buf_free(&p);
	return rc;
}

/* 1 when site_path could be linked below the descriptors of the site
 * and of staging (most pages, once their directory exists); 0: do it by
 * path (put_link: directories to make, a file in the way). */
static int try_linkat(morgue_output *o, const char *site_path)
{
	int from = dir_below(o, &o->dir_fd, &o->dir), to = dir_below(o, &o->staging_fd, &o->staging);
	return from >= 0 && to >= 0 && linkat(from, site_path, to, site_path, 0) == 0;
}

int morgue_output_link(morgue_output *o, const char *site_path, long long size)
{
	morgue_buf from = MORGUE_BUF_INIT, to = MORGUE_BUF_INIT;
	struct stat st, cur;
	int rc = 0;

	/* a mirror has it already; a tree that is not adopted has nothing
	 * at site_path yet: link straight away; the slow path below says
	 * why it could not */
	if (size >= 0 && o->mirror) {
		count_placed(o, site_path, (size_t)size, 0);
		return 0;
	}
	if (size >= 0 && !o->spare && try_linkat(o, site_path)) {
		count_placed(o, site_path, (size_t)size, 0);
		return 0;
	}
	if (stat_below(o, &o->dir_fd, &o->dir, site_path, &st) < 0 || !S_ISREG(st.st_mode)) {
		join(&from, &o->dir, site_path);
		rc = morgue_error_set(MORGUE_ENOTFOUND, from.ptr, 0, "not in the previous site");
		goto done;
	}
	/* an adopted tree usually has it already: the same inode; else
	 * most pages link below the two descriptors, the rest by path */
	if (o->spare && stat_below(o, &o->staging_fd, &o->staging, site_path, &cur) == 0 &&
	    cur.st_ino == st.st_ino && cur.st_dev == st.st_dev)
		;
	else if (!try_linkat(o, site_path) &&
		 (join(&from, &o->dir, site_path), join(&to, &o->staging, site_path),
		  put_link(o, from.ptr, to.ptr, site_path) < 0))
		rc = morgue_error_set(MORGUE_EIO, to.ptr, 0, "cannot link: %s", strerror(errno));
	if (rc == 0)
		count_placed(o, site_path, (size_t)st.st_size, 0);
done:
	morgue_buf_free(&from);
	morgue_buf_free(&to);
	return rc;
}

long long morgue_output_staged_size(morgue_output *o, const char *site_path)
{
	/* a file this build placed: its size is known (a stat each cost
	 * 30k system calls at the end of a 10k-article build) */
	pthread_mutex_lock(&o->lock);
	const placed *pl = find_placed(o, site_path);
	long long size = pl ? (long long)pl->size : -1;
	pthread_mutex_unlock(&o->lock);
	if (size >= 0)
		return size;
	struct stat st;
	if (stat_below(o, &o->staging_fd, &o->staging, site_path, &st) < 0 || !S_ISREG(st.st_mode))
		return -1;
	return (long long)st.st_size;
}

/* 1 when the two files hold the same bytes. */
static int same_bytes(const char *a, const char *b, off_t size)
{
	int fa = open(a, O_RDONLY | O_CLOEXEC), fb = open(b, O_RDONLY | O_CLOEXEC);
	char ba[65536], bb[65536];
	int same = fa >= 0 && fb >= 0;

	while (same && size > 0) {
		size_t want = size > (off_t)sizeof(ba) ? sizeof(ba) : (size_t)size;
		if (read(fa, ba, want) != (ssize_t)want || read(fb, bb, want) != (ssize_t)want ||
		    memcmp(ba, bb, want))
			same = 0;
		size -= (off_t)want;
	}
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return same;
}

/* A file written to staging (size bytes) whose bytes equal the previous
 * site's file at the same path is replaced by a link to that file: an
 * unchanged page keeps its inode and mtime, so rsync and HTTP caches see
 * no change. */
static void keep_if_same(morgue_output *o, const char *sub, size_t size)
{
	morgue_buf now = MORGUE_BUF_INIT, was = MORGUE_BUF_INIT;
	struct stat old;
	morgue_buf_printf(&now, "%s/%s", o->staging.ptr, sub);
	morgue_buf_printf(&was, "%s/%s", o->dir.ptr, sub);
	if (lstat(was.ptr, &old) == 0 && S_ISREG(old.st_mode) && (size_t)old.st_size == size &&
	    same_bytes(now.ptr, was.ptr, old.st_size)) {
		morgue_buf tmp = MORGUE_BUF_INIT;
		morgue_buf_printf(&tmp, "%s.keep", now.ptr);
		if (link(was.ptr, tmp.ptr) < 0)
			;
		else if (rename(tmp.ptr, now.ptr) < 0)
			unlink(tmp.ptr);
		else
			o->linked++; /* prepare runs alone */
		morgue_buf_free(&tmp);
	}
	morgue_buf_free(&now);
	morgue_buf_free(&was);
}

/* path is claimed, or lies below a claimed directory. */
static int is_claimed(const morgue_output *o, const char *path)
{
	for (size_t i = 0; i < o->nclaims; i++) {
		size_t n = strlen(o->claims[i]);
		if (!strncmp(o->claims[i], path, n) && (path[n] == '\0' || path[n] == '/'))
			return 1;
	}
	return 0;
}

/* The staged tree below rel, made final (keep mode): a file this build
 * wrote keeps the previous site's file when the bytes are the same
 * (keep_if_same); in a tree adopted from the old site, a file this
 * build neither placed nor claimed is that site's and goes, and so does a
 * directory left empty. Counts the files and bytes that stay (the marker
 * excluded) into *files, *bytes, and the entries that stay in rel into
 * *left. Files put there otherwise (not adopted) are kept and compared
 * when not links. -1 when part of the tree could not be read or cleared
 * (the counts are then incomplete). */
static int keep_unchanged(morgue_output *o, const char *rel, size_t *files, size_t *bytes,
			  size_t *left)
{
	morgue_buf p = MORGUE_BUF_INIT, sub = MORGUE_BUF_INIT, now = MORGUE_BUF_INIT;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	morgue_buf_printf(&p, "%s%s%s", o->staging.ptr, *rel ? "/" : "", rel);
	if (!(d = opendir(p.ptr))) {
		morgue_buf_free(&p);
		return -1;
	}
	while ((e = readdir(d))) {
		struct stat st;
		placed *pl;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!*rel && !strcmp(e->d_name, MARKER)) {
			(*left)++;
			continue;
		}
		morgue_buf_clear(&sub);
		morgue_buf_clear(&now);
		morgue_buf_printf(&sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		morgue_buf_printf(&now, "%s/%s", o->staging.ptr, sub.ptr);
		int isdir = e->d_type == DT_DIR;
		if (e->d_type == DT_UNKNOWN) {
			if (lstat(now.ptr, &st) < 0) {
				rc = -1;
				continue;
			}
			isdir = S_ISDIR(st.st_mode);
		}
		if (isdir) {
			size_t in = 0;
			if (keep_unchanged(o, sub.ptr, files, bytes, &in) < 0)
				rc = -1;
			if (!(o->spare && in == 0 && rmdir(now.ptr) == 0))
				(*left)++;
			continue;
		}
		if ((pl = find_placed(o, sub.ptr))) {
			(*files)++;
			*bytes += pl->size;
			if (pl->written && o->live)
				keep_if_same(o, sub.ptr, pl->size);
			(*left)++;
			continue;
		}
		if (o->spare && !is_claimed(o, sub.ptr)) {
			if (unlink(now.ptr) < 0)
				rc = -1;
			continue;
		}
		if (lstat(now.ptr, &st) < 0) {
			rc = -1;
			continue;
		}
		(*files)++;
		*bytes += (size_t)st.st_size;
		if (S_ISREG(st.st_mode) && st.st_nlink == 1)
			keep_if_same(o, sub.ptr, (size_t)st.st_size);
		(*left)++;
	}
	closedir(d);
	morgue_buf_free(&p);
	morgue_buf_free(&sub);
	morgue_buf_free(&now);
	return rc;
}

const char *morgue_output_staging(const morgue_output *o)
{
	return o->staging.ptr;
}

size_t morgue_output_files(const morgue_output *o) { return o->files; }
size_t morgue_output_bytes(const morgue_output *o) { return o->bytes; }

void morgue_output_set_stamp(morgue_output *o, const char *stamp)
{
	free(o->stamp);
	o->stamp = morgue_strdup(stamp);
}

/* Files and bytes in the directory open as dfd (taken over and closed)
 * and below, the marker excluded at the top: by names relative to each
 * directory (fstatat), since a whole site is a stat per file and the
 * no-change check makes one of every build. */
static int count_at(int dfd, int top, size_t *files, size_t *bytes)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;
	int rc = 0;

	if (!d) {
		close(dfd);
		return -1;
	}
	while (!rc && (e = readdir(d))) {
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    (top && !strcmp(e->d_name, MARKER)))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			rc = -1;
		else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			rc = sub < 0 ? -1 : count_at(sub, 0, files, bytes);
		} else {
			(*files)++;
			*bytes += (size_t)st.st_size;
		}
	}
	closedir(d);
	return rc;
}

/* Files and bytes below dir, the marker excluded. */
static int count_tree(const char *dir, size_t *files, size_t *bytes)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return dfd < 0 ? -1 : count_at(dfd, 1, files, bytes);
}

int morgue_output_is_current(const char *dir, const char *stamp)
{
	return morgue_output_check(NULL, dir, stamp);
}

int morgue_output_check(morgue_buf *marker, const char *dir, const char *stamp)
{
	morgue_buf m = MORGUE_BUF_INIT, data = MORGUE_BUF_INIT, want = MORGUE_BUF_INIT;
	size_t files = 0, bytes = 0;
	int current = 0;

	morgue_buf_printf(&m, "%s/%s", dir, MARKER);
	if (morgue_fs_read(&data, m.ptr) < 0) {
		morgue_error_clear();
		goto done;
	}
	if (marker)
		morgue_buf_put(marker, morgue_buf_cstr(&data), data.size);
	/* another stamp: no need to count the tree (a stat per file) */
	morgue_buf_printf(&want, "morgue\nstamp %s\n", stamp);
	if (strncmp(morgue_buf_cstr(&data), want.ptr, want.size))
		goto done;
	morgue_buf_clear(&want);
	if (count_tree(dir, &files, &bytes) < 0)
		goto done;
	morgue_buf_printf(&want, "morgue\nstamp %s\nfiles %zu\nbytes %zu\n", stamp, files, bytes);
	current = !strcmp(morgue_buf_cstr(&data), want.ptr);
done:
	morgue_buf_free(&m);
	morgue_buf_free(&data);
	morgue_buf_free(&want);
	return current;
}

int morgue_output_read_marker(morgue_buf *out, const char *dir)
{
	morgue_buf m = MORGUE_BUF_INIT;
	morgue_buf_printf(&m, "%s/%s", dir, MARKER);
	int rc = morgue_fs_read(out, m.ptr);
	morgue_buf_free(&m);
	return rc;
}

int morgue_output_marker_is(const char *dir, const morgue_buf *marker)
{
	morgue_buf m = MORGUE_BUF_INIT, data = MORGUE_BUF_INIT;
	morgue_buf_printf(&m, "%s/%s", dir, MARKER);
	int same = morgue_fs_read(&data, m.ptr) == 0 && data.size == marker->size &&
		   !memcmp(morgue_buf_cstr(&data), morgue_buf_cstr(marker), data.size);
	morgue_error_clear();
	morgue_buf_free(&m);
	morgue_buf_free(&data);
	return same;
}

/* 1 when the commit keeps the site it replaces as <dir>.old: the build
 * linked most of its files from it, so it holds little of its own. */
static int keeps_replaced(const morgue_output *o)
{
	return o->keep && 2 * o->linked >= o->files;
}

/* A build that wrote most of its files (a clean one) replaces a site
 * that is not worth keeping; instead the next build's starting tree is
 * made now: links to every file of staging (the marker and claimed
 * paths excepted), a readdir walk, to become <dir>.old at the commit.
 * Without it, the first edit after a clean build would link every
 * unchanged page again one by one. Nothing here can fail the build:
 * without a spare tree, the next build starts from an empty one. */
static void make_spare(morgue_output *o)
{
	int from = -1, to = -1, ok = 0;
	morgue_buf m = MORGUE_BUF_INIT;
	if (keeps_replaced(o))
		return;
	morgue_buf_printf(&o->spare_dir, "%s-spare", o->staging.ptr);
	morgue_fs_rmtree(o->spare_dir.ptr);
	morgue_buf_printf(&m, "%s/%s", o->spare_dir.ptr, MARKER);
	if (mkdir(o->spare_dir.ptr, 0755) == 0 && morgue_fs_write(m.ptr, "morgue\n", 7) == 0 &&
	    (from = open(o->staging.ptr, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0 &&
	    (to = open(o->spare_dir.ptr, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
		ok = mirror_at(o, from, to, o->spare_dir.ptr, "") == 0;
	if (from >= 0)
		close(from);
	if (to >= 0)
		close(to);
	if (!ok) {
		morgue_fs_rmtree(o->spare_dir.ptr);
		morgue_buf_clear(&o->spare_dir);
	}
	morgue_error_clear();
	morgue_buf_free(&m);
}

/* After the swap, the spare tree becomes <dir>.old, recording which
 * site it mirrors (old_is_current). A <dir>.old that is not morgue's
 * is left alone, and the spare goes. */
static void place_spare(morgue_output *o)
{
	morgue_buf id = MORGUE_BUF_INIT, p = MORGUE_BUF_INIT;
	if (!o->spare_dir.size)
		return;
	if (morgue_fs_exists(o->old.ptr) && has_marker(o->old.ptr))
		morgue_fs_rmtree_parallel(o->old.ptr);
	if (!morgue_fs_exists(o->old.ptr) && site_id(&id, o->dir.ptr) == 0 &&
	    rename(o->spare_dir.ptr, o->old.ptr) == 0) {
		morgue_buf_printf(&p, "%s/%s", o->old.ptr, REPLACED_BY);
		morgue_buf_puts(&id, MIRROR);
		if (morgue_fs_write(p.ptr, id.ptr, id.size) < 0)
			morgue_fs_rmtree(o->old.ptr); /* unusable without it */
	} else
		morgue_fs_rmtree(o->spare_dir.ptr);
	morgue_error_clear();
	morgue_buf_clear(&o->spare_dir);
	morgue_buf_free(&id);
	morgue_buf_free(&p);
}

int morgue_output_prepare(morgue_output *o)
{
	size_t files = 0, bytes = 0, left = 0;
	int counted = 0;
	if (o->keep) {
		/* no live site (a first build): nothing to keep a file of,
		 * and no lstat per written file to learn it */
		struct stat st;
		o->live = stat(o->dir.ptr, &st) == 0 && S_ISDIR(st.st_mode);
		counted = keep_unchanged(o, "", &files, &bytes, &left) == 0;
		/* an adopted tree with files of the old site left in it is
		 * not the new site */
		if (!counted && o->spare)
			return morgue_error_set(MORGUE_EIO, o->staging.ptr, 0,
						"cannot clear the old site's files: %s",
						strerror(errno));
	}
	if (o->stamp) {
		/* the marker is rewritten last and not counted itself; files
		 * written straight into staging (search index, catalog) count */
		morgue_buf m = MORGUE_BUF_INIT, p = MORGUE_BUF_INIT;
		if (!counted)
			files = bytes = 0;
		if (!counted && count_tree(o->staging.ptr, &files, &bytes) < 0)
			return morgue_error_set(MORGUE_EIO, o->staging.ptr, 0,
						"cannot read back the new site: %s", strerror(errno));
		morgue_buf_printf(&m, "morgue\nstamp %s\nfiles %zu\nbytes %zu\n", o->stamp,
				  files, bytes);
		/* what the site holds, however its files got there */
		o->files = files;
		o->bytes = bytes;
		morgue_buf_printf(&p, "%s/%s", o->staging.ptr, MARKER);
		if (o->keep)
			unlink(p.ptr);
		int rc = morgue_fs_write(p.ptr, m.ptr, m.size);
		morgue_buf_free(&m);
		morgue_buf_free(&p);
		if (rc < 0)
			return rc;
	}
	make_spare(o);
	o->prepared = 1;
	return 0;
}

/* After the swap the replaced site lives at the staging path. When this
 * build linked most of its files from it (an incremental build), it
 * shares them with the new site and becomes <dir>.old, recording which
 * site replaced it, for the next build to start from (adopt_old); the
 * <dir>.old before goes. Otherwise (a clean build wrote every file) both
 * go, and the spare tree made at prepare takes its place (place_spare).
 * A <dir>.old that morgue did not make is never touched. Nothing here
 * can fail the build. */
static void keep_old(morgue_output *o)
{
	morgue_buf id = MORGUE_BUF_INIT, p = MORGUE_BUF_INIT;
	int kept = 0;
	if (keeps_replaced(o)) {
		if (!morgue_fs_exists(o->old.ptr))
			kept = rename(o->staging.ptr, o->old.ptr) == 0;
		else if (has_marker(o->old.ptr))
			kept = renameat2(AT_FDCWD, o->staging.ptr, AT_FDCWD, o->old.ptr,
					 RENAME_EXCHANGE) == 0;
	}
	if (kept && site_id(&id, o->dir.ptr) == 0) {
		morgue_buf_printf(&p, "%s/%s", o->old.ptr, REPLACED_BY);
		if (morgue_fs_write(p.ptr, id.ptr, id.size) < 0)
			morgue_error_clear(); /* then it is not used */
	}
	if (morgue_fs_exists(o->staging.ptr))
		morgue_fs_rmtree_parallel(o->staging.ptr);
	if (!kept && has_marker(o->old.ptr))
		morgue_fs_rmtree_parallel(o->old.ptr);
	morgue_error_clear();
	morgue_buf_free(&id);
	morgue_buf_free(&p);
}

int morgue_output_commit(morgue_output *o)
{
	int rc;
	if (!o->prepared && (rc = morgue_output_prepare(o)) < 0)
		return rc;
	if (!morgue_fs_exists(o->dir.ptr)) {
		if (rename(o->staging.ptr, o->dir.ptr) < 0)
			return morgue_error_set(MORGUE_EIO, o->dir.ptr, 0,
						"cannot move the new site into place: %s",
						strerror(errno));
		place_spare(o);
	} else {
		/* one atomic step: the old site now lives at the staging path */
		if (renameat2(AT_FDCWD, o->staging.ptr, AT_FDCWD, o->dir.ptr,
			      RENAME_EXCHANGE) < 0)
			return morgue_error_set(MORGUE_EIO, o->dir.ptr, 0,
						"cannot swap the new site into place: %s",
						strerror(errno));
		keep_old(o);
		place_spare(o);
	}
	o->committed = 1;
	return 0;
}

void morgue_output_free(morgue_output *o)
{
	if (!o)
		return;
	if (!o->committed && o->staging.size)
		morgue_fs_rmtree(o->staging.ptr);
	if (o->spare_dir.size)
		morgue_fs_rmtree(o->spare_dir.ptr);
	morgue_buf_free(&o->spare_dir);
	if (o->lock_fd >= 0)
		close(o->lock_fd); /* releases the flock */
	if (o->dir_fd >= 0)
		close(o->dir_fd);
	if (o->staging_fd >= 0)
		close(o->staging_fd);
	pthread_mutex_destroy(&o->lock);
	morgue_buf_free(&o->dir);
	morgue_buf_free(&o->staging);
	morgue_buf_free(&o->old);
	for (size_t i = 0; i < o->cap; i++)
		free(o->placed[i].path);
	free(o->placed);
	for (size_t i = 0; i < o->nclaims; i++)
		free(o->claims[i]);
	free(o->claims);
	free(o->stamp);
	free(o);
}
