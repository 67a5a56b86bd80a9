/* Unit tests for generator/output.c: staging, lock, marker, atomic swap. */
#include "test.h"
#include "output.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"

#include <sys/stat.h>
#include <unistd.h>

static char tmp[64];

static void mktmp(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/morgue-output-XXXXXX");
	if (!mkdtemp(tmp))
		abort();
}

static char *pathf(const char *rel)
{
	static char p[256];
	snprintf(p, sizeof(p), "%s/%s", tmp, rel);
	return p;
}

static int file_is(const char *path, const char *content)
{
	morgue_buf b = MORGUE_BUF_INIT;
	int ok = morgue_fs_read(&b, path) == 0 && !strcmp(morgue_buf_cstr(&b), content);
	morgue_buf_free(&b);
	return ok;
}

static void first_build_creates_site(void)
{
	morgue_output *o;
	mktmp();
	CHECK_INT(morgue_output_begin(&o, pathf("site")), 0);
	CHECK_INT(morgue_output_write(o, "a/b/c.html", "hello", 5), 0);
	CHECK(!morgue_fs_exists(pathf("site")));
	CHECK_INT(morgue_output_files(o), 2); /* page + marker */
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);
	CHECK(file_is(pathf("site/a/b/c.html"), "hello"));
	CHECK(morgue_fs_exists(pathf("site/.morgue-site")));
	morgue_fs_rmtree(tmp);
}

static void rebuild_swaps_and_drops_old_pages(void)
{
	morgue_output *o;
	mktmp();
	morgue_output_begin(&o, pathf("site"));
	morgue_output_write(o, "old.html", "old", 3);
	morgue_output_commit(o);
	morgue_output_free(o);

	CHECK_INT(morgue_output_begin(&o, pathf("site")), 0);
	morgue_output_write(o, "new.html", "new", 3);
	CHECK(file_is(pathf("site/old.html"), "old")); /* untouched until commit */
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);
	CHECK(file_is(pathf("site/new.html"), "new"));
	CHECK(!morgue_fs_exists(pathf("site/old.html")));
	morgue_fs_rmtree(tmp);
}

/* A site checked before the lock is taken: the marker read then tells
 * whether another build swapped a site in since; a damaged site is not
 * current. */
static void check_before_lock(void)
{
	morgue_output *o;
	morgue_buf marker = MORGUE_BUF_INIT;
	mktmp();
	morgue_output_begin(&o, pathf("site"));
	morgue_output_set_stamp(o, "stamp-1");
	morgue_output_write(o, "a.html", "aaa", 3);
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);
	CHECK_INT(morgue_output_check(&marker, pathf("site"), "stamp-1"), 1);
	CHECK(strstr(morgue_buf_cstr(&marker), "stamp stamp-1") != NULL);
	CHECK(morgue_output_marker_is(pathf("site"), &marker));
	morgue_buf read = MORGUE_BUF_INIT;
	CHECK_INT(morgue_output_read_marker(&read, pathf("site")), 0);
	CHECK_STR(morgue_buf_cstr(&read), morgue_buf_cstr(&marker));
	morgue_buf_free(&read);
	CHECK_INT(morgue_output_read_marker(&read, pathf("nowhere")), MORGUE_ENOTFOUND);
	morgue_error_clear();
	morgue_buf_free(&read);
	CHECK_INT(morgue_output_check(NULL, pathf("site"), "stamp-2"), 0);
	/* another build swaps its site in */
	morgue_output_begin(&o, pathf("site"));
	morgue_output_set_stamp(o, "stamp-2");
	morgue_output_write(o, "a.html", "bbb", 3);
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);
	CHECK(!morgue_output_marker_is(pathf("site"), &marker));
	/* a truncated page: the counts no longer match */
	CHECK_INT(morgue_fs_write(pathf("site/a.html"), "b", 1), 0);
	CHECK_INT(morgue_output_check(NULL, pathf("site"), "stamp-2"), 0);
	morgue_buf_free(&marker);
	morgue_fs_rmtree(tmp);
}

