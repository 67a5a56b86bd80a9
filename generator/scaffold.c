#include "scaffold.h"
#include "article.h"
#include "util/error.h"
#include "util/path.h"

#include <string.h>

void morgue_scaffold_yaml_string(morgue_buf *out, const char *s)
{
	morgue_buf_putc(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			morgue_buf_printf(out, "\\%c", *p);
		else if (*p == '\n')
			morgue_buf_puts(out, "\\n");
		else if (*p == '\t')
			morgue_buf_puts(out, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			morgue_buf_printf(out, "\\x%02x", *p);
		else
			morgue_buf_putc(out, (char)*p);
	}
	morgue_buf_putc(out, '"');
}

static int valid_date(const char *d)
{
	if (!d || strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
			return 0;
	int m = (d[5] - '0') * 10 + (d[6] - '0'), day = (d[8] - '0') * 10 + (d[9] - '0');
	return m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

static int slug_of(morgue_buf *slug, const char *text, const char *what)
{
	morgue_slugify(slug, text);
	if (!slug->size)
		return morgue_error_set(MORGUE_EUSAGE, NULL, 0,
					"%s '%s' has no letters or digits to make a file name from",
					what, text);
	/* keep file names readable: cut long titles on a word boundary */
	if (slug->size > 80) {
		size_t n = 80;
		while (n > 20 && slug->ptr[n] != '-')
			n--;
		morgue_buf_truncate(slug, n);
	}
	return 0;
}

int morgue_scaffold_article(morgue_buf *path, morgue_buf *text, const char *title,
			    const char *date, const char *publication)
{
	morgue_buf slug = MORGUE_BUF_INIT;
	int rc;

	if (!valid_date(date))
		return morgue_error_set(MORGUE_EUSAGE, NULL, 0, "date '%s': expected YYYY-MM-DD",
					date ? date : "");
	if ((rc = slug_of(&slug, title, "title")) < 0)
		goto done;
	morgue_buf_printf(path, "articles/%.4s/%s.md", date, slug.ptr);
	morgue_buf_puts(text, "---\ntitle: ");
	morgue_scaffold_yaml_string(text, title);
	morgue_buf_printf(text, "\ndate: %s\n", date);
	if (publication && *publication) {
		morgue_buf_puts(text, "publication: ");
		morgue_scaffold_yaml_string(text, publication);
		morgue_buf_putc(text, '\n');
	}
	morgue_buf_puts(text, "# author: \"\"\n# url: \"\"\ntags: []\n---\n\n"
			      "The article text, in Markdown, exactly as archived.\n");
done:
	morgue_buf_free(&slug);
	return rc;
}

int morgue_scaffold_entity(morgue_buf *path, morgue_buf *text, const char *name,
			   const char *type)
{
	static const char *dirs[] = { "people", "organizations", "places",
				      "publications", "events", "topics" };
	morgue_buf slug = MORGUE_BUF_INIT;
	int t = morgue_entity_type_parse(type ? type : "");
	int rc;

	if (t < 0)
		return morgue_error_set(MORGUE_EUSAGE, NULL, 0,
					"type '%s': expected one of person, organization, place, "
					"publication, event, topic", type ? type : "");
	if ((rc = slug_of(&slug, name, "name")) < 0)
		goto done;
	morgue_buf_printf(path, "entities/%s/%s.md", dirs[t], slug.ptr);
	morgue_buf_puts(text, "---\nname: ");
	morgue_scaffold_yaml_string(text, name);
	morgue_buf_printf(text, "\ntype: %s\naliases: []\n# description: \"\"\n"
				"# url: \"\"\n# wikidata: Q...\n---\n", type);
done:
	morgue_buf_free(&slug);
	return rc;
}
