// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * forkstress - many threads and fork, for minutes, under a tight cap;
 * every byte verified.  Run by `make stress` (tests/stress/stress.sh).
 *
 * Parent: writer threads own the pages p % WRITERS == id of a buffer
 * larger than the cap and rewrite them page by page as (page, version),
 * checking the previous version first; each also allocates, fills, checks
 * and frees heap blocks.  A free-running thread rewrites a region of its
 * own with self-describing words (round, hash(index) ^ round) and never
 * stops, not even for the fork.  The main thread forks again and again:
 * it stops the writers between two pages (a writer-preferring rwlock:
 * each page is written under the read side), forks, and lets them go at
 * once, so the parent writes while the child reads.
 *
 * Child: two threads check every page of the buffer against the versions
 * it inherited, and every word of the free runner's region for
 * self-consistency; then it rewrites part of the buffer with its own
 * pattern and checks it (copy-on-write in both directions: the parent
 * checks its own versions on its next pass).  Status 0, or 1 on the first
 * bad byte.  At most two children run at a time.
 *
 * At the end the parent joins its threads, waits for every child and
 * checks the whole buffer and region once more.
 *
 * usage: forkstress SIZE_MIB WRITERS SECONDS
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE		4096
#define WORDS		(PAGE / 8)
#define MAX_WRITERS	32
#define MAX_CHILDREN	2
#define FREE_MIB	2		/* the free runner's region */

static uint64_t *buf;
static uint32_t *version;		/* per page; written by its owner */
static size_t npages;
static int nwriters;
static pthread_rwlock_t fork_lock;	/* read: a page write; write: fork */
static volatile int stop;
static int failed;

static uint64_t *region;		/* the free runner's */
static size_t region_words;
static volatile uint32_t free_round;

static void bad(const char *what, size_t where, uint64_t got)
{
	fprintf(stderr, "forkstress[%d]: %s at %zu: %#llx\n", (int)getpid(), what, where,
		(unsigned long long)got);
	__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
}

static uint64_t word(size_t p, uint32_t v, size_t i)
{
	return ((uint64_t)p << 32 | v) * 0x9e3779b97f4a7c15ULL + i;
}

static uint32_t hash32(size_t i)
{
	uint64_t x = (i + 1) * 0xff51afd7ed558ccdULL;

	return (uint32_t)(x ^ (x >> 33));
}

static int page_ok(size_t p, uint32_t v)
{
	const uint64_t *w = buf + p * WORDS;

	for (size_t i = 0; i < WORDS; i++)
		if (w[i] != word(p, v, i)) {
			bad("page word", p * WORDS + i, w[i]);
			return 0;
		}
	return 1;
}

static void page_fill(size_t p, uint32_t v)
{
	uint64_t *w = buf + p * WORDS;

	for (size_t i = 0; i < WORDS; i++)
		w[i] = word(p, v, i);
}

/* A heap block filled, checked and freed: the allocator works across
 * forks too. */
static void heap_op(uint64_t *seed)
{
	size_t len, n;
	uint64_t *b;

	*seed ^= *seed << 13, *seed ^= *seed >> 7, *seed ^= *seed << 17;
	len = 64 + *seed % (192 << 10);
	n = len / 8;
	b = malloc(len);
	if (!b) {
		bad("malloc failed", len, 0);
		return;
	}
	for (size_t i = 0; i < n; i++)
		b[i] = *seed + i;
	for (size_t i = 0; i < n; i++)
		if (b[i] != *seed + i) {
			bad("heap block word", i, b[i]);
			break;
		}
	free(b);
}

static void *writer(void *arg)
{
	int id = (int)(intptr_t)arg;
	uint64_t seed = 0x9e3779b97f4a7c15ULL * (id + 1);

	while (!stop && !failed)
		for (size_t p = id; p < npages && !stop; p += nwriters) {
			pthread_rwlock_rdlock(&fork_lock);
			if (page_ok(p, version[p])) {
				page_fill(p, version[p] + 1);
				version[p]++;
			}
			pthread_rwlock_unlock(&fork_lock);
			if (p % 64 == (size_t)id)
				heap_op(&seed);
		}
	return NULL;
}

/* A word of round 1..@max_round.  A child passes no bound: fork copies
 * pages one after another while the runner writes, so a region page may
 * be newer than the child's copy of free_round. */
