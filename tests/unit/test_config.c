/* Unit tests for generator/config: morgue.yaml defaults, values and errors. */
#include "test.h"
#include "config.h"
#include "util/buf.h"
#include "util/error.h"

static morgue_buf errbuf = MORGUE_BUF_INIT;

static const char *last_error(void)
{
	morgue_buf_clear(&errbuf);
	morgue_error_format(&errbuf, morgue_error_last());
	return morgue_buf_cstr(&errbuf);
}

static morgue_buf warnings = MORGUE_BUF_INIT;

static void collect_warning(const char *file, int line, const char *msg,
			    void *payload)
{
	(void)payload;
	morgue_buf_printf(&warnings, "%s:%d: %s\n", file, line, msg);
}

static void config_fails(const char *yaml, const char *msg)
{
	morgue_config *c = NULL;
	morgue_error_clear();
	CHECK_INT(morgue_config_parse(&c, "morgue.yaml", yaml, strlen(yaml)),
		  MORGUE_EINPUT);
	CHECK(c == NULL);
	CHECK_STR(last_error(), msg);
}

static void check_defaults(const morgue_config *c)
{
	CHECK_STR(c->title, "Archive");
	CHECK_STR(c->description, "");
	CHECK_STR(c->language, "en");
	CHECK(c->base_url == NULL);
	CHECK(c->theme == NULL);
	CHECK_INT(c->unsafe_html, 0);
	CHECK_INT(c->page_size, 50);
}

static void no_file_or_empty_file_gives_defaults(void)
{
	morgue_config *c = NULL;

	CHECK_INT(morgue_config_parse(&c, "morgue.yaml", NULL, 0), 0);
	if (c)
		check_defaults(c);
	morgue_config_free(c);
	CHECK_INT(morgue_config_parse(&c, "morgue.yaml", "# comments only\n", 16), 0);
	if (c)
		check_defaults(c);
	morgue_config_free(c);
	/* null values keep the default */
	const char *y = "title:\ntheme: ~\npage_size:\n";
	CHECK_INT(morgue_config_parse(&c, "morgue.yaml", y, strlen(y)), 0);
	if (c)
		check_defaults(c);
	morgue_config_free(c);
}

static void reads_every_setting(void)
{
	const char *y = "\xEF\xBB\xBF"
			"title: \"The Daily Planet: archive\"\r\n"
			"description: >\r\n  Every story\r\n  since 1938.\r\n"
			"language: pt-BR\r\n"
			"base_url: https://example.org/archive//\r\n"
			"theme: dark-2\r\n"
			"unsafe_html: true\r\n"
			"page_size: 25\r\n";
	morgue_config *c = NULL;

	CHECK_INT(morgue_config_parse(&c, "morgue.yaml", y, strlen(y)), 0);
	if (!c)
		return;
	CHECK_STR(c->title, "The Daily Planet: archive");
	CHECK_STR(c->description, "Every story since 1938.");
	CHECK_STR(c->language, "pt-BR");
	CHECK_STR(c->base_url, "https://example.org/archive");
	CHECK_STR(c->theme, "dark-2");
	CHECK_INT(c->unsafe_html, 1);
	CHECK_INT(c->page_size, 25);
	morgue_config_free(c);

	y = "base_url: http://example.org/\npage_size: 5\nlanguage: zh-Hant-TW\n";
	CHECK_INT(morgue_config_parse(&c, "morgue.yaml", y, strlen(y)), 0);
	if (!c)
		return;
	CHECK_STR(c->base_url, "http://example.org");
	CHECK_INT(c->page_size, 5);
	CHECK_STR(c->language, "zh-Hant-TW");
	morgue_config_free(c);

	y = "page_size: 1000\nunsafe_html: false\n";
	CHECK_INT(morgue_config_parse(&c, "morgue.yaml", y, strlen(y)), 0);
	CHECK(c && c->page_size == 1000 && c->unsafe_html == 0);
	morgue_config_free(c);
}

