/*
 * cmd.h - what main.c and the cmd_*.c files share. Only these files print
 * to the terminal or choose exit codes; everything else returns errors.
 *
 * Exit codes (documented in morgue(1)):
 *   0  success (warnings may have been printed)
 *   1  the content has errors (each printed as file:line: message)
 *   2  the command line is wrong
 *   3  the repository or revision cannot be read
 *   4  the output cannot be written (permissions, disk full...)
 *   5  another morgue is building the same site
 *   70 internal error
 */
#ifndef MORGUE_CMD_H
#define MORGUE_CMD_H

#include <stdio.h>

#include "util/error.h"

enum {
	MORGUE_EXIT_OK = 0,
	MORGUE_EXIT_CONTENT = 1,
	MORGUE_EXIT_USAGE = 2,
	MORGUE_EXIT_REPO = 3,
	MORGUE_EXIT_OUTPUT = 4,
	MORGUE_EXIT_LOCKED = 5,
	MORGUE_EXIT_INTERNAL = 70,
};

typedef struct morgue_command {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
	const char *summary;
	const char *usage; /* full --help text */
} morgue_command;

extern const morgue_command morgue_cmd_annotate;
extern const morgue_command morgue_cmd_build;
extern const morgue_command morgue_cmd_check;
extern const morgue_command morgue_cmd_diff;
extern const morgue_command morgue_cmd_new;
extern const morgue_command morgue_cmd_search;
extern const morgue_command morgue_cmd_serve;

/* Map a library error code to the documented exit code. */
int morgue_cli_exit_code(int err);
/* Print "morgue: error: <file:line: message>" for the last error. */
void morgue_cli_print_error(void);
/* Print one error as "morgue: error: file:line: message". */
void morgue_cli_report(const morgue_error *e);
/* morgue_cli_report as a morgue_build_opts.on_error callback. */
void morgue_cli_on_error(const morgue_error *e, void *payload);
/* Install the warning printer ("morgue: warning: file:line: message"). */
void morgue_cli_warnings(int quiet);
/* From now on, on: take memory from the system in 2 MB pages where the
 * allocator can (mimalloc builds; a no-op otherwise); off: in 4 KB pages
 * again (memory taken meanwhile keeps its pages). */
void morgue_cli_large_pages(int on);
/* "--help" handling and misuse: print usage to stdout (exit 0) or a
 * message plus hint to stderr (exit 2). */
int morgue_cli_usage_error(const morgue_command *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int morgue_cli_help(const morgue_command *c);

#endif
