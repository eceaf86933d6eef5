// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sigmmap - a signal handler faults on paged-out memory while the thread
 * it interrupted is inside mmap, munmap, mprotect or madvise of the heap.
 *
 * A timer aimed at the main thread (timer_create, SIGEV_THREAD_ID) fires
 * every millisecond; its handler checks and rewrites a random page of a
 * buffer larger than the cap.  Meanwhile the thread maps, protects, advises and
 * unmaps small anonymous regions in a loop: upage serves those calls under
 * its own locks, and a handler run in the middle could fault and wait for
 * the very locks its thread holds.  Every page is checked at the end.
 *
 * usage: sigmmap BUFFER_MIB LOOPS
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PAGE	4096UL

static unsigned char *buf;
static unsigned char *ver;
static size_t pages;
static volatile long runs;
static volatile int bad;

static void on_timer(int sig)
{
	static uint64_t x = 0x2545f4914f6cdd1dULL;

	(void)sig;
	for (int k = 0; k < 1; k++) {
		size_t p;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p = x % pages;
		if (buf[p * PAGE] != ver[p])
			bad = 1;
		buf[p * PAGE] = ++ver[p];
	}
	runs++;
}

int main(int argc, char **argv)
{
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGALRM };
	struct itimerspec its = { { 0, 1000000 }, { 0, 1000000 } };
	struct sigaction sa = { .sa_handler = on_timer, .sa_flags = SA_RESTART };
	long loops;
	timer_t t;

	if (argc != 3) {
		fprintf(stderr, "usage: sigmmap BUFFER_MIB LOOPS\n");
		return 2;
	}
	pages = strtoul(argv[1], NULL, 0) << 20 >> 12;
	loops = atol(argv[2]);
	buf = malloc(pages * PAGE);
	ver = calloc(pages, 1);
	if (!buf || !ver)
		return 2;
	for (size_t p = 0; p < pages; p++)
		buf[p * PAGE] = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, &t) || timer_settime(t, 0, &its, NULL)) {
		perror("timer");
		return 2;
	}
	for (long i = 0; i < loops; i++) {
		size_t len = (1 + i % 16) * PAGE;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		p[0] = 1;
		mprotect(p, len, PROT_READ);
		madvise(p, len, MADV_DONTNEED);
		munmap(p, len);
	}
	memset(&its, 0, sizeof(its));
	timer_settime(t, 0, &its, NULL);
	for (size_t p = 0; p < pages; p++)
		if (buf[p * PAGE] != ver[p])
			bad = 1;
	if (bad) {
		fprintf(stderr, "sigmmap: a page read back wrong\n");
		return 1;
	}
	printf("sigmmap: %ld handler runs during %ld map/unmap loops, every page intact\n", runs,
	       loops);
	return 0;
}
