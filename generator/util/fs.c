#define _GNU_SOURCE /* copy_file_range */
#define _XOPEN_SOURCE 700
#include "fs.h"
#include "error.h"

#include "alloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <linux/fs.h> /* FICLONE */
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

int morgue_fs_mkdirs(const char *path)
{
	morgue_buf p = MORGUE_BUF_INIT;
	int rc = 0;

	/* the parents usually exist: one mkdir, not one per component */
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	morgue_buf_puts(&p, path);
	for (size_t i = 1; i <= p.size; i++) {
		if (p.ptr[i] != '/' && p.ptr[i] != '\0')
			continue;
		char save = p.ptr[i];
		p.ptr[i] = '\0';
		if (mkdir(p.ptr, 0755) < 0 && errno != EEXIST) {
			rc = morgue_error_set(MORGUE_EIO, p.ptr, 0,
					      "cannot create directory: %s",
					      strerror(errno));
			goto done;
		}
		p.ptr[i] = save;
	}
done:
	morgue_buf_free(&p);
	return rc;
}

int morgue_fs_mkparents(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return 0;
	morgue_buf dir = MORGUE_BUF_INIT;
	morgue_buf_put(&dir, path, (size_t)(slash - path));
	int rc = morgue_fs_mkdirs(dir.ptr);
	morgue_buf_free(&dir);
	return rc;
}

int morgue_fs_read(morgue_buf *out, const char *path)
{
	char chunk[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return morgue_error_set(errno == ENOENT ? MORGUE_ENOTFOUND : MORGUE_EIO,
					path, 0, "cannot read: %s", strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		morgue_buf_put(out, chunk, (size_t)n);
	int err = n < 0 ? errno : 0;
	close(fd);
	if (err)
		return morgue_error_set(MORGUE_EIO, path, 0, "cannot read: %s",
					strerror(err));
	return 0;
}

/* The usual case, a new file in a directory that exists, costs one
 * open: the parents are made only when it fails for want of them, and
 * an existing file is unlinked only when there is one. */
int morgue_fs_open_new(const char *path, int fresh)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (fresh ? O_EXCL : O_TRUNC);
	int fd = open(path, flags, 0644);

	if (fd < 0 && errno == ENOENT && strchr(path, '/')) {
		int rc = morgue_fs_mkparents(path);
		if (rc)
			return rc;
		fd = open(path, flags, 0644);
	}
	if (fd < 0 && fresh && errno == EEXIST && unlink(path) == 0)
		fd = open(path, flags, 0644);
	if (fd < 0)
		return morgue_error_set(MORGUE_EIO, path, 0, "cannot write: %s",
					strerror(errno));
	return fd;
}

static int write_new(const char *path, const char *data, size_t len, int fresh)
{
	int fd = morgue_fs_open_new(path, fresh), rc = 0;

	if (fd < 0)
		return fd;
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = morgue_error_set(MORGUE_EIO, path, 0, "cannot write: %s",
					      strerror(errno));
			break;
		}
		data += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0 && !rc)
		rc = morgue_error_set(MORGUE_EIO, path, 0, "cannot write: %s",
				      strerror(errno));
	return rc;
}

int morgue_fs_write(const char *path, const char *data, size_t len)
{
	return write_new(path, data, len, 0);
}

int morgue_fs_write_fresh(const char *path, const char *data, size_t len)
{
	return write_new(path, data, len, 1);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)flag; (void)f;
	return remove(p);
}

int morgue_fs_rmtree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return 0;
	if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS) < 0)
		return morgue_error_set(MORGUE_EIO, path, 0, "cannot remove: %s",
					strerror(errno));
	return 0;
}

/* One thread's share of morgue_fs_rmtree_parallel. */
typedef struct rm_share {
	char **paths;
	size_t n;
	int failed;
} rm_share;

static void *rm_share_run(void *arg)
{
	rm_share *r = arg;
	for (size_t i = 0; i < r->n; i++)
		if (nftw(r->paths[i], rm_one, 32, FTW_DEPTH | FTW_PHYS) < 0)
			r->failed = 1;
	return NULL;
}

/* The entries one and two levels below path ("articles/2017", "index.html"),
 * appended to *v. */
