/* Unit tests for generator/frontmatter: splitting, YAML typing, lines, and
 * every rejection (with its user-facing message). */
#include "test.h"
#include "frontmatter.h"
#include "util/buf.h"
#include "util/error.h"

static morgue_buf errbuf = MORGUE_BUF_INIT;

/* The last error as the user sees it: "file:line: message". */
static const char *last_error(void)
{
	morgue_buf_clear(&errbuf);
	morgue_error_format(&errbuf, morgue_error_last());
	return morgue_buf_cstr(&errbuf);
}

typedef struct parsed {
	morgue_value *meta;
	const char *body;
	size_t body_len;
	int body_line;
	int rc;
} parsed;

static parsed fm(const char *text, size_t len)
{
	parsed p;
	morgue_error_clear();
	p.rc = morgue_frontmatter_parse(&p.meta, &p.body, &p.body_len,
					&p.body_line, "f.md", text, len);
	return p;
}

#define FM(lit) fm(lit, sizeof(lit) - 1)

/* Expect a front matter rejection with exactly this message. */
#define FM_FAILS(lit, msg)                                                     \
	do {                                                                   \
		parsed p_ = FM(lit);                                           \
		CHECK_INT(p_.rc, MORGUE_EINPUT);                               \
		CHECK(p_.meta == NULL);                                        \
		CHECK_STR(last_error(), msg);                                  \
	} while (0)

static void splits_front_matter_and_body(void)
{
	parsed p = FM("---\ntitle: Hello\ndate: 2017-05-27\n---\nBody line\n\nmore\n");
	CHECK_INT(p.rc, 0);
	CHECK_INT(morgue_value_type_of(p.meta), MORGUE_VALUE_MAP);
	CHECK_INT(morgue_value_count(p.meta), 2);
	CHECK_STR(morgue_value_get_string(morgue_value_get(p.meta, "title")), "Hello");
	CHECK_INT(morgue_value_line(morgue_value_get(p.meta, "title")), 2);
	CHECK_STR(morgue_value_get_string(morgue_value_get(p.meta, "date")), "2017-05-27");
	CHECK_INT(morgue_value_line(morgue_value_get(p.meta, "date")), 3);
	CHECK_INT(p.body_len, strlen("Body line\n\nmore\n"));
	CHECK(!memcmp(p.body, "Body line\n\nmore\n", p.body_len));
	CHECK_INT(p.body_line, 5);
	morgue_value_free(p.meta);
}

static void plain_scalars_are_typed_quoted_ones_are_not(void)
{
	parsed p = FM("---\n"
		      "t1: true\nt2: False\nn1: null\nn2: ~\nn3:\n"
		      "i: 42\nneg: -7\nf: 2.5\ne: 1e3\nhex: 0x1F\noct: 0o17\n"
		      "lead: 007\n"
		      "qs: \"true\"\nsq: '123'\ntagged: !!str 12\n"
		      "inf: .inf\nhuge: 1e999\nyes: yes\nday: 2017-05-27\n"
		      "ver: 1.2.3\nblock: |\n  two\n  lines\n"
		      "---\n");
	morgue_value *m = p.meta;
	CHECK_INT(p.rc, 0);
	CHECK_INT(morgue_value_type_of(morgue_value_get(m, "t1")), MORGUE_VALUE_BOOL);
	CHECK_INT(morgue_value_get_bool(morgue_value_get(m, "t1")), 1);
	CHECK_INT(morgue_value_type_of(morgue_value_get(m, "t2")), MORGUE_VALUE_BOOL);
	CHECK_INT(morgue_value_get_bool(morgue_value_get(m, "t2")), 0);
	CHECK_INT(morgue_value_type_of(morgue_value_get(m, "n1")), MORGUE_VALUE_NULL);
	CHECK_INT(morgue_value_type_of(morgue_value_get(m, "n2")), MORGUE_VALUE_NULL);
	CHECK(morgue_value_get(m, "n3") != NULL);
	CHECK_INT(morgue_value_type_of(morgue_value_get(m, "n3")), MORGUE_VALUE_NULL);
	CHECK(morgue_value_get_number(morgue_value_get(m, "i")) == 42);
	CHECK(morgue_value_get_number(morgue_value_get(m, "neg")) == -7);
	CHECK(morgue_value_get_number(morgue_value_get(m, "f")) == 2.5);
	CHECK(morgue_value_get_number(morgue_value_get(m, "e")) == 1000);
	CHECK(morgue_value_get_number(morgue_value_get(m, "hex")) == 31);
	CHECK(morgue_value_get_number(morgue_value_get(m, "oct")) == 15);
	CHECK(morgue_value_get_number(morgue_value_get(m, "lead")) == 7);
	CHECK_STR(morgue_value_get_string(morgue_value_get(m, "qs")), "true");
	CHECK_STR(morgue_value_get_string(morgue_value_get(m, "sq")), "123");
	CHECK_STR(morgue_value_get_string(morgue_value_get(m, "tagged")), "12");
	CHECK_STR(morgue_value_get_string(morgue_value_get(m, "inf")), ".inf");
	CHECK_STR(morgue_value_get_string(morgue_value_get(m, "huge")), "1e999");
	CHECK_STR(morgue_value_get_string(morgue_value_get(m, "yes")), "yes");
	CHECK_STR(morgue_value_get_string(morgue_value_get(m, "day")), "2017-05-27");
	CHECK_STR(morgue_value_get_string(morgue_value_get(m, "ver")), "1.2.3");
	CHECK_STR(morgue_value_get_string(morgue_value_get(m, "block")), "two\nlines\n");
	CHECK_INT(morgue_value_line(morgue_value_get(m, "block")), 22);
	morgue_value_free(m);
}

