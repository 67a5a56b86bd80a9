#include "article.h"
#include "cmd.h"
#include "gazetteer.h"
#include "propose.h"
#include "repo.h"
#include "scaffold.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/fs.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv);

const morgue_command morgue_cmd_annotate = {
	"annotate", run, "propose entities and unsure mentions; accept them as files",
	"usage: morgue annotate [ROOT] [ARTICLE...] [--json] [--rev REV]\n"
	"       morgue annotate [ROOT] --accept SPEC... [--commit [-m MESSAGE]]\n"
	"\n"
	"Without --accept, read the archive (the work tree, uncommitted changes\n"
	"included) and propose:\n"
	"  - candidate entities: capitalised names that no registered name or\n"
	"    alias covers, with their count across the archive and the articles;\n"
	"  - unsure mentions in the ARTICLEs (default: all): aliases claimed by\n"
	"    several entities and bare surnames with no full name earlier, left\n"
	"    unlinked, and stand-off anchors re-found only approximately or not\n"
	"    at all (orphans);\n"
	"  - attributions to review in the ARTICLEs: anonymous and document\n"
	"    sources, \"he/she/they said\" resolved to an earlier source, and\n"
	"    direct quotations of 8 words or more that nothing attributes.\n"
	"Each proposal is printed with the --accept argument that takes it.\n"
	"ARTICLE is a name like 2017/x (articles/2017/x.md also works); ROOT is\n"
	"the content root (default: content) when the first argument is a\n"
	"directory.\n"
	"\n"
	"--accept SPEC writes files into the work tree (never over an entity):\n"
	"  entity:NAME:TYPE             entities/<type dir>/<slug>.md\n"
	"  mention:ARTICLE:TEXT:SLUG[:N]\n"
	"                               link the N-th (default first) TEXT in\n"
	"                               ARTICLE's text to entity SLUG: an entry\n"
	"                               in annotations/ARTICLE.yaml anchored by\n"
	"                               exact text plus prefix/suffix context\n"
	"  suppress:ARTICLE:TEXT:SLUG[:N]\n"
	"                               remove a wrong automatic link there\n"
	"  attribution:ARTICLE:TEXT:SOURCE[:KIND][:N]\n"
	"                               attribute the N-th TEXT in ARTICLE to\n"
	"                               SOURCE (an entity slug or anonymous), of\n"
	"                               KIND (person, organization, publication,\n"
	"                               anonymous, document; default: the\n"
	"                               entity's): an attributions entry\n"
	"  unattribute:ARTICLE:TEXT[:N] remove the attributions of the N-th TEXT\n"
	"                               (or dismiss an unattributed quote)\n"
	"TYPE: person, organization, place, publication, event or topic. SLUG\n"
	"may be an entity accepted in the same command.\n"
	"\n"
	"  -a, --accept SPEC   accept one proposal (repeatable)\n"
	"  -c, --commit        commit the written files (git, as the configured\n"
	"                      user, else \"morgue <morgue@localhost>\")\n"
	"  -m, --message MSG   the commit message (default: lists what was accepted)\n"
	"  -j, --json          proposals as JSON ({\"candidates\":[...],\"unsure\":[...],\n"
	"                      \"attributions\":[...]})\n"
	"  -r, --rev REV       propose from a commit instead of the work tree\n"
	"  -C, --root DIR      the content root (instead of the ROOT argument)\n"
	"  -h, --help          this help\n"
	"\n"
	"Exit status: 0 done, 1 a SPEC cannot be applied (nothing is committed),\n"
	"2 misuse, 3 the repository cannot be read.\n",
};

typedef struct spec {
	int kind; /* 'e' entity, 'm' mention, 's' suppress, 't' attribution,
		     'u' unattribute */
	char *a, *b, *c; /* entity: name, type; mention: article, text, slug;
			    attribution: article, text, source */
	char *d;         /* attribution: the kind or NULL */
	size_t n;
} spec;

static void spec_free(spec *s)
{
	free(s->a);
	free(s->b);
	free(s->c);
	free(s->d);
}

