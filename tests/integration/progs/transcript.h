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

#include "push_out.h"

static int errors;

/* The pattern word @i of a region filled with @seed. */
static inline uint64_t word(size_t i, unsigned seed)
{
	return (i + seed) * 0x9e3779b97f4a7c15ULL + 7;
}

/* Write the pattern of @seed over [p+off, p+off+len). */
static inline void fill_at(char *p, size_t off, size_t len, unsigned seed)
{
	for (size_t i = off / 8; i < (off + len) / 8; i++)
		((uint64_t *)p)[i] = word(i, seed);
}

/* [p+off, p+off+len): "data" (the pattern of @seed), "zeros", or "mixed". */
static inline const char *seen_at(const char *p, size_t off, size_t len, unsigned seed)
{
	size_t data = 0, zero = 0;

	for (size_t i = off / 8; i < (off + len) / 8; i++) {
		uint64_t w = ((const uint64_t *)p)[i];

		data += w == word(i, seed);
		zero += w == 0;
	}
	return data == len / 8 ? "data" : zero == len / 8 ? "zeros" : "mixed";
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
