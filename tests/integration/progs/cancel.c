// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cancel - pthread_cancel of threads that are blocked in, or about to
 * take, faults on paged-out memory; the rest of the process goes on.
 *
 * A shared buffer larger than the cap holds words that are each one of
 * two values, A(i) or B(i).  Each round starts victim threads of two kinds:
 *   - togglers (asynchronous cancellation): flip random words of random
 *     pages between A and B, checking them first; most touches fault on a
 *     page that is out, so the cancel lands during a fault or just before
 *     one;
 *   - readers (deferred cancellation): pread() a memfd into a large heap
 *     buffer of their own that is paged out, so the kernel faults inside
 *     the system call, the cancellation point; a cleanup handler frees the
 *     buffer (a free of paged-out memory during unwinding).
 * The main thread waits until every victim has made some progress, cancels
 * them all and joins them (a hang is the test's timeout), then checks
 * every word of the shared buffer is A or B.  A survivor thread writes its
 * own buffer with exact versions through all rounds and checks it.
 *
 * usage: cancel SHARED_MIB ROUNDS VICTIMS
 */
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE		4096
#define MAX_VICTIMS	32
#define READ_LEN	(256 << 10)	/* a reader's buffer */
#define OWN_MIB		2		/* the survivor's buffer */

static uint64_t *shared;
static size_t nwords;
static int memfd;
static int failed;
static sem_t survivor_go;	/* one pass of the survivor per post */
static long progress[MAX_VICTIMS];
static int rounds_left;

/* @what went wrong at index @i, where @got was found. */
static void fail_with(const char *what, size_t i, uint64_t got)
{
	fprintf(stderr, "cancel: %s: at %zu: %#llx\n", what, i, (unsigned long long)got);
	__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t value_a(size_t i)
{
	return (i + 1) * 0x9e3779b97f4a7c15ULL;
}

static uint64_t value_b(size_t i)
{
	return ~value_a(i);
}

/* File byte i, as the readers expect it in their buffers. */
static uint8_t file_byte(size_t i)
{
	return (uint8_t)(i * 7 + i / 4096);
}

static void *toggler(void *arg)
{
	int id = (int)(intptr_t)arg;
	uint64_t seed = 0x51ed27ULL * (id + 1) + (uint64_t)time(NULL);

	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
	for (;;) {
		size_t w = rnd(&seed) % nwords;
		uint64_t v = __atomic_load_n(&shared[w], __ATOMIC_RELAXED);

		if (v == value_a(w))
			__atomic_store_n(&shared[w], value_b(w), __ATOMIC_RELAXED);
		else if (v == value_b(w))
			__atomic_store_n(&shared[w], value_a(w), __ATOMIC_RELAXED);
		else
			fail_with("toggler: a word neither A nor B", w, v);
		__atomic_fetch_add(&progress[id], 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *reader(void *arg)
{
	int id = (int)(intptr_t)arg;
	uint8_t *buf = malloc(READ_LEN);

	if (!buf) {
		fail_with("reader: no memory", id, 0);
		return NULL;
	}
	pthread_cleanup_push(free, buf);
	memset(buf, 0xee, READ_LEN);
	for (;;) {
		ssize_t n = pread(memfd, buf, READ_LEN, 0);

		if (n != READ_LEN)
			fail_with("reader: short pread", 0, (uint64_t)n);
		for (size_t i = 0; i < READ_LEN; i += 509)
			if (buf[i] != file_byte(i))
				fail_with("reader: a byte not as in the file", i, buf[i]);
		__atomic_fetch_add(&progress[id], 1, __ATOMIC_RELAXED);
		pthread_testcancel();
	}
	pthread_cleanup_pop(1);
	return NULL;
}

/* Writes its own buffer with a new version, one pass per round while the
 * victims run and are cancelled, checking each word before rewriting it.
 * A post with nothing left to do (ROUNDS reached) ends it. */
static void *survivor(void *unused)
{
	size_t words = ((size_t)OWN_MIB << 20) / 8, per_page = PAGE / 8;
	uint64_t *own = calloc(words, 8);
	uint64_t version = 0;

	(void)unused;
	if (!own)
		return (void *)1;
	for (;;) {
		sem_wait(&survivor_go);
		if (__atomic_load_n(&rounds_left, __ATOMIC_RELAXED) == 0)
			break;
		version++;
		for (size_t i = 0; i < words; i++) {
			if (own[i] != (i % per_page == 0 ? version - 1 : (version - 1) * i))
				fail_with("survivor: a word not as last written", i, own[i]);
			own[i] = i % per_page == 0 ? version : version * i;
		}
	}
	free(own);
	return NULL;
}

static int make_file(void)
{
	uint8_t *data = malloc(READ_LEN);

	memfd = memfd_create("cancel", 0);
	if (memfd < 0 || !data)
		return -1;
	for (size_t i = 0; i < READ_LEN; i++)
		data[i] = file_byte(i);
	if (pwrite(memfd, data, READ_LEN, 0) != READ_LEN)
		return -1;
	free(data);
	return 0;
}

/* Start the victims, wait for each to make progress, cancel and join. */
static void one_round(int victims)
{
	pthread_t tid[MAX_VICTIMS];

	for (int v = 0; v < victims; v++) {
		progress[v] = 0;
		pthread_create(&tid[v], NULL, v % 2 ? reader : toggler, (void *)(intptr_t)v);
	}
	for (int v = 0; v < victims; v++)
		while (__atomic_load_n(&progress[v], __ATOMIC_RELAXED) < 1 &&
		       !__atomic_load_n(&failed, __ATOMIC_RELAXED))
			sched_yield();
	for (int v = 0; v < victims; v++)
		pthread_cancel(tid[v]);
	for (int v = 0; v < victims; v++)
		pthread_join(tid[v], NULL);
}

static void check_shared(void)
{
	for (size_t w = 0; w < nwords; w++)
		if (shared[w] != value_a(w) && shared[w] != value_b(w)) {
			fail_with("after the cancels: a word neither A nor B", w, shared[w]);
			return;
		}
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 24;
	int rounds = argc > 2 ? atoi(argv[2]) : 20;
	int victims = argc > 3 ? atoi(argv[3]) : 8;
	pthread_t surv;
	void *surv_ret;

	if (victims < 1 || victims > MAX_VICTIMS || make_file())
		return 2;
	nwords = (mib << 20) / 8;
	shared = malloc(nwords * 8);
	if (!shared)
		return 2;
	for (size_t w = 0; w < nwords; w++)
		shared[w] = value_a(w);
	sem_init(&survivor_go, 0, 0);
	rounds_left = rounds;
	pthread_create(&surv, NULL, survivor, NULL);
	for (int r = 0; r < rounds && !failed; r++) {
		sem_post(&survivor_go);
		one_round(victims);
		if (r % 4 == 3)
			check_shared();
		__atomic_fetch_sub(&rounds_left, 1, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&rounds_left, 0, __ATOMIC_RELAXED);
	sem_post(&survivor_go);
	check_shared();
	pthread_join(surv, &surv_ret);
	if (failed || surv_ret)
		return 1;
	printf("cancel: %d rounds of %d cancelled threads; all %zu MiB intact\n", rounds, victims,
	       mib);
	return 0;
}