static int source_kind_ok(const char *k, size_t n)
{
	static const char *const kinds[] = { "person", "organization", "publication",
					     "anonymous", "document" };
	for (size_t i = 0; i < 5; i++)
		if (strlen(kinds[i]) == n && !strncmp(kinds[i], k, n))
			return 1;
	return 0;
}

/* A slug: [a-z0-9-]+. */
static int slug_like(const char *s, size_t n)
{
	return n && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") >= n;
}

/* attribution:ARTICLE:TEXT:SOURCE[:KIND][:N] or unattribute:ARTICLE:TEXT[:N]. */
static int parse_attr_spec(spec *s, const char *arg, int un, morgue_buf *err)
{
	const char *rest = arg + 12, *c1 = strchr(rest, ':');
	const char *text = c1 ? c1 + 1 : NULL, *end = rest + strlen(rest);
	s->n = 1;
	if (!c1 || c1 == rest || !*text)
		goto bad;
	s->kind = un ? 'u' : 't';
	s->a = morgue_strndup(rest, (size_t)(c1 - rest));
	const char *last = strrchr(text, ':');
	if (un) {
		if (last && last[1] && strspn(last + 1, "0123456789") == strlen(last + 1) &&
		    last > text) {
			s->n = strtoul(last + 1, NULL, 10);
			end = last;
		}
		if (!s->n || end == text)
			goto bad;
		s->b = morgue_strndup(text, (size_t)(end - text));
		return 0;
	}
	if (!last || last == text || !last[1])
		goto bad;
	/* a trailing :N (which occurrence of TEXT) */
	if (strspn(last + 1, "0123456789") == (size_t)(end - last - 1)) {
		s->n = strtoul(last + 1, NULL, 10);
		end = last;
		while (last > text && last[-1] != ':')
			last--;
		if (last == text || !s->n)
			goto bad;
		last--;
	}
	/* a trailing KIND when a slug-like SOURCE comes before it */
	const char *prev = last;
	while (prev > text && prev[-1] != ':')
		prev--;
	if (source_kind_ok(last + 1, (size_t)(end - last - 1)) && prev > text &&
	    slug_like(prev, (size_t)(last - prev))) {
		s->d = morgue_strndup(last + 1, (size_t)(end - last - 1));
		end = last;
		last = prev - 1;
	}
	if (last == text || !slug_like(last + 1, (size_t)(end - last - 1)))
		goto bad;
	s->b = morgue_strndup(text, (size_t)(last - text));
	s->c = morgue_strndup(last + 1, (size_t)(end - last - 1));
	return 0;
bad:
	morgue_buf_printf(err, "'%s': expected %s", arg,
			  un ? "unattribute:ARTICLE:TEXT[:N]"
			     : "attribution:ARTICLE:TEXT:SOURCE[:KIND][:N]");
	spec_free(s);
	memset(s, 0, sizeof(*s));
	return -1;
}

/* Parse one --accept argument; 0 or -1 (with a message in err). */
static int parse_spec(spec *s, const char *arg, morgue_buf *err)
{
	memset(s, 0, sizeof(*s));
	if (!strncmp(arg, "entity:", 7)) {
		const char *rest = arg + 7, *colon = strrchr(rest, ':');
		if (!colon || colon == rest || morgue_entity_type_parse(colon + 1) < 0) {
			morgue_buf_printf(err, "'%s': expected entity:NAME:TYPE with TYPE one of "
					       "person, organization, place, publication, event, topic",
					  arg);
			return -1;
		}
		s->kind = 'e';
		s->a = morgue_strndup(rest, (size_t)(colon - rest));
		s->b = morgue_strdup(colon + 1);
		return 0;
	}
	if (!strncmp(arg, "attribution:", 12) || !strncmp(arg, "unattribute:", 12))
		return parse_attr_spec(s, arg, arg[0] == 'u', err);
	int sup = !strncmp(arg, "suppress:", 9);
	if (!sup && strncmp(arg, "mention:", 8)) {
		morgue_buf_printf(err, "'%s': expected entity:..., mention:..., suppress:..., "
				       "attribution:... or unattribute:...", arg);
		return -1;
	}
	const char *rest = arg + (sup ? 9 : 8), *c1 = strchr(rest, ':');
	const char *text = c1 ? c1 + 1 : NULL, *end = rest + strlen(rest);
	const char *last = text ? strrchr(text, ':') : NULL;
	s->n = 1;
	if (last) {
		/* a trailing ":N" when ARTICLE:TEXT:SLUG comes before it */
		const char *d = last + 1, *prev = last;
		while (prev > text && prev[-1] != ':')
			prev--;
		if (*d && strspn(d, "0123456789") == strlen(d) && prev > text) {
			s->n = strtoul(d, NULL, 10);
			end = last;
			last = prev - 1;
		}
	}
	if (!c1 || c1 == rest || !last || last == text || last + 1 == end || !s->n) {
		morgue_buf_printf(err, "'%s': expected %s:ARTICLE:TEXT:SLUG[:N]", arg,
				  sup ? "suppress" : "mention");
		return -1;
	}
	s->kind = sup ? 's' : 'm';
	s->a = morgue_strndup(rest, (size_t)(c1 - rest));
	s->b = morgue_strndup(text, (size_t)(last - text));
	s->c = morgue_strndup(last + 1, (size_t)(end - last - 1));
	return 0;
}

