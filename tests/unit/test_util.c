/* Unit tests for generator/util: ascii, buf, escape, path, error, fs, sql, hash, thread. */
#include <ctype.h>
#include <limits.h>
#include "test.h"
#include "util/ascii.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/escape.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/path.h"
#include "util/sql.h"
#include "util/thread.h"

#include <pthread.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static void buf_grows_and_detaches(void)
{
	morgue_buf b = MORGUE_BUF_INIT;
	CHECK_STR(morgue_buf_cstr(&b), "");
	for (int i = 0; i < 1000; i++)
		morgue_buf_printf(&b, "%d,", i);
	CHECK(b.size > 3000);
	CHECK(!strncmp(b.ptr, "0,1,2,", 6));
	morgue_buf_truncate(&b, 4);
	CHECK_STR(b.ptr, "0,1,");
	char *s = morgue_buf_detach(&b);
	CHECK_STR(s, "0,1,");
	CHECK(b.ptr == NULL && b.size == 0);
	free(s);
	s = morgue_buf_detach(&b);
	CHECK_STR(s, "");
	free(s);
}

/* put_int prints what "%lld" does, at the limits too */
/* The table is isalnum in the C locale for ASCII, and 0 above it. */
static void ascii_alnum_is_c_isalnum(void)
{
	int bad = 0;
	for (int c = 0; c < 256; c++)
		bad += morgue_ascii_alnum[c] != (c < 0x80 && isalnum(c) ? 1 : 0);
	CHECK_INT(bad, 0);
}

static void buf_put_int_is_lld(void)
{
	const long long ns[] = { 0, 7, -7, 10, 99, 100, 1234567890, -1000000,
				 9007199254740992LL, LLONG_MAX, LLONG_MIN, LLONG_MIN + 1 };
	morgue_buf got = MORGUE_BUF_INIT, want = MORGUE_BUF_INIT;
	for (size_t i = 0; i < sizeof(ns) / sizeof(*ns); i++) {
		morgue_buf_put_int(&got, ns[i]);
		morgue_buf_putc(&got, ' ');
		morgue_buf_printf(&want, "%lld ", ns[i]);
	}
	CHECK_STR(got.ptr, want.ptr);
	morgue_buf_free(&got);
	morgue_buf_free(&want);
}

