/*
 * thread.h - what a build's threads share about themselves.
 */
#ifndef MORGUE_THREAD_H
#define MORGUE_THREAD_H

/* Lower the calling thread's priority (nice 10; Linux keeps the nice
 * value per thread): for a helper whose result is waited for only later,
 * so that it takes the cores the critical path leaves idle rather than a
 * share of them. It cannot be raised again by an unprivileged process.
 * Failure is ignored: the thread then only runs at its usual priority. */
void morgue_thread_background(void);

#endif