typedef struct accepted {
	morgue_buf summary; /* "add Ada (person), link "x" in 2020/y" */
	morgue_buf body;    /* one line per item */
	char **paths;       /* written, relative to the content root */
	size_t npaths, cap;
	char **slugs;       /* entities accepted */
	size_t nslugs, capslugs;
	size_t nmentions;   /* mention and suppress entries written */
	size_t nattrs;      /* attributions entries written */
	morgue_buf names;   /* names of the entities accepted */
} accepted;

static void add_path(accepted *acc, const char *path)
{
	for (size_t i = 0; i < acc->npaths; i++)
		if (!strcmp(acc->paths[i], path))
			return;
	MORGUE_ARRAY_RESERVE(acc->paths, acc->cap, acc->npaths + 1);
	acc->paths[acc->npaths++] = morgue_strdup(path);
}

static void add_item(accepted *acc, const char *fmt_short, const char *line)
{
	if (acc->summary.size)
		morgue_buf_puts(&acc->summary, ", ");
	morgue_buf_puts(&acc->summary, fmt_short);
	morgue_buf_printf(&acc->body, "- %s\n", line);
}

static int accept_entity(accepted *acc, const spec *s, const char *root,
			 const morgue_gazetteer *g)
{
	morgue_buf rel = MORGUE_BUF_INIT, text = MORGUE_BUF_INIT, path = MORGUE_BUF_INIT;
	morgue_buf line = MORGUE_BUF_INIT, brief = MORGUE_BUF_INIT;
	int rc = morgue_scaffold_entity(&rel, &text, s->a, s->b);
	if (rc < 0)
		goto done;
	const char *slash = strrchr(rel.ptr, '/');
	char *slug = morgue_strndup(slash + 1, strlen(slash + 1) - 3);
	if (morgue_gazetteer_find(g, slug) >= 0) {
		rc = morgue_error_set(MORGUE_EINPUT, NULL, 0,
				      "entity '%s' is already registered (slug %s)", s->a, slug);
		free(slug);
		goto done;
	}
	morgue_buf_printf(&path, "%s/%s", root, rel.ptr);
	if ((rc = morgue_fs_create(path.ptr, text.ptr, text.size)) < 0) {
		free(slug);
		goto done;
	}
	printf("wrote %s\n", path.ptr);
	add_path(acc, rel.ptr);
	MORGUE_ARRAY_RESERVE(acc->slugs, acc->capslugs, acc->nslugs + 1);
	acc->slugs[acc->nslugs++] = slug;
	morgue_buf_printf(&acc->names, "%s%s", acc->names.size ? ", " : "", s->a);
	morgue_buf_printf(&brief, "add %s (%s)", s->a, s->b);
	morgue_buf_printf(&line, "entity %s: %s (%s), %s", slug, s->a, s->b, rel.ptr);
	add_item(acc, brief.ptr, line.ptr);
done:
	morgue_buf_free(&rel);
	morgue_buf_free(&text);
	morgue_buf_free(&path);
	morgue_buf_free(&line);
	morgue_buf_free(&brief);
	return rc;
}