static void abandoned_build_leaves_previous_site(void)
{
	morgue_output *o;
	mktmp();
	morgue_output_begin(&o, pathf("site"));
	morgue_output_write(o, "keep.html", "keep", 4);
	morgue_output_commit(o);
	morgue_output_free(o);

	morgue_output_begin(&o, pathf("site"));
	morgue_output_write(o, "half.html", "half", 4);
	char staging[256];
	snprintf(staging, sizeof(staging), "%s", morgue_output_staging(o));
	morgue_output_free(o); /* no commit: a failed build */
	CHECK(file_is(pathf("site/keep.html"), "keep"));
	CHECK(!morgue_fs_exists(pathf("site/half.html")));
	CHECK(!morgue_fs_exists(staging));
	morgue_fs_rmtree(tmp);
}

static void stale_staging_from_killed_build_is_removed(void)
{
	morgue_output *o;
	mktmp();
	CHECK_INT(morgue_fs_write(pathf("site.staging-99999/x.html"), "x", 1), 0);
	CHECK_INT(morgue_output_begin(&o, pathf("site")), 0);
	CHECK(!morgue_fs_exists(pathf("site.staging-99999")));
	morgue_output_free(o);
	morgue_fs_rmtree(tmp);
}

static void second_build_is_refused_while_locked(void)
{
	morgue_output *a, *b = NULL;
	mktmp();
	CHECK_INT(morgue_output_begin(&a, pathf("site")), 0);
	CHECK_INT(morgue_output_begin(&b, pathf("site")), MORGUE_ELOCKED);
	CHECK(b == NULL);
	CHECK_CONTAINS(morgue_error_last()->message, "another morgue build");
	morgue_output_free(a);
	CHECK_INT(morgue_output_begin(&b, pathf("site")), 0);
	morgue_output_free(b);
	morgue_fs_rmtree(tmp);
}

static void refuses_foreign_directory(void)
{
	morgue_output *o = NULL;
	mktmp();
	morgue_fs_write(pathf("home/notes.txt"), "precious", 8);
	CHECK_INT(morgue_output_begin(&o, pathf("home")), MORGUE_EIO);
	CHECK(o == NULL);
	CHECK_CONTAINS(morgue_error_last()->message, "did not create");
	CHECK(file_is(pathf("home/notes.txt"), "precious"));
	/* an empty directory is fine */
	mkdir(pathf("empty"), 0755);
	CHECK_INT(morgue_output_begin(&o, pathf("empty")), 0);
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);
	morgue_fs_rmtree(tmp);
}

/* A file written in pieces: appended, emptied by a restart, counted at
 * close; the same bytes as the previous site's keep its inode (and so
 * its mtime), and no write goes through a linked file. */
static void streamed_file(void)
{
	morgue_output *o;
	morgue_output_file *f = NULL;
	struct stat was, now;
	mktmp();
	CHECK_INT(morgue_output_begin(&o, pathf("site")), 0);
	CHECK_INT(morgue_output_open(o, "x/same.csv", &f), 0);
	CHECK_INT(morgue_output_append(f, "wrong", 5), 0);
	CHECK_INT(morgue_output_file_size(f), 5);
	CHECK_INT(morgue_output_restart(f), 0);
	CHECK_INT(morgue_output_file_size(f), 0);
	CHECK_INT(morgue_output_append(f, "a,b\r\n", 5), 0);
	CHECK_INT(morgue_output_append(f, "1,2\r\n", 5), 0);
	CHECK_INT(morgue_output_close(f), 0);
	CHECK_INT(morgue_output_open(o, "linked.csv", &f), 0);
	CHECK_INT(morgue_output_append(f, "old", 3), 0);
	CHECK_INT(morgue_output_close(f), 0);
	CHECK_INT(morgue_output_files(o), 3); /* two files + marker */
	CHECK_INT(morgue_output_bytes(o), 10 + 3 + 7);
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);
	CHECK(file_is(pathf("site/x/same.csv"), "a,b\r\n1,2\r\n"));
	CHECK_INT(stat(pathf("site/x/same.csv"), &was), 0);

	CHECK_INT(morgue_output_begin(&o, pathf("site")), 0);
	morgue_output_keep_unchanged(o);
	CHECK_INT(morgue_output_open(o, "x/same.csv", &f), 0);
	CHECK_INT(morgue_output_append(f, "a,b\r\n1,2\r\n", 10), 0);
	CHECK_INT(morgue_output_close(f), 0);
	CHECK_INT(morgue_output_link(o, "linked.csv", -1), 0);
	CHECK_INT(morgue_output_open(o, "linked.csv", &f), 0);
	CHECK_INT(morgue_output_append(f, "new", 3), 0);
	CHECK_INT(morgue_output_close(f), 0);
	CHECK(file_is(pathf("site/linked.csv"), "old")); /* not through the link */
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);
	CHECK(file_is(pathf("site/linked.csv"), "new"));
	CHECK_INT(stat(pathf("site/x/same.csv"), &now), 0);
	CHECK(now.st_ino == was.st_ino);
	morgue_fs_rmtree(tmp);
}

