/* Unit tests for generator/repo: a throw-away repository is built with
 * libgit2 itself (two commits, an annotated tag, a symlink, a submodule
 * entry, uncommitted drafts) plus a bare repository, then read back at
 * HEAD, at older revisions and from the work tree. */
#include "test.h"
#include "repo.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"

#include <git2.h>
#include <limits.h>
#include <pthread.h>
#include <sys/stat.h>

#define T1 1500000000LL /* first commit */
#define T2 1500003600LL /* second commit */

static char tmp[PATH_MAX];      /* everything lives below here */
static morgue_buf work;         /* work tree of the main repository */
static morgue_buf content;      /* work/content, the content root */
static morgue_buf bare;         /* the bare repository */
static char c1[41], c2[41];     /* commit ids */
static int fixture_ok;
static morgue_buf errbuf = MORGUE_BUF_INIT;

static const char *last_error(void)
{
	morgue_buf_clear(&errbuf);
	morgue_error_format(&errbuf, morgue_error_last());
	return morgue_buf_cstr(&errbuf);
}

/* Fixture building: any libgit2 failure aborts the fixture with a note. */
static int ok(int rc, const char *what)
{
	if (rc < 0) {
		const git_error *e = git_error_last();
		printf("  fixture: %s: %s\n", what, e ? e->message : "?");
		return 0;
	}
	return 1;
}

static int write_file(const char *rel, const char *text)
{
	morgue_buf p = MORGUE_BUF_INIT;
	morgue_buf_printf(&p, "%s/%s", work.ptr, rel);
	int rc = morgue_fs_write(p.ptr, text, strlen(text));
	morgue_buf_free(&p);
	return rc == 0;
}

static int make_symlink(const char *target, const char *rel)
{
	morgue_buf p = MORGUE_BUF_INIT;
	morgue_buf_printf(&p, "%s/%s", work.ptr, rel);
	int rc = symlink(target, p.ptr);
	morgue_buf_free(&p);
	return rc == 0;
}

/* Stage `paths` (NULL-terminated) and commit them at time `when`. */
static int commit(git_repository *repo, const char **paths, long long when,
		  char *hex)
{
	git_index *index = NULL;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_commit *parent = NULL;
	git_object *head = NULL;
	git_oid tree_id, id;
	int good = ok(git_repository_index(&index, repo), "index");

	for (const char **p = paths; good && *p; p++)
		good = ok(git_index_add_bypath(index, *p), *p);
	good = good && ok(git_index_write(index), "index write") &&
	       ok(git_index_write_tree(&tree_id, index), "write tree") &&
	       ok(git_tree_lookup(&tree, repo, &tree_id), "tree") &&
	       ok(git_signature_new(&sig, "Morgue Test", "test@example.org",
				    (git_time_t)when, 60), "signature");
	if (good && git_revparse_single(&head, repo, "HEAD") == 0)
		good = ok(git_commit_lookup(&parent, repo, git_object_id(head)), "parent");
	const git_commit *parents[] = { parent };
	good = good && ok(git_commit_create(&id, repo, "HEAD", sig, sig, NULL, "msg",
					    tree, parent ? 1 : 0, parents), "commit");
	if (good)
		git_oid_tostr(hex, 41, &id);
	git_object_free(head);
	git_commit_free(parent);
	git_tree_free(tree);
	git_signature_free(sig);
	git_index_free(index);
	return good;
}

/* A gitlink (submodule) entry, added straight to the index. */
static int add_gitlink(git_repository *repo, const char *path)
{
	git_index *index = NULL;
	git_index_entry e;
	int good = ok(git_repository_index(&index, repo), "index");

	memset(&e, 0, sizeof(e));
	e.mode = GIT_FILEMODE_COMMIT;
	e.path = path;
	good = good && ok(git_oid_fromstr(&e.id, "1111111111111111111111111111111111111111"),
			  "oid") &&
	       ok(git_index_add(index, &e), "gitlink") && ok(git_index_write(index), "write");
	git_index_free(index);
	return good;
}

