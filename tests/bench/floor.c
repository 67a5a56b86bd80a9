/* floor.c - the machine's limit for a morgue build, for the benchmark.
 *
 * usage: floor REPO REV OUTDIR NFILES NBYTES
 *
 * Reads every blob of REV's tree from REPO with libgit2 (what any build must
 * do at least), then writes NFILES files totalling NBYTES bytes under OUTDIR
 * (which must not exist), 512 files to a directory, their content copied
 * from the blobs so the page cache cannot cheat on zeros. NFILES and NBYTES
 * are taken from morgue's site (or Hugo's when morgue is missing), so the
 * time is a floor for "read the corpus, write a site of that size": no
 * parsing, no rendering, no index. Single-threaded. Prints one line:
 * "floor: BLOBS blobs, IN bytes read; NFILES files, NBYTES bytes written".
 *
 * Build: cc -O2 -o floor floor.c $(pkg-config --cflags --libs libgit2)
 */
#include <git2.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct walk_state {
	git_repository *repo;
	unsigned char *data; /* a copy of the first MB of blob data, for output */
	size_t ndata;
	size_t blobs, bytes;
	unsigned long sum;
} walk_state;

static void die(const char *what)
{
	const git_error *e = git_error_last();
	fprintf(stderr, "floor: %s: %s\n", what, e && e->message ? e->message : strerror(errno));
	exit(1);
}

/* Tree-walk callback: load each blob and touch every byte. */
static int on_entry(const char *root, const git_tree_entry *entry, void *payload)
{
	walk_state *w = payload;
	git_blob *blob;
	const unsigned char *p;
	size_t n;

	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
		return 0;
	if (git_blob_lookup(&blob, w->repo, git_tree_entry_id(entry)) < 0)
		die("blob");
	p = git_blob_rawcontent(blob);
	n = (size_t)git_blob_rawsize(blob);
	for (size_t i = 0; i < n; i++)
		w->sum += p[i];
	if (w->ndata < (1u << 20)) {
		size_t k = n < (1u << 20) - w->ndata ? n : (1u << 20) - w->ndata;
		memcpy(w->data + w->ndata, p, k);
		w->ndata += k;
	}
	w->blobs++;
	w->bytes += n;
	git_blob_free(blob);
	(void)root;
	return 0;
}

int main(int argc, char **argv)
{
	walk_state w = { 0 };
	git_object *obj;
	git_commit *commit;
	git_tree *tree;
	char path[4096];
	unsigned long long nfiles, nbytes, written = 0;
	size_t off = 0;

	if (argc != 6) {
		fprintf(stderr, "usage: floor REPO REV OUTDIR NFILES NBYTES\n");
		return 2;
	}
	nfiles = strtoull(argv[4], NULL, 10);
	nbytes = strtoull(argv[5], NULL, 10);
	git_libgit2_init();
	if (git_repository_open(&w.repo, argv[1]) < 0)
		die(argv[1]);
	if (git_revparse_single(&obj, w.repo, argv[2]) < 0)
		die(argv[2]);
	if (git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0)
		die("commit");
	if (git_commit_tree(&tree, commit) < 0)
		die("tree");
	w.data = malloc(1u << 20);
	if (!w.data)
		die("malloc");
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, on_entry, &w) < 0)
		die("walk");
	if (!w.ndata) {
		memset(w.data, 'x', 1u << 20);
		w.ndata = 1u << 20;
	}

	if (mkdir(argv[3], 0777) < 0)
		die(argv[3]);
	for (unsigned long long i = 0; i < nfiles; i++) {
		/* spread the bytes evenly; the first files take the remainder */
		unsigned long long len = nbytes / nfiles + (i < nbytes % nfiles);
		FILE *f;
		if (i % 512 == 0) {
			snprintf(path, sizeof path, "%s/d%llu", argv[3], i / 512);
			if (mkdir(path, 0777) < 0)
				die(path);
		}
		snprintf(path, sizeof path, "%s/d%llu/f%llu.html", argv[3], i / 512, i);
		f = fopen(path, "wb");
		if (!f)
			die(path);
		while (len) {
			size_t k = w.ndata - off < len ? w.ndata - off : (size_t)len;
			if (fwrite(w.data + off, 1, k, f) != k)
				die(path);
			off = (off + k) % w.ndata;
			len -= k;
			written += k;
		}
		if (fclose(f) != 0)
			die(path);
	}
	printf("floor: %zu blobs, %zu bytes read (sum %lu); %llu files, %llu bytes written\n",
	       w.blobs, w.bytes, w.sum, nfiles, written);
	free(w.data);
	git_tree_free(tree);
	git_commit_free(commit);
	git_object_free(obj);
	git_repository_free(w.repo);
	git_libgit2_shutdown();
	return 0;
}
