// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * holder MB STOPFILE: keep MB MiB of heap busy until STOPFILE exists.
 *
 * Fills the memory with a pattern that names each page, then sweeps it
 * again and again (reading and checking every page, rewriting one word)
 * until STOPFILE appears or 1200 seconds pass; then checks every page
 * once more and prints "holder: N pages verified" on stdout.  A wrong
 * byte anywhere: a message and exit status 1.  Used by the daemon tests
 * to have programs running while caps change and daemons come and go.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define PAGE	4096

static uint64_t pattern(size_t page, uint64_t round)
{
	return (page * 0x9e3779b97f4a7c15ULL) ^ round;
}

static int check(const uint64_t *mem, size_t pages, const uint64_t *rounds)
{
	for (size_t p = 0; p < pages; p++) {
		const uint64_t *w = mem + p * (PAGE / 8);

		if (w[0] != pattern(p, rounds[p]) || w[PAGE / 8 - 1] != ~pattern(p, 0)) {
			fprintf(stderr, "holder: page %zu is wrong\n", p);
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t mb, pages;
	uint64_t *mem, *rounds, round = 0;
	time_t end = time(NULL) + 1200;	/* a test at load 50 took 558 s */

	if (argc != 3) {
		fprintf(stderr, "usage: holder MB STOPFILE\n");
		return 2;
	}
	mb = strtoul(argv[1], NULL, 10);
	pages = mb * 256;
	mem = malloc(pages * PAGE);
	rounds = calloc(pages, sizeof(*rounds));
	if (!mem || !rounds) {
		fprintf(stderr, "holder: out of memory\n");
		return 1;
	}
	for (size_t p = 0; p < pages; p++) {
		uint64_t *w = mem + p * (PAGE / 8);

		w[0] = pattern(p, 0);
		w[PAGE / 8 - 1] = ~pattern(p, 0);
	}
	while (access(argv[2], F_OK) != 0 && time(NULL) < end) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		if (check(mem, pages, rounds))
			return 1;
		round++;
		for (size_t p = 0; p < pages; p += 7) {
			rounds[p] = round;
			mem[p * (PAGE / 8)] = pattern(p, round);
		}
		nanosleep(&ts, NULL);
	}
	if (check(mem, pages, rounds))
		return 1;
	printf("holder: %zu pages verified\n", pages);
	return 0;
}
