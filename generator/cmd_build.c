#include "build.h"
#include "cmd.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int run(int argc, char **argv);

const morgue_command morgue_cmd_build = {
	"build", run, "render an archive into a static site",
	"usage: morgue build [ROOT] [-o DIR] [--rev REV] [--worktree] [--theme DIR] [--clean] [--quiet]\n"
	"\n"
	"Read the archive at ROOT (a directory inside a git repository, or\n"
	"REPO:PATH for a bare repository; default: content) at a commit and\n"
	"write the site to DIR (default: public). The site is built next to DIR\n"
	"and swapped into place only when complete.\n"
	"\n"
	"  -o, --output DIR   where the site goes (default: public)\n"
	"  -r, --rev REV      commit, tag or branch to build (default: HEAD)\n"
	"  -w, --worktree     build the files as they are on disk, uncommitted\n"
	"                     changes included (for previewing drafts)\n"
	"  -t, --theme DIR    theme directory overriding the default, file by file\n"
	"  -c, --clean        rebuild even if DIR is already the site of this commit\n"
	"                     (otherwise an unchanged archive is not rebuilt)\n"
	"  -q, --quiet        no progress and no summary line\n"
	"  -h, --help         this help\n",
};

typedef struct progress_state {
	int tty;
	struct timespec start;
} progress_state;

static double elapsed(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Large pages (morgue_cli_large_pages) trade memory for time. A build
 * takes them from its start: the main thread's first memory is taken
 * before the build knows what it is, and an edit's main thread took 6.3k
 * page faults in 4 KB pages, 0.7k in 2 MB ones (the bench's 1k edit,
 * 0.23 -> 0.20 s; a no-change rebuild 0.05 -> 0.04 s). A clean build of
 * 10k articles gains a seventh (4 alternating pairs: 16.45 -> 14.05 s,
 * CPU 30.5 -> 26.0 s) for a quarter more peak memory (257 -> 321 MB);
 * at 100k articles the peak passes 1 GB (1117 MB, against 909 MB
 * without), so the largest archives go back to small pages as soon as
 * the build knows its size (on_plan). The line is drawn well below
 * (about 500 MB at 30k, going by the two). */
#define LARGE_PAGES_MAX_ARTICLES 30000

static void on_plan(size_t articles, int incremental, void *payload)
{
	(void)payload;
	if (!incremental && articles > LARGE_PAGES_MAX_ARTICLES)
		morgue_cli_large_pages(0);
}

/* Progress on stderr, only when it is a terminal. */
static void on_progress(const char *phase, size_t done, size_t total, void *payload)
{
	progress_state *p = payload;
	if (!p->tty)
		return;
	double t = elapsed(&p->start);
	if (total)
		fprintf(stderr, "\r\033[Kmorgue: %s %zu/%zu (%.0f/s)", phase, done, total,
			t > 0 ? (double)done / t : 0.0);
	else
		fprintf(stderr, "\r\033[Kmorgue: %s...", phase);
	fflush(stderr);
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "rev", required_argument, NULL, 'r' },
		{ "worktree", no_argument, NULL, 'w' },
		{ "theme", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "clean", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	morgue_build_opts opts = { .root = "content", .out = "public" };
	morgue_build_stats stats;
	progress_state ps = { 0 };
	int quiet = 0, c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:r:wt:cqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': opts.out = optarg; break;
		case 'r': opts.rev = optarg; break;
		case 'w': opts.worktree = 1; break;
		case 't': opts.theme_dir = optarg; break;
		case 'q': quiet = 1; break;
		case 'c': opts.clean = 1; break;
		case 'h': return morgue_cli_help(&morgue_cmd_build);
		case ':': return morgue_cli_usage_error(&morgue_cmd_build, "option '%s' needs a value", argv[optind - 1]);
		default: return morgue_cli_usage_error(&morgue_cmd_build, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		opts.root = argv[optind++];
	if (optind < argc)
		return morgue_cli_usage_error(&morgue_cmd_build, "unexpected argument '%s'", argv[optind]);
	if (opts.rev && opts.worktree)
		return morgue_cli_usage_error(&morgue_cmd_build, "--rev and --worktree exclude each other");
	if (!*opts.out || !strcmp(opts.out, "/") || !strcmp(opts.out, "."))
		return morgue_cli_usage_error(&morgue_cmd_build, "refusing output directory '%s'", opts.out);

	morgue_cli_large_pages(1);
	morgue_cli_warnings(0);
	ps.tty = !quiet && isatty(2);
	clock_gettime(CLOCK_MONOTONIC, &ps.start);
	opts.on_error = morgue_cli_on_error;
	opts.on_progress = on_progress;
	opts.on_plan = on_plan;
	opts.payload = &ps;
	opts.uncounted = quiet;
	rc = morgue_build_run(&stats, &opts);
	if (ps.tty)
		fprintf(stderr, "\r\033[K");
	if (rc < 0) {
		morgue_cli_print_error();
		return morgue_cli_exit_code(rc);
	}
	if (!quiet && stats.up_to_date && stats.commit[0])
		fprintf(stderr, "morgue: %s is up to date (built from commit %.7s; --clean rebuilds)\n",
			opts.out, stats.commit);
	else if (!quiet && stats.up_to_date)
		fprintf(stderr, "morgue: %s is up to date (the work tree is unchanged; --clean rebuilds)\n",
			opts.out);
	else if (!quiet) {
		char inc[128] = "";
		if (stats.cached || stats.reused)
			snprintf(inc, sizeof(inc), "; %zu articles and %zu files from the cache",
				 stats.cached, stats.reused);
		fprintf(stderr,
			"morgue: built %s: %zu articles, %zu entities, %zu mentions, "
			"%zu pages, %zu files (%.1f MB) in %.2f s%s%s\n",
			opts.out, stats.articles, stats.entities, stats.mentions, stats.pages,
			stats.files, (double)stats.bytes / 1e6, elapsed(&ps.start), inc,
			stats.warnings ? " (with warnings)" : "");
	}
	return MORGUE_EXIT_OK;
}
