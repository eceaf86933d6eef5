// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * own_handler - a program with its own SIGSEGV handler, installed after
 * upage started (so upage must keep its own and chain): it touches a
 * PROT_NONE page of its own, outside the arena, and the handler opens the
 * page so the access succeeds; meanwhile it fills, checks and refills
 * heap memory larger than the cap.  Also `signal(SIGSEGV, ...)` and a
 * sigaction query must give back what the program set.  Its SIGBUS
 * handler too: a read past the end of a mapped empty file raises SIGBUS,
 * and the handler leaves by siglongjmp, as such programs do.
 *
 * usage: own_handler SIZE_MIB
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile char *guard;
static long pagesz;
static volatile sig_atomic_t caught;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if ((char *)si->si_addr < (char *)guard || (char *)si->si_addr >= (char *)guard + pagesz) {
		static const char msg[] = "own_handler: fault at an unexpected address\n";

		write(2, msg, sizeof(msg) - 1);
		_exit(3);
	}
	caught++;
	mprotect((void *)guard, pagesz, PROT_READ | PROT_WRITE);
}

static sigjmp_buf bus_env;
static volatile sig_atomic_t bus_caught;

static void on_bus(int sig)
{
	(void)sig;
	bus_caught++;
	siglongjmp(bus_env, 1);
}

/* Read a page of an empty file: SIGBUS, which the program's handler takes. */
static int sigbus_reaches_handler(void)
{
	char path[] = "/tmp/own_handler.XXXXXX";
	int fd = mkstemp(path);
	volatile char *p;

	if (fd < 0)
		return -1;
	unlink(path);
	p = mmap(NULL, pagesz, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	if (sigsetjmp(bus_env, 1) == 0)
		(void)p[0];
	munmap((void *)p, pagesz);
	return bus_caught == 1 ? 0 : -1;
}

static int check_heap(uint64_t *b, size_t words, uint64_t salt)
{
	for (size_t i = 0; i < words; i++)
		if (b[i] != (i ^ salt) * 0x9e3779b97f4a7c15ULL)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	size_t size = (argc > 1 ? strtoul(argv[1], NULL, 0) : 64) << 20, words = size / 8;
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO }, back;
	uint64_t *heap;

	pagesz = sysconf(_SC_PAGESIZE);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL))
		return 2;
	if (sigaction(SIGSEGV, NULL, &back) || back.sa_sigaction != on_segv) {
		fprintf(stderr, "own_handler: sigaction does not give back the program's handler\n");
		return 1;
	}
	/* Not anonymous-private: stays outside the arena. */
	guard = mmap(NULL, pagesz, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	heap = malloc(size);
	if (guard == MAP_FAILED || !heap)
		return 2;
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < words; i++)
			heap[i] = (i ^ round) * 0x9e3779b97f4a7c15ULL;
		mprotect((void *)guard, pagesz, PROT_NONE);
		guard[round] = 'x';	/* faults: the program's handler opens it */
		if (guard[round] != 'x' || caught != round + 1) {
			fprintf(stderr, "own_handler: handler did not run (caught %d)\n", (int)caught);
			return 1;
		}
		if (check_heap(heap, words, round)) {
			fprintf(stderr, "own_handler: heap corrupted in round %d\n", round);
			return 1;
		}
	}
	if (signal(SIGBUS, on_bus) == SIG_ERR || sigbus_reaches_handler()) {
		fprintf(stderr, "own_handler: the program's SIGBUS handler did not run\n");
		return 1;
	}
	if (check_heap(heap, words, 2)) {
		fprintf(stderr, "own_handler: heap corrupted after the SIGBUS\n");
		return 1;
	}
	printf("own_handler: %d SIGSEGV and %d SIGBUS outside the arena handled, "
	       "%zu MiB heap intact\n", (int)caught, (int)bus_caught, size >> 20);
	return 0;
}
