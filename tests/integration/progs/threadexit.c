// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * threadexit - threads exit while other threads' faults are in flight.
 *
 * Generations of short-lived threads run over a shared buffer larger than
 * the cap.  Each thread writes its own slot in random pages (most are out
 * on swap, so its siblings are mid-fault when it exits), allocates a block
 * that the next generation verifies and frees (a free from another thread,
 * of memory that is paged out), and leaves a thread-specific buffer that
 * its key destructor verifies and frees during exit (jemalloc's tcache is
 * flushed then too, touching arena metadata that may be out).  The threads
 * of a generation start in a burst and exit whenever they are done.  At the end
 * every slot of every page must hold what its last writer wrote.
 *
 * usage: threadexit SIZE_MIB GENERATIONS THREADS PAGES_PER_THREAD
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE		4096
#define SLOTS		(PAGE / 8)	/* thread slots per page */
#define MAX_THREADS	64
#define BLOCK		(64 << 10)	/* handed to the next generation */
#define TSD_LEN		(16 << 10)	/* freed by the key destructor */

static uint64_t *shared;	/* npages pages of SLOTS words */
static uint64_t *expect;	/* what each slot must hold, same layout */
static size_t npages;
static int nthreads, pages_each;
static pthread_key_t tsd_key;
static int failed;

/* The blocks one generation leaves to the next, by thread. */
static uint64_t *handed[MAX_THREADS];

struct job {
	int gen, id;
	uint64_t *prev;		/* the previous generation's block, or NULL */
};

static void fail(const char *what, long where)
{
	fprintf(stderr, "threadexit: %s (%ld)\n", what, where);
	__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
}

static uint64_t block_word(int gen, int id, size_t i)
{
	return ((uint64_t)gen << 40 | (uint64_t)id << 32 | i) * 0x9e3779b97f4a7c15ULL;
}

static void tsd_destructor(void *p)
{
	uint64_t *w = p, tag = w[0];

	for (size_t i = 1; i < TSD_LEN / 8; i++)
		if (w[i] != tag + i) {
			fail("a thread-specific buffer changed before its thread exited", (long)i);
			break;
		}
	free(p);
}

static void check_block(const uint64_t *b, int gen, int id)
{
	for (size_t i = 0; i < BLOCK / 8; i++)
		if (b[i] != block_word(gen, id, i)) {
			fail("a block changed between two generations", (long)i);
			return;
		}
}

/* Slot (gen % SLOTS) of a page belongs to the thread of that generation
 * and id: threads of one generation never share a slot. */
static void write_pages(const struct job *j)
{
	uint64_t seed = (uint64_t)(j->gen * MAX_THREADS + j->id + 1) * 0x2545f4914f6cdd1dULL;
	size_t slot = (size_t)(j->gen * nthreads + j->id) % SLOTS;

	for (int k = 0; k < pages_each; k++) {
		size_t p;
		uint64_t v = (uint64_t)j->gen << 32 | (uint64_t)j->id << 16 | (uint64_t)k;

		seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
		p = seed % npages;
		__atomic_store_n(&shared[p * SLOTS + slot], v, __ATOMIC_RELAXED);
		__atomic_store_n(&expect[p * SLOTS + slot], v, __ATOMIC_RELAXED);
	}
}

static void *thread_main(void *arg)
{
	struct job *j = arg;
	uint64_t *tsd = malloc(TSD_LEN), *mine = malloc(BLOCK);

	if (!tsd || !mine) {
		fail("no memory", j->id);
		return NULL;
	}
	tsd[0] = (uint64_t)j->gen << 32 | (uint64_t)j->id;
	for (size_t i = 1; i < TSD_LEN / 8; i++)
		tsd[i] = tsd[0] + i;
	pthread_setspecific(tsd_key, tsd);
	if (j->prev) {
		check_block(j->prev, j->gen - 1, j->id);
		free(j->prev);
	}
	write_pages(j);
	for (size_t i = 0; i < BLOCK / 8; i++)
		mine[i] = block_word(j->gen, j->id, i);
	handed[j->id] = mine;
	free(j);
	return NULL;	/* the key destructor runs now, with siblings faulting */
}

/* A generation: started in a burst, each exiting when done, in no order;
 * the next starts once all are joined, so a slot's last writer is known. */
static void generation(int gen)
{
	pthread_t tid[MAX_THREADS];

	for (int t = 0; t < nthreads; t++) {
		struct job *j = malloc(sizeof(*j));

		if (!j) {
			fail("no memory", t);
			return;
		}
		*j = (struct job){ .gen = gen, .id = t, .prev = handed[t] };
		handed[t] = NULL;
		pthread_create(&tid[t], NULL, thread_main, j);
	}
	for (int t = 0; t < nthreads; t++)
		pthread_join(tid[t], NULL);
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 16;
	int gens = argc > 2 ? atoi(argv[2]) : 100;

	nthreads = argc > 3 ? atoi(argv[3]) : 8;
	pages_each = argc > 4 ? atoi(argv[4]) : 64;
	if (nthreads < 1 || nthreads > MAX_THREADS || mib < 1)
		return 2;
	npages = mib * (1 << 20) / PAGE;
	shared = calloc(npages, PAGE);
	expect = calloc(npages, PAGE);
	if (!shared || !expect || pthread_key_create(&tsd_key, tsd_destructor))
		return 2;
	for (int g = 0; g < gens && !failed; g++)
		generation(g);
	for (int t = 0; t < nthreads; t++)
		if (handed[t]) {
			check_block(handed[t], gens - 1, t);
			free(handed[t]);
		}
	if (!failed && memcmp(shared, expect, npages * PAGE)) {
		for (size_t w = 0; w < npages * SLOTS; w++)
			if (shared[w] != expect[w]) {
				fail("a page slot lost its last write: word", (long)w);
				break;
			}
	}
	if (failed)
		return 1;
	printf("threadexit: %d generations of %d threads exited mid-fault; all intact\n", gens,
	       nthreads);
	return 0;
}