static void nested_values_carry_file_lines(void)
{
	parsed p = FM("---\n"
		      "# a comment\n"
		      "tags:\n"
		      "  - one\n"
		      "  - \"two\"\n"
		      "inline: [a, b]\n"
		      "map:\n"
		      "  k: v\n"
		      "---\n"
		      "body\n");
	CHECK_INT(p.rc, 0);
	morgue_value *tags = morgue_value_get(p.meta, "tags");
	CHECK_INT(morgue_value_type_of(tags), MORGUE_VALUE_LIST);
	CHECK_INT(morgue_value_count(tags), 2);
	CHECK_INT(morgue_value_line(tags), 4);
	CHECK_INT(morgue_value_line(morgue_value_at(tags, 0)), 4);
	CHECK_INT(morgue_value_line(morgue_value_at(tags, 1)), 5);
	CHECK_STR(morgue_value_get_string(morgue_value_at(tags, 1)), "two");
	morgue_value *in = morgue_value_get(p.meta, "inline");
	CHECK_INT(morgue_value_count(in), 2);
	CHECK_INT(morgue_value_line(in), 6);
	morgue_value *map = morgue_value_get(p.meta, "map");
	CHECK_INT(morgue_value_type_of(map), MORGUE_VALUE_MAP);
	CHECK_STR(morgue_value_get_string(morgue_value_get(map, "k")), "v");
	CHECK_INT(morgue_value_line(morgue_value_get(map, "k")), 8);
	CHECK_STR(morgue_value_key_at(p.meta, 0), "tags");
	CHECK_STR(morgue_value_key_at(p.meta, 2), "map");
	CHECK_INT(p.body_line, 10);
	morgue_value_free(p.meta);
}

static void crlf_bom_and_fence_variants(void)
{
	parsed p = FM("---\r\ntitle: x\r\nlist:\r\n  - a\r\n---\r\nbody\r\n");
	CHECK_INT(p.rc, 0);
	CHECK_STR(morgue_value_get_string(morgue_value_get(p.meta, "title")), "x");
	CHECK_INT(morgue_value_line(morgue_value_at(morgue_value_get(p.meta, "list"), 0)), 4);
	CHECK_INT(p.body_line, 6);
	CHECK_INT(p.body_len, 6);
	CHECK(!memcmp(p.body, "body\r\n", 6));
	morgue_value_free(p.meta);

	p = FM("\xEF\xBB\xBF---\ntitle: bom\n---\nb");
	CHECK_INT(p.rc, 0);
	CHECK_STR(morgue_value_get_string(morgue_value_get(p.meta, "title")), "bom");
	CHECK_INT(morgue_value_line(morgue_value_get(p.meta, "title")), 2);
	morgue_value_free(p.meta);

	/* "..." closes too; trailing blanks on fences are fine */
	p = FM("---  \ntitle: dots\n... \t\nafter\n");
	CHECK_INT(p.rc, 0);
	CHECK_STR(morgue_value_get_string(morgue_value_get(p.meta, "title")), "dots");
	CHECK_INT(p.body_line, 4);
	CHECK(p.body_len == 6 && !memcmp(p.body, "after\n", 6));
	morgue_value_free(p.meta);

	/* closing fence at the very end, without a newline */
	p = FM("---\na: 1\n---");
	CHECK_INT(p.rc, 0);
	CHECK_INT(p.body_len, 0);
	CHECK_INT(p.body_line, 4);
	morgue_value_free(p.meta);

	/* a "---" inside the body is just text */
	p = FM("---\na: 1\n---\nx\n---\ny\n");
	CHECK_INT(p.rc, 0);
	CHECK_INT(p.body_len, 8);
	morgue_value_free(p.meta);
}

