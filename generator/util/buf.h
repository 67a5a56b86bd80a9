/*
 * buf.h - the one growable byte buffer used for all text in morgue.
 *
 * Modelled on cmark_strbuf / git_str. The buffer owns its memory; ptr is
 * always NUL-terminated once anything has been written (and morgue_buf_cstr
 * returns "" for an empty buffer), so it can be handed to C APIs directly.
 * Allocation failure aborts the process (see alloc.h): callers never check.
 */
#ifndef MORGUE_BUF_H
#define MORGUE_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct morgue_buf {
	char *ptr;    /* owned; NULL until first write */
	size_t size;  /* bytes used, excluding the terminating NUL */
	size_t asize; /* bytes allocated */
} morgue_buf;

#define MORGUE_BUF_INIT { NULL, 0, 0 }

void morgue_buf_grow(morgue_buf *b, size_t extra);
void morgue_buf_put(morgue_buf *b, const char *data, size_t len);
void morgue_buf_puts(morgue_buf *b, const char *s);
void morgue_buf_putc(morgue_buf *b, int c);
void morgue_buf_printf(morgue_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void morgue_buf_vprintf(morgue_buf *b, const char *fmt, va_list ap);
/* n in decimal: what "%lld" prints, without printf's cost (page writers
 * put hundreds of thousands of numbers). */
void morgue_buf_put_int(morgue_buf *b, long long n);

/* Shorten to len bytes (len <= size). */
void morgue_buf_truncate(morgue_buf *b, size_t len);
/* Empty the buffer but keep its memory for reuse. */
void morgue_buf_clear(morgue_buf *b);
/* Release the memory; the buffer is MORGUE_BUF_INIT again. */
void morgue_buf_free(morgue_buf *b);
/* Hand the string to the caller (free() it); the buffer is reset.
 * Never returns NULL: an empty buffer yields an allocated "". */
char *morgue_buf_detach(morgue_buf *b);
/* The contents as a C string; "" when nothing was written. */
const char *morgue_buf_cstr(const morgue_buf *b);

#endif
