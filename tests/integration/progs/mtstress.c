// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mtstress - threads allocate, fill, verify and free concurrently while
 * reading and writing a large shared buffer at random; every byte checked.
 *
 *   - a shared buffer of SIZE MiB: each thread owns the pages p with
 *     p % THREADS == id, writes a page as (page, version) and checks it
 *     against the version it last wrote;
 *   - private allocations through malloc, calloc (must be zero), realloc
 *     growth (prefix kept), posix_memalign / aligned_alloc / memalign
 *     (alignment kept), each filled and checked before free.
 *
 * usage: mtstress SIZE_MIB THREADS OPS_PER_THREAD
 */
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096

static uint8_t *shared;
static uint32_t *version;
static size_t npages;
static int nthreads;
static long nops;
static int failed;

static uint64_t word(uint64_t a, uint64_t b, uint64_t i)
{
	uint64_t x = (a * 0x9e3779b97f4a7c15ULL) ^ (b << 20) ^ i;

	return x ^ (x >> 31);
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void fill(void *p, size_t len, uint64_t a, uint64_t b)
{
	uint64_t *w = p;

	for (size_t i = 0; i < len / 8; i++)
		w[i] = word(a, b, i);
}

static int check(const void *p, size_t len, uint64_t a, uint64_t b, const char *what)
{
	const uint64_t *w = p;

	for (size_t i = 0; i < len / 8; i++) {
		if (w[i] != word(a, b, i)) {
			fprintf(stderr, "mtstress: %s: word %zu of %zu is %#llx, expected %#llx\n",
				what, i, len / 8, (unsigned long long)w[i],
				(unsigned long long)word(a, b, i));
			__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
			return -1;
		}
	}
	return 0;
}

static void shared_op(uint64_t *seed, int id)
{
	size_t p = (rnd(seed) % (npages / nthreads)) * nthreads + id;
	uint8_t *page = shared + p * PAGE;

	if (p >= npages)
		return;
	if (rnd(seed) & 1) {
		version[p]++;
		fill(page, PAGE, p, version[p]);
	} else {
		check(page, PAGE, p, version[p], "shared page");
	}
}

static void *alloc_one(uint64_t *seed, size_t *len, int *kind)
{
	void *p = NULL;

	*len = 8 + (rnd(seed) % (256 * 1024)) / 8 * 8;
	*kind = rnd(seed) % 5;
	switch (*kind) {
	case 0:
		return malloc(*len);
	case 1:
		p = calloc(1, *len);
		if (p)
			for (size_t i = 0; i < *len; i++)
				if (((uint8_t *)p)[i]) {
					fprintf(stderr, "mtstress: calloc byte %zu not zero\n", i);
					failed = 1;
					break;
				}
		return p;
	case 2:
		if (posix_memalign(&p, 4096, *len))
			return NULL;
		if ((uintptr_t)p % 4096) {
			fprintf(stderr, "mtstress: posix_memalign gave %p\n", p);
			failed = 1;
		}
		return p;
	case 3:
		p = aligned_alloc(64, (*len + 63) / 64 * 64);
		if ((uintptr_t)p % 64) {
			fprintf(stderr, "mtstress: aligned_alloc gave %p\n", p);
			failed = 1;
		}
		return p;
	default:
		p = memalign(256, *len);
		if ((uintptr_t)p % 256) {
			fprintf(stderr, "mtstress: memalign gave %p\n", p);
			failed = 1;
		}
		return p;
	}
}

static void private_op(uint64_t *seed, int id, long op)
{
	size_t len, newlen;
	int kind;
	uint8_t *p = alloc_one(seed, &len, &kind), *q;

	if (!p) {
		fprintf(stderr, "mtstress: allocation of %zu failed\n", len);
		failed = 1;
		return;
	}
	fill(p, len, id, op);
	if (malloc_usable_size(p) < len) {
		fprintf(stderr, "mtstress: malloc_usable_size %zu < %zu\n", malloc_usable_size(p), len);
		failed = 1;
	}
	if (kind == 0) {
		newlen = len * 4;
		q = realloc(p, newlen);
		if (!q) {
			failed = 1;
			free(p);
			return;
		}
		check(q, len, id, op, "realloc prefix");
		p = q;
		len = newlen;
		fill(p, len, id, op);
	}
	check(p, len, id, op, "private allocation");
	free(p);
}

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	uint64_t seed = 0x1234567ULL * (id + 1);

	for (long op = 0; op < nops && !failed; op++) {
		if (op % 8 == 0)
			private_op(&seed, id, op);
		else
			shared_op(&seed, id);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 256;
	pthread_t tid[64];

	nthreads = argc > 2 ? atoi(argv[2]) : 4;
	nops = argc > 3 ? atol(argv[3]) : 200000;
	if (nthreads < 1 || nthreads > 64)
		return 2;
	npages = mib * 256;
	shared = malloc(npages * PAGE);
	version = calloc(npages, sizeof(*version));
	if (!shared || !version)
		return 2;
	for (size_t p = 0; p < npages; p++)
		fill(shared + p * PAGE, PAGE, p, 0);
	for (int i = 0; i < nthreads; i++)
		pthread_create(&tid[i], NULL, worker, (void *)(intptr_t)i);
	for (int i = 0; i < nthreads; i++)
		pthread_join(tid[i], NULL);
	for (size_t p = 0; p < npages && !failed; p++)
		check(shared + p * PAGE, PAGE, p, version[p], "final sweep");
	if (failed)
		return 1;
	printf("mtstress: %d threads, %ld ops each over %zu MiB: intact\n", nthreads, nops, mib);
	return 0;
}