static void empty_front_matter_is_an_empty_map(void)
{
	parsed p = FM("---\n---\nbody");
	CHECK_INT(p.rc, 0);
	CHECK_INT(morgue_value_type_of(p.meta), MORGUE_VALUE_MAP);
	CHECK_INT(morgue_value_count(p.meta), 0);
	CHECK_INT(p.body_line, 3);
	morgue_value_free(p.meta);

	p = FM("---\n# only a comment\n\n---\n");
	CHECK_INT(p.rc, 0);
	CHECK_INT(morgue_value_type_of(p.meta), MORGUE_VALUE_MAP);
	morgue_value_free(p.meta);
}

static void rejects_missing_or_unclosed_front_matter(void)
{
	FM_FAILS("# Just Markdown\n",
		 "f.md:1: missing front matter: the file must start with a line '---'");
	FM_FAILS("", "f.md:1: missing front matter: the file must start with a line '---'");
	FM_FAILS("--- title: x\n---\n",
		 "f.md:1: missing front matter: the file must start with a line '---'");
	FM_FAILS("\n---\ntitle: x\n---\n",
		 "f.md:1: missing front matter: the file must start with a line '---'");
	FM_FAILS("---\ntitle: x\nbody\n", "f.md:1: front matter: no closing '---' line");
	FM_FAILS("---", "f.md:1: front matter: no closing '---' line");
	FM_FAILS("---\n", "f.md:1: front matter: no closing '---' line");
}

static void rejects_front_matter_that_is_not_a_mapping(void)
{
	FM_FAILS("---\n- a\n- b\n---\n",
		 "f.md:2: front matter must be a mapping of keys to values");
	FM_FAILS("---\n\njust text\n---\n",
		 "f.md:3: front matter must be a mapping of keys to values");
}

static void rejects_duplicate_and_complex_keys(void)
{
	FM_FAILS("---\ntitle: a\ndate: x\ntitle: b\n---\n",
		 "f.md:4: duplicate key 'title' (first on line 2)");
	FM_FAILS("---\nm:\n  k: 1\n  k: 2\n---\n",
		 "f.md:4: duplicate key 'k' (first on line 3)");
	FM_FAILS("---\n{a: 1, a: 2}\n---\n", "f.md:2: duplicate key 'a' (first on line 2)");
	/* the first key's line, not its value's */
	FM_FAILS("---\ntags:\n  - a\nx: 1\ntags: b\n---\n",
		 "f.md:5: duplicate key 'tags' (first on line 2)");
	FM_FAILS("---\n? [a, b]\n: c\n---\n", "f.md:2: mapping keys must be plain strings");
	FM_FAILS("---\n{a: 1}: x\n---\n", "f.md:2: mapping keys must be plain strings");
	/* the same key in different maps is fine */
	parsed p = FM("---\na:\n  k: 1\nb:\n  k: 2\n---\n");
	CHECK_INT(p.rc, 0);
	morgue_value_free(p.meta);
}

static void rejects_anchors_and_aliases(void)
{
	FM_FAILS("---\na: &x 1\nb: *x\n---\n",
		 "f.md:2: YAML anchors (&x) are not supported");
	FM_FAILS("---\na: 1\nb: *x\n---\n",
		 "f.md:3: YAML aliases (*x) are not supported");
	FM_FAILS("---\na: &l [1, 2]\n---\n",
		 "f.md:2: YAML anchors (&l) are not supported");
	FM_FAILS("---\n&m\nk: v\n---\n", "f.md:2: YAML anchors (&m) are not supported");
	/* the billion laughs never gets to expand */
	FM_FAILS("---\na: &a [\"lol\",\"lol\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		 "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n---\n",
		 "f.md:2: YAML anchors (&a) are not supported");
}

