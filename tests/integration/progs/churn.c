// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * churn - threads free memory while kswapd is writing it out.
 *
 * Each thread keeps a ring of live blocks whose total, over all threads,
 * is several times the cap, so by the time a block is freed kswapd has
 * most likely unmapped it, queued it for writing or written it.  Every op
 * verifies the oldest block (swapped in: its pattern must be intact),
 * frees it and allocates a new one, filled with a pattern of its own.
 * Blocks come from malloc (jemalloc purges them later, dropping pages and
 * slots), or from mmap/munmap (dropped at once), or are malloc blocks
 * half dropped first with madvise(MADV_DONTNEED), whose pages must then
 * read as zeros, while the other half keeps its data.  A slot freed twice
 * or reused while still mapped shows up as another block's pattern.
 *
 * usage: churn THREADS RING_MIB_PER_THREAD OPS_PER_THREAD
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define PAGE		4096
#define RING		64	/* live blocks per thread */
#define MAX_THREADS	64

enum kind { BY_MALLOC, BY_MMAP, BY_MADVISE, NR_KINDS };

struct block {
	uint64_t *p;
	size_t words;
	enum kind kind;
	uint64_t salt;
};

static int nthreads;
static size_t block_bytes;
static long nops;
static int failed;

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t word(uint64_t salt, size_t i)
{
	uint64_t x = (salt + i) * 0x9e3779b97f4a7c15ULL;

	return x ^ (x >> 29);
}

static void complain(const struct block *b, size_t i, uint64_t want)
{
	fprintf(stderr, "churn: block %#llx (kind %d, %zu words) word %zu is %#llx, expected %#llx\n",
		(unsigned long long)b->salt, b->kind, b->words, i, (unsigned long long)b->p[i],
		(unsigned long long)want);
	__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
}

/* A MADV_DONTNEED block keeps its data in the first half and reads as
 * zeros in the (page-aligned) second half. */
static size_t zeroed_from(const struct block *b)
{
	return b->kind == BY_MADVISE ? b->words / 2 : b->words;
}

static void check_block(const struct block *b)
{
	for (size_t i = 0; i < b->words; i++) {
		uint64_t want = i < zeroed_from(b) ? word(b->salt, i) : 0;

		if (b->p[i] != want) {
			complain(b, i, want);
			return;
		}
	}
}

static int new_block(struct block *b, uint64_t *seed)
{
	size_t pages = 1 + rnd(seed) % (2 * block_bytes / PAGE);

	b->kind = rnd(seed) % NR_KINDS;
	if (b->kind == BY_MADVISE)	/* two halves of whole pages */
		pages = pages < 2 ? 2 : pages & ~(size_t)1;
	b->words = pages * PAGE / 8;
	b->salt = rnd(seed);
	if (b->kind == BY_MMAP) {
		b->p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
		if (b->p == MAP_FAILED)
			return -1;
	} else {
		/* Page-aligned, so MADV_DONTNEED drops exactly the half. */
		if (posix_memalign((void **)&b->p, PAGE, pages * PAGE))
			return -1;
	}
	for (size_t i = 0; i < b->words; i++)
		b->p[i] = word(b->salt, i);
	if (b->kind == BY_MADVISE && madvise(b->p + b->words / 2, b->words / 2 * 8, MADV_DONTNEED))
		return -1;
	return 0;
}

static void free_block(struct block *b)
{
	if (b->kind == BY_MMAP)
		munmap(b->p, b->words * 8);
	else
		free(b->p);
	b->p = NULL;
}

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	uint64_t seed = 0x9e3779b97f4a7c15ULL * (id + 1);
	struct block ring[RING] = { 0 };

	for (long op = 0; op < nops && !__atomic_load_n(&failed, __ATOMIC_RELAXED); op++) {
		struct block *b = &ring[op % RING];

		if (b->p) {
			check_block(b);
			free_block(b);
		}
		if (new_block(b, &seed)) {
			fprintf(stderr, "churn: thread %d cannot allocate\n", id);
			__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
		}
	}
	for (int i = 0; i < RING; i++)
		if (ring[i].p) {
			check_block(&ring[i]);
			free_block(&ring[i]);
		}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t tid[MAX_THREADS];
	size_t ring_mib;

	nthreads = argc > 1 ? atoi(argv[1]) : 8;
	ring_mib = argc > 2 ? strtoul(argv[2], NULL, 0) : 8;
	nops = argc > 3 ? atol(argv[3]) : 2000;
	if (nthreads < 1 || nthreads > MAX_THREADS || ring_mib < 1)
		return 2;
	/* Blocks average half of 2 * block_bytes: RING of them make the ring. */
	block_bytes = (ring_mib << 20) / RING;
	for (int t = 0; t < nthreads; t++)
		pthread_create(&tid[t], NULL, worker, (void *)(intptr_t)t);
	for (int t = 0; t < nthreads; t++)
		pthread_join(tid[t], NULL);
	if (failed)
		return 1;
	printf("churn: %d threads freed %ld blocks each, every block intact when freed\n", nthreads,
	       nops);
	return 0;
}
