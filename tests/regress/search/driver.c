/*
 * driver.c - write a search index from a small text file, or from a
 * synthetic corpus, without the rest of the build (golden tests, browser
 * fixture, size measurements).
 *
 *   cc -std=c17 -Igenerator tests/regress/search/driver.c build/libmorgue.a \
 *      $(pkg-config --libs libutf8proc) -lstemmer -lm -o build/search-driver
 *   search-driver INPUT SITE_DIR      records separated by a line "%%":
 *       url: / title: / date: / publication: NAME|SLUG / tags: a, b /
 *       entities: slug=Name; slug=Name / text: ... (to the end of the record)
 *     or  entity: slug|Name|type|alias, alias|count
 *   search-driver --synth N SITE_DIR [HTML_DIR]  N generated articles
 *       (fixed seed); with HTML_DIR also one plain page per article there
 *   search-driver --dump SITE_DIR NAME...  print the JSON value of each
 *       SITE_DIR/search/NAME.js, inflated (the files are deflated)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "searchindex.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = 0;
	return s;
}

/* Split s at sep into at most max trimmed fields. */
static size_t fields(char *s, char sep, char **out, size_t max)
{
	size_t n = 0;
	while (s && n < max) {
		char *e = strchr(s, sep);
		if (e)
			*e++ = 0;
		s = trim(s);
		if (*s)
			out[n++] = s;
		s = e;
	}
	return n;
}

static int add_record(morgue_searchindex *ix, char *rec)
{
	morgue_search_doc d = { 0 };
	char *tags[32], *ents[32], *names[32], *ef[8], *al[16];
	morgue_buf text = MORGUE_BUF_INIT;
	int in_text = 0, rc = 0;
	for (char *line = strtok(rec, "\n"); line; line = strtok(NULL, "\n")) {
		if (in_text) {
			morgue_buf_putc(&text, '\n');
			morgue_buf_puts(&text, line);
			continue;
		}
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = 0;
		char *k = trim(line), *v = trim(colon + 1);
		if (!strcmp(k, "url")) d.url = v;
		else if (!strcmp(k, "title")) d.title = v;
		else if (!strcmp(k, "date")) d.date = v;
		else if (!strcmp(k, "publication")) {
			char *p[2];
			size_t n = fields(v, '|', p, 2);
			d.publication = n > 0 ? p[0] : NULL;
			d.publication_slug = n > 1 ? p[1] : NULL;
		} else if (!strcmp(k, "tags")) {
			d.ntags = fields(v, ',', tags, 32);
			d.tags = (const char *const *)tags;
		} else if (!strcmp(k, "entities")) {
			char *e[32];
			size_t n = fields(v, ';', e, 32);
			for (size_t i = 0; i < n; i++) {
				char *eq = strchr(e[i], '=');
				ents[i] = e[i];
				names[i] = eq ? (*eq = 0, eq + 1) : e[i];
			}
			d.entities = (const char **)ents;
			d.entity_names = (const char **)names;
			d.nentities = n;
		} else if (!strcmp(k, "text")) {
			morgue_buf_puts(&text, v);
			in_text = 1;
		} else if (!strcmp(k, "entity")) {
			size_t n = fields(v, '|', ef, 5);
			size_t na = n > 3 ? fields(ef[3], ',', al, 16) : 0;
			return morgue_searchindex_add_entity(ix, ef[0], n > 1 ? ef[1] : ef[0],
							     n > 2 ? ef[2] : "", NULL,
							     (const char *const *)al, na,
							     n > 4 ? atoi(ef[4]) : 0);
		}
	}
	if (d.url) {
		d.text = morgue_buf_cstr(&text);
		d.text_len = text.size;
		rc = morgue_searchindex_add(ix, &d);
	}
	morgue_buf_free(&text);
	return rc;
}

static unsigned long long rng = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static const char *const syll[] = { "ka", "lo", "re", "mi", "sun", "tor", "vel", "an", "is",
				    "per", "gra", "do", "ne", "shi", "ul", "ber", "cro", "fa" };
static const char *const suff[] = { "", "", "", "s", "ed", "ing", "er", "ation", "ly" };

