// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * firstalloc - the program's first allocations are paged like the rest:
 * the first thing main does is allocate and fill 16 buffers of 256 KiB
 * and 4096 small objects; after the heap is pushed out (push_out, as in
 * transcript.h), it
 * counts with mincore how many of their pages are still resident.  Under
 * a cap of a few MiB nearly none may be (an allocation left outside the
 * arena stays resident whatever the cap).  Prints the counts; exits 1 when
 * more than a quarter of the pages are resident and `paged` was asked.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/mman.h>

#define PAGE	4096UL
#define MIB	(1UL << 20)
#define FILLER	(48 * MIB)

#define NBIG	16
#define BIG	(256 * 1024)
#define NSMALL	4096
#define SMALL	64

/* Touch FILLER bytes of fresh heap, so that what came before is paged out. */
static void push_out(void)
{
	static volatile char *filler;

	if (!filler)
		filler = malloc(FILLER);
	for (size_t i = 0; i < FILLER; i += PAGE)
		filler[i]++;
}

/* Resident pages of [p, p + len). */
static size_t resident(const void *p, size_t len)
{
	uintptr_t s = (uintptr_t)p & ~(PAGE - 1), e = (uintptr_t)p + len;
	unsigned char vec[BIG / PAGE + 2];
	size_t n = 0;

	if (mincore((void *)s, e - s, vec))
		return (e - s + PAGE - 1) / PAGE;	/* count it as resident */
	for (size_t i = 0; i < (e - s + PAGE - 1) / PAGE; i++)
		n += vec[i] & 1;
	return n;
}

int main(int argc, char **argv)
{
	static char *big[NBIG], *small[NSMALL];
	size_t pages = 0, res = 0, spages = 0, sres = 0;
	uintptr_t last = 0;

	for (int i = 0; i < NBIG; i++) {
		big[i] = malloc(BIG);
		memset(big[i], i + 1, BIG);
	}
	for (int i = 0; i < NSMALL; i++) {
		small[i] = malloc(SMALL);
		memset(small[i], i, SMALL);
	}
	push_out();
	push_out();
	for (int i = 0; i < NBIG; i++) {
		pages += ((uintptr_t)big[i] + BIG + PAGE - 1) / PAGE - (uintptr_t)big[i] / PAGE;
		res += resident(big[i], BIG);
	}
	/* the small objects' pages, each once (they were allocated in order) */
	for (int i = 0; i < NSMALL; i++) {
		uintptr_t pg = (uintptr_t)small[i] & ~(PAGE - 1);

		if (pg == last)
			continue;
		last = pg;
		spages++;
		sres += resident((void *)pg, 1);
	}
	printf("large: %zu of %zu pages resident; small: %zu of %zu pages resident\n", res, pages,
	       sres, spages);
	/* and their bytes are still theirs */
	for (int i = 0; i < NBIG; i++)
		for (size_t k = 0; k < BIG; k += PAGE)
			if (big[i][k] != (char)(i + 1))
				return 2;
	for (int i = 0; i < NSMALL; i++)
		if (small[i][SMALL - 1] != (char)i)
			return 2;
	if (argc > 1 && !strcmp(argv[1], "paged"))
		return res * 4 > pages || sres * 4 > spages;
	return 0;
}
