// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ringwait - futex_waitv with its waiters and their futex words in
 * paged-out heap (a wake from another thread, a value that differs, a
 * timeout: the kernel's answers, index, EAGAIN and ETIMEDOUT), and
 * io_uring_setup, twice: MODE "ring" expects a ring (the handler-thread
 * engine), "nosys" ENOSYS (the in-thread engines, which say so once).
 *
 * usage: ringwait ring|nosys
 */
#include <errno.h>
#include <linux/futex.h>
#include <linux/io_uring.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PAGE	4096

#include "push_out.h"

#ifndef FUTEX2_SIZE_U32
#define FUTEX2_SIZE_U32	0x02	/* linux/futex.h of Linux 6.7 */
#define FUTEX2_PRIVATE	128
#endif

static int errors;
static uint32_t *words;		/* two futex words, on two pages of the heap */

static long waitv(struct futex_waitv *w, unsigned int n, long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += (ms % 1000) * 1000000;
	ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	return syscall(SYS_futex_waitv, w, n, 0, &ts, CLOCK_MONOTONIC);
}

static void *waker(void *arg)
{
	(void)arg;
	usleep(100 * 1000);
	__atomic_store_n(&words[PAGE / 4], 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &words[PAGE / 4], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	return NULL;
}

/* The waiters: in the heap too (straddling a page), or outside it. */
static struct futex_waitv outside[2];

static struct futex_waitv *waiters(int in_heap)
{
	struct futex_waitv *w = in_heap ? (struct futex_waitv *)((char *)words + 3 * PAGE - 24)
					: outside;

	memset(w, 0, 2 * sizeof(*w));
	for (int i = 0; i < 2; i++) {
		w[i].uaddr = (uintptr_t)&words[i * PAGE / 4];
		w[i].val = 0;
		w[i].flags = FUTEX2_SIZE_U32 | FUTEX2_PRIVATE;
	}
	return w;
}

static void t_futex_waitv(void)
{
	struct futex_waitv *w;
	pthread_t t;
	long r;

	/* The first megabytes malloc hands out may come from memory the
	 * pager does not manage (jemalloc's first extent): used up first. */
	for (int i = 0; i < 3072; i++)
		memset(malloc(PAGE), 1, PAGE);
	words = aligned_alloc(PAGE, 4 * PAGE);
	/* woken: index 1 */
	words[0] = 0;
	words[PAGE / 4] = 0;
	w = waiters(0);
	push_out();
	pthread_create(&t, NULL, waker, NULL);
	r = waitv(w, 2, 5000);
	pthread_join(t, NULL);
	if (r != 1) {
		fprintf(stderr, "ringwait: futex_waitv woken returned %ld (errno %d), not 1\n", r,
			errno);
		errors++;
	}
	/* a word that differs: EAGAIN */
	w = waiters(1);
	words[0] = 7;
	push_out();
	r = waitv(w, 2, 1000);
	if (r != -1 || errno != EAGAIN) {
		fprintf(stderr, "ringwait: futex_waitv on a changed word returned %ld (errno %d), "
				"not EAGAIN\n", r, errno);
		errors++;
	}
	/* nobody wakes: ETIMEDOUT */
	words[0] = 0;
	words[PAGE / 4] = 0;
	w = waiters(0);
	push_out();
	r = waitv(w, 2, 50);
	if (r != -1 || errno != ETIMEDOUT) {
		fprintf(stderr, "ringwait: futex_waitv unwoken returned %ld (errno %d), not "
				"ETIMEDOUT\n", r, errno);
		errors++;
	}
}

static void t_io_uring(int want_ring)
{
	for (int round = 0; round < 2; round++) {
		struct io_uring_params *p = calloc(1, sizeof(*p));
		long fd;

		push_out();
		fd = syscall(SYS_io_uring_setup, 8, p);
		if (want_ring ? fd < 0 : fd != -1 || errno != ENOSYS) {
			fprintf(stderr, "ringwait: io_uring_setup returned %ld (errno %d), not %s\n",
				fd, errno, want_ring ? "a ring" : "ENOSYS");
			errors++;
		}
		if (fd >= 0)
			close((int)fd);
		free(p);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "ring") && strcmp(argv[1], "nosys"))) {
		fprintf(stderr, "usage: ringwait ring|nosys\n");
		return 2;
	}
	alarm(120);
	t_futex_waitv();
	t_io_uring(strcmp(argv[1], "ring") == 0);
	if (errors)
		fprintf(stderr, "ringwait: %d failed\n", errors);
	else
		printf("ringwait: futex_waitv and io_uring_setup as the kernel answers\n");
	return errors ? 1 : 0;
}