static int build_main_repo(void)
{
	git_repository *repo = NULL;
	git_object *target = NULL;
	git_signature *sig = NULL;
	git_oid tag_id;
	const char *first[] = { "README.md", "content/morgue.yaml",
				"content/articles/2017/a.md",
				"content/entities/acme.md",
				"content/articles/link.md", NULL };
	const char *second[] = { "content/articles/2017/a.md",
				 "content/articles/2017/b.md",
				 "content/later/x.md", NULL };
	int good = ok(git_repository_init(&repo, work.ptr, 0), "init") &&
		   write_file("README.md", "not content\n") &&
		   write_file("content/morgue.yaml", "title: Test\n") &&
		   write_file("content/articles/2017/a.md", "version one\n") &&
		   write_file("content/entities/acme.md", "---\nname: ACME\n---\n") &&
		   make_symlink("2017/a.md", "content/articles/link.md") &&
		   add_gitlink(repo, "content/vendor") &&
		   commit(repo, first, T1, c1) &&
		   write_file("content/articles/2017/a.md", "version two\n") &&
		   write_file("content/articles/2017/b.md", "bee\n") &&
		   write_file("content/later/x.md", "later\n") &&
		   commit(repo, second, T2, c2) &&
		   ok(git_revparse_single(&target, repo, c1), "c1") &&
		   ok(git_signature_new(&sig, "T", "t@example.org", (git_time_t)T2, 0), "sig") &&
		   ok(git_tag_create(&tag_id, repo, "v1", target, sig, "release", 0), "tag") &&
		   /* work-tree only: a draft, an uncommitted directory, a
		    * nested repository, a symlinked directory */
		   write_file("content/articles/2017/draft.md", "draft\n") &&
		   write_file("content/drafts/d.md", "d\n") &&
		   write_file("content/vendor/.git", "gitdir: elsewhere\n") &&
		   make_symlink("articles", "content/linkdir");
	git_signature_free(sig);
	git_object_free(target);
	git_repository_free(repo);
	return good;
}

/* A bare repository with content/articles/a.md and top.md. */
static int build_bare_repo(void)
{
	git_repository *repo = NULL;
	git_treebuilder *tb = NULL;
	git_signature *sig = NULL;
	git_tree *root = NULL;
	git_oid blob, top, articles, contentdir, rootid, id;
	int good = ok(git_repository_init(&repo, bare.ptr, 1), "bare init") &&
		   ok(git_blob_create_from_buffer(&blob, repo, "bare article\n", 13), "blob") &&
		   ok(git_blob_create_from_buffer(&top, repo, "top\n", 4), "blob");
	/* articles/ */
	good = good && ok(git_treebuilder_new(&tb, repo, NULL), "tb") &&
	       ok(git_treebuilder_insert(NULL, tb, "a.md", &blob, GIT_FILEMODE_BLOB), "ins") &&
	       ok(git_treebuilder_write(&articles, tb), "write");
	git_treebuilder_free(tb);
	tb = NULL;
	/* content/ */
	good = good && ok(git_treebuilder_new(&tb, repo, NULL), "tb") &&
	       ok(git_treebuilder_insert(NULL, tb, "articles", &articles, GIT_FILEMODE_TREE), "ins") &&
	       ok(git_treebuilder_write(&contentdir, tb), "write");
	git_treebuilder_free(tb);
	tb = NULL;
	/* root */
	good = good && ok(git_treebuilder_new(&tb, repo, NULL), "tb") &&
	       ok(git_treebuilder_insert(NULL, tb, "content", &contentdir, GIT_FILEMODE_TREE), "ins") &&
	       ok(git_treebuilder_insert(NULL, tb, "top.md", &top, GIT_FILEMODE_BLOB), "ins") &&
	       ok(git_treebuilder_write(&rootid, tb), "write") &&
	       ok(git_tree_lookup(&root, repo, &rootid), "root") &&
	       ok(git_signature_new(&sig, "T", "t@example.org", (git_time_t)T1, 0), "sig") &&
	       ok(git_commit_create(&id, repo, "HEAD", sig, sig, NULL, "bare", root, 0, NULL),
		  "commit");
	git_treebuilder_free(tb);
	git_tree_free(root);
	git_signature_free(sig);
	git_repository_free(repo);
	return good;
}