static void escape_html_text_and_attributes(void)
{
	morgue_buf b = MORGUE_BUF_INIT;
	const char *in = "<script>alert(\"x\" & 'y')</script>\x01";
	morgue_escape_html(&b, in, strlen(in));
	CHECK_STR(b.ptr, "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
	/* tab, newline and return stay; other controls and DEL are dropped,
	 * at either end too; UTF-8 passes through */
	morgue_buf_clear(&b);
	in = "\x1f" "a\tb\nc\rd\x7f\x0b" "e \xE2\x80\x94 &\x01";
	morgue_escape_html(&b, in, strlen(in));
	CHECK_STR(b.ptr, "a\tb\nc\rde \xE2\x80\x94 &amp;");
	morgue_buf_clear(&b);
	morgue_escape_html(&b, "", 0);
	CHECK_STR(morgue_buf_cstr(&b), "");
	morgue_buf_free(&b);
}

static void escape_url_rejects_unsafe_schemes(void)
{
	const char *bad[] = { "javascript:alert(1)", " JavaScript:alert(1)",
			      "java\tscript:x", "data:text/html,<b>", "vbscript:x",
			      "file:///etc/passwd" };
	const char *good[] = { "https://example.org/a?b=1&c=2", "http://x",
			       "mailto:a@b.c", "../entities/x.html", "#top",
			       "x.html?q=a:b", "/abs/path" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		CHECK(!morgue_url_is_safe(bad[i], strlen(bad[i])));
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		CHECK(morgue_url_is_safe(good[i], strlen(good[i])));

	morgue_buf b = MORGUE_BUF_INIT;
	const char *u = "https://e.org/?a=1&b=\"x\" <y>";
	CHECK_INT(morgue_escape_url(&b, u, strlen(u)), 0);
	CHECK_STR(b.ptr, "https://e.org/?a=1&amp;b=%22x%22%20%3Cy%3E");
	morgue_buf_clear(&b);
	CHECK_INT(morgue_escape_url(&b, "javascript:x", 12), -1);
	CHECK_STR(morgue_buf_cstr(&b), "");
	morgue_buf_free(&b);
}

static void escape_json_cannot_break_out_of_script(void)
{
	morgue_buf b = MORGUE_BUF_INIT;
	const char *in = "</script><!-- \"q\"\\\n\xe2\x80\xa8";
	morgue_escape_json_string(&b, in);
	CHECK_STR(b.ptr, "\"\\u003c/script\\u003e\\u003c!-- \\\"q\\\"\\\\\\n\\u2028\"");
	CHECK_NOT_CONTAINS(b.ptr, "</");
	morgue_buf_free(&b);
}

/* Every byte alone: the controls, DEL, the quote, the backslash and
 * < > & come out escaped (\u00XX or a short escape); every other byte,
 * 0xe2 not followed by 0x80 0xa8/0xa9 included, as it is. */
static void escape_json_each_byte(void)
{
	morgue_buf b = MORGUE_BUF_INIT;
	for (int c = 0; c < 256; c++) {
		char in[1] = { (char)c };
		int special = c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '<' ||
			      c == '>' || c == '&';
		morgue_buf_clear(&b);
		morgue_escape_json(&b, in, 1);
		if (special)
			CHECK(b.size >= 2 && b.ptr[0] == '\\');
		else
			CHECK(b.size == 1 && (unsigned char)b.ptr[0] == c);
	}
	morgue_buf_clear(&b);
	morgue_escape_json(&b, "a\xe2\x80\xa9" "b\xe2\x82\xac", 8); /* U+2029, then a euro sign */
	CHECK_STR(morgue_buf_cstr(&b), "a\\u2029b\xe2\x82\xac");
	morgue_buf_free(&b);
}

static void path_relative_links(void)
{
	morgue_buf b = MORGUE_BUF_INIT;
	morgue_path_rel(&b, "articles/2017/x.html", "entities/y.html");
	CHECK_STR(b.ptr, "../../entities/y.html");
	morgue_buf_clear(&b);
	morgue_path_rel(&b, "index.html", "tags/a.html");
	CHECK_STR(b.ptr, "tags/a.html");
	morgue_buf_clear(&b);
	morgue_path_rel(&b, "archive/2017/05.html", "archive/2017.html");
	CHECK_STR(b.ptr, "../2017.html");
	morgue_buf_clear(&b);
	morgue_path_rel(&b, "entities/a.html", "entities/b.html");
	CHECK_STR(b.ptr, "b.html");
	morgue_buf_free(&b);
}

static void slugify_folds_and_joins(void)
{
	morgue_buf b = MORGUE_BUF_INIT;
	morgue_slugify(&b, "  Café Müller: O'Brien’s “Secret” Channel!! ");
	CHECK_STR(b.ptr, "cafe-muller-obriens-secret-channel");
	morgue_buf_clear(&b);
	morgue_slugify(&b, "!!!");
	CHECK_STR(morgue_buf_cstr(&b), "");
	morgue_buf_free(&b);
	CHECK(morgue_slug_is_valid("sergey-lavrov"));
	CHECK(!morgue_slug_is_valid("Sergey"));
	CHECK(!morgue_slug_is_valid("a--b"));
	CHECK(!morgue_slug_is_valid("-a"));
	CHECK(!morgue_slug_is_valid(""));
}

static void path_safety(void)
{
	CHECK(morgue_path_is_safe("articles/2017/x.md"));
	CHECK(!morgue_path_is_safe("../x.md"));
	CHECK(!morgue_path_is_safe("a/../x.md"));
	CHECK(!morgue_path_is_safe("/etc/passwd"));
	CHECK(!morgue_path_is_safe("a\\b.md"));
	CHECK(!morgue_path_is_safe("a//b.md"));
	CHECK(!morgue_path_is_safe("a/con.md"));
	CHECK(!morgue_path_is_safe("a/b\x01.md"));
	CHECK(!morgue_path_is_safe("c:/x.md"));
	CHECK(!morgue_path_is_safe("a/b\xff.md"));
	CHECK(!morgue_path_is_safe("a/\xc3.md"));
	CHECK(morgue_path_is_safe("a/caf\xc3\xa9.md"));
}

static void error_carries_file_and_line(void)
{
	int rc = morgue_error_set(MORGUE_EINPUT, "content/articles/x.md", 3,
				  "date: expected %s", "YYYY-MM-DD");
	CHECK_INT(rc, MORGUE_EINPUT);
	morgue_buf b = MORGUE_BUF_INIT;
	morgue_error_format(&b, morgue_error_last());
	CHECK_STR(b.ptr, "content/articles/x.md:3: date: expected YYYY-MM-DD");
	morgue_buf_free(&b);
	morgue_error_clear();
	CHECK(morgue_error_last() == NULL);
}

static void collect_warning(const char *file, int line, const char *msg, void *payload)
{
	morgue_buf *b = payload;
	morgue_buf_printf(b, "%s:%d:%s|", file ? file : "-", line, msg);
}

/* A capturing thread's warnings reach its function, uncounted, and the
 * process-wide handler again once the capture ends. */
static void warn_capture_redirects_this_thread(void)
{
	morgue_buf seen = MORGUE_BUF_INIT, held = MORGUE_BUF_INIT;
	morgue_warn_set_handler(collect_warning, &seen);
	size_t before = morgue_warn_count();
	morgue_warn_capture(collect_warning, &held);
	morgue_warn("a.md", 2, "first %d", 1);
	morgue_warn(NULL, 0, "second");
	morgue_warn_capture(NULL, NULL);
	CHECK_STR(morgue_buf_cstr(&held), "a.md:2:first 1|-:0:second|");
	CHECK_STR(morgue_buf_cstr(&seen), "");
	CHECK_INT(morgue_warn_count(), before);
	morgue_warn("b.md", 0, "third");
	CHECK_STR(morgue_buf_cstr(&seen), "b.md:0:third|");
	CHECK_INT(morgue_warn_count(), before + 1);
	morgue_warn_set_handler(NULL, NULL);
	morgue_buf_free(&seen);
	morgue_buf_free(&held);
}

static void escape_csv_fields(void)
{
	static const char *cases[][2] = {
		{ "plain", "plain" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" },
		{ "=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"" },
		{ "@SUM(A1)", "\"'@SUM(A1)\"" },
		{ "-3.5", "-3.5" },
		{ "-cmd", "\"'-cmd\"" },
		{ "", "" },
		{ "Lavrov’s", "Lavrov’s" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		morgue_buf b = MORGUE_BUF_INIT;
		morgue_escape_csv(&b, cases[i][0], strlen(cases[i][0]));
		CHECK_STR(morgue_buf_cstr(&b), cases[i][1]);
		morgue_buf_free(&b);
	}
}

static void hex_of(char out[MORGUE_HASH_HEX], const char *a, const char *b)
{
	morgue_hash h;
	morgue_hash_init(&h);
	morgue_hash_puts(&h, a);
	morgue_hash_puts(&h, b);
	morgue_hash_hex(out, &h);
}

/* FNV-1a's published values (64 bits). */
static void hash_fnv_known_values(void)
{
	CHECK(morgue_hash_fnv("") == 0xcbf29ce484222325ULL);
	CHECK(morgue_hash_fnv("a") == 0xaf63dc4c8601ec8cULL);
	CHECK(morgue_hash_fnv("foobar") == 0x85944171f73967e8ULL);
}

static void hash_separates_fields(void)
{
	char x[MORGUE_HASH_HEX], y[MORGUE_HASH_HEX];
	hex_of(x, "ab", "c");
	hex_of(y, "ab", "c");
	CHECK_STR(x, y);
	CHECK_INT(strlen(x), 32);
	hex_of(y, "a", "bc"); /* same bytes, other fields */
	CHECK(strcmp(x, y) != 0);
	hex_of(y, "ab", NULL);
	CHECK(strcmp(x, y) != 0);
	hex_of(x, "ab", "");
	CHECK(strcmp(x, y) != 0);
	morgue_hash h1, h2;
	morgue_hash_init(&h1);
	morgue_hash_init(&h2);
	morgue_hash_int(&h1, 1);
	morgue_hash_int(&h2, 256);
	morgue_hash_hex(x, &h1);
	morgue_hash_hex(y, &h2);
	CHECK(strcmp(x, y) != 0);
}

/* A tree of a few hundred files in nested directories, with a symlink
 * that must be removed, not followed: removed from two threads. */
static void rmtree_parallel_removes_everything(void)
{
	char dir[] = "/tmp/morgue-rmtree.XXXXXX", keep[] = "/tmp/morgue-keep.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	CHECK(mkdtemp(keep) != NULL);
	morgue_buf p = MORGUE_BUF_INIT;
	for (int i = 0; i < 300; i++) {
		morgue_buf_clear(&p);
		morgue_buf_printf(&p, "%s/%s/%d/f%d.html", dir, i % 3 ? "articles" : "entities",
				  i % 7, i);
		CHECK_INT(morgue_fs_write(p.ptr, "x", 1), 0);
	}
	for (int i = 0; i < 100; i++) {
		morgue_buf_clear(&p);
		morgue_buf_printf(&p, "%s/top%d.html", dir, i);
		CHECK_INT(morgue_fs_write(p.ptr, "x", 1), 0);
	}
	morgue_buf_clear(&p);
	morgue_buf_printf(&p, "%s/kept", keep);
	CHECK_INT(morgue_fs_write(p.ptr, "x", 1), 0);
	morgue_buf_clear(&p);
	morgue_buf_printf(&p, "%s/articles/link", dir);
	CHECK(symlink(keep, p.ptr) == 0);
	CHECK_INT(morgue_fs_rmtree_parallel(dir), 0);
	CHECK(!morgue_fs_exists(dir));
	morgue_buf_clear(&p);
	morgue_buf_printf(&p, "%s/kept", keep);
	CHECK(morgue_fs_exists(p.ptr));
	CHECK_INT(morgue_fs_rmtree_parallel(dir), 0); /* missing: no error */
	morgue_fs_rmtree(keep);
	morgue_buf_free(&p);
}

/* A file written fresh is a new inode: a hard link to the old one (the
 * live site's copy) keeps its bytes. A plain write replaces the bytes in
 * place. Both make missing parents. */
/* mkparents makes the directories above a path, not the path itself. */
static void mkparents_makes_the_directories_above(void)
{
	char dir[] = "/tmp/morgue-mkparents.XXXXXX";
	morgue_buf p = MORGUE_BUF_INIT;
	CHECK(mkdtemp(dir) != NULL);
	morgue_buf_printf(&p, "%s/a/b/site", dir);
	CHECK_INT(morgue_fs_mkparents(p.ptr), 0);
	CHECK(!morgue_fs_exists(p.ptr));
	morgue_buf_clear(&p);
	morgue_buf_printf(&p, "%s/a/b", dir);
	CHECK(morgue_fs_is_dir(p.ptr));
	CHECK_INT(morgue_fs_mkparents("bare-name"), 0); /* the current directory */
	morgue_buf_free(&p);
	morgue_fs_rmtree(dir);
}

static void write_fresh_never_writes_through_a_link(void)
{
	char dir[] = "/tmp/morgue-fresh.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT, got = MORGUE_BUF_INIT;
	morgue_buf_printf(&a, "%s/new/dir/a.html", dir);
	morgue_buf_printf(&b, "%s/b.html", dir);
	CHECK_INT(morgue_fs_write_fresh(a.ptr, "old", 3), 0);
	CHECK(link(a.ptr, b.ptr) == 0);
	CHECK_INT(morgue_fs_write_fresh(a.ptr, "new!", 4), 0);
	CHECK_INT(morgue_fs_read(&got, b.ptr), 0);
	CHECK_STR(morgue_buf_cstr(&got), "old");
	morgue_buf_clear(&got);
	CHECK_INT(morgue_fs_read(&got, a.ptr), 0);
	CHECK_STR(morgue_buf_cstr(&got), "new!");
	/* written through: the link sees it */
	CHECK_INT(morgue_fs_write(b.ptr, "x", 1), 0);
	morgue_buf_clear(&a);
	morgue_buf_printf(&a, "%s/c.html", dir);
	CHECK(link(b.ptr, a.ptr) == 0);
	CHECK_INT(morgue_fs_write(b.ptr, "yz", 2), 0);
	morgue_buf_clear(&got);
	CHECK_INT(morgue_fs_read(&got, a.ptr), 0);
	CHECK_STR(morgue_buf_cstr(&got), "yz");
	/* a directory in the way is an error naming the path */
	morgue_buf_clear(&a);
	morgue_buf_printf(&a, "%s/new", dir);
	CHECK(morgue_fs_write_fresh(a.ptr, "x", 1) < 0);
	CHECK(morgue_error_last() && strstr(morgue_error_last()->message, "cannot write"));
	morgue_error_clear();
	morgue_fs_rmtree(dir);
	morgue_buf_free(&a);
	morgue_buf_free(&b);
	morgue_buf_free(&got);
}

/* Each id is bound and stepped once; a failing step stops with its code. */
static void sql_each_id(void)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	const long long ids[] = { 3, 1, 2 }, dup[] = { 4, 4 };
	CHECK_INT(sqlite3_open(":memory:", &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY)", NULL, NULL, NULL),
		  SQLITE_OK);
	CHECK_INT(morgue_sql_each_id(db, "INSERT INTO t VALUES(?)", ids, 3), SQLITE_OK);
	CHECK_INT(morgue_sql_each_id(db, "INSERT INTO t VALUES(?)", NULL, 0), SQLITE_OK);
	CHECK_INT(morgue_sql_each_id(db, "INSERT INTO t VALUES(?)", dup, 2), SQLITE_CONSTRAINT);
	CHECK(morgue_sql_each_id(db, "INSERT INTO nowhere VALUES(?)", ids, 1) != SQLITE_OK);
	CHECK_INT(sqlite3_prepare_v2(db, "SELECT group_concat(id) FROM t", -1, &st, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0), "1,2,3,4");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* The thread that asks is niced, the others are not. */
static void *nice_me(void *arg)
{
	morgue_thread_background();
	*(int *)arg = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
	return NULL;
}

static void thread_background_nices_the_caller_only(void)
{
	int theirs = 0;
	pthread_t t;
	int mine = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
	CHECK_INT(pthread_create(&t, NULL, nice_me, &theirs), 0);
	pthread_join(t, NULL);
	/* nice 10 (already nicer than that: left, or 10 when permitted) */
	CHECK(mine < 10 ? theirs == 10 : (theirs == 10 || theirs == mine));
	CHECK_INT(getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid)), mine);
}

int main(void)
{
	RUN(buf_grows_and_detaches);
	RUN(ascii_alnum_is_c_isalnum);
	RUN(sql_each_id);
	RUN(thread_background_nices_the_caller_only);
	RUN(buf_put_int_is_lld);
	RUN(hash_separates_fields);
	RUN(hash_fnv_known_values);
	RUN(escape_html_text_and_attributes);
	RUN(escape_url_rejects_unsafe_schemes);
	RUN(escape_json_cannot_break_out_of_script);
	RUN(escape_json_each_byte);
	RUN(escape_csv_fields);
	RUN(path_relative_links);
	RUN(slugify_folds_and_joins);
	RUN(path_safety);
	RUN(error_carries_file_and_line);
	RUN(warn_capture_redirects_this_thread);
	RUN(rmtree_parallel_removes_everything);
	RUN(mkparents_makes_the_directories_above);
	RUN(write_fresh_never_writes_through_a_link);
	TEST_EXIT();
}
