/* Unit tests for generator/article: the article and entity formats, their
 * validation, and each user-facing error message. */
#include "test.h"
#include "article.h"
#include "util/buf.h"
#include "util/error.h"

static morgue_buf errbuf = MORGUE_BUF_INIT;

static const char *last_error(void)
{
	morgue_buf_clear(&errbuf);
	morgue_error_format(&errbuf, morgue_error_last());
	return morgue_buf_cstr(&errbuf);
}

static morgue_article *article(const char *rel, const char *text)
{
	morgue_article *a = NULL;
	morgue_error_clear();
	int rc = morgue_article_parse(&a, "a.md", rel, text, strlen(text));
	CHECK((rc == 0) == (a != NULL));
	return a;
}

static morgue_entity *entity(const char *rel, const char *text)
{
	morgue_entity *e = NULL;
	morgue_error_clear();
	int rc = morgue_entity_parse(&e, "e.md", rel, text, strlen(text));
	CHECK((rc == 0) == (e != NULL));
	return e;
}

/* The article must be rejected with exactly `msg` (file:line included). */
static void article_fails(const char *text, const char *msg)
{
	morgue_article *a = NULL;
	morgue_error_clear();
	CHECK_INT(morgue_article_parse(&a, "a.md", "2017/x.md", text, strlen(text)),
		  MORGUE_EINPUT);
	CHECK(a == NULL);
	CHECK_STR(last_error(), msg);
}

static void entity_fails(const char *rel, const char *text, const char *msg)
{
	morgue_entity *e = NULL;
	morgue_error_clear();
	CHECK_INT(morgue_entity_parse(&e, "e.md", rel, text, strlen(text)),
		  MORGUE_EINPUT);
	CHECK(e == NULL);
	CHECK_STR(last_error(), msg);
}

#define HEAD "---\ntitle: T\ndate: 2017-05-27\n"

static void parses_a_complete_article(void)
{
	morgue_article *a = article("2017/x.md",
		"---\n"
		"title: \"Council <b>votes</b> & \\\"more\\\"\"\n"
		"date: 2017-05-27\n"
		"publication: daily-planet\n"
		"authors:\n  - Lois Lane\n  - Clark Kent\n  - Lois Lane\n"
		"url: https://example.org/2017/05/council?id=1&x=2\n"
		"tags: [politics, council, politics]\n"
		"future_key: {anything: [goes]}\n"
		"---\n"
		"The council *voted*.\n");
	if (!a)
		return;
	CHECK_STR(a->file, "a.md");
	CHECK_STR(a->id, "2017/x");
	CHECK_STR(a->title, "Council <b>votes</b> & \"more\"");
	CHECK_STR(a->date, "2017-05-27");
	CHECK(a->datetime == NULL);
	CHECK_STR(a->publication, "daily-planet");
	CHECK_INT(a->nauthors, 2);
	CHECK_STR(a->authors[0], "Lois Lane");
	CHECK_STR(a->authors[1], "Clark Kent");
	CHECK_STR(a->url, "https://example.org/2017/05/council?id=1&x=2");
	CHECK_INT(a->ntags, 2);
	CHECK_STR(a->tags[0], "politics");
	CHECK_STR(a->tags[1], "council");
	CHECK_INT(a->body_len, strlen("The council *voted*.\n"));
	CHECK_STR(a->body, "The council *voted*.\n");
	CHECK_INT(a->body_line, 13);
	CHECK_STR(a->oid, "");
	morgue_article_free(a);
}

static void optional_fields_may_be_absent_or_empty(void)
{
	morgue_article *a = article("x.md", HEAD "publication:\nurl: \"\"\ntags: []\n---\n");
	if (!a)
		return;
	CHECK_STR(a->id, "x");
	CHECK(a->publication == NULL);
	CHECK(a->url == NULL);
	CHECK(a->authors == NULL && a->nauthors == 0);
	CHECK(a->tags == NULL && a->ntags == 0);
	CHECK_INT(a->body_len, 0);
	CHECK_STR(a->body, "");
	morgue_article_free(a);
}