static int setup(void)
{
	const char *t = getenv("TMPDIR");
	snprintf(tmp, sizeof(tmp), "%s/morgue-repo-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmp))
		return 0;
	morgue_buf_printf(&work, "%s/work", tmp);
	morgue_buf_printf(&content, "%s/work/content", tmp);
	morgue_buf_printf(&bare, "%s/bare.git", tmp);
	git_libgit2_init();
	int good = build_main_repo() && build_bare_repo();
	git_libgit2_shutdown();
	return good;
}

static void hex_of(char *hex, const char *data)
{
	git_oid oid;
	git_libgit2_init();
	git_odb_hash(&oid, data, strlen(data), GIT_OBJECT_BLOB);
	git_oid_tostr(hex, 41, &oid);
	git_libgit2_shutdown();
}

static morgue_repo *open_ok(const char *root, const char *rev, int worktree)
{
	morgue_repo *r = NULL;
	morgue_error_clear();
	int rc = morgue_repo_open(&r, root, rev, worktree);
	CHECK_INT(rc, 0);
	if (rc)
		printf("  open %s: %s\n", root, last_error());
	return r;
}

static void open_fails(const char *root, const char *rev, int worktree, int code,
		       const char *msg)
{
	morgue_repo *r = NULL;
	morgue_error_clear();
	CHECK_INT(morgue_repo_open(&r, root, rev, worktree), code);
	CHECK(r == NULL);
	CHECK_STR(last_error(), msg);
}

static const char *read_str(morgue_repo *r, const char *path, morgue_buf *b)
{
	morgue_buf_clear(b);
	morgue_error_clear();
	if (morgue_repo_read(b, r, path) < 0)
		return NULL;
	return morgue_buf_cstr(b);
}

/* The listing as "path[@]" lines, '@' marking links, for compact checks. */
static void listing(morgue_buf *out, morgue_repo *r, const char *dir,
		    const char *suffix)
{
	morgue_repo_entry *e = NULL;
	size_t n = 0;

	morgue_buf_clear(out);
	CHECK_INT(morgue_repo_list(&e, &n, r, dir, suffix), 0);
	for (size_t i = 0; i < n; i++) {
		CHECK_INT(strlen(e[i].oid), 40);
		morgue_buf_printf(out, "%s%s\n", e[i].path, e[i].is_link ? "@" : "");
	}
	morgue_repo_entries_free(e, n);
}

static const char *oid_of(morgue_repo *r, const char *path, char *hex)
{
	morgue_repo_entry *e = NULL;
	size_t n = 0;

	hex[0] = '\0';
	morgue_repo_list(&e, &n, r, "", NULL);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(e[i].path, path))
			memcpy(hex, e[i].oid, 41);
	morgue_repo_entries_free(e, n);
	return hex;
}

