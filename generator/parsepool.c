#include "parsepool.h"
#include "util/alloc.h"
#include "util/error.h"

#include <pthread.h>
#include <stdlib.h>

struct morgue_parsepool {
	const size_t *items;
	size_t n;
	size_t slots;
	void **results;      /* by k % slots */
	unsigned char *ready; /* results[k % slots] holds item k's result */
	size_t claimed;      /* items handed to a worker */
	size_t taken;        /* results handed to the consumer */
	int stop;
	morgue_parsepool_fn fn;
	morgue_parsepool_free_fn free_fn;
	void *payload;
	pthread_mutex_t lock;
	pthread_cond_t room;  /* a slot came free, or stop */
	pthread_cond_t done;  /* a result is ready */
	pthread_t *threads;
	size_t nthreads;
};

/* A worker: claim the next item while it fits within `slots` of the
 * consumer, run fn outside the lock, file the result in the item's slot.
 * The slot of item k is free once item k - slots was taken. */
static void *pool_worker(void *arg)
{
	morgue_parsepool *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && p->claimed < p->n && p->claimed >= p->taken + p->slots)
			pthread_cond_wait(&p->room, &p->lock);
		if (p->stop || p->claimed >= p->n)
			break;
		size_t k = p->claimed++;
		pthread_mutex_unlock(&p->lock);
		void *r = p->fn(p->items[k], p->payload);
		pthread_mutex_lock(&p->lock);
		p->results[k % p->slots] = r;
		p->ready[k % p->slots] = 1;
		pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int morgue_parsepool_start(morgue_parsepool **out, const size_t *items, size_t n,
			   size_t nworkers, size_t slots, morgue_parsepool_fn fn,
			   morgue_parsepool_free_fn free_fn, void *payload)
{
	morgue_parsepool *p = morgue_calloc(1, sizeof(*p));

	p->items = items;
	p->n = n;
	p->slots = slots ? slots : 1;
	p->fn = fn;
	p->free_fn = free_fn;
	p->payload = payload;
	p->results = morgue_calloc(p->slots, sizeof(*p->results));
	p->ready = morgue_calloc(p->slots, sizeof(*p->ready));
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->room, NULL);
	pthread_cond_init(&p->done, NULL);
	if (nworkers > n)
		nworkers = n;
	p->threads = morgue_calloc(nworkers + 1, sizeof(*p->threads));
	/* a thread that cannot start leaves its share to the others, or
	 * with none to the consumer */
	for (size_t i = 0; i < nworkers; i++)
		if (pthread_create(&p->threads[p->nthreads], NULL, pool_worker, p) == 0)
			p->nthreads++;
	*out = p;
	return 0;
}

int morgue_parsepool_next(morgue_parsepool *p, size_t *item, void **result)
{
	size_t k = p->taken;

	if (k >= p->n)
		return MORGUE_ENOTFOUND;
	*item = p->items[k];
	if (!p->nthreads) {
		p->taken++;
		*result = p->fn(p->items[k], p->payload);
		return 0;
	}
	pthread_mutex_lock(&p->lock);
	while (!p->ready[k % p->slots])
		pthread_cond_wait(&p->done, &p->lock);
	*result = p->results[k % p->slots];
	p->results[k % p->slots] = NULL;
	p->ready[k % p->slots] = 0;
	p->taken++;
	pthread_cond_broadcast(&p->room);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

size_t morgue_parsepool_workers(const morgue_parsepool *p)
{
	return p->nthreads;
}

void morgue_parsepool_free(morgue_parsepool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_broadcast(&p->room);
	pthread_mutex_unlock(&p->lock);
	for (size_t i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	for (size_t i = 0; i < p->slots; i++)
		if (p->ready[i] && p->free_fn)
			p->free_fn(p->results[i]);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->room);
	pthread_mutex_destroy(&p->lock);
	free(p->threads);
	free(p->results);
	free(p->ready);
	free(p);
}
