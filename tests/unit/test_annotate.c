/*
 * test_annotate.c - the news-style rules of annotate.h, stand-off
 * annotation files, and the gold test: the sample archive's articles are
 * rendered against its registry and the automatic mentions are compared
 * with tests/gold/mentions.tsv (precision and recall must be >= 0.95).
 */
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "annotate.h"
#include "article.h"
#include "gazetteer.h"
#include "markdown.h"
#include "corpus.h"
#include "test.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"

static int warn_line;
static char warn_file[64];

static void quiet(const char *file, int line, const char *msg, void *payload)
{
	(void)msg;
	warn_line = line;
	snprintf(warn_file, sizeof(warn_file), "%s", file ? file : "");
	if (payload)
		(*(int *)payload)++;
}

static morgue_entity *ent(const char *slug, morgue_entity_type type, const char *name,
			  const char *a1, const char *a2)
{
	morgue_entity *e = morgue_calloc(1, sizeof(*e));
	e->slug = morgue_strdup(slug);
	e->name = morgue_strdup(name);
	e->type = type;
	e->aliases = morgue_calloc(2, sizeof(char *));
	if (a1)
		e->aliases[e->naliases++] = morgue_strdup(a1);
	if (a2)
		e->aliases[e->naliases++] = morgue_strdup(a2);
	return e;
}

static morgue_gazetteer *small_registry(void)
{
	morgue_entity *es[] = {
		ent("donald-trump", MORGUE_ENTITY_PERSON, "Donald Trump", "Trump", NULL),
		ent("trump-tower", MORGUE_ENTITY_PLACE, "Trump Tower", NULL, NULL),
		ent("sergey-lavrov", MORGUE_ENTITY_PERSON, "Sergey Lavrov", "Lavrov", "Sergey V. Lavrov"),
		ent("washington-dc", MORGUE_ENTITY_PLACE, "Washington, D.C.", "Washington", NULL),
		ent("washington-post", MORGUE_ENTITY_PUBLICATION, "The Washington Post",
		    "Washington Post", NULL),
		ent("bob-work", MORGUE_ENTITY_PERSON, "Bob Work", "Work", NULL),
		ent("theresa-may", MORGUE_ENTITY_PERSON, "Theresa May", "May", NULL),
		ent("united-states", MORGUE_ENTITY_PLACE, "United States", "U.S.", "US"),
		ent("jessica-stone", MORGUE_ENTITY_PERSON, "Jessica Stone", "Stone", NULL),
		ent("oliver-stone", MORGUE_ENTITY_PERSON, "Oliver Stone", "Stone", NULL),
		ent("zurich", MORGUE_ENTITY_PLACE, "Zürich", NULL, NULL),
	};
	size_t n = sizeof(es) / sizeof(*es);
	morgue_gazetteer *g = NULL;
	morgue_gazetteer_new(&g, (const morgue_entity *const *)es, n);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < es[i]->naliases; j++)
			free(es[i]->aliases[j]);
		free(es[i]->aliases);
		free(es[i]->slug);
		free(es[i]->name);
		free(es[i]);
	}
	return g;
}

/* Render md with the small registry; returns "slug:surface|..." */
static char *mentions_of(const char *md, const char *yaml)
{
	morgue_gazetteer *g = small_registry();
	morgue_markdown_opts o = { .gazetteer = g, .root = "../../", .file = "t.md",
				   .first_line = 1, .annotations = yaml,
				   .annotations_len = yaml ? strlen(yaml) : 0,
				   .annotations_file = "t.yaml" };
	morgue_doc *d = NULL;
	morgue_buf b = MORGUE_BUF_INIT;
	if (morgue_markdown_render(&d, md, strlen(md), &o) < 0) {
		morgue_buf_puts(&b, "ERROR");
	} else {
		for (size_t i = 0; i < d->nmentions; i++) {
			morgue_mention *m = &d->mentions[i];
			CHECK(m->offset + m->length <= d->text_len);
			CHECK(!memcmp(d->text + m->offset, m->surface, m->length));
			morgue_buf_printf(&b, "%s%s:%s", i ? "|" : "", m->entity, m->surface);
		}
	}
	morgue_doc_free(d);
	morgue_gazetteer_free(g);
	return morgue_buf_detach(&b);
}

#define EXPECT(md, want)                                                       \
	do {                                                                   \
		char *got_ = mentions_of(md, NULL);                           \
		CHECK_STR(got_, want);                                         \
		free(got_);                                                    \
	} while (0)

static void surname_needs_full_name(void)
{
	EXPECT("Lavrov said. Then Sergey Lavrov left; Lavrov’s aide stayed.",
	       "sergey-lavrov:Sergey Lavrov|sergey-lavrov:Lavrov");
	EXPECT("Sergey V. Lavrov and Lavrov's aide.",
	       "sergey-lavrov:Sergey V. Lavrov|sergey-lavrov:Lavrov");
}