static int region_word_ok(size_t i, uint64_t w, uint32_t max_round)
{
	uint32_t r = (uint32_t)(w >> 32);

	return r && r <= max_round && (uint32_t)w == (hash32(i) ^ r);
}

/* Never paused: its words are whole (8-byte stores), of some round. */
static void *free_runner(void *unused)
{
	(void)unused;
	while (!stop) {
		uint32_t r = free_round + 1;

		free_round = r;
		for (size_t i = 0; i < region_words && !stop; i++)
			__atomic_store_n(&region[i], (uint64_t)r << 32 | (hash32(i) ^ r),
					 __ATOMIC_RELAXED);
	}
	return NULL;
}

static int check_region(uint32_t max_round)
{
	for (size_t i = 0; i < region_words; i++)
		if (!region_word_ok(i, region[i], max_round)) {
			bad("free runner word", i, region[i]);
			return 0;
		}
	return 1;
}

/* --- the child --- */

struct half {
	size_t from, to;
};

static void *child_check(void *arg)
{
	struct half *h = arg;

	for (size_t p = h->from; p < h->to && !failed; p++)
		page_ok(p, version[p]);
	return NULL;
}

static void child(void)
{
	struct half h[2] = { { 0, npages / 2 }, { npages / 2, npages } };
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, child_check, &h[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	check_region(UINT32_MAX);
	/* Its own writes, on a quarter of the pages: only it sees them. */
	for (size_t p = 0; p < npages && !failed; p += 4)
		page_fill(p, version[p] + 1000000);
	for (size_t p = 0; p < npages && !failed; p += 4)
		page_ok(p, version[p] + 1000000);
	_exit(failed ? 1 : 0);
}

/* --- the parent's main thread --- */

static int reap(int *children, int block)
{
	int status, errors = 0;
	pid_t pid;

	while (*children > 0 && (pid = waitpid(-1, &status, block ? 0 : WNOHANG)) > 0) {
		(*children)--;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "forkstress: child %d failed (status %#x)\n", (int)pid,
				status);
			errors++;
		}
	}
	return errors;
}

static int fork_loop(int seconds, long *forks)
{
	time_t end = time(NULL) + seconds;
	int children = 0, errors = 0;
	pid_t pid;

	while (time(NULL) < end && !failed && !errors) {
		errors += reap(&children, children >= MAX_CHILDREN);
		pthread_rwlock_wrlock(&fork_lock);
		pid = fork();
		if (pid == 0)
			child();
		pthread_rwlock_unlock(&fork_lock);
		if (pid < 0) {
			perror("forkstress: fork");
			return 1;
		}
		children++;
		(*forks)++;
	}
	while (children > 0)
		errors += reap(&children, 1);
	return errors;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 32;
	int seconds = argc > 3 ? atoi(argv[3]) : 180;
	pthread_rwlockattr_t attr;
	pthread_t tid[MAX_WRITERS], runner;
	long forks = 0;
	int errors;

	nwriters = argc > 2 ? atoi(argv[2]) : 8;
	if (nwriters < 1 || nwriters > MAX_WRITERS || mib < 1)
		return 2;
	npages = mib * (1 << 20) / PAGE;
	buf = malloc(npages * PAGE);
	version = calloc(npages, sizeof(*version));
	region_words = ((size_t)FREE_MIB << 20) / 8;
	region = malloc(region_words * 8);
	if (!buf || !version || !region)
		return 2;
	for (size_t p = 0; p < npages; p++)
		page_fill(p, 0);
	free_round = 1;
	for (size_t i = 0; i < region_words; i++)
		region[i] = (uint64_t)1 << 32 | (hash32(i) ^ 1);
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&fork_lock, &attr);
	for (int t = 0; t < nwriters; t++)
		pthread_create(&tid[t], NULL, writer, (void *)(intptr_t)t);
	pthread_create(&runner, NULL, free_runner, NULL);

	errors = fork_loop(seconds, &forks);

	stop = 1;
	for (int t = 0; t < nwriters; t++)
		pthread_join(tid[t], NULL);
	pthread_join(runner, NULL);
	for (size_t p = 0; p < npages && !failed; p++)
		page_ok(p, version[p]);
	check_region(free_round);
	if (failed || errors)
		return 1;
	printf("forkstress: %ld forks in %d s, %d writers over %zu MiB: every child and the "
	       "parent saw every byte as written\n", forks, seconds, nwriters, mib);
	return 0;
}
