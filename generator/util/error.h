/*
 * error.h - error codes and the last error, libgit2 style.
 *
 * Every library function returns 0 on success or a negative morgue_error_code.
 * Before returning an error it records a message with morgue_error_set(); the
 * command layer fetches it with morgue_error_last() and decides what to print
 * and which exit code to use. Messages about content carry file and line
 * ("content/articles/x.md:3: date: expected YYYY-MM-DD").
 *
 * The last error is thread-local. Warnings (problems that skip an item but
 * let the build go on) go to a process-wide handler installed by the command.
 */
#ifndef MORGUE_ERROR_H
#define MORGUE_ERROR_H

#include <stddef.h>

#include "buf.h"

typedef enum morgue_error_code {
	MORGUE_OK = 0,
	MORGUE_ERROR = -1,     /* internal or unclassified failure */
	MORGUE_EINPUT = -2,    /* bad content: a file of the archive is wrong */
	MORGUE_ENOTFOUND = -3, /* a named thing does not exist */
	MORGUE_EIO = -4,       /* reading or writing the file system failed */
	MORGUE_EREPO = -5,     /* the git repository could not be read */
	MORGUE_ELOCKED = -6,   /* another morgue holds the output lock */
	MORGUE_EUSAGE = -7,    /* the caller asked for something meaningless */
} morgue_error_code;

typedef struct morgue_error {
	int code;
	const char *file; /* may be NULL */
	int line;         /* 0 when unknown */
	const char *message;
} morgue_error;

/* Record an error for this thread and return `code`, so callers can write
 * `return morgue_error_set(MORGUE_EINPUT, path, line, "...")`.
 * `file` may be NULL and `line` 0 when they do not apply. */
int morgue_error_set(int code, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The last error recorded on this thread, or NULL. Valid until the next
 * morgue_error_set / morgue_error_clear on this thread. */
const morgue_error *morgue_error_last(void);
void morgue_error_clear(void);

/* Append "file:line: message" (or just the message) to out. */
void morgue_error_format(morgue_buf *out, const morgue_error *e);

/* Warnings: the item is skipped or degraded, the build goes on. */
typedef void (*morgue_warn_fn)(const char *file, int line, const char *msg,
			       void *payload);
void morgue_warn_set_handler(morgue_warn_fn fn, void *payload);
void morgue_warn(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Send this thread's warnings to fn instead of the handler, uncounted,
 * until called with NULL: a worker keeps them for the thread that reports
 * its results to re-issue (morgue_warn) in order. */
void morgue_warn_capture(morgue_warn_fn fn, void *payload);
/* Number of warnings reported since start (all threads). */
size_t morgue_warn_count(void);

#endif