static void single_author_and_single_tag(void)
{
	morgue_article *a = article("x.md", HEAD "author: Jane Roe\ntags: budget\n---\n");
	if (!a)
		return;
	CHECK_INT(a->nauthors, 1);
	CHECK_STR(a->authors[0], "Jane Roe");
	CHECK_INT(a->ntags, 1);
	CHECK_STR(a->tags[0], "budget");
	morgue_article_free(a);

	a = article("x.md", HEAD "authors: Jane Roe\n---\n");
	if (!a)
		return;
	CHECK_INT(a->nauthors, 1);
	CHECK_STR(a->authors[0], "Jane Roe");
	morgue_article_free(a);
}

static void numbers_read_as_text_where_text_is_expected(void)
{
	morgue_article *a = article("x.md", "---\ntitle: 1984\ndate: 2017-05-27\n"
				   "tags: [2016, election, 2.50]\n---\n");
	if (!a)
		return;
	CHECK_STR(a->title, "1984");
	CHECK_INT(a->ntags, 3);
	CHECK_STR(a->tags[0], "2016");
	CHECK_STR(a->tags[2], "2.5");
	morgue_article_free(a);
}

static void folds_one_line_fields(void)
{
	morgue_article *a = article("x.md", "---\ntitle: >\n  A long\n  folded title\n"
				   "date: 2017-05-27\nauthor: \"  Jane\\n\\tRoe  \"\n---\n");
	if (!a)
		return;
	CHECK_STR(a->title, "A long folded title");
	CHECK_STR(a->authors[0], "Jane Roe");
	morgue_article_free(a);
}

static void accepts_iso_8601_date_times(void)
{
	static const char *ok[] = {
		"2017-05-27T10:30:00Z", "2017-05-27T10:30:00+02:00",
		"2017-05-27T10:30-0530", "2017-05-27T10:30", "2017-05-27 10:30:59",
		"2017-05-27T23:59:59.123456Z", "2017-05-27T00:00:00-23:59",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		morgue_buf t = MORGUE_BUF_INIT;
		morgue_buf_printf(&t, "---\ntitle: T\ndate: %s\n---\n", ok[i]);
		morgue_article *a = article("x.md", t.ptr);
		morgue_buf_free(&t);
		CHECK(a != NULL);
		if (!a) {
			printf("  rejected %s: %s\n", ok[i], last_error());
			continue;
		}
		CHECK_STR(a->date, "2017-05-27");
		CHECK_STR(a->datetime, ok[i]);
		morgue_article_free(a);
	}
	/* quoted is the same */
	morgue_article *a = article("x.md", "---\ntitle: T\ndate: '2016-02-29'\n---\n");
	CHECK(a != NULL);
	morgue_article_free(a);
}

static void rejects_bad_dates_with_line(void)
{
	static const char *bad[] = {
		"27/05/2017", "2017-5-27", "2017-05-27T", "2017-05-27T10",
		"2017-05-27T10:30:00+2", "2017-05-27T10:30:00.Z", "2017-05-27x",
		"2017-05-27T10:30:00ZZ", "20170527", "May 27, 2017", "'2017'",
		"2017", "true", "[2017-05-27]", "",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		morgue_buf t = MORGUE_BUF_INIT;
		morgue_buf_printf(&t, "---\ntitle: T\n\ndate: %s\n---\n", bad[i]);
		article_fails(t.ptr, "a.md:4: date: expected YYYY-MM-DD or an ISO 8601 date-time");
		morgue_buf_free(&t);
	}
}