static int accept_mention(accepted *acc, const spec *s, const char *root, morgue_repo *repo,
			  const morgue_gazetteer *g)
{
	morgue_buf name = MORGUE_BUF_INIT, text = MORGUE_BUF_INIT, rel = MORGUE_BUF_INIT;
	morgue_buf path = MORGUE_BUF_INIT, old = MORGUE_BUF_INIT, neu = MORGUE_BUF_INIT;
	morgue_buf pre = MORGUE_BUF_INIT, suf = MORGUE_BUF_INIT, line = MORGUE_BUF_INIT;
	morgue_buf brief = MORGUE_BUF_INIT;
	int known = morgue_gazetteer_find(g, s->c) >= 0, rc;

	for (size_t i = 0; i < acc->nslugs; i++)
		known |= !strcmp(acc->slugs[i], s->c);
	if (!known) {
		rc = morgue_error_set(MORGUE_EINPUT, NULL, 0, "unknown entity '%s'", s->c);
		goto done;
	}
	morgue_propose_article_name(&name, s->a);
	if ((rc = morgue_propose_article_text(&text, repo, name.ptr)) < 0) {
		if (rc == MORGUE_ENOTFOUND) {
			morgue_error_clear();
			rc = morgue_error_set(MORGUE_EINPUT, NULL, 0, "%s: no such article", s->a);
		}
		goto done;
	}
	long off = morgue_propose_nth(text.ptr ? text.ptr : "", text.size, s->b, s->n);
	if (off < 0) {
		rc = morgue_error_set(MORGUE_EINPUT, NULL, 0,
				      "%s: \"%s\" occurs fewer than %zu time%s in the text",
				      name.ptr, s->b, s->n, s->n == 1 ? "" : "s");
		goto done;
	}
	if ((rc = morgue_propose_anchor(&pre, &suf, text.ptr, text.size, (size_t)off,
					(size_t)off + strlen(s->b))) < 0)
		goto done;
	morgue_buf_printf(&rel, "annotations/%s.yaml", name.ptr);
	morgue_buf_printf(&path, "%s/%s", root, rel.ptr);
	if ((rc = morgue_fs_read(&old, path.ptr)) == MORGUE_ENOTFOUND) {
		morgue_error_clear();
		morgue_buf_printf(&old, "# Stand-off annotations for articles/%s.md (see "
					"morgue-content(5), ANNOTATIONS).\n", name.ptr);
		rc = 0;
	}
	if (rc < 0)
		goto done;
	rc = morgue_propose_annotation_add(&neu, old.ptr, old.size, path.ptr, s->c, s->b,
					   pre.ptr, suf.ptr, s->kind == 's');
	if (rc < 0)
		goto done;
	if (rc == 0) {
		printf("%s: already has this entry\n", path.ptr);
		goto done;
	}
	if ((rc = morgue_fs_write(path.ptr, neu.ptr, neu.size)) < 0)
		goto done;
	printf("%s: %s \"%s\" %s %s\n", path.ptr, s->kind == 's' ? "unlinked" : "linked", s->b,
	       s->kind == 's' ? "from" : "to", s->c);
	add_path(acc, rel.ptr);
	acc->nmentions++;
	morgue_buf_printf(&brief, "%s %s in %s", s->kind == 's' ? "unlink" : "link", s->b,
			  name.ptr);
	morgue_buf_printf(&line, "%s \"%s\" (occurrence %zu) %s %s in %s",
			  s->kind == 's' ? "suppress" : "mention", s->b, s->n,
			  s->kind == 's' ? "of" : "->", s->c, name.ptr);
	add_item(acc, brief.ptr, line.ptr);
	rc = 0;
done:
	morgue_buf_free(&name);
	morgue_buf_free(&text);
	morgue_buf_free(&rel);
	morgue_buf_free(&path);
	morgue_buf_free(&old);
	morgue_buf_free(&neu);
	morgue_buf_free(&pre);
	morgue_buf_free(&suf);
	morgue_buf_free(&line);
	morgue_buf_free(&brief);
	return rc;
}

