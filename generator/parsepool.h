/*
 * parsepool.h - work done ahead of its consumer on other threads, handed
 * back strictly in order.
 *
 * A build parses articles (blob read, front matter, Markdown) on a worker
 * thread while the main thread adds the previous ones to the catalog.
 * morgue_parsepool_start runs fn(items[k]) for k = 0..n-1 on nworkers
 * threads, at most `slots` results ahead of the consumer; the consumer
 * takes the results with morgue_parsepool_next, in items order, whatever
 * order the workers finish in. With nworkers 0 (or when no thread can be
 * started) next runs fn itself: the same results, serially.
 *
 * Threads: fn runs on a worker and must only read what the consumer does
 * not change meanwhile (or take locks); a result belongs to the consumer
 * once next returned it. The error state is per thread: fn reports its
 * failures in its result, not by morgue_error_last. One consumer thread.
 */
#ifndef MORGUE_PARSEPOOL_H
#define MORGUE_PARSEPOOL_H

#include <stddef.h>

typedef struct morgue_parsepool morgue_parsepool;

/* The work for one item; the result may be NULL. */
typedef void *(*morgue_parsepool_fn)(size_t item, void *payload);
/* Frees a result the consumer never took (morgue_parsepool_free). */
typedef void (*morgue_parsepool_free_fn)(void *result);

/* Start the workers over items[0..n-1] (the array must outlive the
 * pool). slots >= 1 bounds the results held ahead of the consumer. */
int morgue_parsepool_start(morgue_parsepool **out, const size_t *items, size_t n,
			   size_t nworkers, size_t slots, morgue_parsepool_fn fn,
			   morgue_parsepool_free_fn free_fn, void *payload);

/* The next result in items order, waiting for it: *item = its item,
 * *result = what fn returned. MORGUE_ENOTFOUND (no message) after the
 * last one. */
int morgue_parsepool_next(morgue_parsepool *p, size_t *item, void **result);

/* Number of worker threads running (0: next works serially). */
size_t morgue_parsepool_workers(const morgue_parsepool *p);

/* Stop the workers (an item in progress is finished), wait for them and
 * free the results not taken. NULL is a no-op. */
void morgue_parsepool_free(morgue_parsepool *p);

#endif