static void validates_calendar_dates(void)
{
	article_fails("---\ntitle: T\ndate: 2017-02-30\n---\n",
		      "a.md:3: date: 2017-02-30 is not a real date");
	article_fails("---\ntitle: T\ndate: 2017-02-29\n---\n",
		      "a.md:3: date: 2017-02-29 is not a real date");
	article_fails("---\ntitle: T\ndate: 1900-02-29\n---\n",
		      "a.md:3: date: 1900-02-29 is not a real date");
	article_fails("---\ntitle: T\ndate: 2017-04-31T10:00Z\n---\n",
		      "a.md:3: date: 2017-04-31 is not a real date");
	article_fails("---\ntitle: T\ndate: 2017-13-01\n---\n",
		      "a.md:3: date: 2017-13-01 is not a real date");
	article_fails("---\ntitle: T\ndate: 2017-00-10\n---\n",
		      "a.md:3: date: 2017-00-10 is not a real date");
	article_fails("---\ntitle: T\ndate: 0000-01-01\n---\n",
		      "a.md:3: date: 0000-01-01 is not a real date");
	article_fails("---\ntitle: T\ndate: 2017-05-27T24:00\n---\n",
		      "a.md:3: date: 2017-05-27T24:00 is not a real time of day");
	article_fails("---\ntitle: T\ndate: 2017-05-27T10:60:00Z\n---\n",
		      "a.md:3: date: 2017-05-27T10:60:00Z is not a real time of day");
	article_fails("---\ntitle: T\ndate: 2017-05-27T10:00+24:00\n---\n",
		      "a.md:3: date: 2017-05-27T10:00+24:00 is not a real time of day");

	static const char *leap[] = { "2016-02-29", "2000-02-29", "2400-02-29",
				      "2017-12-31", "0001-01-01" };
	for (size_t i = 0; i < sizeof(leap) / sizeof(*leap); i++) {
		morgue_buf t = MORGUE_BUF_INIT;
		morgue_buf_printf(&t, "---\ntitle: T\ndate: %s\n---\n", leap[i]);
		morgue_article *a = article("x.md", t.ptr);
		CHECK(a != NULL);
		if (a)
			CHECK_STR(a->date, leap[i]);
		morgue_article_free(a);
		morgue_buf_free(&t);
	}
}

static void required_fields(void)
{
	article_fails("---\ndate: 2017-05-27\n---\n", "a.md:1: title: missing (required)");
	article_fails("---\ntitle: T\n---\n", "a.md:1: date: missing (required)");
	article_fails("---\n---\n", "a.md:1: title: missing (required)");
	article_fails("---\ntitle: \"\"\ndate: 2017-05-27\n---\n",
		      "a.md:2: title: must not be empty");
	article_fails("---\ntitle: \"  \\n \"\ndate: 2017-05-27\n---\n",
		      "a.md:2: title: must not be empty");
	article_fails("---\ntitle:\ndate: 2017-05-27\n---\n",
		      "a.md:2: title: must not be empty");
	article_fails("---\ndate: 2017-05-27\ntitle: [a, b]\n---\n",
		      "a.md:3: title: expected a string");
	article_fails("---\ntitle: true\ndate: 2017-05-27\n---\n",
		      "a.md:2: title: expected a string");
	article_fails("# no front matter\n",
		      "a.md:1: missing front matter: the file must start with a line '---'");
}