static void unknown_settings_warn(void)
{
	morgue_config *c = NULL;
	const char *y = "title: X\npage-size: 10\n";
	size_t before = morgue_warn_count();

	morgue_buf_clear(&warnings);
	morgue_warn_set_handler(collect_warning, NULL);
	CHECK_INT(morgue_config_parse(&c, "morgue.yaml", y, strlen(y)), 0);
	morgue_warn_set_handler(NULL, NULL);
	CHECK(c && c->page_size == 50);
	CHECK_INT(morgue_warn_count(), before + 1);
	CHECK_STR(morgue_buf_cstr(&warnings),
		  "morgue.yaml:2: unknown setting 'page-size' ignored\n");
	morgue_config_free(c);
}

static void wrong_types_are_errors_with_lines(void)
{
	config_fails("title: [a]\n", "morgue.yaml:1: title: expected a non-empty string");
	config_fails("title: \"\"\n", "morgue.yaml:1: title: expected a non-empty string");
	config_fails("\ndescription: {a: 1}\n", "morgue.yaml:2: description: expected a string");
	config_fails("language: english\n",
		     "morgue.yaml:1: language: expected a language tag like en or pt-BR");
	config_fails("language: e\n",
		     "morgue.yaml:1: language: expected a language tag like en or pt-BR");
	config_fails("language: en-\n",
		     "morgue.yaml:1: language: expected a language tag like en or pt-BR");
	config_fails("language: \"en US\"\n",
		     "morgue.yaml:1: language: expected a language tag like en or pt-BR");
	config_fails("language: 42\n",
		     "morgue.yaml:1: language: expected a language tag like en or pt-BR");
	static const char *urls[] = { "javascript:alert(1)", "/archive", "example.org",
				      "https://", "https:///x", "ftp://example.org",
				      "\"https://exa mple.org\"", "mailto:a@b.c", "true" };
	for (size_t i = 0; i < sizeof(urls) / sizeof(*urls); i++) {
		morgue_buf y = MORGUE_BUF_INIT;
		morgue_buf_printf(&y, "title: T\nbase_url: %s\n", urls[i]);
		config_fails(y.ptr,
			     "morgue.yaml:2: base_url: expected an absolute http:// or https:// URL");
		morgue_buf_free(&y);
	}
	config_fails("theme: ../evil\n",
		     "morgue.yaml:1: theme: expected a theme name (a-z, 0-9 and single '-' between them)");
	config_fails("theme: Dark\n",
		     "morgue.yaml:1: theme: expected a theme name (a-z, 0-9 and single '-' between them)");
	config_fails("unsafe_html: yes\n", "morgue.yaml:1: unsafe_html: expected true or false");
	config_fails("unsafe_html: \"true\"\n", "morgue.yaml:1: unsafe_html: expected true or false");
	config_fails("unsafe_html: 1\n", "morgue.yaml:1: unsafe_html: expected true or false");
	static const char *sizes[] = { "0", "1001", "10.5", "\"20\"", "-50", "1e300",
				       "-1e300", "0x7fffffffffffffff", "big" };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		morgue_buf y = MORGUE_BUF_INIT;
		morgue_buf_printf(&y, "page_size: %s\n", sizes[i]);
		config_fails(y.ptr, "morgue.yaml:1: page_size: expected a whole number from 1 to 1000");
		morgue_buf_free(&y);
	}
}

static void whole_file_errors(void)
{
	config_fails("- title\n- x\n", "morgue.yaml:1: expected settings as key: value lines");
	config_fails("just a sentence\n", "morgue.yaml:1: expected settings as key: value lines");
	config_fails("title: A\ntitle: B\n", "morgue.yaml:2: duplicate key 'title' (first on line 1)");
	config_fails("title: &t A\n", "morgue.yaml:1: YAML anchors (&t) are not supported");
	config_fails("title: A\nbad: [\n",
		     "morgue.yaml:3: invalid YAML: did not find expected node content "
		     "(while parsing a flow node)");
	config_fails("title: caf\xE9\n",
		     "morgue.yaml:1: invalid UTF-8 (byte 0xE9); save the file as UTF-8");
}

int main(void)
{
	RUN(no_file_or_empty_file_gives_defaults);
	RUN(reads_every_setting);
	RUN(unknown_settings_warn);
	RUN(wrong_types_are_errors_with_lines);
	RUN(whole_file_errors);
	morgue_buf_free(&errbuf);
	morgue_buf_free(&warnings);
	morgue_error_clear();
	TEST_EXIT();
}