/* A link whose size the caller knows is made without looking at the
 * previous site's file: the size given is the one counted (a stat would
 * count the file's 3 bytes). A page that is not there fails as when the
 * size is not known, and staged_size reads back what staging holds. */
static void link_of_known_size(void)
{
	morgue_output *o;
	mktmp();
	CHECK_INT(morgue_output_begin(&o, pathf("site")), 0);
	CHECK_INT(morgue_output_write(o, "a.html", "old", 3), 0);
	CHECK_INT(morgue_output_write(o, "d/b.html", "older", 5), 0);
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);

	CHECK_INT(morgue_output_begin(&o, pathf("site")), 0);
	size_t before = morgue_output_bytes(o);
	CHECK_INT(morgue_output_link(o, "a.html", 7), 0);
	CHECK_INT(morgue_output_link(o, "d/b.html", 5), 0); /* its directory is made */
	CHECK_INT(morgue_output_link(o, "gone.html", 4), MORGUE_ENOTFOUND);
	morgue_error_clear();
	CHECK_INT(morgue_output_bytes(o) - before, 7 + 5);
	CHECK_INT(morgue_output_staged_size(o, "a.html"), 3);
	CHECK_INT(morgue_output_staged_size(o, "d/b.html"), 5);
	CHECK_INT(morgue_output_staged_size(o, "gone.html"), -1);
	CHECK_INT(morgue_output_staged_size(o, "d"), -1); /* not a file */
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);
	CHECK(file_is(pathf("site/a.html"), "old"));
	CHECK(file_is(pathf("site/d/b.html"), "older"));
	morgue_fs_rmtree(tmp);
}

static ino_t inode(const char *rel)
{
	struct stat st;
	return stat(pathf(rel), &st) == 0 ? st.st_ino : 0;
}

/* Site 1 of the tests below: x is a file where a later site has a
 * directory. */
static void write_site_1(morgue_output *o)
{
	morgue_output_write(o, "a.html", "A1", 2);
	morgue_output_write(o, "b.html", "B1", 2);
	morgue_output_write(o, "gone/c.html", "C1", 2);
	morgue_output_write(o, "x", "file where a directory will be", 30);
}

/* A commit keeps the replaced site as <dir>.old; the next incremental
 * build starts from it: a file it links again is the same inode already,
 * a file it writes never goes through an inode the live site shares, and
 * what it neither writes, links nor claims is gone from the new site,
 * with the directories left empty. The counts in the marker are those of
 * the new site. */
