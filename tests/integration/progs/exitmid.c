// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exitmid - the process ends from one thread while the others are in the
 * middle of swap I/O: exit(CODE) or abort() from a worker, or main
 * returning.  The status must be the one asked for, and the process must
 * end (no hang in the pager's exit path, in the report written at exit,
 * or in a helper thread).
 *
 * Worker threads sweep a buffer larger than the cap, checking and
 * rewriting their pages, so faults and write-outs are in flight at every
 * moment.  After the first full round, thread 0 (or main) ends the
 * process.  A worker that finds a page corrupted exits with status 99,
 * which no mode asks for.
 *
 * usage: exitmid SIZE_MIB THREADS exit CODE | abort | return
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE		4096
#define WORDS		(PAGE / 8)
#define MAX_THREADS	32
#define CORRUPT		99

static uint64_t *buf;
static size_t npages;
static int nthreads;
static pthread_barrier_t first_round;	/* every worker has done one */
static const char *mode;
static int code;

static uint64_t word(size_t p, uint32_t round, size_t i)
{
	return ((uint64_t)p << 32 | round) * 0x9e3779b97f4a7c15ULL + i;
}

/* Check the page is at @round - 1, then write it at @round. */
static void rewrite(size_t p, uint32_t round)
{
	uint64_t *w = buf + p * WORDS;

	for (size_t i = 0; i < WORDS; i++)
		if (w[i] != word(p, round - 1, i)) {
			fprintf(stderr, "exitmid: page %zu word %zu not at round %u\n", p, i,
				round - 1);
			_exit(CORRUPT);
		}
	for (size_t i = 0; i < WORDS; i++)
		w[i] = word(p, round, i);
}

static void end_process(void)
{
	if (strcmp(mode, "abort") == 0)
		abort();
	exit(code);
}

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;

	for (uint32_t round = 1;; round++) {
		for (size_t p = id; p < npages; p += nthreads)
			rewrite(p, round);
		if (round == 1)
			pthread_barrier_wait(&first_round);
		/* Thread 0 ends it in the middle of its second round, the others
		 * being somewhere in theirs. */
		if (round == 1 && id == 0 && strcmp(mode, "return") != 0) {
			for (size_t p = id; p < npages / 2; p += nthreads)
				rewrite(p, round + 1);
			end_process();
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 16;
	pthread_t tid[MAX_THREADS];

	nthreads = argc > 2 ? atoi(argv[2]) : 8;
	mode = argc > 3 ? argv[3] : "exit";
	code = argc > 4 ? atoi(argv[4]) : 0;
	if (nthreads < 1 || nthreads > MAX_THREADS)
		return 2;
	npages = mib * (1 << 20) / PAGE;
	buf = malloc(npages * PAGE);
	if (!buf)
		return 2;
	for (size_t p = 0; p < npages; p++)
		for (size_t i = 0; i < WORDS; i++)
			buf[p * WORDS + i] = word(p, 0, i);
	pthread_barrier_init(&first_round, NULL, nthreads + 1);
	for (int t = 0; t < nthreads; t++)
		pthread_create(&tid[t], NULL, worker, (void *)(intptr_t)t);
	pthread_barrier_wait(&first_round);
	if (strcmp(mode, "return") == 0)
		return code;	/* exit() runs with every worker mid-round */
	for (int t = 0; t < nthreads; t++)
		pthread_join(tid[t], NULL);	/* never: thread 0 ends the process */
	return CORRUPT;
}
