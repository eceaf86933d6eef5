/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * transcript.h - what the transcript programs share (mremapfix,
 * forkadvice, foreignmap, rawclone).  Each prints one line per case, run
 * once without upage and once under a cap of a few MiB, and its script
 * compares the two transcripts; a line other than the one the kernel
 * documents is also counted in @errors and named on stderr.  Define PROG
 * (the program's name) before including this.
 */
#ifndef TRANSCRIPT_H
#define TRANSCRIPT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE	4096UL
#define MIB	(1UL << 20)
#define FILLER	(48 * MIB)	/* what push_out touches: far past the tests' caps */

static int errors;

/* The pattern word @i of a region filled with @seed. */
static uint64_t word(size_t i, unsigned seed)
{
	return (i + seed) * 0x9e3779b97f4a7c15ULL + 7;
}

/* Touch FILLER bytes of fresh heap, so that what came before is paged out. */
static void push_out(void)
{
	static volatile char *filler;

	if (!filler)
		filler = malloc(FILLER);
	for (size_t i = 0; i < FILLER; i += PAGE)
		filler[i]++;
}

/* One line of the transcript, and whether it is the one expected. */
static void expect(const char *line, const char *want)
{
	printf("%s\n", line);
	fflush(stdout);
	if (strcmp(line, want)) {
		fprintf(stderr, PROG ": got  %s\n" PROG ": want %s\n", line, want);
		errors++;
	}
}

#endif /* TRANSCRIPT_H */
