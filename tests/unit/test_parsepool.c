/* Unit tests for generator/parsepool: results in item order, bounded,
 * serial without workers, and stopped early without leaks. */
#include "test.h"
#include "parsepool.h"
#include "util/alloc.h"
#include "util/error.h"

#include <pthread.h>
#include <sched.h>

typedef struct state {
	pthread_mutex_t lock;
	size_t running;  /* fn calls in progress */
	size_t started;  /* fn calls begun */
	size_t freed;
	size_t max_ahead; /* started - taken, at most */
	size_t taken;
} state;

static state st;

static void *square(size_t item, void *payload)
{
	state *s = payload;
	pthread_mutex_lock(&s->lock);
	s->started++;
	if (s->started - s->taken > s->max_ahead)
		s->max_ahead = s->started - s->taken;
	pthread_mutex_unlock(&s->lock);
	/* uneven work, so workers finish out of order */
	if (item % 3 == 0)
		for (int i = 0; i < 20; i++)
			sched_yield();
	size_t *r = morgue_calloc(1, sizeof(*r));
	*r = item * item;
	return r;
}

static void free_result(void *r)
{
	pthread_mutex_lock(&st.lock);
	st.freed++;
	pthread_mutex_unlock(&st.lock);
	free(r);
}

static void reset(void)
{
	pthread_mutex_destroy(&st.lock);
	memset(&st, 0, sizeof(st));
	pthread_mutex_init(&st.lock, NULL);
}

static void run_pool(size_t nworkers, size_t slots)
{
	enum { N = 500 };
	size_t items[N], item = 0;
	morgue_parsepool *p = NULL;
	void *r;

	reset();
	for (size_t i = 0; i < N; i++)
		items[i] = 2 * i + 1;
	CHECK_INT(morgue_parsepool_start(&p, items, N, nworkers, slots, square, free_result, &st), 0);
	CHECK_INT(morgue_parsepool_workers(p), nworkers);
	for (size_t i = 0; i < N; i++) {
		r = NULL;
		CHECK_INT(morgue_parsepool_next(p, &item, &r), 0);
		CHECK_INT(item, items[i]);
		CHECK(r && *(size_t *)r == items[i] * items[i]);
		free(r);
		pthread_mutex_lock(&st.lock);
		st.taken++;
		pthread_mutex_unlock(&st.lock);
	}
	CHECK_INT(morgue_parsepool_next(p, &item, &r), MORGUE_ENOTFOUND);
	morgue_parsepool_free(p);
	CHECK_INT(st.started, N);
	CHECK_INT(st.freed, 0);
	/* a worker claims item k only once item k - slots was taken; one
	 * more may be counted between its claim and the consumer's tally */
	CHECK(st.max_ahead <= slots + 1);
}

static void results_come_in_item_order(void)
{
	run_pool(1, 64);
	run_pool(2, 8);
	run_pool(3, 1);
}

static void no_workers_is_serial(void)
{
	run_pool(0, 4);
	/* serially, each item is worked on when it is asked for */
	CHECK_INT(st.max_ahead, 1);
}

static void free_early_frees_what_was_not_taken(void)
{
	size_t items[100], item;
	morgue_parsepool *p = NULL;
	void *r = NULL;

	reset();
	for (size_t i = 0; i < 100; i++)
		items[i] = i;
	morgue_parsepool_start(&p, items, 100, 2, 16, square, free_result, &st);
	CHECK_INT(morgue_parsepool_next(p, &item, &r), 0);
	CHECK_INT(item, 0);
	free(r);
	morgue_parsepool_free(p);
	/* every result made was freed: the one taken by the test, the rest
	 * by the pool; no more than the slots were made */
	CHECK_INT(st.freed + 1, st.started);
	CHECK(st.started <= 1 + 16 + 2);
	morgue_parsepool_free(NULL);
}

static void empty_pool(void)
{
	morgue_parsepool *p = NULL;
	size_t item;
	void *r = NULL;

	reset();
	CHECK_INT(morgue_parsepool_start(&p, NULL, 0, 2, 4, square, free_result, &st), 0);
	CHECK_INT(morgue_parsepool_workers(p), 0);
	CHECK_INT(morgue_parsepool_next(p, &item, &r), MORGUE_ENOTFOUND);
	morgue_parsepool_free(p);
	CHECK_INT(st.started, 0);
}

int main(void)
{
	pthread_mutex_init(&st.lock, NULL);
	RUN(results_come_in_item_order);
	RUN(no_workers_is_serial);
	RUN(free_early_frees_what_was_not_taken);
	RUN(empty_pool);
	TEST_EXIT();
}
