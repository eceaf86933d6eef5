// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bigalloc - one large allocation, as a program under RLIMIT_AS makes it:
 * calloc (or malloc) of SIZE GiB, a word written every STRIDE pages, then
 * every one read back (and the calloc'd zeros between checked on the way).
 * Exit 0 when intact, 1 at the first wrong word, 2 when the allocation
 * failed.
 *
 * usage: bigalloc calloc|malloc SIZE_GIB [STRIDE_PAGES]
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	size_t gib = argc > 2 ? strtoul(argv[2], NULL, 0) : 1;
	size_t stride = (argc > 3 ? strtoul(argv[3], NULL, 0) : 16) * 4096 / sizeof(uint64_t);
	bool zeroed = argc > 1 && strcmp(argv[1], "calloc") == 0;
	size_t n = (gib << 30) / sizeof(uint64_t);
	uint64_t *p = zeroed ? calloc(n, sizeof(uint64_t)) : malloc(n * sizeof(uint64_t));

	if (!p) {
		printf("bigalloc: %s of %zu GiB failed\n", argv[1], gib);
		return 2;
	}
	for (size_t i = 0; i < n; i += stride)
		p[i] = i * 0x9e3779b97f4a7c15ULL + 1;
	for (size_t i = 0; i < n; i += stride) {
		if (p[i] != i * 0x9e3779b97f4a7c15ULL + 1 || (zeroed && p[i + 1] != 0)) {
			printf("bigalloc: word %zu is %#llx\n", i, (unsigned long long)p[i]);
			return 1;
		}
	}
	printf("bigalloc: %s of %zu GiB intact\n", argv[1], gib);
	return 0;
}
