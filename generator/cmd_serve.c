#include "build.h"
#include "cmd.h"
#include "serve.h"
#include "util/buf.h"
#include "util/fs.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int run(int argc, char **argv);

const morgue_command morgue_cmd_serve = {
	"serve", run, "preview the site locally, rebuilding when the archive changes",
	"usage: morgue serve [ROOT] [--port N] [--worktree] [--theme DIR] [-o DIR]\n"
	"\n"
	"Build the archive and serve it on http://127.0.0.1:PORT/ (local only).\n"
	"The site is rebuilt when HEAD moves to a new commit or, with --worktree,\n"
	"when any file of the archive changes; open pages reload themselves.\n"
	"A failed rebuild prints its errors and keeps serving the last good site.\n"
	"Stop with Ctrl-C.\n"
	"\n"
	"  -p, --port N       port on 127.0.0.1 (default 8000; 0 for any free port)\n"
	"  -w, --worktree     build uncommitted files too, and watch them\n"
	"  -t, --theme DIR    theme directory overriding the default\n"
	"  -o, --output DIR   where the preview site is built (default: a\n"
	"                     temporary directory, removed on exit)\n"
	"  -i, --interval S   seconds between checks for changes (default 1)\n"
	"  -h, --help         this help\n",
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int build(morgue_build_opts *opts)
{
	morgue_build_stats st;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = morgue_build_run(&st, opts);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc < 0) {
		morgue_cli_print_error();
		fprintf(stderr, "morgue: build failed; still serving the last good site\n");
		return rc;
	}
	/* rebuilds are incremental (the site's build cache): say how much
	 * was reused */
	fprintf(stderr, "morgue: built %zu articles, %zu pages in %.2f s (%zu articles and %zu files "
		"from the cache)\n", st.articles, st.pages,
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		st.cached, st.reused);
	return 0;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "worktree", no_argument, NULL, 'w' },
		{ "theme", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const morgue_command *cmd = &morgue_cmd_serve;
	morgue_build_opts opts = { .root = "content" };
	morgue_buf tmp = MORGUE_BUF_INIT, last = MORGUE_BUF_INIT, now = MORGUE_BUF_INIT;
	morgue_server *srv = NULL;
	long port = 8000, interval = 1;
	int c, rc = MORGUE_EXIT_OK;
	char *end;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:wt:o:i:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			port = strtol(optarg, &end, 10);
			if (*end || port < 0 || port > 65535)
				return morgue_cli_usage_error(cmd, "--port: expected 0-65535");
			break;
		case 'w': opts.worktree = 1; break;
		case 't': opts.theme_dir = optarg; break;
		case 'o': opts.out = optarg; break;
		case 'i':
			interval = strtol(optarg, &end, 10);
			if (*end || interval < 1 || interval > 3600)
				return morgue_cli_usage_error(cmd, "--interval: expected seconds (1-3600)");
			break;
		case 'h': return morgue_cli_help(cmd);
		case ':': return morgue_cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
		default: return morgue_cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		opts.root = argv[optind++];
	if (optind < argc)
		return morgue_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);

	if (!opts.out) {
		const char *t = getenv("TMPDIR");
		morgue_buf_printf(&tmp, "%s/morgue-serve-XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(tmp.ptr)) {
			perror("morgue: error: temporary directory");
			rc = MORGUE_EXIT_OUTPUT;
			goto done;
		}
		/* the build refuses to replace a non-empty directory it did not
		 * make; build into a fresh child of our private directory */
		morgue_buf_puts(&tmp, "/site");
		opts.out = tmp.ptr;
	}
	morgue_cli_warnings(0);
	opts.on_error = morgue_cli_on_error;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	if (morgue_build_fingerprint(&last, &opts) < 0) {
		morgue_cli_print_error();
		rc = morgue_cli_exit_code(morgue_error_last()->code);
		goto done;
	}
	if (build(&opts) < 0 && !morgue_fs_is_dir(opts.out)) {
		rc = morgue_cli_exit_code(morgue_error_last() ? morgue_error_last()->code : -1);
		goto done;
	}
	if (morgue_serve_start(&srv, opts.out, (int)port) < 0) {
		morgue_cli_print_error();
		rc = MORGUE_EXIT_OUTPUT;
		goto done;
	}
	printf("morgue: serving %s on http://127.0.0.1:%d/ (Ctrl-C stops)\n", opts.root,
	       morgue_serve_port(srv));
	fflush(stdout);
	while (!stop) {
		for (long i = 0; i < interval * 10 && !stop; i++)
			usleep(100000);
		if (stop)
			break;
		morgue_buf_clear(&now);
		if (morgue_build_fingerprint(&now, &opts) < 0) {
			morgue_error_clear();
			continue; /* e.g. in the middle of a git operation */
		}
		if (!strcmp(morgue_buf_cstr(&now), morgue_buf_cstr(&last)))
			continue;
		morgue_buf_clear(&last);
		morgue_buf_puts(&last, morgue_buf_cstr(&now));
		fprintf(stderr, "morgue: change detected, rebuilding\n");
		if (build(&opts) == 0)
			morgue_serve_bump(srv);
	}
	fprintf(stderr, "morgue: stopped\n");
done:
	morgue_serve_stop(srv);
	if (tmp.size) {
		/* remove the whole private directory, not just site/ */
		tmp.ptr[tmp.size - strlen("/site")] = '\0';
		morgue_fs_rmtree(tmp.ptr);
	}
	morgue_buf_free(&tmp);
	morgue_buf_free(&last);
	morgue_buf_free(&now);
	return rc;
}