static void wrong_types_for_known_keys(void)
{
	article_fails(HEAD "tags:\n  a: b\n---\n", "a.md:5: tags: expected a list of strings");
	article_fails(HEAD "tags:\n  - ok\n  - [nested]\n---\n",
		      "a.md:6: tags: expected a list of strings");
	article_fails(HEAD "tags: [a, false]\n---\n", "a.md:4: tags: expected a list of strings");
	article_fails(HEAD "tags: [a, ~]\n---\n", "a.md:4: tags: expected a list of strings");
	article_fails(HEAD "tags: [a, \"\"]\n---\n", "a.md:4: tags: entries must not be empty");
	article_fails(HEAD "author: [A, B]\n---\n", "a.md:4: author: expected a string");
	article_fails(HEAD "authors:\n  - {name: A}\n---\n",
		      "a.md:5: authors: expected a list of strings");
	article_fails(HEAD "author: A\nauthors: [B]\n---\n",
		      "a.md:5: authors: give either author or authors, not both");
	article_fails(HEAD "publication: {name: x}\n---\n",
		      "a.md:4: publication: expected a string");
	article_fails(HEAD "slug: Not_A_Slug\n---\n",
		      "a.md:4: slug: expected a slug (a-z, 0-9 and single '-' between them)");
	article_fails(HEAD "slug: a--b\n---\n",
		      "a.md:4: slug: expected a slug (a-z, 0-9 and single '-' between them)");
	article_fails(HEAD "slug: [a]\n---\n",
		      "a.md:4: slug: expected a slug (a-z, 0-9 and single '-' between them)");
}

static void rejects_unsafe_or_relative_urls(void)
{
	static const char *bad[] = {
		"javascript:alert(1)", "JavaScript:alert(1)", "\" javascript:alert(1)\"",
		"data:text/html,<script>x</script>", "vbscript:x", "mailto:a@b.c",
		"/relative/path", "example.org/x", "https://", "http:///x",
		"ftp://example.org/", "\"https://example.org/a b\"",
		"\"https://example.org/\\u0001\"", "[https://example.org]", "42",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		morgue_buf t = MORGUE_BUF_INIT;
		morgue_buf_printf(&t, HEAD "url: %s\n---\n", bad[i]);
		article_fails(t.ptr, "a.md:4: url: expected an absolute http:// or https:// URL");
		morgue_buf_free(&t);
	}
	morgue_article *a = article("x.md", HEAD "url: HTTP://Example.org\n---\n");
	CHECK(a && !strcmp(a->url, "HTTP://Example.org"));
	morgue_article_free(a);
}

static void slug_override_and_ids(void)
{
	morgue_article *a = article("2017/05/Some_File.md", HEAD "slug: better-name\n---\n");
	CHECK(a && !strcmp(a->id, "2017/05/better-name"));
	morgue_article_free(a);
	a = article("top.md", HEAD "slug: 2017\n---\n");
	CHECK(a && !strcmp(a->id, "2017"));
	morgue_article_free(a);
	/* file names keep capitals and underscores */
	a = article("2017/Hello_World.md", HEAD "---\n");
	CHECK(a && !strcmp(a->id, "2017/Hello_World"));
	morgue_article_free(a);
	/* a name without .md keeps its full name */
	a = article("2017/notes.markdown", HEAD "---\n");
	CHECK(a && !strcmp(a->id, "2017/notes.markdown"));
	morgue_article_free(a);

	static const char *unsafe[] = { "../x.md", "a/../b.md", "/abs.md", "a//b.md",
					"con.md", "a:b.md", "a\\b.md", "x\n.md", "a\xff.md",
					".md", "2017/.md", "" };
	for (size_t i = 0; i < sizeof(unsafe) / sizeof(*unsafe); i++) {
		morgue_article *u = NULL;
		morgue_error_clear();
		CHECK_INT(morgue_article_parse(&u, "a.md", unsafe[i], HEAD "---\n",
					       strlen(HEAD "---\n")),
			  MORGUE_EINPUT);
		CHECK(u == NULL);
		CHECK_STR(last_error(), "a.md: file name not usable in a site path "
			  "(UTF-8 only; no '..', ':', '\\', control characters or device names)");
	}
}

