/*
 * main.c - the command table, help and exit codes. Each subcommand lives
 * in its own cmd_<name>.c and is listed in `commands` below.
 */
#include "cmd.h"
#include "util/buf.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#ifdef MORGUE_MIMALLOC
#include <mimalloc.h>
#endif

#ifndef MORGUE_VERSION
#define MORGUE_VERSION "0.1.0"
#endif

static const morgue_command *const commands[] = {
	&morgue_cmd_annotate,
	&morgue_cmd_build,
	&morgue_cmd_check,
	&morgue_cmd_diff,
	&morgue_cmd_new,
	&morgue_cmd_search,
	&morgue_cmd_serve,
};
#define NCOMMANDS (sizeof(commands) / sizeof(*commands))

static void usage(FILE *f)
{
	fprintf(f, "usage: morgue COMMAND [OPTIONS]\n\n"
		   "A static site generator for annotated news archives kept in git.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\n`morgue COMMAND --help` describes a command; man morgue has the rest.\n"
		   "Options: -h, --help (this text), --version\n");
}

int morgue_cli_exit_code(int err)
{
	switch (err) {
	case MORGUE_OK: return MORGUE_EXIT_OK;
	case MORGUE_EINPUT: return MORGUE_EXIT_CONTENT;
	case MORGUE_EUSAGE: return MORGUE_EXIT_USAGE;
	case MORGUE_EREPO: case MORGUE_ENOTFOUND: return MORGUE_EXIT_REPO;
	case MORGUE_EIO: return MORGUE_EXIT_OUTPUT;
	case MORGUE_ELOCKED: return MORGUE_EXIT_LOCKED;
	default: return MORGUE_EXIT_INTERNAL;
	}
}

/* Write s to stderr with control characters (a file name or a value
 * from the content may hold ESC, CR or newlines) shown as \xHH, so one
 * diagnostic is one line and cannot drive the terminal. */
static void put_clean(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			fprintf(stderr, "\\x%02X", *p);
		else
			fputc(*p, stderr);
}

void morgue_cli_report(const morgue_error *e)
{
	morgue_buf b = MORGUE_BUF_INIT;
	morgue_error_format(&b, e);
	fputs("morgue: error: ", stderr);
	put_clean(morgue_buf_cstr(&b));
	fputc('\n', stderr);
	morgue_buf_free(&b);
}

void morgue_cli_on_error(const morgue_error *e, void *payload)
{
	morgue_cli_report(e);
}

void morgue_cli_print_error(void)
{
	morgue_cli_report(morgue_error_last());
}

static void print_warning(const char *file, int line, const char *msg, void *payload)
{
	if (*(int *)payload)
		return;
	fputs("morgue: warning: ", stderr);
	if (file) {
		put_clean(file);
		if (line > 0)
			fprintf(stderr, ":%d", line);
		fputs(": ", stderr);
	}
	put_clean(msg);
	fputc('\n', stderr);
}

void morgue_cli_warnings(int quiet)
{
	static int q;
	q = quiet;
	morgue_warn_set_handler(print_warning, &q);
}

int morgue_cli_help(const morgue_command *c)
{
	fputs(c->usage, stdout);
	return MORGUE_EXIT_OK;
}

int morgue_cli_usage_error(const morgue_command *c, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "morgue %s: ", c->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'morgue %s --help'.\n", c->name);
	return MORGUE_EXIT_USAGE;
}

/* glibc serves a block freed from mmap with a raised mmap threshold (up to
 * 32 MB): later big blocks (page buffers, SQLite's sorter and caches,
 * the search index's arrays) then come from the arenas, whose freed
 * memory is seldom given back, and the peak grows with the archive
 * (30k clean build: 513 MB against 414 MB with the threshold fixed; no
 * slower). A fixed threshold keeps blocks from 128 KB up on mmap, each
 * returned to the system when freed. */
static void tune_malloc(void)
{
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

/* mimalloc then asks for transparent huge pages (madvise) for the memory
 * it maps: one page fault, and one page zeroed by the kernel, where
 * there were 512 (a fault costs about 12 us on this kind of VM). It
 * rounds each mapping up to 2 MB pages, so the peak grows: cmd_build
 * chooses (an edit's build, a clean build of a smaller archive). Edit,
 * 10k articles, 6 alternating pairs: 0.91 -> 0.74 s, CPU 1.56 -> 1.30 s;
 * with every thread's first segment too (eager_commit_delay 0): 1.01 ->
 * 0.74 s, 39.5k page faults -> 8.4k. Off again, the delay is mimalloc's
 * own. */
void morgue_cli_large_pages(int on)
{
#ifdef MORGUE_MIMALLOC
	static long delay = -1; /* mimalloc's eager_commit_delay */
	if (delay < 0)
		delay = mi_option_get(mi_option_eager_commit_delay);
	mi_option_set_enabled(mi_option_large_os_pages, on);
	/* a thread's first segment is otherwise committed late, and then
	 * without large pages: an edit's ten threads faulted page by page */
	mi_option_set(mi_option_eager_commit_delay, on ? 0 : delay);
#else
	(void)on;
#endif
}

/* SQLite counts every allocation under one process-wide mutex unless told
 * not to; a build runs SQLite on up to five threads at once (catalog,
 * archive tables, full-text index, search tokens, page renderers), which
 * then queue on it. Nothing reads the counts. Before any other SQLite
 * call. */
static void tune_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int main(int argc, char **argv)
{
	tune_malloc();
	tune_sqlite();
	if (argc < 2) {
		usage(stderr);
		return MORGUE_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		if (argc > 2 && !strcmp(argv[1], "help"))
			for (size_t i = 0; i < NCOMMANDS; i++)
				if (!strcmp(argv[2], commands[i]->name))
					return morgue_cli_help(commands[i]);
		usage(stdout);
		return MORGUE_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("morgue %s\n", MORGUE_VERSION);
		return MORGUE_EXIT_OK;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i]->name))
			return commands[i]->run(argc - 1, argv + 1);
	fprintf(stderr, "morgue: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return MORGUE_EXIT_USAGE;
}
