// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * thrash - write one byte of a random page of a MIB-MiB heap buffer, over
 * and over, for SECONDS seconds: under a cap smaller than MIB it thrashes
 * (every touch a swap-in), under a larger one it does not.  Checks the
 * bytes at the end.
 *
 * usage: thrash MIB SECONDS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PAGE	4096

int main(int argc, char **argv)
{
	size_t mib = argc > 2 ? strtoul(argv[1], NULL, 10) : 0;
	int seconds = argc > 2 ? atoi(argv[2]) : 0;
	size_t pages = mib << 8;
	uint8_t *buf, *count;
	uint64_t x = 88172645463325252ULL;
	time_t end;

	if (!pages || seconds <= 0)
		return 2;
	buf = malloc(pages * PAGE);
	count = calloc(pages, 1);
	if (!buf || !count)
		return 2;
	for (size_t i = 0; i < pages; i++)
		buf[i * PAGE] = 0;
	end = time(NULL) + seconds;
	while (time(NULL) < end)
		for (int k = 0; k < 1000; k++) {
			size_t p;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			p = x % pages;
			buf[p * PAGE]++;
			count[p]++;
		}
	for (size_t i = 0; i < pages; i++)
		if (buf[i * PAGE] != count[i]) {
			fprintf(stderr, "thrash: page %zu reads %u, written %u times\n", i,
				buf[i * PAGE], count[i]);
			return 1;
		}
	return 0;
}
