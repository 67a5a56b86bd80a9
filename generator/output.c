#define _GNU_SOURCE
#include "output.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"

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

struct morgue_output {
	morgue_buf dir;     /* the output directory as given, no trailing '/' */
	morgue_buf staging; /* <dir>.staging-<pid> */
	int lock_fd;
	int prepared;       /* morgue_output_prepare done */
	int committed;
	pthread_mutex_t lock;
	size_t files, bytes;
	char *stamp;        /* what the site is built from, or NULL */
	int keep;           /* link unchanged files from the previous site */
};

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

/* An existing non-empty directory without our marker is somebody's data. */
static int check_replaceable(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1, marked;
	morgue_buf m = MORGUE_BUF_INIT;

	if (!d)
		return errno == ENOENT ? 0
		       : morgue_error_set(MORGUE_EIO, dir, 0, "not a directory or unreadable: %s",
					  strerror(errno));
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	morgue_buf_printf(&m, "%s/%s", dir, MARKER);
	marked = morgue_fs_exists(m.ptr);
	morgue_buf_free(&m);
	if (!empty && !marked)
		return morgue_error_set(MORGUE_EIO, dir, 0,
					"refusing to replace a directory morgue did not create "
					"(no %s marker); remove it or choose another -o",
					MARKER);
	return 0;
}

int morgue_output_begin(morgue_output **out, const char *dir)
{
	morgue_output *o = morgue_calloc(1, sizeof(*o));
	morgue_buf lockpath = MORGUE_BUF_INIT;
	int rc;

	o->lock_fd = -1;
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
	if (o->keep)
		unlink(p.ptr);
	int rc = morgue_fs_write(p.ptr, data, len);
	morgue_buf_free(&p);
	if (rc == 0) {
		pthread_mutex_lock(&o->lock);
		o->files++;
		o->bytes += len;
		pthread_mutex_unlock(&o->lock);
	}
	return rc;
}

struct morgue_output_file {
	morgue_output *o;
	morgue_buf path; /* in staging */
	int fd;
	size_t size;
};