static void month_may_is_not_a_person(void)
{
	EXPECT("Theresa May spoke in May. On May 10, May said no.",
	       "theresa-may:Theresa May|theresa-may:May");
}

static void lower_case_work_is_a_word(void)
{
	EXPECT("Bob Work praised the work of Work and working staff.",
	       "bob-work:Bob Work|bob-work:Work");
}

static void longest_match_wins(void)
{
	EXPECT("Donald Trump at Trump Tower read the Washington Post in Washington.",
	       "donald-trump:Donald Trump|trump-tower:Trump Tower|"
	       "washington-post:Washington Post|washington-dc:Washington");
	EXPECT("The Washington Post wrote.", "washington-post:The Washington Post");
}

static void word_boundaries(void)
{
	EXPECT("Donald Trump. Trumpista's and unTrump but Trump-Putin.",
	       "donald-trump:Donald Trump|donald-trump:Trump");
}

static void name_across_line_break_and_emphasis(void)
{
	EXPECT("Met Sergey\nLavrov today.", "sergey-lavrov:Sergey\nLavrov");
	EXPECT("Met *Sergey* Lavrov today.", "sergey-lavrov:Sergey Lavrov");
	EXPECT("Met **Sergey Lavrov's** aide.", "sergey-lavrov:Sergey Lavrov");
}

static void abbreviations_and_case(void)
{
	EXPECT("The U.S. and the US and us.",
	       "united-states:U.S.|united-states:US");
	EXPECT("Troops of the U.S.", "united-states:U.S.");
	EXPECT("In ZURICH and zürich and Zurich.", "zurich:ZURICH|zurich:Zurich");
}

static void ambiguous_alias(void)
{
	EXPECT("Stone said.", "");
	EXPECT("Jessica Stone reports. Stone said.",
	       "jessica-stone:Jessica Stone|jessica-stone:Stone");
	EXPECT("Oliver Stone. Jessica Stone. Stone said.",
	       "oliver-stone:Oliver Stone|jessica-stone:Jessica Stone|jessica-stone:Stone");
	morgue_gazetteer *g = small_registry();
	CHECK_INT(morgue_gazetteer_ambiguous(g, NULL, NULL), 1);
	morgue_gazetteer_free(g);
}

static void never_in_code_or_links(void)
{
	EXPECT("`Donald Trump` and [Donald Trump](https://x.org) and\n\n    Donald Trump\n", "");
}

static void headings_lists_quotes(void)
{
	EXPECT("# Donald Trump\n\n- Trump Tower\n\n> Sergey Lavrov\n",
	       "donald-trump:Donald Trump|trump-tower:Trump Tower|sergey-lavrov:Sergey Lavrov");
}

static void inline_mentions(void)
{
	EXPECT("He met [the minister](@sergey-lavrov). Lavrov spoke.",
	       "sergey-lavrov:the minister|sergey-lavrov:Lavrov");
	char *got = mentions_of("Line one.\n\nSee [him](@nobody).", NULL);
	CHECK_STR(got, "ERROR");
	free(got);
	const morgue_error *e = morgue_error_last();
	CHECK(e && e->code == MORGUE_EINPUT && e->line == 3);
}

static void standoff_add_and_suppress(void)
{
	int warnings = 0;
	morgue_warn_set_handler(quiet, &warnings);
	const char *md = "Donald Trump met the minister. Trump left. Trump again.";
	char *got = mentions_of(md, "mentions:\n"
				    "  - entity: sergey-lavrov\n    exact: the minister\n"
				    "  - entity: donald-trump\n    suppress: true\n    exact: Trump\n"
				    "    prefix: 'left. '\n"
				    "  - entity: bob-work\n    exact: nowhere to be found\n");
	CHECK_STR(got, "donald-trump:Donald Trump|sergey-lavrov:the minister|"
		       "donald-trump:Trump");
	CHECK_INT(warnings, 1);
	CHECK_INT(warn_line, 8); /* the orphaned entry */
	CHECK_STR(warn_file, "t.yaml");
	free(got);
	got = mentions_of(md, "mentions:\n  - entity: no-such\n    exact: Trump\n");
	CHECK_STR(got, "ERROR");
	free(got);
	const morgue_error *e = morgue_error_last();
	CHECK(e && e->code == MORGUE_EINPUT && e->line == 2 && !strcmp(e->file, "t.yaml"));
	got = mentions_of(md, "mentions: [1, 2]\n");
	CHECK_STR(got, "ERROR");
	free(got);
	got = mentions_of(md, "- just a list\n");
	CHECK_STR(got, "ERROR");
	free(got);
	got = mentions_of(md, "mentions:\n  - entity: donald-trump\n");
	CHECK_STR(got, "ERROR");
	free(got);
	morgue_warn_set_handler(NULL, NULL);
}

