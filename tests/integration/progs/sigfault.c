// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sigfault - faults taken inside signal handlers, on memory that is most
 * likely out on swap.
 *
 * An interval timer (setitimer, SIGALRM, process-directed, so it lands in
 * any of the threads) runs a handler that checks and rewrites random pages
 * of its own buffer, each holding a checksummed pattern of (page,
 * version).  The handler runs on an alternate signal stack taken from the
 * heap (malloc), so the kernel itself may fault writing the signal frame.
 * Meanwhile worker threads sweep a larger buffer of their own, which keeps
 * pushing the handler's pages out, and are often interrupted in the middle
 * of a fault: the handler then faults while the interrupted fault is still
 * pending.  At the end every page of both buffers is checked.
 *
 * The handler only uses async-signal-safe operations: loads, stores and
 * atomics on memory allocated before the timer started.
 *
 * usage: sigfault HANDLER_MIB WORKER_MIB THREADS HANDLER_RUNS
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#define PAGE		4096
#define WORDS		(PAGE / 8)
#define PAGES_PER_RUN	8		/* handler pages per signal */
#define MAX_THREADS	16
#define ALTSTACK	(64 << 10)

static uint64_t *hbuf;			/* the handler's pages */
static uint32_t *hversion;		/* their versions */
static size_t hpages;
static int handler_busy;		/* one handler at a time */
static long runs_wanted, runs_done, runs_skipped;
static int failed;

static uint64_t *wbuf;			/* the workers' buffer */
static size_t wpages;
static int nthreads;
static volatile int stop;
static uint32_t last_round[MAX_THREADS];	/* the round each worker was in */

/* Page p at version v: words 1.. a pattern, word 0 their sum. */
static void fill_page(uint64_t *w, size_t p, uint32_t v)
{
	uint64_t sum = 0;

	for (size_t i = 1; i < WORDS; i++) {
		w[i] = ((uint64_t)p << 32 | v) * 0x9e3779b97f4a7c15ULL + i;
		sum += w[i];
	}
	w[0] = sum;
}

static int page_ok(const uint64_t *w, size_t p, uint32_t v)
{
	uint64_t sum = 0;

	for (size_t i = 1; i < WORDS; i++) {
		if (w[i] != ((uint64_t)p << 32 | v) * 0x9e3779b97f4a7c15ULL + i)
			return 0;
		sum += w[i];
	}
	return w[0] == sum;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Check and rewrite PAGES_PER_RUN random pages of the handler's buffer. */
static void on_alarm(int sig)
{
	static uint64_t seed = 0x853c49e6748fea9bULL;

	(void)sig;
	if (__atomic_exchange_n(&handler_busy, 1, __ATOMIC_ACQUIRE)) {
		__atomic_fetch_add(&runs_skipped, 1, __ATOMIC_RELAXED);
		return;
	}
	for (int k = 0; k < PAGES_PER_RUN; k++) {
		size_t p = rnd(&seed) % hpages;

		if (!page_ok(hbuf + p * WORDS, p, hversion[p]))
			__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
		hversion[p]++;
		fill_page(hbuf + p * WORDS, p, hversion[p]);
	}
	__atomic_fetch_add(&runs_done, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&handler_busy, 0, __ATOMIC_RELEASE);
}

/* Each worker owns the pages p % nthreads == id and rewrites them with a
 * round number, checking the previous round first. */
static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	stack_t ss = { .ss_sp = malloc(ALTSTACK), .ss_size = ALTSTACK };

	if (!ss.ss_sp || sigaltstack(&ss, NULL))
		return (void *)1;
	for (uint32_t round = 1; !stop; round++) {
		last_round[id] = round;
		for (size_t p = id; p < wpages && !stop; p += nthreads) {
			if (!page_ok(wbuf + p * WORDS, p, round - 1)) {
				fprintf(stderr, "sigfault: worker page %zu not at round %u\n", p,
					round - 1);
				__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
				stop = 1;
				break;
			}
			fill_page(wbuf + p * WORDS, p, round);
		}
	}
	/* Leave the alternate stack before freeing it. */
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	free(ss.ss_sp);
	return NULL;
}

static int final_sweep(void)
{
	for (size_t p = 0; p < hpages; p++)
		if (!page_ok(hbuf + p * WORDS, p, hversion[p])) {
			fprintf(stderr, "sigfault: handler page %zu not at version %u\n", p,
				hversion[p]);
			return 1;
		}
	/* A round cut short by the stop leaves its pages at two rounds. */
	for (size_t p = 0; p < wpages; p++) {
		uint32_t r = last_round[p % nthreads];

		if (!page_ok(wbuf + p * WORDS, p, r) && !page_ok(wbuf + p * WORDS, p, r - 1)) {
			fprintf(stderr, "sigfault: worker page %zu not at round %u or %u\n", p, r,
				r - 1);
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t hmib = argc > 1 ? strtoul(argv[1], NULL, 0) : 8;
	size_t wmib = argc > 2 ? strtoul(argv[2], NULL, 0) : 16;
	struct itimerval it = { .it_interval = { 0, 1000 }, .it_value = { 0, 1000 } };
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART | SA_ONSTACK };
	struct timespec poll = { 0, 10 * 1000 * 1000 };
	pthread_t tid[MAX_THREADS];
	sigset_t alrm;
	void *ret;

	nthreads = argc > 3 ? atoi(argv[3]) : 3;
	runs_wanted = argc > 4 ? atol(argv[4]) : 2000;
	if (nthreads < 1 || nthreads > MAX_THREADS)
		return 2;
	hpages = hmib * (1 << 20) / PAGE;
	wpages = wmib * (1 << 20) / PAGE;
	hbuf = malloc(hpages * PAGE);
	hversion = calloc(hpages, sizeof(*hversion));
	wbuf = malloc(wpages * PAGE);
	if (!hbuf || !hversion || !wbuf)
		return 2;
	for (size_t p = 0; p < hpages; p++)
		fill_page(hbuf + p * WORDS, p, 0);
	for (size_t p = 0; p < wpages; p++)
		fill_page(wbuf + p * WORDS, p, 0);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	for (int t = 0; t < nthreads; t++)
		pthread_create(&tid[t], NULL, worker, (void *)(intptr_t)t);
	/* The main thread blocks the signal, so it lands in the workers, in
	 * the middle of their faults (an idle main thread would take them
	 * all), and counts the runs. */
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alrm, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	while (__atomic_load_n(&runs_done, __ATOMIC_RELAXED) < runs_wanted && !failed)
		nanosleep(&poll, NULL);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	stop = 1;
	for (int t = 0; t < nthreads; t++) {
		pthread_join(tid[t], &ret);
		if (ret)
			failed = 1;
	}
	if (failed || final_sweep())
		return 1;
	printf("sigfault: %ld handler runs (%ld skipped while one ran) rewrote %d pages each; "
	       "all intact\n", runs_done, runs_skipped, PAGES_PER_RUN);
	return 0;
}
