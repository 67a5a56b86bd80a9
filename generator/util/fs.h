/*
 * fs.h - the few file-system operations morgue needs, with errors recorded
 * through error.h (path named in the message).
 */
#ifndef MORGUE_FS_H
#define MORGUE_FS_H

#include <stddef.h>

#include "buf.h"

/* mkdir -p; 0 or MORGUE_EIO. */
int morgue_fs_mkdirs(const char *path);
/* mkdir -p of the directory path is in (nothing for a bare name). */
int morgue_fs_mkparents(const char *path);
/* Read a whole file into out (appended). 0, MORGUE_ENOTFOUND or MORGUE_EIO. */
int morgue_fs_read(morgue_buf *out, const char *path);
/* Create or replace a file with the given bytes, creating parent
 * directories. 0 or MORGUE_EIO. */
int morgue_fs_write(const char *path, const char *data, size_t len);
/* Open path for writing, creating parent directories: a new inode when
 * fresh (an existing file, maybe hard-linked elsewhere, is unlinked
 * first, never written through), else truncated. The file descriptor,
 * or MORGUE_EIO. */
int morgue_fs_open_new(const char *path, int fresh);
/* morgue_fs_write into a new inode (morgue_fs_open_new's fresh). */
int morgue_fs_write_fresh(const char *path, const char *data, size_t len);
/* Create a new file (and its parent directories) with the given bytes;
 * never replaces an existing file: MORGUE_EUSAGE if path exists,
 * MORGUE_EIO on other failures. */
int morgue_fs_create(const char *path, const char *data, size_t len);
/* Copy the file src to dst (created or replaced, mode 0644), in the
 * kernel where it can (copy_file_range). 0 or MORGUE_EIO. */
int morgue_fs_copy(const char *src, const char *dst);
/* rm -rf; a missing path is not an error. 0 or MORGUE_EIO. */
int morgue_fs_rmtree(const char *path);
/* The same, removing the subtrees two levels down from two threads (a
 * site of 40k files takes a third of a second on one). */
int morgue_fs_rmtree_parallel(const char *path);
/* 1 if path exists (any type), else 0. */
int morgue_fs_exists(const char *path);
/* 1 if path is a directory. */
int morgue_fs_is_dir(const char *path);

#endif