static void reports_invalid_yaml_with_libyaml_words_and_line(void)
{
	FM_FAILS("---\ntitle: ok\nbad: a: b\n---\n",
		 "f.md:3: invalid YAML: mapping values are not allowed in this context");
	FM_FAILS("---\ntitle: \"open\n\nmore\n---\n",
		 "f.md:5: invalid YAML: found unexpected end of stream "
		 "(while scanning a quoted scalar started on line 2)");
	FM_FAILS("---\nlist: [a, b\n---\n",
		 "f.md:3: invalid YAML: did not find expected ',' or ']' "
		 "(while parsing a flow sequence started on line 2)");
	FM_FAILS("---\na: 1\n\tb: 2\n---\n",
		 "f.md:3: invalid YAML: found a tab character that violates "
		 "indentation (while scanning a plain scalar started on line 2)");
	/* a control character is found by libyaml's reader, which only gives a
	 * byte offset: the line is still right */
	FM_FAILS("---\na: 1\nb: 2\nc: x\x01y\n---\n",
		 "f.md:4: invalid YAML: control characters are not allowed");
}

static void rejects_nul_bytes_and_invalid_utf8(void)
{
	FM_FAILS("---\ntitle: a\n---\nbo\0dy\n", "f.md:4: NUL byte (this is not a text file)");
	FM_FAILS("---\ntitle: \xC3\x28\n---\n",
		 "f.md:2: invalid UTF-8 (byte 0xC3); save the file as UTF-8");
	/* in the body too, and Latin-1 text */
	FM_FAILS("---\na: 1\n---\n\nCaf\xE9\n",
		 "f.md:5: invalid UTF-8 (byte 0xE9); save the file as UTF-8");
	/* overlong '/', a UTF-16 surrogate, beyond U+10FFFF, cut short */
	FM_FAILS("---\na: \xC0\xAF\n---\n",
		 "f.md:2: invalid UTF-8 (byte 0xC0); save the file as UTF-8");
	FM_FAILS("---\na: \xED\xA0\x80\n---\n",
		 "f.md:2: invalid UTF-8 (byte 0xED); save the file as UTF-8");
	FM_FAILS("---\na: \xF4\x90\x80\x80\n---\n",
		 "f.md:2: invalid UTF-8 (byte 0xF4); save the file as UTF-8");
	FM_FAILS("---\na: 1\n---\nend \xE2\x82",
		 "f.md:4: invalid UTF-8 (byte 0xE2); save the file as UTF-8");
	/* a NUL smuggled in through a YAML escape */
	FM_FAILS("---\na: \"x\\0y\"\n---\n", "f.md:2: NUL character in a string");

	/* valid multi-byte text passes untouched */
	parsed p = FM("---\ntitle: \"S\xC3\xA3o Paulo \xE2\x80\x94 \xF0\x9F\x93\xB0\"\n---\n");
	CHECK_INT(p.rc, 0);
	CHECK_STR(morgue_value_get_string(morgue_value_get(p.meta, "title")),
		  "S\xC3\xA3o Paulo \xE2\x80\x94 \xF0\x9F\x93\xB0");
	morgue_value_free(p.meta);
}

static void limits_nesting_depth(void)
{
	morgue_buf ok = MORGUE_BUF_INIT, deep = MORGUE_BUF_INIT;
	morgue_value *v = NULL;

	/* the root map counts: 1 + 63 lists is the most allowed */
	morgue_buf_puts(&ok, "---\na: ");
	morgue_buf_puts(&deep, "---\na: ");
	for (int i = 0; i < MORGUE_YAML_MAX_DEPTH - 1; i++)
		morgue_buf_putc(&ok, '[');
	for (int i = 0; i < MORGUE_YAML_MAX_DEPTH - 1; i++)
		morgue_buf_putc(&ok, ']');
	for (int i = 0; i < 10000; i++)
		morgue_buf_putc(&deep, '[');
	morgue_buf_puts(&ok, "\n---\n");
	morgue_buf_puts(&deep, "\n---\n");
	parsed p = fm(ok.ptr, ok.size);
	CHECK_INT(p.rc, 0);
	morgue_value_free(p.meta);
	p = fm(deep.ptr, deep.size);
	CHECK_INT(p.rc, MORGUE_EINPUT);
	CHECK_STR(last_error(), "f.md:2: nested deeper than 64 levels");

	CHECK_INT(morgue_yaml_parse(&v, "c.yaml", 1, deep.ptr + 4, deep.size - 9),
		  MORGUE_EINPUT);
	CHECK(v == NULL);
	morgue_buf_free(&ok);
	morgue_buf_free(&deep);
}

