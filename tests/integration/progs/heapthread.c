// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * heapthread - threads on stacks of the program's in the heap
 * (pthread_attr_setstack on malloc'd memory), paged out while they sleep:
 * glibc keeps the thread's descriptor (its tid, which the kernel clears at
 * exit for pthread_join, and its rseq area, which the kernel updates on
 * every return to user mode) at the top of such a stack.  Each thread
 * fills a local array, sleeps while the main thread streams a buffer
 * larger than the cap through, checks the array, several rounds; then
 * each is joined (a join that never returns is caught by the alarm).
 * Half the threads are detached, half joined.
 *
 * usage: heapthread FILLER_MIB   (run under a cap a fraction of it)
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define THREADS		6
#define STACK		(512 * 1024)
#define LOCAL		(64 * 1024)
#define ROUNDS		6
#define PAGE		4096

static volatile int phase;	/* the round the main thread has paged out */
static int bad[THREADS];
static volatile int done[THREADS];

static uint64_t word(long t, int r, size_t i)
{
	return (uint64_t)(i * 2654435761u) ^ ((uint64_t)r << 40) ^ ((uint64_t)t << 52);
}

static void *worker(void *arg)
{
	long t = (long)arg;
	volatile uint64_t local[LOCAL / 8];

	for (int r = 0; r < ROUNDS; r++) {
		for (size_t i = 0; i < LOCAL / 8; i++)
			local[i] = word(t, r, i);
		while (phase <= r)
			usleep(2000);
		for (size_t i = 0; i < LOCAL / 8; i++)
			bad[t] += local[i] != word(t, r, i);
	}
	done[t] = 1;
	return NULL;
}

int main(int argc, char **argv)
{
	size_t filler_len = (argc > 1 ? strtoull(argv[1], NULL, 10) : 48) << 20;
	pthread_t th[THREADS];
	volatile char *filler;
	int errors = 0;

	alarm(240);
	/* The first megabytes malloc hands out may come from memory the
	 * pager does not manage (jemalloc's first extent): used up first. */
	for (int i = 0; i < 3072; i++)
		memset(malloc(4096), 1, 4096);
	filler = malloc(filler_len);
	for (long t = 0; t < THREADS; t++) {
		pthread_attr_t attr;
		void *stack = aligned_alloc(PAGE, STACK);

		if (!stack || pthread_attr_init(&attr) || pthread_attr_setstack(&attr, stack, STACK))
			return 2;
		if (pthread_create(&th[t], &attr, worker, (void *)t)) {
			fprintf(stderr, "heapthread: pthread_create failed\n");
			return 2;
		}
		pthread_attr_destroy(&attr);
		if (t % 2)
			pthread_detach(th[t]);
	}
	for (int r = 0; r < ROUNDS; r++) {
		usleep(50000);	/* the threads have filled their arrays, and sleep */
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < filler_len; i += PAGE)
				filler[i]++;
		phase = r + 1;
	}
	for (long t = 0; t < THREADS; t += 2)
		if (pthread_join(th[t], NULL))
			return 2;
	for (int t = 0; t < THREADS; t++) {
		while (!done[t])
			usleep(1000);
		if (bad[t]) {
			fprintf(stderr, "heapthread: thread %d's stack lost %d words\n", t, bad[t]);
			errors++;
		}
	}
	printf("heapthread: %d threads on heap stacks, %d rounds paged out: %s\n", THREADS, ROUNDS,
	       errors ? "FAILED" : "ok");
	return errors ? 1 : 0;
}
