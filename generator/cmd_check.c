#include "build.h"
#include "cmd.h"

#include <getopt.h>
#include <string.h>

static int run(int argc, char **argv);

const morgue_command morgue_cmd_check = {
	"check", run, "validate the archive without writing a site",
	"usage: morgue check [ROOT] [--rev REV] [--worktree] [--strict] [--quiet]\n"
	"\n"
	"Read and annotate the whole archive as `morgue build` would, report\n"
	"every error and warning (bad front matter, unknown entity slugs,\n"
	"stand-off annotations that no longer anchor, ambiguous aliases) with\n"
	"file and line, and write nothing. Suited to a git pre-commit hook or CI.\n"
	"\n"
	"  -r, --rev REV     the commit, tag or branch to check (default: HEAD)\n"
	"  -w, --worktree    check the files on disk, uncommitted changes included\n"
	"  -s, --strict      warnings count as errors (exit status 1)\n"
	"  -q, --quiet       no summary line\n"
	"  -h, --help        this help\n"
	"\n"
	"Exit status: 0 clean, 1 errors (or warnings with --strict), 2 misuse,\n"
	"3 the repository or revision cannot be read.\n",
};

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rev", required_argument, NULL, 'r' },
		{ "worktree", no_argument, NULL, 'w' },
		{ "strict", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const morgue_command *cmd = &morgue_cmd_check;
	morgue_build_opts opts = { .root = "content", .check_only = 1 };
	morgue_build_stats stats;
	int strict = 0, quiet = 0, c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:wsqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': opts.rev = optarg; break;
		case 'w': opts.worktree = 1; break;
		case 's': strict = 1; break;
		case 'q': quiet = 1; break;
		case 'h': return morgue_cli_help(cmd);
		case ':': return morgue_cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
		default: return morgue_cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		opts.root = argv[optind++];
	if (optind < argc)
		return morgue_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	if (opts.rev && opts.worktree)
		return morgue_cli_usage_error(cmd, "--rev and --worktree exclude each other");

	morgue_cli_warnings(0);
	opts.on_error = morgue_cli_on_error;
	rc = morgue_build_run(&stats, &opts);
	if (rc < 0 && rc != MORGUE_EINPUT) {
		morgue_cli_print_error();
		return morgue_cli_exit_code(rc);
	}
	if (!quiet)
		fprintf(stderr, "morgue: checked %zu articles, %zu entities, %zu mentions: "
				"%zu error%s, %zu warning%s\n",
			stats.articles, stats.entities, stats.mentions,
			stats.errors, stats.errors == 1 ? "" : "s",
			stats.warnings, stats.warnings == 1 ? "" : "s");
	if (stats.errors || rc < 0)
		return MORGUE_EXIT_CONTENT;
	return strict && stats.warnings ? MORGUE_EXIT_CONTENT : MORGUE_EXIT_OK;
}
