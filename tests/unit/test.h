/*
 * test.h - the unit-test harness: a test binary runs its cases and prints
 * one line per case, "PASS name", "FAIL name: file:line: expr" or
 * "SKIP name: reason"; tests/run.sh counts them. Header-only on purpose.
 */
#ifndef MORGUE_TEST_H
#define MORGUE_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"

static int test_case_failed;
static int test_case_skipped;
static int test_failures;
static char test_skip_reason[256];

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			if (!test_case_failed)                                 \
				printf("  %s:%d: CHECK(%s)\n", __FILE__,       \
				       __LINE__, #cond);                       \
			test_case_failed = 1;                                  \
		}                                                              \
	} while (0)

#define CHECK_INT(a, b)                                                        \
	do {                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		if (a_ != b_) {                                                \
			printf("  %s:%d: %s == %lld, expected %lld\n",         \
			       __FILE__, __LINE__, #a, a_, b_);                \
			test_case_failed = 1;                                  \
		}                                                              \
	} while (0)

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *a_ = (a), *b_ = (b);                               \
		if (!a_ || !b_ || strcmp(a_, b_)) {                            \
			printf("  %s:%d: %s\n    got:      \"%s\"\n"           \
			       "    expected: \"%s\"\n",                       \
			       __FILE__, __LINE__, #a, a_ ? a_ : "(null)",     \
			       b_ ? b_ : "(null)");                            \
			test_case_failed = 1;                                  \
		}                                                              \
	} while (0)

/* Substring check, for HTML fragments. */
#define CHECK_CONTAINS(hay, needle)                                            \
	do {                                                                   \
		const char *h_ = (hay), *n_ = (needle);                        \
		if (!h_ || !strstr(h_, n_)) {                                  \
			printf("  %s:%d: \"%s\" not found in:\n%s\n",          \
			       __FILE__, __LINE__, n_, h_ ? h_ : "(null)");    \
			test_case_failed = 1;                                  \
		}                                                              \
	} while (0)

#define CHECK_NOT_CONTAINS(hay, needle)                                        \
	do {                                                                   \
		const char *h_ = (hay), *n_ = (needle);                        \
		if (h_ && strstr(h_, n_)) {                                    \
			printf("  %s:%d: \"%s\" unexpectedly found in:\n%s\n", \
			       __FILE__, __LINE__, n_, h_);                    \
			test_case_failed = 1;                                  \
		}                                                              \
	} while (0)

/* Mark the running case skipped (e.g. ../shared absent) and return. */
#define SKIP(reason)                                                           \
	do {                                                                   \
		test_case_skipped = 1;                                         \
		snprintf(test_skip_reason, sizeof(test_skip_reason), "%s",     \
			 reason);                                              \
		return;                                                        \
	} while (0)

static void test_run(const char *name, void (*fn)(void))
{
	test_case_failed = test_case_skipped = 0;
	fflush(stdout);
	fn();
	if (test_case_skipped && !test_case_failed)
		printf("SKIP %s: %s\n", name, test_skip_reason);
	else if (test_case_failed) {
		printf("FAIL %s\n", name);
		test_failures++;
	} else
		printf("PASS %s\n", name);
	fflush(stdout);
}

#define RUN(fn) test_run(#fn, fn)
#define TEST_EXIT() return test_failures ? 1 : 0

/* Directory of ../shared (the workplace's shared folder) or NULL when this
 * clone has none: tests that need it must SKIP with a clear message. */
static inline const char *test_shared_dir(void)
{
	const char *d = getenv("MORGUE_SHARED");
	if (d && *d)
		return d;
	return access("../shared/seeds", R_OK | X_OK) == 0 ? "../shared" : NULL;
}

/* Run the shell command fmt in dir, its output discarded, as a fixed git
 * author and committer; with when > 0, also at that time (the commits'
 * dates). 1 when it succeeded. */
static inline int test_vsh(const char *dir, long when, const char *fmt, va_list ap)
{
	morgue_buf cmd = MORGUE_BUF_INIT;
	morgue_buf_printf(&cmd, "cd '%s' && export GIT_AUTHOR_NAME=Tester"
			  " GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=Tester"
			  " GIT_COMMITTER_EMAIL=t@example.org", dir);
	if (when > 0)
		morgue_buf_printf(&cmd, " GIT_AUTHOR_DATE='%ld +0100' GIT_COMMITTER_DATE='%ld +0100'",
				  when, when);
	morgue_buf_puts(&cmd, " && (");
	morgue_buf_vprintf(&cmd, fmt, ap);
	morgue_buf_puts(&cmd, ") >/dev/null 2>&1");
	int ok = system(cmd.ptr) == 0;
	morgue_buf_free(&cmd);
	return ok;
}

#endif
