// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inflight - THREADS threads each read back a slice of its own, written
 * before they start and paged out since (the slices together are larger
 * than the cap), in an order of its own: no two threads ever fault on the
 * same page, so nothing but upage's own locks could make one wait for
 * another's swap read.  Every page is checked.
 *
 * usage: inflight THREADS MIB_PER_THREAD
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define PAGE		4096UL
#define MAX_THREADS	64

struct slice {
	unsigned char *base;
	unsigned long pages;
	int id;
	unsigned long bad;
};

static pthread_barrier_t start;

static unsigned char value(int id, unsigned long i)
{
	return (unsigned char)(id * 31 + i * 7 + 1);
}

static void *reader(void *arg)
{
	struct slice *s = arg;
	uint64_t x = 0x9e3779b97f4a7c15ULL * (uint64_t)(s->id + 1);
	unsigned long step;

	pthread_barrier_wait(&start);
	/* A stride prime to the slice's length: every page once, scattered. */
	step = s->pages / 3 + 1;
	while (step > 1 && s->pages % step == 0)
		step--;
	for (unsigned long k = 0, i = (unsigned long)(x % s->pages); k < s->pages; k++) {
		if (s->base[i * PAGE + (i % 64)] != value(s->id, i))
			s->bad++;
		i = (i + step) % s->pages;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct slice sl[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	unsigned long bad = 0;
	int n;

	if (argc != 3 || (n = atoi(argv[1])) < 1 || n > MAX_THREADS || atol(argv[2]) < 1) {
		fprintf(stderr, "usage: inflight THREADS MIB_PER_THREAD\n");
		return 2;
	}
	pthread_barrier_init(&start, NULL, (unsigned int)n);
	for (int t = 0; t < n; t++) {
		sl[t].pages = (unsigned long)atol(argv[2]) << 20 >> 12;
		sl[t].base = mmap(NULL, sl[t].pages * PAGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (sl[t].base == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		sl[t].id = t;
		sl[t].bad = 0;
		for (unsigned long i = 0; i < sl[t].pages; i++)
			sl[t].base[i * PAGE + (i % 64)] = value(t, i);
	}
	for (int t = 0; t < n; t++)
		pthread_create(&tid[t], NULL, reader, &sl[t]);
	for (int t = 0; t < n; t++) {
		pthread_join(tid[t], NULL);
		bad += sl[t].bad;
	}
	if (bad) {
		fprintf(stderr, "inflight: %lu pages read back wrong\n", bad);
		return 1;
	}
	printf("inflight: %d threads, every page intact\n", n);
	return 0;
}