static void hostile_strings_are_plain_data(void)
{
	morgue_article *a = article("x.md",
		"---\ntitle: \"<script>alert('x')</script>\"\ndate: 2017-05-27\n"
		"tags: [\"</a><img src=x onerror=alert(1)>\", '\"quoted\"']\n---\n"
		"<script>body()</script>\n");
	if (!a)
		return;
	CHECK_STR(a->title, "<script>alert('x')</script>");
	CHECK_STR(a->tags[0], "</a><img src=x onerror=alert(1)>");
	CHECK_STR(a->tags[1], "\"quoted\"");
	CHECK_STR(a->body, "<script>body()</script>\n");
	morgue_article_free(a);
}

static void front_matter_errors_carry_through(void)
{
	article_fails("---\ntitle: T\ndate: 2017-05-27\ntitle: U\n---\n",
		      "a.md:4: duplicate key 'title' (first on line 2)");
	article_fails("---\r\ntitle: T\r\ndate: 2017-02-30\r\n---\r\n",
		      "a.md:3: date: 2017-02-30 is not a real date");
	article_fails("---\ntitle: &t T\ndate: 2017-05-27\n---\n",
		      "a.md:2: YAML anchors (&t) are not supported");
	article_fails("---\ntitle: T\ndate: 2017-05-27\n---\n\xff\n",
		      "a.md:5: invalid UTF-8 (byte 0xFF); save the file as UTF-8");
}

static void entity_type_names_round_trip(void)
{
	static const char *names[] = { "person", "organization", "place",
				       "publication", "event", "topic" };
	for (int i = 0; i < 6; i++) {
		CHECK_STR(morgue_entity_type_name((morgue_entity_type)i), names[i]);
		CHECK_INT(morgue_entity_type_parse(names[i]), i);
	}
	CHECK_STR(morgue_entity_type_name((morgue_entity_type)99), "unknown");
	CHECK_INT(morgue_entity_type_parse("Person"), -1);
	CHECK_INT(morgue_entity_type_parse(""), -1);
	CHECK_INT(morgue_entity_type_parse("company"), -1);
}

static void parses_a_complete_entity(void)
{
	morgue_entity *e = entity("people/jane-doe.md",
		"---\nname: Jane Doe\ntype: person\n"
		"aliases: [J. Doe, Jane Doe, Janie, J. Doe]\n"
		"description: |\n  Mayor of Metropolis\n  since 2015.\n"
		"url: https://example.org/jane\nwikidata: Q42\n---\nShe *runs* the city.\n");
	if (!e)
		return;
	CHECK_STR(e->file, "e.md");
	CHECK_STR(e->slug, "jane-doe");
	CHECK_STR(e->name, "Jane Doe");
	CHECK_INT(e->type, MORGUE_ENTITY_PERSON);
	CHECK_INT(e->naliases, 2);
	CHECK_STR(e->aliases[0], "J. Doe");
	CHECK_STR(e->aliases[1], "Janie");
	CHECK_STR(e->description, "Mayor of Metropolis since 2015.");
	CHECK_STR(e->url, "https://example.org/jane");
	CHECK_STR(e->wikidata, "Q42");
	CHECK_STR(e->body, "She *runs* the city.\n");
	CHECK_INT(e->body_line, 11);
	morgue_entity_free(e);
}

static void entity_defaults(void)
{
	morgue_entity *e = entity("acme.md", "---\nname: ACME\naliases: ACME Corp\n"
				  "description: \"\"\n---\n");
	if (!e)
		return;
	CHECK_STR(e->slug, "acme");
	CHECK_INT(e->type, MORGUE_ENTITY_TOPIC);
	CHECK_INT(e->naliases, 1);
	CHECK_STR(e->aliases[0], "ACME Corp");
	CHECK(e->description == NULL);
	CHECK(e->url == NULL);
	CHECK(e->wikidata == NULL);
	morgue_entity_free(e);
}

