/*
 * ftsindex.c - archive.sqlite's full-text index, filled by a thread from
 * a queue of articles.
 */
#include "ftsindex.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

/* Text waiting in the queue at most: the thread keeps up with a clean
 * build's loading, and an edit's cached articles come faster than it
 * indexes them; this bounds the memory they hold meanwhile. */
#define QUEUE_BYTES (8u << 20)
/* The thread is woken once per this many queued rows, not per row: a
 * wake-up per article (10k a clean build) preempted the main thread as
 * often, and the thread went back to sleep after each one. */
#define QUEUE_BATCH 32

typedef struct item {
	long long id;
	int kept;  /* the row is read from the previous catalog */
	char *title;
	char *text;
	size_t len;
	struct item *next;
} item;

struct morgue_ftsindex {
	char *path;
	sqlite3 *db;
	sqlite3_stmt *insert;
	sqlite3_stmt *keep;  /* records a row's tokens (table tokens) */
	fts5_api *api;       /* db's FTS5, for the recording tokenizer */
	sqlite3 *prev;       /* the previous catalog, or NULL */
	sqlite3_stmt *row;   /* an article's title and text in it */
	sqlite3_stmt *toks;  /* its recorded tokens, or NULL (none kept) */
	/* the tokenizer's side (used by the thread only):
	 * while replaying, the columns' tokens come from rec; else they
	 * are appended to rec as the real tokenizer makes them */
	morgue_buf rec;
	const unsigned char *replay, *replay_end;
	pthread_t thread;
	int running;         /* the thread was started and not joined */
	pthread_mutex_t lock;
	pthread_cond_t more; /* a batch was queued, or the end */
	pthread_cond_t room; /* the queue shrank, or the thread stopped */
	item *head, *tail;
	size_t queued;       /* bytes of text in the queue */
	size_t nqueued;      /* rows in the queue */
	int ended;           /* no more items come */
	int abandon;         /* stop without committing */
	int stopped;         /* the thread is done (failed or finished) */
	long long count, last;
	long long ahead;     /* ids up to this were queued as kept ahead */
	int rc;              /* the thread's result */
	morgue_buf error;    /* its message */
};

/* ---- the recording tokenizer ----
 *
 * The index's rows depend on the tokens alone (not their offsets). The
 * scratch table's tokenizer wraps the real one (named by its first
 * argument, the rest passed on): it records each column's tokens as the
 * real one makes them, and an unchanged article's row is indexed again
 * from its recorded tokens, without the stemmer. FTS5 tokenizes the
 * columns of a row in order, skipping NULL ones, so a record is a byte
 * saying which columns are not NULL (bit 0 title, bit 1 text), then
 * their token lists one after the other, each token as the varint of
 * (length << 1 | colocated) + 1 and its bytes, each list ended by 0. */

typedef struct recorded {
	fts5_tokenizer real;
	Fts5Tokenizer *inner;
	morgue_ftsindex *f;
} recorded;