static void head_of_a_subdirectory_root(void)
{
	morgue_buf b = MORGUE_BUF_INIT, want = MORGUE_BUF_INIT;
	char hex[41], expect[41];

	if (!fixture_ok)
		SKIP("fixture could not be built");
	morgue_repo *r = open_ok(content.ptr, NULL, 0);
	if (!r)
		return;
	CHECK_STR(morgue_repo_prefix(r), "content");
	CHECK_STR(morgue_repo_label(r), "HEAD");
	CHECK_STR(morgue_repo_commit(r), c2);
	CHECK_INT(morgue_repo_commit_time(r), T2);

	listing(&b, r, "articles", ".md");
	CHECK_STR(b.ptr, "articles/2017/a.md\narticles/2017/b.md\narticles/link.md@\n");
	listing(&b, r, "articles/", ".md");
	CHECK_STR(b.ptr, "articles/2017/a.md\narticles/2017/b.md\narticles/link.md@\n");
	listing(&b, r, "", NULL);
	CHECK_STR(b.ptr, "articles/2017/a.md\narticles/2017/b.md\narticles/link.md@\n"
			 "entities/acme.md\nlater/x.md\nmorgue.yaml\nvendor@\n");
	listing(&b, r, NULL, ".yaml");
	CHECK_STR(b.ptr, "morgue.yaml\n");
	listing(&b, r, "missing", NULL);
	CHECK_STR(morgue_buf_cstr(&b), "");
	listing(&b, r, "morgue.yaml", NULL);
	CHECK_STR(morgue_buf_cstr(&b), "");

	/* ids are git blob ids; a symlink's is the blob of its target */
	hex_of(expect, "version two\n");
	CHECK_STR(oid_of(r, "articles/2017/a.md", hex), expect);
	hex_of(expect, "2017/a.md");
	CHECK_STR(oid_of(r, "articles/link.md", hex), expect);
	CHECK_STR(oid_of(r, "vendor", hex), "1111111111111111111111111111111111111111");

	CHECK_STR(read_str(r, "articles/2017/a.md", &b), "version two\n");
	CHECK_STR(read_str(r, "morgue.yaml", &b), "title: Test\n");
	/* appends */
	morgue_buf_clear(&b);
	morgue_buf_puts(&b, ">");
	CHECK_INT(morgue_repo_read(&b, r, "articles/2017/b.md"), 0);
	CHECK_STR(b.ptr, ">bee\n");

	CHECK_INT(morgue_repo_read(&b, r, "articles/2017/draft.md"), MORGUE_ENOTFOUND);
	morgue_buf_printf(&want, "content/articles/2017/draft.md: not found in commit %.7s", c2);
	CHECK_STR(last_error(), want.ptr);
	CHECK_INT(morgue_repo_read(&b, r, "articles"), MORGUE_ENOTFOUND);
	CHECK_STR(last_error(), "content/articles: is a directory, not a file");
	CHECK_INT(morgue_repo_read(&b, r, "articles/link.md"), MORGUE_EINPUT);
	CHECK_STR(last_error(), "content/articles/link.md: is a symbolic link (links are not followed)");
	CHECK_INT(morgue_repo_read(&b, r, "vendor"), MORGUE_EINPUT);
	CHECK_STR(last_error(), "content/vendor: is a submodule (submodules are not read)");
	CHECK_INT(morgue_repo_read(&b, r, "../README.md"), MORGUE_EUSAGE);
	CHECK_STR(last_error(), "content/../README.md: not a path inside the content root");
	CHECK_INT(morgue_repo_read(&b, r, "/etc/passwd"), MORGUE_EUSAGE);

	morgue_repo_entry *e = NULL;
	size_t n = 5;
	CHECK_INT(morgue_repo_list(&e, &n, r, "a/../..", NULL), MORGUE_EUSAGE);
	CHECK(e == NULL && n == 0);
	morgue_repo_free(r);

	/* the work tree's top as root: everything but .git */
	r = open_ok(work.ptr, NULL, 0);
	if (r) {
		CHECK_STR(morgue_repo_prefix(r), "");
		listing(&b, r, "", NULL);
		CHECK_STR(b.ptr, "README.md\ncontent/articles/2017/a.md\ncontent/articles/2017/b.md\n"
				 "content/articles/link.md@\ncontent/entities/acme.md\n"
				 "content/later/x.md\ncontent/morgue.yaml\ncontent/vendor@\n");
		CHECK_STR(read_str(r, "content/morgue.yaml", &b), "title: Test\n");
		morgue_repo_free(r);
	}
	/* a root spelled with "./" and a trailing slash */
	morgue_buf_clear(&want);
	morgue_buf_printf(&want, "%s/./content/", work.ptr);
	r = open_ok(want.ptr, NULL, 0);
	if (r)
		CHECK_STR(morgue_repo_prefix(r), "content");
	morgue_repo_free(r);
	morgue_buf_free(&b);
	morgue_buf_free(&want);
}

