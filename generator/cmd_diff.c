#include "cmd.h"
#include "diff.h"

#include <getopt.h>
#include <string.h>

static int run(int argc, char **argv);

const morgue_command morgue_cmd_diff = {
	"diff", run, "list articles, entities and annotations changed between revisions",
	"usage: morgue diff [-C ROOT] REV1 [REV2]\n"
	"\n"
	"List the articles, entities and annotation files of the archive that\n"
	"were added (A), removed (D), changed (M) or renamed (R) between REV1\n"
	"and REV2 (default: the work tree, uncommitted files included), one per\n"
	"line, followed by a summary. For reviewing annotation work in a branch:\n"
	"    morgue diff main annotations-may\n"
	"\n"
	"  -C, --root DIR   the content root (default: content)\n"
	"  -h, --help       this help\n",
};

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char letters[] = { 'A', 'D', 'M', 'R' };
	const morgue_command *cmd = &morgue_cmd_diff;
	const char *root = "content";
	morgue_change *ch = NULL;
	size_t n = 0, count[4] = { 0 };
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":C:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'C': root = optarg; break;
		case 'h': return morgue_cli_help(cmd);
		case ':': return morgue_cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
		default: return morgue_cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc || argc - optind > 2)
		return morgue_cli_usage_error(cmd, "expected REV1 [REV2]");
	rc = morgue_diff_revisions(&ch, &n, root, argv[optind],
				   optind + 1 < argc ? argv[optind + 1] : NULL);
	if (rc < 0) {
		morgue_cli_print_error();
		return morgue_cli_exit_code(rc);
	}
	for (size_t i = 0; i < n; i++) {
		count[ch[i].kind]++;
		if (ch[i].kind == MORGUE_CHANGE_RENAMED)
			printf("R  %s -> %s\n", ch[i].old_path, ch[i].path);
		else
			printf("%c  %s\n", letters[ch[i].kind], ch[i].path);
	}
	printf("%s%zu added, %zu removed, %zu changed, %zu renamed\n", n ? "\n" : "",
	       count[MORGUE_CHANGE_ADDED], count[MORGUE_CHANGE_REMOVED],
	       count[MORGUE_CHANGE_CHANGED], count[MORGUE_CHANGE_RENAMED]);
	morgue_changes_free(ch, n);
	return MORGUE_EXIT_OK;
}
