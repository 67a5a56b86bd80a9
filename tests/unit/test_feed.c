/* test_feed.c - Atom feeds and sitemaps (generator/feed.c). */
#include "feed.h"
#include "test.h"

static morgue_value *articles(void)
{
	morgue_value *l = morgue_value_list();
	morgue_value *a = morgue_value_push_map(l);
	morgue_value_set_str(a, "title", "Spies & <script>alert(1)</script>");
	morgue_value_set_str(a, "url", "articles/2017/x.html");
	morgue_value_set_str(a, "date", "2017-05-16");
	morgue_value_set_str(a, "excerpt", "He said \"no\".");
	morgue_value_set_str(a, "publication", "The Post");
	morgue_value *tags = morgue_value_set_list(a, "tags");
	morgue_value_set_str(morgue_value_push_map(tags), "tag", "intelligence");
	a = morgue_value_push_map(l);
	morgue_value_set_str(a, "title", "Later");
	morgue_value_set_str(a, "url", "articles/2017/y.html");
	morgue_value_set_str(a, "date", "2017-05-27");
	morgue_value *au = morgue_value_set_list(a, "authors");
	morgue_value_set_str(morgue_value_push_map(au), "name", "Jane O'Hara");
	return l;
}

static void relative_feed_without_base_url(void)
{
	morgue_value *l = articles();
	morgue_buf out = MORGUE_BUF_INIT;
	morgue_feed f = { .path = "entities/x.xml", .page = "entities/x.html",
			  .title = "X & Y", .author = "Archive", .articles = l };
	morgue_feed_atom(&out, &f);
	const char *x = morgue_buf_cstr(&out);
	CHECK_CONTAINS(x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">");
	CHECK_CONTAINS(x, "<title>X &amp; Y</title>");
	CHECK_CONTAINS(x, "<id>tag:morgue.invalid,2000:entities/x.xml</id>");
	CHECK_CONTAINS(x, "<link rel=\"alternate\" type=\"text/html\" href=\"x.html\"/>");
	CHECK_CONTAINS(x, "href=\"../articles/2017/x.html\"");
	morgue_buf_free(&out);
	morgue_value_free(l);
}

static void escapes_every_text(void)
{
	morgue_value *l = articles();
	morgue_buf out = MORGUE_BUF_INIT;
	morgue_feed f = { .path = "feed.xml", .page = "index.html", .title = "T",
			  .author = "A", .articles = l };
	morgue_feed_atom(&out, &f);
	const char *x = morgue_buf_cstr(&out);
	CHECK_NOT_CONTAINS(x, "<script>");
	CHECK_CONTAINS(x, "<title>Spies &amp; &lt;script&gt;alert(1)&lt;/script&gt;</title>");
	CHECK_CONTAINS(x, "<summary>He said &quot;no&quot;.</summary>");
	CHECK_CONTAINS(x, "<author><name>Jane O&#39;Hara</name></author>");
	CHECK_CONTAINS(x, "<category term=\"intelligence\"/>");
	CHECK_CONTAINS(x, "<source><title>The Post</title></source>");
	morgue_buf_free(&out);
	morgue_value_free(l);
}

static void dates_come_from_the_content(void)
{
	morgue_value *l = articles();
	morgue_buf out = MORGUE_BUF_INIT;
	morgue_feed f = { .path = "feed.xml", .page = "index.html", .title = "T",
			  .articles = l };
	morgue_feed_atom(&out, &f);
	const char *x = morgue_buf_cstr(&out);
	/* feed <updated> is the newest entry even when it is not first */
	const char *feed_updated = strstr(x, "<updated>");
	CHECK(feed_updated && !strncmp(feed_updated, "<updated>2017-05-27T00:00:00Z</updated>", 39));
	CHECK_CONTAINS(x, "<published>2017-05-16T00:00:00Z</published>");
	CHECK_CONTAINS(x, "<author><name>morgue</name></author>");
	morgue_buf_free(&out);
	morgue_value_free(l);

	/* an empty feed is still valid Atom with a fixed date */
	morgue_value *empty = morgue_value_list();
	morgue_feed e = { .path = "feed.xml", .page = "index.html", .title = "T",
			  .articles = empty };
	morgue_feed_atom(&out, &e);
	CHECK_CONTAINS(morgue_buf_cstr(&out), "<updated>1970-01-01T00:00:00Z</updated>");
	CHECK_NOT_CONTAINS(morgue_buf_cstr(&out), "<entry>");
	morgue_buf_free(&out);
	morgue_value_free(empty);
}

static void absolute_with_base_url(void)
{
	morgue_value *l = articles();
	morgue_buf out = MORGUE_BUF_INIT;
	morgue_feed f = { .path = "tags/a.xml", .page = "tags/a.html", .title = "T",
			  .base_url = "https://example.org/archive", .language = "en",
			  .articles = l };
	morgue_feed_atom(&out, &f);
	const char *x = morgue_buf_cstr(&out);
	CHECK_CONTAINS(x, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">");
	CHECK_CONTAINS(x, "<id>https://example.org/archive/tags/a.xml</id>");
	CHECK_CONTAINS(x, "href=\"https://example.org/archive/articles/2017/x.html\"");
	CHECK_CONTAINS(x, "<id>https://example.org/archive/articles/2017/y.html</id>");
	morgue_buf_free(&out);
	morgue_value_free(l);
}

static void sitemap(void)
{
	const char *paths[] = { "index.html", "articles/a&b.html" };
	morgue_buf out = MORGUE_BUF_INIT;
	morgue_feed_sitemap(&out, "https://ex.org", paths, 2);
	CHECK_CONTAINS(morgue_buf_cstr(&out), "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
	CHECK_CONTAINS(morgue_buf_cstr(&out), "<url><loc>https://ex.org/index.html</loc></url>");
	CHECK_CONTAINS(morgue_buf_cstr(&out), "<loc>https://ex.org/articles/a&amp;b.html</loc>");
	morgue_buf_free(&out);
}

int main(void)
{
	RUN(relative_feed_without_base_url);
	RUN(escapes_every_text);
	RUN(dates_come_from_the_content);
	RUN(absolute_with_base_url);
	RUN(sitemap);
	TEST_EXIT();
}