static void whole_yaml_files(void)
{
	morgue_value *v = NULL;
	const char *y = "\xEF\xBB\xBFtitle: Site\r\npage_size: 20\r\nlist:\r\n  - x\r\n";

	CHECK_INT(morgue_yaml_parse(&v, "morgue.yaml", 1, y, strlen(y)), 0);
	CHECK_STR(morgue_value_get_string(morgue_value_get(v, "title")), "Site");
	CHECK_INT(morgue_value_line(morgue_value_get(v, "page_size")), 2);
	CHECK_INT(morgue_value_line(morgue_value_at(morgue_value_get(v, "list"), 0)), 4);
	morgue_value_free(v);

	/* first_line shifts every reported line */
	y = "a: 1\nb: 2\n";
	CHECK_INT(morgue_yaml_parse(&v, "x.md", 10, y, strlen(y)), 0);
	CHECK_INT(morgue_value_line(morgue_value_get(v, "b")), 11);
	morgue_value_free(v);
	y = "a: 1\nb: [\n";
	CHECK_INT(morgue_yaml_parse(&v, "x.md", 10, y, strlen(y)), MORGUE_EINPUT);
	CHECK_CONTAINS(last_error(), "x.md:12: invalid YAML:");

	/* empty or comment-only: a null value */
	CHECK_INT(morgue_yaml_parse(&v, "e.yaml", 1, "", 0), 0);
	CHECK_INT(morgue_value_type_of(v), MORGUE_VALUE_NULL);
	morgue_value_free(v);
	CHECK_INT(morgue_yaml_parse(&v, "e.yaml", 1, "# nothing\n", 10), 0);
	CHECK_INT(morgue_value_type_of(v), MORGUE_VALUE_NULL);
	morgue_value_free(v);

	/* a top-level scalar or list is returned as is */
	CHECK_INT(morgue_yaml_parse(&v, "s.yaml", 1, "- a\n- b\n", 8), 0);
	CHECK_INT(morgue_value_type_of(v), MORGUE_VALUE_LIST);
	morgue_value_free(v);

	/* explicit document markers are fine, a second document is not */
	y = "---\na: 1\n...\n";
	CHECK_INT(morgue_yaml_parse(&v, "d.yaml", 1, y, strlen(y)), 0);
	CHECK(morgue_value_get_number(morgue_value_get(v, "a")) == 1);
	morgue_value_free(v);
	y = "a: 1\n---\nb: 2\n";
	CHECK_INT(morgue_yaml_parse(&v, "d.yaml", 1, y, strlen(y)), MORGUE_EINPUT);
	CHECK(v == NULL);
	CHECK_STR(last_error(), "d.yaml:2: only one YAML document is allowed");

	CHECK_INT(morgue_yaml_parse(&v, "n.yaml", 1, "a: \"\0\"", 6), MORGUE_EINPUT);
	CHECK_STR(last_error(), "n.yaml:1: NUL byte (this is not a text file)");
	CHECK_INT(morgue_yaml_parse(&v, "u.yaml", 3, "a: 1\nb: \xFF\n", 10), MORGUE_EINPUT);
	CHECK_STR(last_error(), "u.yaml:4: invalid UTF-8 (byte 0xFF); save the file as UTF-8");
}

static void text_check_counts_lines(void)
{
	CHECK_INT(morgue_text_check("t", 1, "a\nb\nc", 5), 0);
	CHECK_INT(morgue_text_check("t", 7, "a\nb\n\x80", 5), MORGUE_EINPUT);
	CHECK_STR(last_error(), "t:9: invalid UTF-8 (byte 0x80); save the file as UTF-8");
}

int main(void)
{
	RUN(splits_front_matter_and_body);
	RUN(plain_scalars_are_typed_quoted_ones_are_not);
	RUN(nested_values_carry_file_lines);
	RUN(crlf_bom_and_fence_variants);
	RUN(empty_front_matter_is_an_empty_map);
	RUN(rejects_missing_or_unclosed_front_matter);
	RUN(rejects_front_matter_that_is_not_a_mapping);
	RUN(rejects_duplicate_and_complex_keys);
	RUN(rejects_anchors_and_aliases);
	RUN(reports_invalid_yaml_with_libyaml_words_and_line);
	RUN(rejects_nul_bytes_and_invalid_utf8);
	RUN(limits_nesting_depth);
	RUN(whole_yaml_files);
	RUN(text_check_counts_lines);
	morgue_buf_free(&errbuf);
	morgue_error_clear();
	TEST_EXIT();
}