static void put_varint(morgue_buf *b, unsigned long long v)
{
	unsigned char d[10];
	size_t n = 0;
	do {
		d[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	morgue_buf_put(b, (const char *)d, n);
}

/* The varint at *p (before end), advancing *p; -1 if cut short. */
static int get_varint(const unsigned char **p, const unsigned char *end,
		      unsigned long long *out)
{
	unsigned long long v = 0;
	for (int shift = 0; *p < end && shift < 64; shift += 7) {
		unsigned char c = *(*p)++;
		v |= (unsigned long long)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return -1;
}

typedef struct rec_ctx {
	void *ctx;
	int (*token)(void *, int, const char *, int, int, int);
	morgue_buf *rec;
} rec_ctx;

static int rec_token(void *arg, int flags, const char *tok, int n, int start, int end)
{
	rec_ctx *r = arg;
	put_varint(r->rec, ((unsigned long long)n << 1 | (flags & FTS5_TOKEN_COLOCATED ? 1 : 0)) + 1);
	morgue_buf_put(r->rec, tok, (size_t)n);
	return r->token(r->ctx, flags, tok, n, start, end);
}

static int rec_create(void *ud, const char **args, int nargs, Fts5Tokenizer **out)
{
	morgue_ftsindex *f = ud;
	fts5_api *api = f->api;
	void *real_ud = NULL;
	recorded *r;
	int rc;

	*out = NULL;
	if (nargs < 1)
		return SQLITE_ERROR;
	r = morgue_calloc(1, sizeof(*r));
	r->f = f;
	if ((rc = api->xFindTokenizer(api, args[0], &real_ud, &r->real)) != SQLITE_OK ||
	    (rc = r->real.xCreate(real_ud, args + 1, nargs - 1, &r->inner)) != SQLITE_OK) {
		free(r);
		return SQLITE_ERROR;
	}
	*out = (Fts5Tokenizer *)r;
	return SQLITE_OK;
}

static void rec_delete(Fts5Tokenizer *t)
{
	recorded *r = (recorded *)t;
	if (r) {
		r->real.xDelete(r->inner);
		free(r);
	}
}

static int rec_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int n,
			int (*token)(void *, int, const char *, int, int, int))
{
	recorded *r = (recorded *)t;
	morgue_ftsindex *f = r->f;
	if (f->replay) {
		/* one column's list, from the record */
		const unsigned char *p = f->replay, *end = f->replay_end;
		unsigned long long v;
		int rc = SQLITE_OK;
		for (;;) {
			if (get_varint(&p, end, &v) < 0)
				return SQLITE_ERROR;
			if (v == 0)
				break;
			v--;
			if ((v >> 1) > (unsigned long long)(end - p))
				return SQLITE_ERROR;
			int len = (int)(v >> 1);
			if ((rc = token(ctx, v & 1 ? FTS5_TOKEN_COLOCATED : 0, (const char *)p, len,
					0, 0)) != SQLITE_OK)
				return rc;
			p += len;
		}
		f->replay = p;
		return SQLITE_OK;
	}
	rec_ctx rc = { ctx, token, &f->rec };
	int res = r->real.xTokenize(r->inner, &rc, flags, text, n, rec_token);
	put_varint(&f->rec, 0);
	return res;
}

static void item_free(item *it)
{
	free(it->title);
	free(it->text);
	free(it);
}

/* Record the connection's error as the thread's (first one kept). */
static int db_fail(morgue_ftsindex *f, const char *what)
{
	if (!f->rc) {
		morgue_buf_printf(&f->error, "%s: %s: %s", f->path, what, sqlite3_errmsg(f->db));
		f->rc = MORGUE_ERROR;
	}
	return f->rc;
}

static void *run(void *arg)
{
	morgue_ftsindex *f = arg;
	item *it;

	for (;;) {
		pthread_mutex_lock(&f->lock);
		while (!f->head && !f->ended && !f->abandon)
			pthread_cond_wait(&f->more, &f->lock);
		if (f->abandon || !f->head) {
			pthread_mutex_unlock(&f->lock);
			break;
		}
		it = f->head;
		f->head = it->next;
		if (!f->head)
			f->tail = NULL;
		f->queued -= it->len;
		f->nqueued--;
		pthread_cond_signal(&f->room);
		pthread_mutex_unlock(&f->lock);

		int sr = SQLITE_DONE, replayed = 0, cols = 0;
		sqlite3_bind_int64(f->insert, 1, it->id);
		morgue_buf_clear(&f->rec);
		f->replay = NULL;
		if (it->kept && f->toks) {
			/* its tokens as recorded (valid until the reset below):
			 * FTS5 tokenizes a column unless it is NULL, so the
			 * values bound are NULL or empty as they were */
			sqlite3_bind_int64(f->toks, 1, it->id);
			if (sqlite3_step(f->toks) == SQLITE_ROW &&
			    sqlite3_column_bytes(f->toks, 0) > 0) {
				f->replay = sqlite3_column_blob(f->toks, 0);
				f->replay_end = f->replay + sqlite3_column_bytes(f->toks, 0);
				for (int c = 0; c < 2; c++)
					if (f->replay[0] & (1 << c))
						sqlite3_bind_text(f->insert, 2 + c, "", 0, SQLITE_STATIC);
				f->replay++;
				replayed = 1;
			}
		}
		if (replayed)
			;
		else if (it->kept) {
			/* the values as the previous catalog holds them (valid
			 * until the reset below) */
			sqlite3_bind_int64(f->row, 1, it->id);
			if (sqlite3_step(f->row) != SQLITE_ROW)
				sr = SQLITE_NOTFOUND;
			else {
				sqlite3_bind_value(f->insert, 2, sqlite3_column_value(f->row, 0));
				sqlite3_bind_value(f->insert, 3, sqlite3_column_value(f->row, 1));
				cols = (sqlite3_column_type(f->row, 0) != SQLITE_NULL) |
				       (sqlite3_column_type(f->row, 1) != SQLITE_NULL) << 1;
			}
		} else {
			if (it->title)
				sqlite3_bind_text(f->insert, 2, it->title, -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(f->insert, 2);
			sqlite3_bind_text(f->insert, 3, it->len ? it->text : "", (int)it->len,
					  SQLITE_STATIC);
			cols = (it->title != NULL) | 2;
		}
		if (!replayed) /* the record starts with the columns it holds */
			morgue_buf_putc(&f->rec, (char)cols);
		if (sr == SQLITE_DONE)
			sr = sqlite3_step(f->insert);
		if (sr == SQLITE_DONE && replayed && f->replay != f->replay_end)
			sr = SQLITE_CORRUPT; /* a record of other columns */
		else if (sr == SQLITE_DONE && !replayed) {
			/* what the tokenizer made, for the next build */
			sqlite3_bind_int64(f->keep, 1, it->id);
			sqlite3_bind_blob(f->keep, 2, f->rec.size ? f->rec.ptr : "", (int)f->rec.size,
					  SQLITE_STATIC);
			sr = sqlite3_step(f->keep);
			sqlite3_reset(f->keep);
		}
		f->replay = NULL;
		sqlite3_reset(f->insert);
		sqlite3_clear_bindings(f->insert);
		if (replayed)
			sqlite3_reset(f->toks);
		else if (it->kept)
			sqlite3_reset(f->row);
		long long id = it->id;
		item_free(it);
		if (sr != SQLITE_DONE) {
			pthread_mutex_lock(&f->lock);
			if (sr == SQLITE_NOTFOUND && !f->rc) {
				morgue_buf_printf(&f->error, "%s: article %lld is not in the previous catalog",
						  f->path, id);
				f->rc = MORGUE_ENOTFOUND;
			} else
				db_fail(f, "index");
			pthread_mutex_unlock(&f->lock);
			break;
		}
	}
	pthread_mutex_lock(&f->lock);
	if (!f->rc && !f->abandon &&
	    sqlite3_exec(f->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		db_fail(f, "commit");
	f->stopped = 1;
	pthread_cond_broadcast(&f->room);
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

/* The recording tokenizer on the scratch connection. */
static int add_tokenizer(morgue_ftsindex *f)
{
	sqlite3_stmt *st = NULL;
	static fts5_tokenizer tok = { rec_create, rec_delete, rec_tokenize };
	if (sqlite3_prepare_v2(f->db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_pointer(st, 1, &f->api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!f->api ||
	    f->api->xCreateTokenizer(f->api, "morgue_recorded", f, &tok, NULL) != SQLITE_OK)
		return -1;
	return 0;
}

int morgue_ftsindex_start(morgue_ftsindex **out, const char *path, const char *prev)
{
	morgue_ftsindex *f = morgue_calloc(1, sizeof(*f));
	int rc = 0;

	*out = NULL;
	f->path = morgue_strdup(path);
	f->error = (morgue_buf)MORGUE_BUF_INIT;
	f->rec = (morgue_buf)MORGUE_BUF_INIT;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->more, NULL);
	pthread_cond_init(&f->room, NULL);
	if (remove(path) < 0 && errno != ENOENT) {
		rc = morgue_error_set(MORGUE_EIO, path, 0, "cannot remove: %s", strerror(errno));
		goto done;
	}
	/* a scratch file: no journal, no syncs (a failed build removes it) */
	if (sqlite3_open_v2(path, &f->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
		    SQLITE_OK ||
	    add_tokenizer(f) < 0 ||
	    sqlite3_exec(f->db,
			 "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;"
			 "CREATE VIRTUAL TABLE articles_fts USING fts5(" MORGUE_FTSINDEX_COLUMNS
			 ", content='', tokenize='morgue_recorded " MORGUE_FTSINDEX_TOKENIZER "');"
			 "CREATE TABLE tokens(id INTEGER PRIMARY KEY, tokens BLOB NOT NULL);",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(f->db, "INSERT INTO articles_fts(rowid, title, text) VALUES(?,?,?)",
			       -1, &f->insert, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(f->db, "INSERT INTO tokens VALUES(?,?)", -1, &f->keep, NULL) !=
		    SQLITE_OK) {
		rc = morgue_error_set(MORGUE_EIO, path, 0, "full-text index: %s",
				      f->db ? sqlite3_errmsg(f->db) : "cannot open");
		goto done;
	}
	if (prev && (sqlite3_open_v2(prev, &f->prev, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
		     sqlite3_prepare_v2(f->prev, "SELECT a.title, b.text FROM articles a"
					" JOIN bodies b ON b.id = a.id WHERE a.id=?",
					-1, &f->row, NULL) != SQLITE_OK)) {
		rc = morgue_error_set(MORGUE_EIO, prev, 0, "full-text index: %s",
				      f->prev ? sqlite3_errmsg(f->prev) : "cannot open");
		goto done;
	}
	/* a catalog without recorded tokens: the values are read */
	if (prev && sqlite3_prepare_v2(f->prev, "SELECT tokens FROM " MORGUE_FTSINDEX_KEPT
				       " WHERE article_id=?", -1, &f->toks, NULL) != SQLITE_OK)
		f->toks = NULL;
	if (pthread_create(&f->thread, NULL, run, f) != 0) {
		rc = morgue_error_set(MORGUE_ERROR, path, 0, "full-text index: no thread");
		goto done;
	}
	f->running = 1;
done:
	if (rc < 0)
		morgue_ftsindex_free(f);
	else
		*out = f;
	return rc;
}

/* Queue the row id (kept: read from the previous catalog). */
static int add(morgue_ftsindex *f, long long id, int kept, const char *title, char *text,
	       size_t len)
{
	int rc = 0;

	pthread_mutex_lock(&f->lock);
	if (kept && !f->prev)
		rc = MORGUE_EUSAGE;
	else if (kept && id <= f->ahead) {
		pthread_mutex_unlock(&f->lock); /* queued already */
		return 0;
	} else if (id <= f->ahead)
		rc = MORGUE_EUSAGE;
	else if (f->rc || f->stopped || f->ended)
		rc = MORGUE_ERROR;
	else if (f->count && id <= f->last)
		rc = MORGUE_EUSAGE; /* FTS5 would take it, in another order than the export's */
	if (rc < 0) {
		f->rc = f->rc ? f->rc : rc;
		pthread_mutex_unlock(&f->lock);
		free(text);
		return morgue_error_set(rc, f->path, 0, "full-text index: row %lld not taken", id);
	}
	while (f->queued > QUEUE_BYTES && !f->stopped) {
		pthread_cond_signal(&f->more); /* a full queue is a batch */
		pthread_cond_wait(&f->room, &f->lock);
	}
	item *it = morgue_calloc(1, sizeof(*it));
	it->id = id;
	it->kept = kept;
	it->title = title ? morgue_strdup(title) : NULL;
	it->text = text;
	it->len = len;
	if (f->tail)
		f->tail->next = it;
	else
		f->head = it;
	f->tail = it;
	f->queued += len;
	f->count++;
	f->last = id;
	if (++f->nqueued >= QUEUE_BATCH || f->queued > QUEUE_BYTES / 2)
		pthread_cond_signal(&f->more);
	pthread_mutex_unlock(&f->lock);
	return 0;
}

int morgue_ftsindex_add(morgue_ftsindex *f, long long id, const char *title, char *text,
			size_t len)
{
	return add(f, id, 0, title, text, len);
}

int morgue_ftsindex_add_kept(morgue_ftsindex *f, long long id)
{
	return add(f, id, 1, NULL, NULL, 0);
}

int morgue_ftsindex_add_kept_through(morgue_ftsindex *f, long long last)
{
	int rc;
	for (long long id = f->count ? f->last + 1 : 1; id <= last; id++)
		if ((rc = add(f, id, 1, NULL, NULL, 0)) < 0)
			return rc;
	pthread_mutex_lock(&f->lock);
	if (last > f->ahead)
		f->ahead = last;
	pthread_mutex_unlock(&f->lock);
	return 0;
}

/* Both connections closed (the thread is not running). */
static void close_files(morgue_ftsindex *f)
{
	sqlite3_finalize(f->insert);
	sqlite3_finalize(f->keep);
	sqlite3_close(f->db);
	sqlite3_finalize(f->row);
	sqlite3_finalize(f->toks);
	sqlite3_close(f->prev);
	f->insert = f->row = f->keep = f->toks = NULL;
	f->db = f->prev = NULL;
}

int morgue_ftsindex_finish(morgue_ftsindex *f, long long *count, long long *last)
{
	*count = *last = 0;
	pthread_mutex_lock(&f->lock);
	f->ended = 1;
	pthread_cond_signal(&f->more);
	pthread_mutex_unlock(&f->lock);
	if (f->running) {
		pthread_join(f->thread, NULL);
		f->running = 0;
	}
	close_files(f);
	if (f->rc < 0)
		return morgue_error_set(f->rc, NULL, 0, "%s",
					f->error.size ? f->error.ptr : "full-text index: rows lost");
	*count = f->count;
	*last = f->last;
	return 0;
}

const char *morgue_ftsindex_path(const morgue_ftsindex *f)
{
	return f->path;
}

void morgue_ftsindex_free(morgue_ftsindex *f)
{
	item *it, *next;

	if (!f)
		return;
	if (f->running) {
		pthread_mutex_lock(&f->lock);
		f->abandon = 1;
		pthread_cond_signal(&f->more);
		pthread_mutex_unlock(&f->lock);
		pthread_join(f->thread, NULL);
	}
	for (it = f->head; it; it = next) {
		next = it->next;
		item_free(it);
	}
	close_files(f);
	remove(f->path);
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->more);
	pthread_cond_destroy(&f->room);
	morgue_buf_free(&f->error);
	morgue_buf_free(&f->rec);
	free(f->path);
	free(f);
}