static void older_revisions_and_tags(void)
{
	morgue_buf b = MORGUE_BUF_INIT, root = MORGUE_BUF_INIT, want = MORGUE_BUF_INIT;
	const char *revs[] = { c1, "v1", "HEAD~1", "HEAD^", NULL };

	if (!fixture_ok)
		SKIP("fixture could not be built");
	for (const char **rev = revs; *rev; rev++) {
		morgue_repo *r = open_ok(content.ptr, *rev, 0);
		if (!r)
			continue;
		CHECK_STR(morgue_repo_commit(r), c1);
		CHECK_STR(morgue_repo_label(r), *rev);
		CHECK_INT(morgue_repo_commit_time(r), T1);
		CHECK_STR(read_str(r, "articles/2017/a.md", &b), "version one\n");
		CHECK(read_str(r, "articles/2017/b.md", &b) == NULL);
		CHECK_INT(morgue_error_last()->code, MORGUE_ENOTFOUND);
		listing(&b, r, "articles", ".md");
		CHECK_STR(b.ptr, "articles/2017/a.md\narticles/link.md@\n");
		morgue_repo_free(r);
	}
	/* a root that only exists from the second commit on */
	morgue_buf_printf(&root, "%s/later", content.ptr);
	morgue_buf_printf(&want, "%s: not in commit %.7s (is it committed?)", root.ptr, c1);
	open_fails(root.ptr, "v1", 0, MORGUE_EREPO, want.ptr);
	morgue_repo *r = open_ok(root.ptr, NULL, 0);
	if (r) {
		CHECK_STR(morgue_repo_prefix(r), "content/later");
		CHECK_STR(read_str(r, "x.md", &b), "later\n");
		morgue_repo_free(r);
	}
	morgue_buf_free(&b);
	morgue_buf_free(&root);
	morgue_buf_free(&want);
}

static void open_errors(void)
{
	morgue_buf p = MORGUE_BUF_INIT, want = MORGUE_BUF_INIT;

	if (!fixture_ok)
		SKIP("fixture could not be built");
	open_fails(content.ptr, "v9", 0, MORGUE_EREPO, "--rev v9: revision not found");
	open_fails(content.ptr, "HEAD^{tree}", 0, MORGUE_EREPO,
		   "--rev HEAD^{tree}: not a commit");
	open_fails(content.ptr, "HEAD", 1, MORGUE_EUSAGE,
		   "--rev and --worktree cannot be used together");

	/* a directory that was never committed */
	morgue_buf_printf(&p, "%s/drafts", content.ptr);
	morgue_buf_printf(&want, "%s: not in commit %.7s (is it committed?)", p.ptr, c2);
	open_fails(p.ptr, NULL, 0, MORGUE_EREPO, want.ptr);

	/* not a repository at all */
	morgue_buf_clear(&p);
	morgue_buf_printf(&p, "%s/plain", tmp);
	morgue_fs_mkdirs(p.ptr);
	morgue_buf_clear(&want);
	morgue_buf_printf(&want, "%s: not inside a git repository", p.ptr);
	open_fails(p.ptr, NULL, 0, MORGUE_EREPO, want.ptr);

	morgue_buf_clear(&p);
	morgue_buf_printf(&p, "%s/nowhere", tmp);
	morgue_buf_clear(&want);
	morgue_buf_printf(&want, "%s: no such directory", p.ptr);
	open_fails(p.ptr, NULL, 0, MORGUE_EREPO, want.ptr);

	/* inside .git is not inside the work tree */
	morgue_buf_clear(&p);
	morgue_buf_printf(&p, "%s/.git/refs", work.ptr);
	morgue_buf_clear(&want);
	morgue_buf_printf(&want, "%s: not inside the repository's work tree", p.ptr);
	open_fails(p.ptr, NULL, 0, MORGUE_EREPO, want.ptr);

	/* a repository without commits: an error at a commit, fine to preview */
	morgue_buf_clear(&p);
	morgue_buf_printf(&p, "%s/empty", tmp);
	git_repository *repo = NULL;
	git_libgit2_init();
	CHECK_INT(git_repository_init(&repo, p.ptr, 0), 0);
	git_repository_free(repo);
	git_libgit2_shutdown();
	morgue_buf_clear(&want);
	morgue_buf_printf(&want, "%s: the repository has no commits yet", p.ptr);
	open_fails(p.ptr, NULL, 0, MORGUE_EREPO, want.ptr);
	morgue_repo *r = open_ok(p.ptr, NULL, 1);
	if (r) {
		CHECK_INT(morgue_repo_commit_time(r), 0);
		CHECK(morgue_repo_commit(r) == NULL);
		morgue_repo_free(r);
	}
	morgue_buf_free(&p);
	morgue_buf_free(&want);
}