/* Write one attributions entry (attribution:) or one suppress entry per
 * source found there (unattribute:) into annotations/ARTICLE.yaml. */
static int accept_attribution(accepted *acc, const spec *s, const char *root,
			      morgue_repo *repo, const morgue_gazetteer *g)
{
	morgue_buf name = MORGUE_BUF_INIT, text = MORGUE_BUF_INIT, rel = MORGUE_BUF_INIT;
	morgue_buf path = MORGUE_BUF_INIT, old = MORGUE_BUF_INIT, neu = MORGUE_BUF_INIT;
	morgue_buf pre = MORGUE_BUF_INIT, suf = MORGUE_BUF_INIT, line = MORGUE_BUF_INIT;
	morgue_buf brief = MORGUE_BUF_INIT, srcs = MORGUE_BUF_INIT;
	int un = s->kind == 'u', rc, added = 0;

	if (!un && strcmp(s->c, "anonymous")) {
		int known = morgue_gazetteer_find(g, s->c) >= 0;
		for (size_t i = 0; i < acc->nslugs; i++)
			known |= !strcmp(acc->slugs[i], s->c);
		if (!known) {
			rc = morgue_error_set(MORGUE_EINPUT, NULL, 0, "unknown entity '%s'", s->c);
			goto done;
		}
	}
	morgue_propose_article_name(&name, s->a);
	if ((rc = morgue_propose_article_text(&text, repo, name.ptr)) < 0) {
		if (rc == MORGUE_ENOTFOUND) {
			morgue_error_clear();
			rc = morgue_error_set(MORGUE_EINPUT, NULL, 0, "%s: no such article", s->a);
		}
		goto done;
	}
	long off = morgue_propose_nth(text.ptr ? text.ptr : "", text.size, s->b, s->n);
	if (off < 0) {
		rc = morgue_error_set(MORGUE_EINPUT, NULL, 0,
				      "%s: \"%s\" occurs fewer than %zu time%s in the text",
				      name.ptr, s->b, s->n, s->n == 1 ? "" : "s");
		goto done;
	}
	size_t end = (size_t)off + strlen(s->b);
	if ((rc = morgue_propose_anchor(&pre, &suf, text.ptr, text.size, (size_t)off, end)) < 0)
		goto done;
	if (un) {
		if ((rc = morgue_propose_article_sources(&srcs, repo, g, name.ptr, (size_t)off,
							 end)) < 0)
			goto done;
		if (!srcs.size)
			morgue_buf_puts(&srcs, "anonymous\n"); /* dismiss a quotation */
	} else
		morgue_buf_printf(&srcs, "%s\n", s->c);
	morgue_buf_printf(&rel, "annotations/%s.yaml", name.ptr);
	morgue_buf_printf(&path, "%s/%s", root, rel.ptr);
	if ((rc = morgue_fs_read(&old, path.ptr)) == MORGUE_ENOTFOUND) {
		morgue_error_clear();
		morgue_buf_printf(&old, "# Stand-off annotations for articles/%s.md (see "
					"morgue-content(5), ANNOTATIONS).\n", name.ptr);
		rc = 0;
	}
	if (rc < 0)
		goto done;
	for (const char *src = srcs.ptr; *src;) {
		const char *nl = strchr(src, '\n');
		char *one = morgue_strndup(src, (size_t)(nl - src));
		morgue_buf_clear(&neu);
		rc = morgue_propose_attribution_add(&neu, old.ptr, old.size, path.ptr, one,
						    un ? NULL : s->d, s->b, pre.ptr, suf.ptr, un);
		if (rc > 0) {
			added = 1;
			morgue_buf_clear(&old);
			morgue_buf_put(&old, neu.ptr, neu.size);
			printf("%s: %s \"%s\" %s %s\n", path.ptr,
			       un ? "unattributed" : "attributed", s->b, un ? "from" : "to", one);
		}
		free(one);
		if (rc < 0)
			goto done;
		src = nl + 1;
	}
	rc = 0;
	if (!added) {
		printf("%s: already has this entry\n", path.ptr);
		goto done;
	}
	if ((rc = morgue_fs_write(path.ptr, old.ptr, old.size)) < 0)
		goto done;
	add_path(acc, rel.ptr);
	acc->nattrs++;
	morgue_buf_printf(&brief, "%s quote in %s", un ? "unattribute" : "attribute", name.ptr);
	if (un)
		morgue_buf_printf(&line, "unattribute \"%s\" (occurrence %zu) in %s", s->b, s->n,
				  name.ptr);
	else
		morgue_buf_printf(&line, "attribution \"%s\" (occurrence %zu) -> %s%s%s in %s",
				  s->b, s->n, s->c, s->d ? " as " : "", s->d ? s->d : "",
				  name.ptr);
	add_item(acc, brief.ptr, line.ptr);
done:
	morgue_buf_free(&name);
	morgue_buf_free(&text);
	morgue_buf_free(&rel);
	morgue_buf_free(&path);
	morgue_buf_free(&old);
	morgue_buf_free(&neu);
	morgue_buf_free(&pre);
	morgue_buf_free(&suf);
	morgue_buf_free(&line);
	morgue_buf_free(&brief);
	morgue_buf_free(&srcs);
	return rc;
}