static void old_site_is_kept_and_updated_in_place(void)
{
	morgue_output *o;
	mktmp();
	/* site 1 */
	morgue_output_begin(&o, pathf("site"));
	write_site_1(o);
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);
	ino_t a1 = inode("site/a.html");
	/* nothing replaced yet: site.old is the spare tree, links to site 1 */
	CHECK(inode("site.old/a.html") == a1);
	CHECK(inode("site.old/gone/c.html") == inode("site/gone/c.html"));

	/* site 2: b rewritten, the rest linked (most files: site 1 is kept) */
	morgue_output_begin(&o, pathf("site"));
	morgue_output_keep_unchanged(o);
	CHECK_INT(morgue_output_link(o, "a.html", -1), 0);
	CHECK_INT(morgue_output_link(o, "gone/c.html", -1), 0);
	CHECK_INT(morgue_output_link(o, "x", -1), 0);
	CHECK_INT(morgue_output_write(o, "b.html", "B2", 2), 0);
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);
	CHECK(file_is(pathf("site.old/b.html"), "B1")); /* site 1, kept */
	CHECK(file_is(pathf("site.old/gone/c.html"), "C1"));
	CHECK(inode("site.old/a.html") == a1 && inode("site/a.html") == a1);

	/* site 3 starts from site 1's tree */
	morgue_output_begin(&o, pathf("site"));
	morgue_output_set_stamp(o, "stamp-3");
	morgue_output_keep_unchanged(o);
	CHECK(morgue_fs_exists(pathf("site.old")) == 0); /* adopted */
	CHECK_INT(morgue_output_link(o, "b.html", -1), 0);
	CHECK(file_is(pathf("site/b.html"), "B2"));
	CHECK_INT(morgue_output_write(o, "a.html", "A3", 2), 0);
	CHECK(file_is(pathf("site/a.html"), "A1")); /* the live site's inode untouched */
	CHECK_INT(morgue_output_write(o, "x/y.html", "Y3", 2), 0); /* x was a file */
	char own[512];
	snprintf(own, sizeof(own), "%s/own.sqlite", morgue_output_staging(o));
	CHECK_INT(morgue_output_claim(o, "own.sqlite"), 0);
	CHECK_INT(morgue_fs_write(own, "SQL", 3), 0);
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);
	CHECK(file_is(pathf("site/a.html"), "A3"));
	CHECK(file_is(pathf("site/b.html"), "B2"));
	CHECK(file_is(pathf("site/x/y.html"), "Y3"));
	CHECK(file_is(pathf("site/own.sqlite"), "SQL"));
	CHECK(!morgue_fs_exists(pathf("site/gone/c.html")));
	CHECK(!morgue_fs_exists(pathf("site/gone")));
	/* site 3 wrote most of its files: site 2 shares few, and goes; the
	 * spare tree of site 3 takes its place (the claimed file left out) */
	CHECK(inode("site.old/a.html") == inode("site/a.html"));
	CHECK(inode("site.old/x/y.html") == inode("site/x/y.html"));
	CHECK(!morgue_fs_exists(pathf("site.old/own.sqlite")));
	CHECK_INT(morgue_output_check(NULL, pathf("site"), "stamp-3"), 1);
	morgue_fs_rmtree(tmp);
}

/* morgue_output_mirror brings a tree adopted from <dir>.old up to the
 * live site before the build writes: what changed or came since is
 * linked again, what went is removed, claimed paths are left to their
 * module; a page of known size is then only counted, and writes still
 * never go through an inode the live site shares. */
static void mirror_brings_old_site_up_to_the_live_one(void)
{
	morgue_output *o;
	mktmp();
	CHECK_INT(morgue_output_begin(&o, pathf("site")), 0);
	CHECK_INT(morgue_output_mirror(o), 0); /* nothing adopted: nothing to do */
	write_site_1(o);
	morgue_output_write(o, "e/e.html", "E1", 2);
	morgue_output_write(o, "e/f.html", "F1", 2);
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);

	/* site 2: b rewritten, c gone, d and own.sqlite new, the rest
	 * linked (most files: site 1 is kept) */
	CHECK_INT(morgue_output_begin(&o, pathf("site")), 0);
	morgue_output_keep_unchanged(o);
	CHECK_INT(morgue_output_link(o, "a.html", -1), 0);
	CHECK_INT(morgue_output_link(o, "x", -1), 0);
	CHECK_INT(morgue_output_link(o, "e/e.html", -1), 0);
	CHECK_INT(morgue_output_link(o, "e/f.html", -1), 0);
	CHECK_INT(morgue_output_write(o, "b.html", "B2", 2), 0);
	CHECK_INT(morgue_output_write(o, "new/d.html", "D2", 2), 0);
	CHECK_INT(morgue_output_write(o, "own.sqlite", "SQL2", 4), 0);
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);
	CHECK(file_is(pathf("site.old/b.html"), "B1"));
	ino_t b2 = inode("site/b.html");

	/* site 3 adopts site 1's tree and mirrors site 2 */
	CHECK_INT(morgue_output_begin(&o, pathf("site")), 0);
	morgue_output_set_stamp(o, "stamp-3");
	morgue_output_keep_unchanged(o);
	CHECK_INT(morgue_output_claim(o, "own.sqlite"), 0);
	CHECK_INT(morgue_output_mirror(o), 0);
	char p[512];
	struct stat st;
	snprintf(p, sizeof(p), "%s/b.html", morgue_output_staging(o));
	CHECK(stat(p, &st) == 0 && st.st_ino == b2);
	snprintf(p, sizeof(p), "%s/new/d.html", morgue_output_staging(o));
	CHECK(stat(p, &st) == 0 && st.st_ino == inode("site/new/d.html"));
	snprintf(p, sizeof(p), "%s/gone", morgue_output_staging(o));
	CHECK(!morgue_fs_exists(p));
	snprintf(p, sizeof(p), "%s/own.sqlite", morgue_output_staging(o));
	CHECK(!morgue_fs_exists(p)); /* claimed: its module writes it */
	CHECK_INT(morgue_fs_write(p, "SQL3", 4), 0);
	size_t before = morgue_output_bytes(o);
	CHECK_INT(morgue_output_link(o, "b.html", 2), 0);
	CHECK_INT(morgue_output_link(o, "new/d.html", 2), 0);
	CHECK_INT(morgue_output_link(o, "e/e.html", 2), 0);
	CHECK_INT(morgue_output_link(o, "e/f.html", 2), 0);
	CHECK_INT(morgue_output_bytes(o) - before, 8);
	CHECK_INT(morgue_output_write(o, "a.html", "A3", 2), 0);
	CHECK(file_is(pathf("site/a.html"), "A1")); /* not written through */
	CHECK_INT(morgue_output_write(o, "x/y.html", "Y3", 2), 0); /* x was a file */
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);
	CHECK(file_is(pathf("site/a.html"), "A3"));
	CHECK(file_is(pathf("site/b.html"), "B2"));
	CHECK(inode("site/b.html") == b2);
	CHECK(file_is(pathf("site/new/d.html"), "D2"));
	CHECK(file_is(pathf("site/x/y.html"), "Y3"));
	CHECK(file_is(pathf("site/own.sqlite"), "SQL3"));
	CHECK(file_is(pathf("site.old/own.sqlite"), "SQL2"));
	CHECK(!morgue_fs_exists(pathf("site/gone")));
	CHECK_INT(morgue_output_check(NULL, pathf("site"), "stamp-3"), 1);
	morgue_fs_rmtree(tmp);
}