/* --- the gold test --- */

/* Occurrence number of text[off..] among the substring occurrences of s. */
static size_t occurrence(const char *text, size_t off, const char *s)
{
	size_t k = 0, l = strlen(s);
	for (const char *p = text; (p = strstr(p, s)) && (size_t)(p - text) <= off; p++)
		k++;
	(void)l;
	return k;
}

static size_t count_sub(const char *text, const char *s)
{
	size_t k = 0;
	for (const char *p = text; (p = strstr(p, s)); p++)
		k++;
	return k;
}

static void gold_mentions(void)
{
	corpus c = { 0 };
	morgue_buf gold = MORGUE_BUF_INIT, mine = MORGUE_BUF_INIT;
	const char *root = getenv("MORGUE_CONTENT") ? getenv("MORGUE_CONTENT") : "content";
	if (!morgue_fs_is_dir(root))
		SKIP("content/ not found (run from the source tree)");
	morgue_buf sub = MORGUE_BUF_INIT;
	morgue_buf_printf(&sub, "%s/entities", root);
	walk_dir(&c, sub.ptr, "", 1);
	morgue_buf_clear(&sub);
	morgue_buf_printf(&sub, "%s/articles", root);
	walk_dir(&c, sub.ptr, "", 0);
	morgue_buf_free(&sub);
	CHECK(c.nents > 50);
	CHECK_INT(c.narts, 4);
	if (morgue_fs_read(&gold, "tests/gold/mentions.tsv") < 0)
		SKIP("tests/gold/mentions.tsv not found");
	morgue_gazetteer *g = NULL;
	morgue_gazetteer_new(&g, (const morgue_entity *const *)c.ents, c.nents);
	/* our mentions as gold-style rows "article\tsurface\tocc\tentity\n" */
	for (size_t i = 0; i < c.narts; i++) {
		morgue_article *a = c.arts[i];
		/* article ids are relative to articles/ */
		const char *id = a->id;
		morgue_markdown_opts o = { .gazetteer = g, .root = "../../", .file = a->file,
					   .first_line = a->body_line };
		morgue_doc *d = NULL;
		CHECK(morgue_markdown_render(&d, a->body, a->body_len, &o) == 0);
		if (!d)
			continue;
		for (size_t j = 0; j < d->nmentions; j++) {
			morgue_mention *m = &d->mentions[j];
			if (m->source != MORGUE_MENTION_AUTO)
				continue;
			/* occurrences counted in the body, as the gold file does: the
			 * plain text and the body have the same counts when the
			 * surface does not occur in markup */
			size_t occ = occurrence(d->text, m->offset, m->surface);
			if (count_sub(d->text, m->surface) != count_sub(a->body, m->surface))
				printf("  note: %s: \"%s\" counts differ in body and text\n", id,
				       m->surface);
			morgue_buf_printf(&mine, "%s\t%s\t%zu\t%s\n", id, m->surface, occ, m->entity);
		}
		morgue_doc_free(d);
	}
	/* compare as sets of lines */
	size_t ngold = 0, nmine = 0, hit = 0;
	const char *gl = strchr(gold.ptr, '\n') + 1; /* skip header */
	for (const char *p = gl; *p;) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) + 1 : strlen(p);
		morgue_buf line = MORGUE_BUF_INIT;
		morgue_buf_put(&line, p, l);
		if (line.ptr[line.size - 1] != '\n')
			morgue_buf_putc(&line, '\n');
		ngold++;
		if (strstr(mine.ptr ? mine.ptr : "", line.ptr) == mine.ptr ||
		    (mine.ptr && (strstr(mine.ptr, line.ptr) != NULL))) {
			/* make sure it is a whole line */
			const char *q = mine.ptr;
			int found = 0;
			while ((q = strstr(q, line.ptr))) {
				if (q == mine.ptr || q[-1] == '\n') {
					found = 1;
					break;
				}
				q++;
			}
			hit += found;
			if (!found)
				printf("  missed: %s", line.ptr);
		} else {
			printf("  missed: %s", line.ptr);
		}
		morgue_buf_free(&line);
		p += l;
	}
	for (const char *p = mine.ptr ? mine.ptr : ""; *p;) {
		const char *e = strchr(p, '\n');
		size_t l = (size_t)(e - p) + 1;
		morgue_buf line = MORGUE_BUF_INIT;
		morgue_buf_put(&line, p, l);
		nmine++;
		const char *q = gl;
		int found = 0;
		while ((q = strstr(q, line.ptr))) {
			if (q[-1] == '\n') {
				found = 1;
				break;
			}
			q++;
		}
		if (!found)
			printf("  extra: %s", line.ptr);
		morgue_buf_free(&line);
		p += l;
	}
	/* the bare surnames rule 4 leaves out: linking them would be extras */
	morgue_buf un = MORGUE_BUF_INIT;
	size_t nun = 0, unlinked = 0;
	if (morgue_fs_read(&un, "tests/gold/mentions-unanchored.tsv") == 0) {
		const char *p = strchr(un.ptr, '\n');
		for (p = p ? p + 1 : ""; *p;) {
			const char *e = strchr(p, '\n');
			size_t l = e ? (size_t)(e - p) + 1 : strlen(p);
			morgue_buf line = MORGUE_BUF_INIT;
			morgue_buf_put(&line, p, l);
			nun++;
			if (mine.ptr && strstr(mine.ptr, line.ptr))
				unlinked++;
			morgue_buf_free(&line);
			p += l;
		}
	}
	printf("  unanchored surnames (rule 4): %zu listed, %zu linked; recall against "
	       "gold + unanchored: %.3f\n", nun, unlinked,
	       (double)(hit + unlinked) / (double)(ngold + nun ? ngold + nun : 1));
	morgue_buf_free(&un);
	double prec = nmine ? (double)hit / (double)nmine : 0, rec = ngold ? (double)hit / (double)ngold : 0;
	printf("  gold mentions: %zu gold, %zu found, %zu correct: precision %.3f, recall %.3f\n",
	       ngold, nmine, hit, prec, rec);
	CHECK(prec >= 0.95);
	CHECK(rec >= 0.95);
	morgue_gazetteer_free(g);
	corpus_free(&c);
	morgue_buf_free(&gold);
	morgue_buf_free(&mine);
}