static int do_accept(const char *root, char **specs, size_t nspecs, int commit,
		     const char *message)
{
	morgue_repo *repo = NULL;
	morgue_proposer *p = NULL;
	morgue_gazetteer *g = NULL;
	accepted acc = { MORGUE_BUF_INIT, MORGUE_BUF_INIT, NULL, 0, 0, NULL, 0, 0, 0, 0,
			 MORGUE_BUF_INIT };
	spec *sv = morgue_calloc(nspecs, sizeof(*sv));
	morgue_buf err = MORGUE_BUF_INIT, msg = MORGUE_BUF_INIT;
	int rc = 0, exit_code = MORGUE_EXIT_OK;

	for (size_t i = 0; i < nspecs; i++)
		if (parse_spec(&sv[i], specs[i], &err) < 0) {
			exit_code = morgue_cli_usage_error(&morgue_cmd_annotate, "%s", err.ptr);
			goto done;
		}
	if ((rc = morgue_repo_open(&repo, root, NULL, 1)) < 0 ||
	    (rc = morgue_propose_load(&p, &g, repo, NULL, 0)) < 0)
		goto fail;
	/* entities first, so mentions may name them */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < nspecs; i++) {
			if ((sv[i].kind == 'e') != !pass)
				continue;
			rc = !pass ? accept_entity(&acc, &sv[i], root, g)
			     : sv[i].kind == 't' || sv[i].kind == 'u'
				     ? accept_attribution(&acc, &sv[i], root, repo, g)
				     : accept_mention(&acc, &sv[i], root, repo, g);
			if (rc < 0) {
				morgue_buf_clear(&err);
				const morgue_error *e = morgue_error_last();
				fprintf(stderr, "morgue: error: --accept %s: %s\n", specs[i],
					e && e->message ? e->message : "failed");
				morgue_error_clear();
				exit_code = MORGUE_EXIT_CONTENT;
			}
		}
	if (exit_code != MORGUE_EXIT_OK) {
		if (commit)
			fprintf(stderr, "morgue: nothing committed\n");
		goto done;
	}
	if (commit && acc.npaths) {
		char oid[41];
		if (message)
			morgue_buf_puts(&msg, message);
		else {
			if (acc.summary.size + 10 <= 72)
				morgue_buf_printf(&msg, "annotate: %s", acc.summary.ptr);
			else if (acc.names.size && acc.names.size + 30 <= 72)
				morgue_buf_printf(&msg, "annotate: add %s; %zu mention%s",
						  acc.names.ptr, acc.nmentions,
						  acc.nmentions == 1 ? "" : "s");
			else if (!acc.nattrs || acc.nslugs || acc.nmentions)
				morgue_buf_printf(&msg, "annotate: %zu entit%s, %zu mention%s",
						  acc.nslugs, acc.nslugs == 1 ? "y" : "ies",
						  acc.nmentions, acc.nmentions == 1 ? "" : "s");
			else
				morgue_buf_puts(&msg, "annotate:");
			if (acc.nattrs && acc.summary.size + 10 > 72)
				morgue_buf_printf(&msg, "%s %zu attribution%s",
						  acc.nslugs || acc.nmentions ? "," : "", acc.nattrs,
						  acc.nattrs == 1 ? "" : "s");
			morgue_buf_printf(&msg, "\n\nAccepted with morgue annotate:\n%s",
					  acc.body.ptr);
		}
		if ((rc = morgue_repo_commit_files(oid, repo, (const char *const *)acc.paths,
						   acc.npaths, msg.ptr)) < 0)
			goto fail;
		const char *nl = strchr(msg.ptr, '\n');
		printf("committed %.7s %.*s\n", oid, nl ? (int)(nl - msg.ptr) : (int)msg.size,
		       msg.ptr);
	} else if (commit)
		printf("nothing to commit\n");
	goto done;