/* A clean build's spare tree is a mirror of the site it commits (its
 * REPLACED_BY says so): the next build adopts it and morgue_output_mirror
 * walks neither tree. A file of the live site replaced behind morgue's
 * back (another inode, the same bytes) is therefore not linked again,
 * and the pages still come out whole; a walk would have linked it. */
static void a_clean_builds_spare_is_not_walked_again(void)
{
	morgue_output *o;
	char p[512], id[512];
	struct stat st;
	mktmp();
	CHECK_INT(morgue_output_begin(&o, pathf("site")), 0);
	write_site_1(o);
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);
	ino_t a1 = inode("site/a.html");
	snprintf(p, sizeof(p), "%s/site.old/.morgue-replaced-by", tmp);
	FILE *f = fopen(p, "r");
	size_t n = f ? fread(id, 1, sizeof(id) - 1, f) : 0;
	if (f)
		fclose(f);
	id[n] = '\0';
	CHECK(strstr(id, "\nmirror\n") != NULL);
	/* a.html replaced by hand: the same bytes, another inode */
	snprintf(p, sizeof(p), "%s", pathf("site/a.new"));
	CHECK_INT(morgue_fs_write(p, "A1", 2), 0);
	CHECK_INT(rename(p, pathf("site/a.html")), 0);
	CHECK(inode("site/a.html") != a1 && inode("site.old/a.html") == a1);

	CHECK_INT(morgue_output_begin(&o, pathf("site")), 0);
	morgue_output_keep_unchanged(o);
	CHECK_INT(morgue_output_mirror(o), 0);
	snprintf(p, sizeof(p), "%s/a.html", morgue_output_staging(o));
	CHECK(stat(p, &st) == 0 && st.st_ino == a1); /* not walked: the spare's */
	CHECK_INT(morgue_output_link(o, "a.html", 2), 0);
	CHECK_INT(morgue_output_link(o, "gone/c.html", 2), 0);
	CHECK_INT(morgue_output_link(o, "x", 30), 0);
	CHECK_INT(morgue_output_write(o, "b.html", "B2", 2), 0);
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);
	CHECK(file_is(pathf("site/a.html"), "A1"));
	CHECK(file_is(pathf("site/b.html"), "B2"));
	CHECK(file_is(pathf("site/gone/c.html"), "C1"));
	/* the replaced site kept as site.old is no mirror of the new one */
	f = fopen(pathf("site.old/.morgue-replaced-by"), "r");
	n = f ? fread(id, 1, sizeof(id) - 1, f) : 0;
	if (f)
		fclose(f);
	id[n] = '\0';
	CHECK(n > 0 && strstr(id, "mirror") == NULL);
	morgue_fs_rmtree(tmp);
}

