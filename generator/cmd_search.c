#include "cmd.h"
#include "query.h"
#include "util/buf.h"
#include "util/escape.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv);

const morgue_command morgue_cmd_search = {
	"search", run, "search a built site's catalog from the terminal",
	"usage: morgue search [OPTIONS] QUERY...\n"
	"\n"
	"Search the articles of a built site (its archive.sqlite) with SQLite\n"
	"FTS5: English stemming, case and accents folded, \"quoted phrases\",\n"
	"word* for a prefix. All words must match; the title counts most.\n"
	"With only filters and no QUERY, lists the matching articles, newest first.\n"
	"\n"
	"  -s, --site DIR           the built site (default: public)\n"
	"  -p, --publication NAME   only articles of this publication (slug or name)\n"
	"  -e, --entity SLUG        only articles mentioning this entity\n"
	"  -t, --tag TAG            only articles with this tag\n"
	"      --from YYYY-MM-DD    only articles on or after this date\n"
	"      --to YYYY-MM-DD      only articles on or before this date\n"
	"  -n, --limit N            at most N results (default 20)\n"
	"      --page N             page N of the results (default 1)\n"
	"      --json               results as JSON\n"
	"  -h, --help               this help\n"
	"\n"
	"Exit status: 0 with results, 1 with none, 2 on misuse, 3 when the\n"
	"catalog cannot be read.\n",
};

static int valid_date(const char *s)
{
	return strlen(s) == 10 && s[4] == '-' && s[7] == '-' &&
	       strspn(s, "0123456789-") == 10;
}

static void print_text(const morgue_value *r, long long total, const morgue_query_opts *o)
{
	size_t n = morgue_value_count(r);
	printf("%lld result%s", total, total == 1 ? "" : "s");
	if (n && total > (long long)n)
		printf(", showing %d-%d", o->offset + 1, o->offset + (int)n);
	printf("\n");
	for (size_t i = 0; i < n; i++) {
		const morgue_value *m = morgue_value_at(r, i);
		const char *pub = morgue_value_get_str(m, "publication");
		const char *snip = morgue_value_get_str(m, "snippet");
		printf("\n%s  %s%s%s\n    %s\n", morgue_value_get_str(m, "date"),
		       morgue_value_get_str(m, "title"),
		       pub ? " — " : "", pub ? pub : "",
		       morgue_value_get_str(m, "url"));
		if (snip && *snip) {
			/* one line: newlines in the text would break the layout */
			printf("    ");
			for (const char *p = snip; *p; p++)
				putchar(*p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p);
			printf("\n");
		}
	}
}

static void print_json(const morgue_value *r, long long total, const morgue_query_opts *o)
{
	morgue_buf b = MORGUE_BUF_INIT;
	static const char *keys[] = { "path", "url", "title", "date", "publication", "snippet" };
	morgue_buf_puts(&b, "{\"query\":");
	morgue_escape_json_string(&b, o->text ? o->text : "");
	morgue_buf_printf(&b, ",\"total\":%lld,\"offset\":%d,\"results\":[", total, o->offset);
	for (size_t i = 0; i < morgue_value_count(r); i++) {
		const morgue_value *m = morgue_value_at(r, i);
		morgue_buf_puts(&b, i ? ",{" : "{");
		for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++) {
			const char *v = morgue_value_get_string(morgue_value_get(m, keys[k]));
			morgue_buf_printf(&b, "%s\"%s\":", k ? "," : "", keys[k]);
			if (v)
				morgue_escape_json_string(&b, v);
			else
				morgue_buf_puts(&b, "null");
		}
		morgue_buf_putc(&b, '}');
	}
	morgue_buf_puts(&b, "]}\n");
	fputs(morgue_buf_cstr(&b), stdout);
	morgue_buf_free(&b);
}

static int run(int argc, char **argv)
{
	enum { OPT_FROM = 256, OPT_TO, OPT_PAGE, OPT_JSON };
	static const struct option longopts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "publication", required_argument, NULL, 'p' },
		{ "entity", required_argument, NULL, 'e' },
		{ "tag", required_argument, NULL, 't' },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "limit", required_argument, NULL, 'n' },
		{ "page", required_argument, NULL, OPT_PAGE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const morgue_command *cmd = &morgue_cmd_search;
	morgue_query_opts o = { .limit = 20 };
	const char *site = "public";
	morgue_buf text = MORGUE_BUF_INIT, path = MORGUE_BUF_INIT;
	morgue_query *q = NULL;
	morgue_value *r = NULL;
	long long total = 0, page = 1;
	int json = 0, c, rc;
	char *end;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:p:e:t:n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': site = optarg; break;
		case 'p': o.publication = optarg; break;
		case 'e': o.entity = optarg; break;
		case 't': o.tag = optarg; break;
		case OPT_FROM: o.from = optarg; break;
		case OPT_TO: o.to = optarg; break;
		case 'n':
			o.limit = (int)strtol(optarg, &end, 10);
			if (*end || o.limit < 1 || o.limit > 10000)
				return morgue_cli_usage_error(cmd, "--limit: expected a number from 1 to 10000");
			break;
		case OPT_PAGE:
			page = strtol(optarg, &end, 10);
			if (*end || page < 1 || page > 1000000)
				return morgue_cli_usage_error(cmd, "--page: expected a positive number");
			break;
		case OPT_JSON: json = 1; break;
		case 'h': return morgue_cli_help(cmd);
		case ':': return morgue_cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
		default: return morgue_cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if ((o.from && !valid_date(o.from)) || (o.to && !valid_date(o.to)))
		return morgue_cli_usage_error(cmd, "--from/--to: expected YYYY-MM-DD");
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			morgue_buf_putc(&text, ' ');
		morgue_buf_puts(&text, argv[i]);
	}
	if (!text.size && !o.publication && !o.entity && !o.tag && !o.from && !o.to)
		return morgue_cli_usage_error(cmd, "nothing to search for: give a QUERY or a filter");
	o.text = morgue_buf_cstr(&text);
	o.offset = (int)((page - 1) * o.limit);

	morgue_buf_printf(&path, "%s/archive.sqlite", site);
	if ((rc = morgue_query_open(&q, path.ptr)) < 0 ||
	    (rc = morgue_query_run(&r, &total, q, &o)) < 0) {
		morgue_cli_print_error();
		rc = morgue_cli_exit_code(rc);
		goto done;
	}
	if (json)
		print_json(r, total, &o);
	else
		print_text(r, total, &o);
	rc = total ? MORGUE_EXIT_OK : MORGUE_EXIT_CONTENT;
done:
	morgue_value_free(r);
	morgue_query_close(q);
	morgue_buf_free(&text);
	morgue_buf_free(&path);
	return rc;
}
