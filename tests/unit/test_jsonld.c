/* test_jsonld.c - schema.org structured data (generator/jsonld.c). */
#include "jsonld.h"
#include "test.h"

static morgue_value *article(void)
{
	morgue_value *a = morgue_value_map();
	morgue_value_set_str(a, "title", "A </script><script>alert(1)</script> \"quote\"");
	morgue_value_set_str(a, "date", "2017-05-27");
	morgue_value_set_str(a, "source_url", "https://example.com/orig");
	morgue_value_set_str(a, "publication", "The Post");
	morgue_value_set_str(morgue_value_push_map(morgue_value_set_list(a, "authors")), "name", "Jane");
	morgue_value *ents = morgue_value_set_list(a, "entities");
	morgue_value *e = morgue_value_push_map(ents);
	morgue_value_set_str(e, "name", "Sergey Lavrov");
	morgue_value_set_str(e, "type", "person");
	morgue_value_set_str(e, "url", "entities/sergey-lavrov.html");
	morgue_value_set_str(e, "wikidata", "Q48773");
	e = morgue_value_push_map(ents);
	morgue_value_set_str(e, "name", "Moscow");
	morgue_value_set_str(e, "type", "place");
	morgue_value_set_str(e, "source_url", "javascript:alert(1)");
	return a;
}

static void news_article(void)
{
	morgue_value *a = article();
	morgue_buf out = MORGUE_BUF_INIT;
	morgue_jsonld_article(&out, a, "articles/2017/x.html", NULL);
	const char *j = morgue_buf_cstr(&out);
	CHECK_CONTAINS(j, "{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\"");
	CHECK_CONTAINS(j, "\"datePublished\":\"2017-05-27\"");
	CHECK_CONTAINS(j, "\"isBasedOn\":\"https://example.com/orig\"");
	CHECK_CONTAINS(j, "\"author\":[{\"@type\":\"Person\",\"name\":\"Jane\"}]");
	CHECK_CONTAINS(j, "\"publisher\":{\"@type\":\"NewsMediaOrganization\",\"name\":\"The Post\"}");
	CHECK_CONTAINS(j, "{\"@type\":\"Person\",\"name\":\"Sergey Lavrov\",\"sameAs\":[\"https://www.wikidata.org/wiki/Q48773\"]}");
	/* no absolute URL without base_url; no unsafe sameAs */
	CHECK_NOT_CONTAINS(j, "\"url\"");
	CHECK_NOT_CONTAINS(j, "javascript:");
	/* cannot break out of <script> */
	CHECK_NOT_CONTAINS(j, "</script>");
	CHECK_NOT_CONTAINS(j, "<");
	CHECK_CONTAINS(j, "\\\"quote\\\"");
	morgue_buf_free(&out);
	morgue_jsonld_article(&out, a, "articles/2017/x.html", "https://ex.org");
	CHECK_CONTAINS(morgue_buf_cstr(&out), "\"url\":\"https://ex.org/articles/2017/x.html\"");
	CHECK_CONTAINS(morgue_buf_cstr(&out), "\"url\":\"https://ex.org/entities/sergey-lavrov.html\"");
	morgue_buf_free(&out);
	morgue_value_free(a);
}

static void entity(void)
{
	morgue_value *e = morgue_value_map();
	morgue_value_set_str(e, "name", "Jared Kushner");
	morgue_value_set_str(e, "type", "person");
	morgue_value_set_str(e, "description", "Adviser");
	morgue_value_set_str(e, "source_url", "https://example.org/jk");
	morgue_value_set_str(morgue_value_push_map(morgue_value_set_list(e, "aliases")), "alias", "Kushner");
	morgue_buf out = MORGUE_BUF_INIT;
	morgue_jsonld_entity(&out, e, "entities/jared-kushner.html", NULL);
	CHECK_STR(morgue_buf_cstr(&out),
		  "{\"@context\":\"https://schema.org\",\"@type\":\"Person\",\"name\":\"Jared Kushner\","
		  "\"description\":\"Adviser\",\"sameAs\":[\"https://example.org/jk\"],"
		  "\"alternateName\":[\"Kushner\"]}");
	morgue_buf_free(&out);
	morgue_value_free(e);
	CHECK_STR(morgue_jsonld_type("organization"), "Organization");
	CHECK_STR(morgue_jsonld_type("publication"), "NewsMediaOrganization");
	CHECK_STR(morgue_jsonld_type("topic"), "Thing");
	CHECK_STR(morgue_jsonld_type(NULL), "Thing");
}

int main(void)
{
	RUN(news_article);
	RUN(entity);
	TEST_EXIT();
}