/* site with a.html (text), then an incremental build that links it:
 * the first site is kept as site.old */
static void two_builds(const char *text)
{
	morgue_output *o;
	morgue_output_begin(&o, pathf("site"));
	morgue_output_write(o, "a.html", text, strlen(text));
	morgue_output_commit(o);
	morgue_output_free(o);
	morgue_output_begin(&o, pathf("site"));
	morgue_output_keep_unchanged(o);
	morgue_output_link(o, "a.html", -1);
	morgue_output_commit(o);
	morgue_output_free(o);
	CHECK(morgue_fs_exists(pathf("site.old/a.html")));
}

/* A <dir>.old that the live site did not replace (the site was removed)
 * is removed, not started from; a build that fails leaves the live site
 * and no staging tree; a clean build keeps no old site; a directory named
 * <dir>.old that morgue did not make is never used or replaced. */
static void old_site_is_only_ours(void)
{
	morgue_output *o;
	char staged[512];
	mktmp();
	two_builds("A0");
	/* the site removed: site.old is garbage, removed by the next build */
	morgue_fs_rmtree(pathf("site"));
	morgue_output_begin(&o, pathf("site"));
	CHECK(!morgue_fs_exists(pathf("site.old")));
	morgue_output_keep_unchanged(o);
	snprintf(staged, sizeof(staged), "%s/a.html", morgue_output_staging(o));
	CHECK(!morgue_fs_exists(staged)); /* a fresh tree */
	morgue_output_free(o);
	morgue_fs_rmtree(tmp);
	mktmp();
	two_builds("A1");
	/* an abandoned build from site.old: its tree goes */
	morgue_output_begin(&o, pathf("site"));
	morgue_output_keep_unchanged(o);
	morgue_output_write(o, "a.html", "A3", 2);
	morgue_output_free(o);
	CHECK(file_is(pathf("site/a.html"), "A1"));
	CHECK(!morgue_fs_exists(pathf("site.old")));
	/* a clean build (every file written) keeps not the site it replaced
	 * but a spare tree: links to its own files */
	morgue_output_begin(&o, pathf("site"));
	morgue_output_write(o, "a.html", "A2", 2);
	morgue_output_commit(o);
	morgue_output_free(o);
	CHECK(inode("site.old/a.html") == inode("site/a.html"));
	CHECK(file_is(pathf("site.old/a.html"), "A2"));
	morgue_fs_rmtree(pathf("site.old"));
	CHECK_INT(morgue_fs_write(pathf("site.old/mine.txt"), "mine", 4), 0);
	morgue_output_begin(&o, pathf("site"));
	morgue_output_keep_unchanged(o);
	morgue_output_write(o, "b.html", "B", 1);
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);
	CHECK(file_is(pathf("site.old/mine.txt"), "mine"));
	CHECK(!morgue_fs_exists(pathf("site.old/b.html"))); /* no spare put there */
	CHECK(!morgue_fs_exists(pathf("site/a.html")));
	CHECK(!morgue_fs_exists(pathf("site/mine.txt")));
	morgue_fs_rmtree(tmp);
}

static void unwritable_parent_is_a_clear_error(void)
{
	morgue_output *o = NULL;
	if (geteuid() == 0)
		SKIP("running as root: permissions do not apply");
	mktmp();
	mkdir(pathf("ro"), 0555);
	CHECK_INT(morgue_output_begin(&o, pathf("ro/site")), MORGUE_EIO);
	chmod(pathf("ro"), 0755);
	morgue_fs_rmtree(tmp);
}

int main(void)
{
	RUN(first_build_creates_site);
	RUN(rebuild_swaps_and_drops_old_pages);
	RUN(check_before_lock);
	RUN(abandoned_build_leaves_previous_site);
	RUN(stale_staging_from_killed_build_is_removed);
	RUN(second_build_is_refused_while_locked);
	RUN(refuses_foreign_directory);
	RUN(streamed_file);
	RUN(link_of_known_size);
	RUN(old_site_is_kept_and_updated_in_place);
	RUN(mirror_brings_old_site_up_to_the_live_one);
	RUN(a_clean_builds_spare_is_not_walked_again);
	RUN(old_site_is_only_ours);
	RUN(unwritable_parent_is_a_clear_error);
	TEST_EXIT();
}