static void bare_repositories(void)
{
	morgue_buf root = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT, want = MORGUE_BUF_INIT;

	if (!fixture_ok)
		SKIP("fixture could not be built");
	morgue_buf_printf(&root, "%s:content", bare.ptr);
	morgue_repo *r = open_ok(root.ptr, NULL, 0);
	if (r) {
		CHECK_STR(morgue_repo_prefix(r), "content");
		CHECK_INT(morgue_repo_commit_time(r), T1);
		listing(&b, r, "", NULL);
		CHECK_STR(b.ptr, "articles/a.md\n");
		CHECK_STR(read_str(r, "articles/a.md", &b), "bare article\n");
		morgue_repo_free(r);
	}
	/* REPO: and a plain path: the whole tree */
	morgue_buf_clear(&root);
	morgue_buf_printf(&root, "%s:", bare.ptr);
	const char *whole[] = { root.ptr, bare.ptr };
	for (int i = 0; i < 2; i++) {
		r = open_ok(whole[i], NULL, 0);
		if (!r)
			continue;
		CHECK_STR(morgue_repo_prefix(r), "");
		listing(&b, r, "", ".md");
		CHECK_STR(b.ptr, "content/articles/a.md\ntop.md\n");
		morgue_repo_free(r);
	}
	/* REPO:PATH with slashes around PATH */
	morgue_buf_clear(&root);
	morgue_buf_printf(&root, "%s:/content/articles/", bare.ptr);
	r = open_ok(root.ptr, NULL, 0);
	if (r) {
		CHECK_STR(morgue_repo_prefix(r), "content/articles");
		CHECK_STR(read_str(r, "a.md", &b), "bare article\n");
		morgue_repo_free(r);
	}

	morgue_buf_clear(&root);
	morgue_buf_printf(&root, "%s:nope", bare.ptr);
	morgue_buf_printf(&want, "%s: not in commit", root.ptr);
	morgue_error_clear();
	CHECK_INT(morgue_repo_open(&r, root.ptr, NULL, 0), MORGUE_EREPO);
	CHECK_CONTAINS(last_error(), want.ptr);

	morgue_buf_clear(&root);
	morgue_buf_printf(&root, "%s:../x", bare.ptr);
	morgue_buf_clear(&want);
	morgue_buf_printf(&want, "%s: '../x' is not a path inside the repository", root.ptr);
	open_fails(root.ptr, NULL, 0, MORGUE_EREPO, want.ptr);

	morgue_buf_clear(&root);
	morgue_buf_printf(&root, "%s:content", bare.ptr);
	morgue_buf_clear(&want);
	morgue_buf_printf(&want, "%s: a bare repository has no work tree to preview", root.ptr);
	open_fails(root.ptr, NULL, 1, MORGUE_EREPO, want.ptr);

	morgue_buf_clear(&root);
	morgue_buf_printf(&root, "%s/nothing:content", tmp);
	morgue_buf_clear(&want);
	morgue_buf_printf(&want, "%s/nothing: not a git repository", tmp);
	open_fails(root.ptr, NULL, 0, MORGUE_EREPO, want.ptr);

	/* REPO:PATH also works for a repository with a work tree */
	morgue_buf_clear(&root);
	morgue_buf_printf(&root, "%s:content", work.ptr);
	r = open_ok(root.ptr, "v1", 0);
	if (r) {
		CHECK_STR(read_str(r, "articles/2017/a.md", &b), "version one\n");
		morgue_repo_free(r);
	}
	morgue_buf_free(&root);
	morgue_buf_free(&b);
	morgue_buf_free(&want);
}

