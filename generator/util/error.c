#include "error.h"
#include "alloc.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>

static _Thread_local morgue_error last;
static _Thread_local morgue_buf last_file = MORGUE_BUF_INIT;
static _Thread_local morgue_buf last_msg = MORGUE_BUF_INIT;
static _Thread_local int have_last;

static pthread_mutex_t warn_lock = PTHREAD_MUTEX_INITIALIZER;
static morgue_warn_fn warn_fn;
static void *warn_payload;
static size_t warn_total;
static _Thread_local morgue_warn_fn capture_fn;
static _Thread_local void *capture_payload;

int morgue_error_set(int code, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	morgue_buf_clear(&last_msg);
	va_start(ap, fmt);
	morgue_buf_vprintf(&last_msg, fmt, ap);
	va_end(ap);
	morgue_buf_clear(&last_file);
	if (file)
		morgue_buf_puts(&last_file, file);

	last.code = code;
	last.file = file ? morgue_buf_cstr(&last_file) : NULL;
	last.line = line;
	last.message = morgue_buf_cstr(&last_msg);
	have_last = 1;
	return code;
}

const morgue_error *morgue_error_last(void)
{
	return have_last ? &last : NULL;
}

void morgue_error_clear(void)
{
	have_last = 0;
	morgue_buf_free(&last_msg);
	morgue_buf_free(&last_file);
}

void morgue_error_format(morgue_buf *out, const morgue_error *e)
{
	if (!e) {
		morgue_buf_puts(out, "unknown error");
		return;
	}
	if (e->file && *e->file) {
		morgue_buf_puts(out, e->file);
		if (e->line > 0)
			morgue_buf_printf(out, ":%d", e->line);
		morgue_buf_puts(out, ": ");
	}
	morgue_buf_puts(out, e->message);
}

void morgue_warn_set_handler(morgue_warn_fn fn, void *payload)
{
	pthread_mutex_lock(&warn_lock);
	warn_fn = fn;
	warn_payload = payload;
	pthread_mutex_unlock(&warn_lock);
}

void morgue_warn(const char *file, int line, const char *fmt, ...)
{
	morgue_buf msg = MORGUE_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	morgue_buf_vprintf(&msg, fmt, ap);
	va_end(ap);

	if (capture_fn) {
		capture_fn(file, line, morgue_buf_cstr(&msg), capture_payload);
		morgue_buf_free(&msg);
		return;
	}
	pthread_mutex_lock(&warn_lock);
	warn_total++;
	if (warn_fn)
		warn_fn(file, line, morgue_buf_cstr(&msg), warn_payload);
	pthread_mutex_unlock(&warn_lock);
	morgue_buf_free(&msg);
}

void morgue_warn_capture(morgue_warn_fn fn, void *payload)
{
	capture_fn = fn;
	capture_payload = payload;
}

size_t morgue_warn_count(void)
{
	pthread_mutex_lock(&warn_lock);
	size_t n = warn_total;
	pthread_mutex_unlock(&warn_lock);
	return n;
}