/* A vocabulary of 20000 pseudo-words; word i is drawn with p ~ 1/(i+1). */
static void synth(morgue_searchindex *ix, unsigned n, const char *html_dir)
{
	enum { V = 20000 };
	char **vocab = morgue_calloc(V, sizeof(char *));
	for (unsigned i = 0; i < V; i++) {
		morgue_buf w = MORGUE_BUF_INIT;
		unsigned k = 1 + rnd(3);
		for (unsigned j = 0; j < k; j++)
			morgue_buf_puts(&w, syll[rnd(18)]);
		morgue_buf_puts(&w, suff[rnd(9)]);
		vocab[i] = morgue_buf_detach(&w);
	}
	double *cdf = morgue_calloc(V, sizeof(double)), sum = 0;
	for (unsigned i = 0; i < V; i++)
		cdf[i] = (sum += 1.0 / (i + 1));
	static const char *const pubs[] = { "The Daily", "Morning Post", "Wire" };
	static const char *const pslug[] = { "daily", "post", "wire" };
	for (unsigned a = 0; a < n; a++) {
		morgue_buf t = MORGUE_BUF_INIT, title = MORGUE_BUF_INIT, url = MORGUE_BUF_INIT,
			   date = MORGUE_BUF_INIT;
		unsigned words = 200 + rnd(800);
		for (unsigned w = 0; w < words; w++) {
			double r = (double)rnd(1000000) / 1000000.0 * sum;
			unsigned lo = 0, hi = V - 1;
			while (lo < hi) {
				unsigned mid = (lo + hi) / 2;
				if (cdf[mid] < r) lo = mid + 1; else hi = mid;
			}
			if (w < 6)
				morgue_buf_printf(&title, "%s%s", w ? " " : "", vocab[lo]);
			morgue_buf_printf(&t, "%s%s", w ? (rnd(12) ? " " : ". ") : "", vocab[lo]);
		}
		morgue_buf_printf(&url, "articles/%u/a%u.html", 2000 + a % 20, a);
		morgue_buf_printf(&date, "%u-%02u-%02u", 2000 + a % 20, 1 + rnd(12), 1 + rnd(28));
		const char *tags[] = { vocab[rnd(50)], vocab[rnd(50)] };
		const char *es[] = { "person-a", "org-b" }, *en[] = { "Ann Person", "Borg Org" };
		unsigned p = rnd(3);
		morgue_search_doc d = {
			.url = url.ptr, .title = title.ptr, .date = date.ptr,
			.publication = pubs[p], .publication_slug = pslug[p],
			.tags = tags, .ntags = 2, .entities = es, .entity_names = en,
			.nentities = rnd(3), .text = t.ptr, .text_len = t.size,
		};
		morgue_searchindex_add(ix, &d);
		if (html_dir) { /* the same article as a page, for Pagefind */
			morgue_buf page = MORGUE_BUF_INIT, path = MORGUE_BUF_INIT;
			morgue_buf_printf(&page, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
					  "<title>%s</title></head><body><main><h1>%s</h1><p>%s</p></main>"
					  "</body></html>\n", title.ptr, title.ptr, t.ptr);
			morgue_buf_printf(&path, "%s/%s", html_dir, url.ptr);
			morgue_fs_write(path.ptr, page.ptr, page.size);
			morgue_buf_free(&page), morgue_buf_free(&path);
		}
		morgue_buf_free(&t), morgue_buf_free(&title), morgue_buf_free(&url), morgue_buf_free(&date);
	}
	for (unsigned i = 0; i < V; i++)
		free(vocab[i]);
	free(vocab);
	free(cdf);
}

int main(int argc, char **argv)
{
	morgue_searchindex *ix = NULL;
	morgue_buf in = MORGUE_BUF_INIT;
	int rc = 0;
	morgue_searchindex_new(&ix);
	if (argc >= 3 && !strcmp(argv[1], "--dump")) {
		for (int i = 3; i < argc && rc >= 0; i++) {
			if ((rc = morgue_searchindex_read(&in, argv[2], argv[i])) >= 0)
				printf("%s %s\n", argv[i], morgue_buf_cstr(&in));
		}
		goto done;
	}
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "--synth")) {
		synth(ix, (unsigned)atoi(argv[2]), argc == 5 ? argv[4] : NULL);
		argc = 4;
	} else if (argc == 3) {
		if ((rc = morgue_fs_read(&in, argv[1])) < 0)
			goto done;
		char *s = in.ptr;
		while (s && *s) {
			char *e = strstr(s, "\n%%\n");
			if (e)
				*e = 0;
			if ((rc = add_record(ix, s)) < 0)
				goto done;
			s = e ? e + 4 : NULL;
		}
	} else {
		fprintf(stderr, "usage: search-driver INPUT SITE | --synth N SITE | --dump SITE NAME...\n");
		return 2;
	}
	rc = morgue_searchindex_write(ix, argv[argc - 1]);
	if (!rc) {
		size_t files, bytes = morgue_searchindex_bytes(ix, &files);
		fprintf(stderr, "search index: %zu bytes in %zu files\n", bytes, files);
	}
done:
	if (rc < 0) {
		morgue_buf m = MORGUE_BUF_INIT;
		morgue_error_format(&m, morgue_error_last());
		fprintf(stderr, "search-driver: %s\n", morgue_buf_cstr(&m));
		morgue_buf_free(&m);
	}
	morgue_buf_free(&in);
	morgue_searchindex_free(ix);
	return rc < 0;
}
