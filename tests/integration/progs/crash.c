// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * crash - a program that dies with a core dump, its heap paged out: write
 * SIZE MiB with a pattern, print "heap ADDRESS BYTES", then die of SIGNAL
 * (abrt: abort(); segv: a store through a null pointer; quit: SIGQUIT
 * from kill, after setting it to its default).  The test reads the heap
 * back from the core file.
 *
 * usage: crash abrt|segv|quit SIZE_MIB
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t pattern(uint64_t i)
{
	uint64_t x = i * 0x9e3779b97f4a7c15ULL;

	return x ^ (x >> 29) ^ 0x5555aaaa5555aaaaULL;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 2 ? strtoul(argv[2], NULL, 0) : 48;
	size_t n = mib * (1 << 20) / sizeof(uint64_t);
	uint64_t *buf = malloc(n * sizeof(uint64_t));
	volatile int *null = NULL;

	if (argc < 2 || !buf)
		return 2;
	for (size_t i = 0; i < n; i++)
		buf[i] = pattern(i);
	printf("heap %#lx %zu\n", (unsigned long)buf, n * sizeof(uint64_t));
	fflush(stdout);
	if (strcmp(argv[1], "segv") == 0) {
		*null = 1;
	} else if (strcmp(argv[1], "quit") == 0) {
		/* A shell's background job starts with SIGQUIT ignored. */
		signal(SIGQUIT, SIG_DFL);
		kill(getpid(), SIGQUIT);
	}
	else
		abort();
	return 3;
}