static void worktree_mode_reads_the_file_system(void)
{
	morgue_buf b = MORGUE_BUF_INIT;
	char hex[41], committed[41];

	if (!fixture_ok)
		SKIP("fixture could not be built");
	morgue_repo *head = open_ok(content.ptr, NULL, 0);
	morgue_repo *r = open_ok(content.ptr, NULL, 1);
	if (!r || !head) {
		morgue_repo_free(head);
		morgue_repo_free(r);
		return;
	}
	CHECK_STR(morgue_repo_label(r), "worktree");
	CHECK(morgue_repo_commit(r) == NULL);
	CHECK_INT(morgue_repo_commit_time(r), T2);
	CHECK_STR(morgue_repo_prefix(r), "content");

	listing(&b, r, "", NULL);
	CHECK_STR(b.ptr, "articles/2017/a.md\narticles/2017/b.md\narticles/2017/draft.md\n"
			 "articles/link.md@\ndrafts/d.md\nentities/acme.md\nlater/x.md\n"
			 "linkdir@\nmorgue.yaml\nvendor@\n");
	listing(&b, r, "articles", ".md");
	CHECK_STR(b.ptr, "articles/2017/a.md\narticles/2017/b.md\narticles/2017/draft.md\n"
			 "articles/link.md@\n");
	/* never through a symlinked directory */
	listing(&b, r, "linkdir", NULL);
	CHECK_STR(morgue_buf_cstr(&b), "");
	listing(&b, r, "missing", NULL);
	CHECK_STR(morgue_buf_cstr(&b), "");

	/* same ids as git for unchanged files and links */
	CHECK_STR(oid_of(r, "articles/2017/a.md", hex), oid_of(head, "articles/2017/a.md", committed));
	CHECK_STR(oid_of(r, "articles/link.md", hex), oid_of(head, "articles/link.md", committed));
	hex_of(committed, "draft\n");
	CHECK_STR(oid_of(r, "articles/2017/draft.md", hex), committed);

	CHECK_STR(read_str(r, "articles/2017/draft.md", &b), "draft\n");
	CHECK_STR(read_str(r, "drafts/d.md", &b), "d\n");
	CHECK(read_str(r, "articles/link.md", &b) == NULL);
	CHECK_STR(last_error(), "content/articles/link.md: is (or is below) a symbolic link (links are not followed)");
	CHECK(read_str(r, "linkdir/2017/a.md", &b) == NULL);
	CHECK_INT(morgue_error_last()->code, MORGUE_EINPUT);
	CHECK(read_str(r, "nope.md", &b) == NULL);
	CHECK_INT(morgue_error_last()->code, MORGUE_ENOTFOUND);
	CHECK_STR(last_error(), "content/nope.md: not found in the work tree");
	CHECK(read_str(r, "articles", &b) == NULL);
	CHECK_STR(last_error(), "content/articles: is a directory, not a file");
	CHECK(read_str(r, "../README.md", &b) == NULL);
	CHECK_INT(morgue_error_last()->code, MORGUE_EUSAGE);
	morgue_repo_free(head);
	morgue_repo_free(r);
	morgue_buf_free(&b);
}

typedef struct reader {
	morgue_repo *r;
	int failures;
} reader;

static void *read_many(void *arg)
{
	reader *rd = arg;
	morgue_buf b = MORGUE_BUF_INIT;

	for (int i = 0; i < 200; i++) {
		morgue_buf_clear(&b);
		if (morgue_repo_read(&b, rd->r, i % 2 ? "articles/2017/a.md" : "morgue.yaml") < 0 ||
		    strcmp(b.ptr, i % 2 ? "version two\n" : "title: Test\n"))
			rd->failures++;
	}
	morgue_buf_free(&b);
	return NULL;
}

static void concurrent_reads_share_one_repo(void)
{
	pthread_t th[4];
	reader rd[4];

	if (!fixture_ok)
		SKIP("fixture could not be built");
	morgue_repo *r = open_ok(content.ptr, NULL, 0);
	if (!r)
		return;
	for (int i = 0; i < 4; i++) {
		rd[i].r = r;
		rd[i].failures = 0;
		CHECK_INT(pthread_create(&th[i], NULL, read_many, &rd[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK_INT(rd[i].failures, 0);
	}
	morgue_repo_free(r);
}

int main(void)
{
	fixture_ok = setup();
	RUN(head_of_a_subdirectory_root);
	RUN(older_revisions_and_tags);
	RUN(open_errors);
	RUN(bare_repositories);
	RUN(worktree_mode_reads_the_file_system);
	RUN(concurrent_reads_share_one_repo);
	if (*tmp)
		morgue_fs_rmtree(tmp);
	morgue_buf_free(&work);
	morgue_buf_free(&content);
	morgue_buf_free(&bare);
	morgue_buf_free(&errbuf);
	morgue_error_clear();
	TEST_EXIT();
}
