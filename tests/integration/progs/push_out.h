/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * push_out.h - the one way the test programs page their heap out: touch
 * FILLER bytes of fresh heap, far past the tests' caps, so that what the
 * program wrote before is swapped out when push_out returns.  Define
 * FILLER before including this to push more than 48 MiB (a test whose cap
 * is larger); the filler is allocated once and touched again each call.
 */
#ifndef PUSH_OUT_H
#define PUSH_OUT_H

#include <stdlib.h>

#ifndef FILLER
#define FILLER	(48UL << 20)
#endif

static void push_out(void)
{
	static volatile char *filler;

	if (!filler)
		filler = malloc(FILLER);
	for (size_t i = 0; i < FILLER; i += 4096)
		filler[i]++;
}

#endif /* PUSH_OUT_H */