int morgue_output_open(morgue_output *o, const char *site_path, morgue_output_file **out)
{
	morgue_output_file *f = morgue_calloc(1, sizeof(*f));
	const char *slash;
	int rc = 0;

	f->o = o;
	f->fd = -1;
	morgue_buf_printf(&f->path, "%s/%s", o->staging.ptr, site_path);
	slash = strrchr(f->path.ptr, '/');
	{
		morgue_buf dir = MORGUE_BUF_INIT;
		morgue_buf_put(&dir, f->path.ptr, (size_t)(slash - f->path.ptr));
		rc = morgue_fs_mkdirs(dir.ptr);
		morgue_buf_free(&dir);
	}
	if (rc < 0)
		goto done;
	/* as morgue_output_write: never through a linked inode */
	if (o->keep)
		unlink(f->path.ptr);
	f->fd = open(f->path.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f->fd < 0)
		rc = morgue_error_set(MORGUE_EIO, f->path.ptr, 0, "cannot write: %s",
				      strerror(errno));
done:
	if (rc < 0) {
		morgue_buf_free(&f->path);
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
	if (rc == 0) {
		pthread_mutex_lock(&f->o->lock);
		f->o->files++;
		f->o->bytes += f->size;
		pthread_mutex_unlock(&f->o->lock);
	}
	morgue_buf_free(&f->path);
	free(f);
	return rc;
}

void morgue_output_keep_unchanged(morgue_output *o)
{
	o->keep = 1;
}

int morgue_output_link(morgue_output *o, const char *site_path)
{
	morgue_buf from = MORGUE_BUF_INIT, to = MORGUE_BUF_INIT;
	struct stat st;
	int rc = 0;

	morgue_buf_printf(&from, "%s/%s", o->dir.ptr, site_path);
	morgue_buf_printf(&to, "%s/%s", o->staging.ptr, site_path);
	if (lstat(from.ptr, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = morgue_error_set(MORGUE_ENOTFOUND, from.ptr, 0, "not in the previous site");
		goto done;
	}
	/* the usual case first: one system call (no unlink, no mkdir) */
	if (link(from.ptr, to.ptr) < 0) {
		const char *slash = strrchr(to.ptr, '/');
		morgue_buf dir = MORGUE_BUF_INIT;
		morgue_buf_put(&dir, to.ptr, (size_t)(slash - to.ptr));
		if (errno == EEXIST)
			unlink(to.ptr);
		else if (errno != ENOENT || morgue_fs_mkdirs(dir.ptr) < 0)
			dir.size = 0;
		if (!dir.size || link(from.ptr, to.ptr) < 0)
			rc = morgue_error_set(MORGUE_EIO, to.ptr, 0, "cannot link: %s",
					      strerror(errno));
		morgue_buf_free(&dir);
	}
	if (rc == 0) {
		pthread_mutex_lock(&o->lock);
		o->files++;
		o->bytes += (size_t)st.st_size;
		pthread_mutex_unlock(&o->lock);
	}
done:
	morgue_buf_free(&from);
	morgue_buf_free(&to);
	return rc;
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

/* Files newly written to staging whose bytes equal the previous site's
 * file at the same path are replaced by a link to it: an unchanged page
 * keeps its inode and mtime, so rsync and HTTP caches see no change. */
/* Keep the previous site's file wherever the staged one has the same
 * bytes, counting the staged files and bytes on the way (the marker
 * excluded), as count_tree does: one walk instead of two. -1 when part of
 * the tree could not be read (the counts are then incomplete). */
static int keep_unchanged(morgue_output *o, const char *rel, size_t *files, size_t *bytes)
{
	morgue_buf p = MORGUE_BUF_INIT;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	morgue_buf_printf(&p, "%s%s%s", o->staging.ptr, *rel ? "/" : "", rel);
	if (!(d = opendir(p.ptr))) {
		morgue_buf_free(&p);
		return -1;
	}
	while ((e = readdir(d))) {
		struct stat st, old;
		morgue_buf sub = MORGUE_BUF_INIT, now = MORGUE_BUF_INIT, was = MORGUE_BUF_INIT;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    (!*rel && !strcmp(e->d_name, MARKER)))
			continue;
		morgue_buf_printf(&sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		morgue_buf_printf(&now, "%s/%s", o->staging.ptr, sub.ptr);
		morgue_buf_printf(&was, "%s/%s", o->dir.ptr, sub.ptr);
		if (lstat(now.ptr, &st) < 0)
			rc = -1;
		else {
			if (S_ISDIR(st.st_mode)) {
				if (keep_unchanged(o, sub.ptr, files, bytes) < 0)
					rc = -1;
			} else {
				(*files)++;
				*bytes += (size_t)st.st_size;
			}
			if (S_ISREG(st.st_mode) && st.st_nlink == 1 &&
			    lstat(was.ptr, &old) == 0 && S_ISREG(old.st_mode) &&
			    old.st_size == st.st_size && same_bytes(now.ptr, was.ptr, st.st_size)) {
				morgue_buf tmp = MORGUE_BUF_INIT;
				morgue_buf_printf(&tmp, "%s.keep", now.ptr);
				if (link(was.ptr, tmp.ptr) == 0 && rename(tmp.ptr, now.ptr) < 0)
					unlink(tmp.ptr);
				morgue_buf_free(&tmp);
			}
		}
		morgue_buf_free(&sub);
		morgue_buf_free(&now);
		morgue_buf_free(&was);
	}
	closedir(d);
	morgue_buf_free(&p);
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

/* Files and bytes below dir, the marker excluded. */
static int count_tree(const char *dir, const char *rel, size_t *files, size_t *bytes)
{
	morgue_buf p = MORGUE_BUF_INIT;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	morgue_buf_printf(&p, "%s%s%s", dir, *rel ? "/" : "", rel);
	if (!(d = opendir(p.ptr))) {
		morgue_buf_free(&p);
		return -1;
	}
	while (!rc && (e = readdir(d))) {
		struct stat st;
		morgue_buf sub = MORGUE_BUF_INIT, full = MORGUE_BUF_INIT;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    (!*rel && !strcmp(e->d_name, MARKER)))
			continue;
		morgue_buf_printf(&sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		morgue_buf_printf(&full, "%s/%s", dir, sub.ptr);
		if (lstat(full.ptr, &st) < 0)
			rc = -1;
		else if (S_ISDIR(st.st_mode))
			rc = count_tree(dir, sub.ptr, files, bytes);
		else {
			(*files)++;
			*bytes += (size_t)st.st_size;
		}
		morgue_buf_free(&sub);
		morgue_buf_free(&full);
	}
	closedir(d);
	morgue_buf_free(&p);
	return rc;
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
	if (count_tree(dir, "", &files, &bytes) < 0)
		goto done;
	morgue_buf_printf(&want, "morgue\nstamp %s\nfiles %zu\nbytes %zu\n", stamp, files, bytes);
	current = !strcmp(morgue_buf_cstr(&data), want.ptr);
done:
	morgue_buf_free(&m);
	morgue_buf_free(&data);
	morgue_buf_free(&want);
	return current;
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

int morgue_output_prepare(morgue_output *o)
{
	size_t files = 0, bytes = 0;
	int counted = 0;
	if (o->keep && morgue_fs_is_dir(o->dir.ptr))
		counted = keep_unchanged(o, "", &files, &bytes) == 0;
	if (o->stamp) {
		/* the marker is rewritten last and not counted itself; files
		 * written straight into staging (search index, catalog) count */
		morgue_buf m = MORGUE_BUF_INIT, p = MORGUE_BUF_INIT;
		if (!counted)
			files = bytes = 0;
		if (!counted && count_tree(o->staging.ptr, "", &files, &bytes) < 0)
			return morgue_error_set(MORGUE_EIO, o->staging.ptr, 0,
						"cannot read back the new site: %s", strerror(errno));
		morgue_buf_printf(&m, "morgue\nstamp %s\nfiles %zu\nbytes %zu\n", o->stamp,
				  files, bytes);
		/* what the site holds, however its files got there */
		o->files = files;
		o->bytes = bytes;
		morgue_buf_printf(&p, "%s/%s", o->staging.ptr, MARKER);
		int rc = morgue_fs_write(p.ptr, m.ptr, m.size);
		morgue_buf_free(&m);
		morgue_buf_free(&p);
		if (rc < 0)
			return rc;
	}
	o->prepared = 1;
	return 0;
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
	} else {
		/* one atomic step: the old site now lives at the staging path */
		if (renameat2(AT_FDCWD, o->staging.ptr, AT_FDCWD, o->dir.ptr,
			      RENAME_EXCHANGE) < 0)
			return morgue_error_set(MORGUE_EIO, o->dir.ptr, 0,
						"cannot swap the new site into place: %s",
						strerror(errno));
		morgue_fs_rmtree_parallel(o->staging.ptr);
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
	if (o->lock_fd >= 0)
		close(o->lock_fd); /* releases the flock */
	pthread_mutex_destroy(&o->lock);
	morgue_buf_free(&o->dir);
	morgue_buf_free(&o->staging);
	free(o->stamp);
	free(o);
}
