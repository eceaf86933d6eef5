// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * samepage - many threads fault on the same page and on its neighbours at
 * once, while the cap forces those pages out to swap and back.
 *
 * A buffer of SIZE MiB (larger than the cap) holds, in every page, one
 * counter word all threads increment atomically and one 8-byte lane per
 * thread that only that thread writes.  Each op picks a page either from a
 * window of four neighbouring pages that all threads share at the same
 * moment (they fault on one page, or on adjacent ones, together) or at
 * random anywhere (which keeps evicting the window's pages: when the
 * window comes back to them they are on swap).  A lost increment, a lost
 * or stale lane write, or a page of zeros shows up: every thread checks
 * its lane before writing it, and at the end each page's counter must
 * equal the increments the threads made there, each lane its last value.
 *
 * usage: samepage SIZE_MIB THREADS OPS_PER_THREAD
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define PAGE		4096
#define MAX_THREADS	64
#define WINDOW		4	/* neighbouring pages hammered together */

/* The layout of one page of the shared buffer. */
struct shared_page {
	uint64_t counter;		/* every thread: atomic increments */
	uint64_t lane[MAX_THREADS];	/* lane[t]: thread t alone */
	uint64_t tag[(PAGE - 8 - 8 * MAX_THREADS) / 8];	/* never written after setup */
};

static struct shared_page *buf;
static size_t npages;
static int nthreads;
static long nops;
static pthread_barrier_t start;
static int failed;

/* Per thread, per page: increments made and the lane's last value.  In
 * the heap too, so these pages are paged as well. */
static uint32_t *incs[MAX_THREADS];
static uint64_t *lanes[MAX_THREADS];

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t tag_word(size_t page, size_t i)
{
	return (page << 20 | i) * 0x9e3779b97f4a7c15ULL;
}

/* The window moves with the op count, which the threads advance at about
 * the same rate: they share it most of the time. */
static size_t pick_page(uint64_t *seed, long op)
{
	if (rnd(seed) % 4 == 0)
		return rnd(seed) % npages;
	return ((size_t)(op / 64) * WINDOW + rnd(seed) % WINDOW) % npages;
}

static void one_op(int id, uint64_t *seed, long op)
{
	size_t p = pick_page(seed, op);
	struct shared_page *page = &buf[p];
	uint64_t want = lanes[id][p];
	uint64_t got = __atomic_load_n(&page->lane[id], __ATOMIC_RELAXED);

	if (got != want) {
		fprintf(stderr, "samepage: thread %d page %zu: lane is %#llx, last wrote %#llx\n", id,
			p, (unsigned long long)got, (unsigned long long)want);
		__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_fetch_add(&page->counter, 1, __ATOMIC_RELAXED);
	incs[id][p]++;
	lanes[id][p] = (uint64_t)id << 48 | (uint64_t)op << 8 | 0x5a;
	__atomic_store_n(&page->lane[id], lanes[id][p], __ATOMIC_RELAXED);
}

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	uint64_t seed = 0x2545f4914f6cdd1dULL * (id + 1);

	pthread_barrier_wait(&start);
	for (long op = 0; op < nops && !__atomic_load_n(&failed, __ATOMIC_RELAXED); op++)
		one_op(id, &seed, op);
	return NULL;
}

/* Every page: counter, lanes and tag words as the threads left them. */
static int verify(void)
{
	for (size_t p = 0; p < npages; p++) {
		uint64_t sum = 0;

		for (int t = 0; t < nthreads; t++) {
			sum += incs[t][p];
			if (buf[p].lane[t] != lanes[t][p]) {
				fprintf(stderr, "samepage: page %zu lane %d is %#llx, expected %#llx\n",
					p, t, (unsigned long long)buf[p].lane[t],
					(unsigned long long)lanes[t][p]);
				return 1;
			}
		}
		if (buf[p].counter != sum) {
			fprintf(stderr, "samepage: page %zu counter is %llu, expected %llu\n", p,
				(unsigned long long)buf[p].counter, (unsigned long long)sum);
			return 1;
		}
		for (size_t i = 0; i < sizeof(buf[p].tag) / 8; i++)
			if (buf[p].tag[i] != tag_word(p, i)) {
				fprintf(stderr, "samepage: page %zu tag word %zu is %#llx\n", p, i,
					(unsigned long long)buf[p].tag[i]);
				return 1;
			}
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 32;
	pthread_t tid[MAX_THREADS];
	uint64_t total = 0;

	nthreads = argc > 2 ? atoi(argv[2]) : 16;
	nops = argc > 3 ? atol(argv[3]) : 20000;
	if (nthreads < 1 || nthreads > MAX_THREADS || mib < 1)
		return 2;
	npages = mib * (1 << 20) / PAGE;
	buf = calloc(npages, PAGE);
	if (!buf)
		return 2;
	for (size_t p = 0; p < npages; p++)
		for (size_t i = 0; i < sizeof(buf[p].tag) / 8; i++)
			buf[p].tag[i] = tag_word(p, i);
	for (int t = 0; t < nthreads; t++) {
		incs[t] = calloc(npages, sizeof(*incs[t]));
		lanes[t] = calloc(npages, sizeof(*lanes[t]));
		if (!incs[t] || !lanes[t])
			return 2;
	}
	pthread_barrier_init(&start, NULL, nthreads);
	for (int t = 0; t < nthreads; t++)
		pthread_create(&tid[t], NULL, worker, (void *)(intptr_t)t);
	for (int t = 0; t < nthreads; t++)
		pthread_join(tid[t], NULL);
	if (failed || verify())
		return 1;
	for (size_t p = 0; p < npages; p++)
		total += buf[p].counter;
	printf("samepage: %d threads, %llu increments over %zu MiB: all counted, every lane intact\n",
	       nthreads, (unsigned long long)total, mib);
	return 0;
}
