#include "cmd.h"
#include "scaffold.h"
#include "util/buf.h"
#include "util/fs.h"

#include <getopt.h>
#include <string.h>
#include <time.h>

static int run(int argc, char **argv);

const morgue_command morgue_cmd_new = {
	"new", run, "create an article or entity file with its front matter",
	"usage: morgue new [OPTIONS] \"Title\"\n"
	"       morgue new entity [OPTIONS] \"Name\" --type TYPE\n"
	"\n"
	"Write a new file into the content root's working tree, at the path the\n"
	"format prescribes (articles/YYYY/slug.md, entities/<type>s/slug.md),\n"
	"and print its path. An existing file is never overwritten. Commit the\n"
	"file with git when it is ready; `morgue build --worktree` previews it.\n"
	"\n"
	"  -C, --root DIR           the content root (default: content)\n"
	"  -p, --publication SLUG   the article's publication\n"
	"  -d, --date YYYY-MM-DD    the article's date (default: today, UTC)\n"
	"  -t, --type TYPE          entity type: person, organization, place,\n"
	"                           publication, event or topic\n"
	"  -h, --help               this help\n",
};

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'C' },
		{ "publication", required_argument, NULL, 'p' },
		{ "date", required_argument, NULL, 'd' },
		{ "type", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const morgue_command *cmd = &morgue_cmd_new;
	const char *root = "content", *pub = NULL, *date = NULL, *type = NULL;
	morgue_buf rel = MORGUE_BUF_INIT, text = MORGUE_BUF_INIT, path = MORGUE_BUF_INIT;
	int entity = 0, c, rc;
	char today[11];

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":C:p:d:t:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'C': root = optarg; break;
		case 'p': pub = optarg; break;
		case 'd': date = optarg; break;
		case 't': type = optarg; break;
		case 'h': return morgue_cli_help(cmd);
		case ':': return morgue_cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
		default: return morgue_cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc && !strcmp(argv[optind], "entity")) {
		entity = 1;
		optind++;
	}
	if (optind + 1 != argc)
		return morgue_cli_usage_error(cmd, entity ? "expected one quoted name"
							  : "expected one quoted title");
	if (entity && !type)
		return morgue_cli_usage_error(cmd, "an entity needs --type");
	if (entity && (pub || date))
		return morgue_cli_usage_error(cmd, "--publication and --date are for articles");
	if (!entity && type)
		return morgue_cli_usage_error(cmd, "--type is for `morgue new entity`");
	if (!date) {
		/* authoring, not building: today's date is what the user means */
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(today, sizeof(today), "%Y-%m-%d", &tm);
		date = today;
	}
	rc = entity ? morgue_scaffold_entity(&rel, &text, argv[optind], type)
		    : morgue_scaffold_article(&rel, &text, argv[optind], date, pub);
	if (rc < 0) {
		morgue_cli_print_error();
		rc = MORGUE_EXIT_USAGE;
		goto done;
	}
	if (!morgue_fs_is_dir(root)) {
		fprintf(stderr, "morgue: error: %s: no such content root (use --root)\n", root);
		rc = MORGUE_EXIT_USAGE;
		goto done;
	}
	morgue_buf_printf(&path, "%s/%s", root, rel.ptr);
	if ((rc = morgue_fs_create(path.ptr, text.ptr, text.size)) < 0) {
		morgue_cli_print_error();
		rc = morgue_cli_exit_code(rc);
		goto done;
	}
	printf("%s\n", path.ptr);
	rc = MORGUE_EXIT_OK;
done:
	morgue_buf_free(&rel);
	morgue_buf_free(&text);
	morgue_buf_free(&path);
	return rc;
}