static void rm_collect(char ***v, size_t *n, size_t *cap, const char *path, int depth)
{
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		morgue_buf p = MORGUE_BUF_INIT;
		morgue_buf_printf(&p, "%s/%s", path, e->d_name);
		if (depth == 0 && e->d_type == DT_DIR) {
			rm_collect(v, n, cap, p.ptr, 1);
			morgue_buf_free(&p);
			continue;
		}
		MORGUE_ARRAY_RESERVE(*v, *cap, *n + 1);
		(*v)[(*n)++] = morgue_buf_detach(&p);
	}
	if (d)
		closedir(d);
}

int morgue_fs_rmtree_parallel(const char *path)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	pthread_t thread;
	struct stat st;
	if (lstat(path, &st) < 0)
		return 0;
	if (S_ISDIR(st.st_mode))
		rm_collect(&v, &n, &cap, path, 0);
	/* every other entry to a second thread (a year's articles each,
	 * or single files): unlinks in different directories do not wait
	 * for each other */
	char **w = morgue_calloc(n + 1, sizeof(*w));
	size_t half = 0, k = 0;
	for (size_t i = 0; i < n; i++) {
		if (i & 1)
			w[half++] = v[i];
		else
			v[k++] = v[i];
	}
	rm_share mine = { v, k, 0 }, other = { w, half, 0 };
	int threaded = half >= 64 && pthread_create(&thread, NULL, rm_share_run, &other) == 0;
	rm_share_run(&mine);
	if (threaded)
		pthread_join(thread, NULL);
	else
		rm_share_run(&other);
	for (size_t i = 0; i < k; i++)
		free(v[i]);
	for (size_t i = 0; i < half; i++)
		free(w[i]);
	free(v);
	free(w);
	return morgue_fs_rmtree(path); /* the directories left, emptied */
}

int morgue_fs_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int morgue_fs_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int morgue_fs_create(const char *path, const char *data, size_t len)
{
	int fd, rc = morgue_fs_mkparents(path);

	if (rc)
		return rc;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return morgue_error_set(errno == EEXIST ? MORGUE_EUSAGE : MORGUE_EIO, path, 0,
					errno == EEXIST ? "already exists; not overwritten"
							: "cannot create: %s", strerror(errno));
	for (size_t off = 0; off < len && rc == 0;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = morgue_error_set(MORGUE_EIO, path, 0, "cannot write: %s", strerror(errno));
		else
			off += (size_t)w;
	}
	if (close(fd) < 0 && rc == 0)
		rc = morgue_error_set(MORGUE_EIO, path, 0, "cannot write: %s", strerror(errno));
	if (rc)
		unlink(path);
	return rc;
}

int morgue_fs_copy(const char *src, const char *dst)
{
	int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = 0;
	char buf[65536];

	if (in < 0)
		return morgue_error_set(MORGUE_EIO, src, 0, "cannot read: %s", strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		rc = morgue_error_set(MORGUE_EIO, dst, 0, "cannot write: %s", strerror(errno));
		goto done;
	}
	/* a reflink shares the blocks (btrfs, XFS): no copy at all */
	if (ioctl(out, FICLONE, in) == 0)
		goto closed;
	for (int kernel = 1;;) {
		ssize_t n;
		if (kernel) {
			n = copy_file_range(in, NULL, out, NULL, (size_t)1 << 30, 0);
			if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
				      errno == EOPNOTSUPP)) {
				kernel = 0; /* nothing copied yet on these errors */
				continue;
			}
		} else {
			n = read(in, buf, sizeof(buf));
			for (ssize_t off = 0; n > 0 && off < n;) {
				ssize_t w = write(out, buf + off, (size_t)(n - off));
				if (w < 0 && errno != EINTR) {
					n = -1;
					break;
				}
				off += w > 0 ? w : 0;
			}
		}
		if (n == 0)
			break;
		if (n < 0 && errno != EINTR) {
			rc = morgue_error_set(MORGUE_EIO, dst, 0, "cannot copy %s: %s", src,
					      strerror(errno));
			break;
		}
	}
closed:
	if (close(out) < 0 && !rc)
		rc = morgue_error_set(MORGUE_EIO, dst, 0, "cannot write: %s", strerror(errno));
done:
	close(in);
	return rc;
}