fail:
	morgue_cli_print_error();
	exit_code = morgue_cli_exit_code(rc);
done:
	for (size_t i = 0; i < nspecs; i++)
		spec_free(&sv[i]);
	free(sv);
	for (size_t i = 0; i < acc.npaths; i++)
		free(acc.paths[i]);
	free(acc.paths);
	for (size_t i = 0; i < acc.nslugs; i++)
		free(acc.slugs[i]);
	free(acc.slugs);
	morgue_buf_free(&acc.summary);
	morgue_buf_free(&acc.body);
	morgue_buf_free(&acc.names);
	morgue_buf_free(&err);
	morgue_buf_free(&msg);
	morgue_proposer_free(p);
	morgue_gazetteer_free(g);
	morgue_repo_free(repo);
	return exit_code;
}

static int do_propose(const char *root, const char *rev, char **articles, size_t n, int json)
{
	morgue_repo *repo = NULL;
	morgue_proposer *p = NULL;
	morgue_gazetteer *g = NULL;
	morgue_buf out = MORGUE_BUF_INIT;
	int rc;

	if ((rc = morgue_repo_open(&repo, root, rev, rev ? 0 : 1)) < 0 ||
	    (rc = morgue_propose_load(&p, &g, repo, (const char *const *)articles, n)) < 0) {
		morgue_cli_print_error();
		rc = morgue_cli_exit_code(rc);
		goto done;
	}
	if (json)
		morgue_proposer_json(&out, p);
	else
		morgue_proposer_text(&out, p);
	fwrite(out.ptr, 1, out.size, stdout);
	rc = MORGUE_EXIT_OK;
done:
	morgue_buf_free(&out);
	morgue_proposer_free(p);
	morgue_gazetteer_free(g);
	morgue_repo_free(repo);
	return rc;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "accept", required_argument, NULL, 'a' },
		{ "commit", no_argument, NULL, 'c' },
		{ "message", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "rev", required_argument, NULL, 'r' },
		{ "root", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const morgue_command *cmd = &morgue_cmd_annotate;
	const char *root = NULL, *rev = NULL, *message = NULL;
	char **specs = NULL;
	size_t nspecs = 0, capspecs = 0;
	int commit = 0, json = 0, c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":a:cm:jr:C:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			MORGUE_ARRAY_RESERVE(specs, capspecs, nspecs + 1);
			specs[nspecs++] = optarg;
			break;
		case 'c': commit = 1; break;
		case 'm': message = optarg; break;
		case 'j': json = 1; break;
		case 'r': rev = optarg; break;
		case 'C': root = optarg; break;
		case 'h': free(specs); return morgue_cli_help(cmd);
		case ':':
			free(specs);
			return morgue_cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
		default:
			free(specs);
			return morgue_cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!root && optind < argc && morgue_fs_is_dir(argv[optind]))
		root = argv[optind++];
	if (!root)
		root = "content";
	morgue_cli_warnings(1); /* what the build would warn about is reported here */
	if (nspecs) {
		if (optind < argc || json || rev)
			rc = morgue_cli_usage_error(cmd, "--accept takes no ARTICLE, --json or --rev");
		else
			rc = do_accept(root, specs, nspecs, commit, message);
	} else if (commit || message)
		rc = morgue_cli_usage_error(cmd, "--commit and --message go with --accept");
	else
		rc = do_propose(root, rev, argv + optind, (size_t)(argc - optind), json);
	free(specs);
	return rc;
}