/* The sample annotation files apply without orphans or errors and add
 * their mentions (the annotated articles, rendered as the build does). */
static void sample_annotations_apply(void)
{
	corpus c = { 0 };
	int warnings = 0;
	if (!morgue_fs_is_dir("content/annotations"))
		SKIP("content/ not found (run from the source tree)");
	walk_dir(&c, "content/entities", "", 1);
	walk_dir(&c, "content/articles", "", 0);
	morgue_gazetteer *g = NULL;
	morgue_gazetteer_new(&g, (const morgue_entity *const *)c.ents, c.nents);
	morgue_warn_set_handler(quiet, &warnings);
	size_t nstandoff = 0, applied = 0;
	for (size_t i = 0; i < c.narts; i++) {
		morgue_article *a = c.arts[i];
		morgue_buf path = MORGUE_BUF_INIT, yaml = MORGUE_BUF_INIT;
		morgue_buf_printf(&path, "content/annotations/%s.yaml", a->id);
		if (morgue_fs_read(&yaml, path.ptr) == 0) {
			applied++;
			morgue_markdown_opts o = { .gazetteer = g, .root = "../../", .file = a->file,
						   .first_line = a->body_line,
						   .annotations = morgue_buf_cstr(&yaml),
						   .annotations_len = yaml.size,
						   .annotations_file = path.ptr };
			morgue_doc *d = NULL;
			CHECK(morgue_markdown_render(&d, a->body, a->body_len, &o) == 0);
			for (size_t j = 0; d && j < d->nmentions; j++) {
				if (d->mentions[j].source == MORGUE_MENTION_STANDOFF)
					nstandoff++;
				/* "Trumpista's" is never linked */
				CHECK(strncmp(d->text + d->mentions[j].offset + d->mentions[j].length,
					      "ista", 4));
			}
			if (d && strstr(a->id, "kushner")) {
				CHECK_CONTAINS(d->html, "data-entity=\"sergey-kislyak\" "
							"href=\"../../entities/sergey-kislyak.html\">Russian "
							"ambassador</a>");
				CHECK_CONTAINS(d->html, ">Vice President Pence</a>");
			}
			morgue_doc_free(d);
		}
		morgue_buf_free(&path);
		morgue_buf_free(&yaml);
	}
	morgue_warn_set_handler(NULL, NULL);
	CHECK_INT(applied, 2);
	CHECK_INT(warnings, 0);
	CHECK_INT(nstandoff, 6);
	morgue_gazetteer_free(g);
	corpus_free(&c);
}

int main(void)
{
	RUN(surname_needs_full_name);
	RUN(month_may_is_not_a_person);
	RUN(lower_case_work_is_a_word);
	RUN(longest_match_wins);
	RUN(word_boundaries);
	RUN(name_across_line_break_and_emphasis);
	RUN(abbreviations_and_case);
	RUN(ambiguous_alias);
	RUN(never_in_code_or_links);
	RUN(headings_lists_quotes);
	RUN(inline_mentions);
	RUN(standoff_add_and_suppress);
	RUN(gold_mentions);
	RUN(sample_annotations_apply);
	TEST_EXIT();
}
