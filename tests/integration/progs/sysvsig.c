// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sysvsig - crash handlers installed the System V way, as zstd and xz do
 * (built for a strict standard, their signal() is glibc's __sysv_signal),
 * and with sigset: the heap, larger than the cap, is then paged out and
 * back, and none of its faults may reach those handlers; a genuine
 * SIGSEGV (a write through a bad pointer) must, once, with System V's
 * semantics (the handler reset to the default when it runs).
 *
 * __sysv_signal is called by name (what signal() becomes without
 * _DEFAULT_SOURCE), whatever this file's build flags.
 *
 * usage: sysvsig SIZE_MIB
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*handler_t)(int);
extern handler_t __sysv_signal(int sig, handler_t handler);
extern handler_t sigset(int sig, handler_t disp);

static volatile sig_atomic_t segv_seen, bus_seen;
static sigjmp_buf back;

static void on_segv(int sig)
{
	(void)sig;
	segv_seen++;
	siglongjmp(back, 1);
}

static void on_bus(int sig)
{
	(void)sig;
	bus_seen++;
	siglongjmp(back, 1);
}

static uint64_t word(size_t i, int pass)
{
	return (i * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)pass;
}

int main(int argc, char **argv)
{
	size_t n = (argc > 1 ? strtoull(argv[1], NULL, 10) : 32) << 20;
	uint64_t *heap;
	static size_t bad;
	static volatile uintptr_t bad_addr = 16;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	if (__sysv_signal(SIGSEGV, on_segv) == SIG_ERR || sigset(SIGBUS, on_bus) == SIG_ERR) {
#pragma GCC diagnostic pop
		perror("sysvsig: signal");
		return 2;
	}
	/* Used up first: jemalloc's first extent may not be paged. */
	for (int i = 0; i < 3072; i++)
		memset(malloc(4096), 1, 4096);
	heap = malloc(n);
	if (!heap)
		return 2;
	if (sigsetjmp(back, 1)) {
		fprintf(stderr, "sysvsig: a fault of the paged heap reached the program's handler "
				"(SIGSEGV %d, SIGBUS %d)\n", (int)segv_seen, (int)bus_seen);
		return 1;
	}
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < n / 8; i++)
			heap[i] = word(i, pass);
		for (size_t i = 0; i < n / 8; i++)
			bad += heap[i] != word(i, pass);
	}
	if (bad) {
		fprintf(stderr, "sysvsig: %zu words read back wrong\n", bad);
		return 1;
	}
	/* A genuine fault: the program's handler, once, then the default. */
	if (!sigsetjmp(back, 1)) {
		*(volatile int *)bad_addr = 1;
		fprintf(stderr, "sysvsig: a write to address 16 did not fault\n");
		return 1;
	}
	if (segv_seen != 1 || bus_seen) {
		fprintf(stderr, "sysvsig: the handler ran %d times (SIGBUS %d), not once\n",
			(int)segv_seen, (int)bus_seen);
		return 1;
	}
	if (__sysv_signal(SIGSEGV, SIG_DFL) != SIG_DFL) {
		fprintf(stderr, "sysvsig: the handler was not reset when it ran (SA_RESETHAND)\n");
		return 1;
	}
	printf("sysvsig: %zu MiB paged through, the genuine fault delivered once\n", n >> 20);
	return 0;
}