static void entity_type_from_directory(void)
{
	static const struct { const char *rel; morgue_entity_type t; } cases[] = {
		{ "people/a.md", MORGUE_ENTITY_PERSON },
		{ "organisations/a.md", MORGUE_ENTITY_ORGANIZATION },
		{ "organizations/sub/a.md", MORGUE_ENTITY_ORGANIZATION },
		{ "places/a.md", MORGUE_ENTITY_PLACE },
		{ "publications/a.md", MORGUE_ENTITY_PUBLICATION },
		{ "events/a.md", MORGUE_ENTITY_EVENT },
		{ "misc/a.md", MORGUE_ENTITY_TOPIC },
		{ "peoples/a.md", MORGUE_ENTITY_TOPIC },
		{ "a.md", MORGUE_ENTITY_TOPIC },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		morgue_entity *e = entity(cases[i].rel, "---\nname: A\n---\n");
		if (!e)
			return;
		CHECK_INT(e->type, cases[i].t);
		morgue_entity_free(e);
	}
	/* an explicit type wins over the directory */
	morgue_entity *e = entity("people/a.md", "---\nname: A\ntype: place\n---\n");
	if (e) {
		CHECK_INT(e->type, MORGUE_ENTITY_PLACE);
		morgue_entity_free(e);
	}
}

static void entity_errors(void)
{
	entity_fails("x.md", "---\ntype: person\n---\n", "e.md:1: name: missing (required)");
	entity_fails("x.md", "---\nname: [a]\n---\n", "e.md:2: name: expected a string");
	entity_fails("x.md", "---\nname: X\ntype: company\n---\n",
		     "e.md:3: type: expected one of person, organization, place, "
		     "publication, event, topic");
	entity_fails("x.md", "---\nname: X\ntype: Person\n---\n",
		     "e.md:3: type: expected one of person, organization, place, "
		     "publication, event, topic");
	entity_fails("x.md", "---\nname: X\naliases: {a: b}\n---\n",
		     "e.md:3: aliases: expected a list of strings");
	entity_fails("x.md", "---\nname: X\ndescription: [a]\n---\n",
		     "e.md:3: description: expected a string");
	entity_fails("x.md", "---\nname: X\nurl: javascript:alert(1)\n---\n",
		     "e.md:3: url: expected an absolute http:// or https:// URL");
	static const char *wd[] = { "q42", "Q", "Q42a", "42", "Q-1", "\"Q 42\"", "[Q42]" };
	for (size_t i = 0; i < sizeof(wd) / sizeof(*wd); i++) {
		morgue_buf t = MORGUE_BUF_INIT;
		morgue_buf_printf(&t, "---\nname: X\nwikidata: %s\n---\n", wd[i]);
		entity_fails("x.md", t.ptr, "e.md:3: wikidata: expected an item id like Q42");
		morgue_buf_free(&t);
	}
	static const char *names[] = { "Jane_Doe.md", "jane doe.md", "-x.md", "x-.md",
				       "J.md", ".md", "a/../b.md", "caf\xC3\xA9.md" };
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		entity_fails(names[i], "---\nname: X\n---\n",
			     "e.md: entity file name must be a slug (a-z, 0-9, -)");
}

int main(void)
{
	RUN(parses_a_complete_article);
	RUN(optional_fields_may_be_absent_or_empty);
	RUN(single_author_and_single_tag);
	RUN(numbers_read_as_text_where_text_is_expected);
	RUN(folds_one_line_fields);
	RUN(accepts_iso_8601_date_times);
	RUN(rejects_bad_dates_with_line);
	RUN(validates_calendar_dates);
	RUN(required_fields);
	RUN(wrong_types_for_known_keys);
	RUN(rejects_unsafe_or_relative_urls);
	RUN(slug_override_and_ids);
	RUN(hostile_strings_are_plain_data);
	RUN(front_matter_errors_carry_through);
	RUN(entity_type_names_round_trip);
	RUN(parses_a_complete_entity);
	RUN(entity_defaults);
	RUN(entity_type_from_directory);
	RUN(entity_errors);
	morgue_buf_free(&errbuf);
	morgue_error_clear();
	TEST_EXIT();
}
