// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hotcold - a hot set that fits under the cap stays resident while cold
 * pages stream through: each round writes a slice of a large cold buffer,
 * then reads every page of a small hot buffer.  Reads its own counters
 * through upage_stats_read (found with dlsym: the program is unmodified
 * and does not link upage) and prints how many swap-ins the hot phases
 * caused, after a warm-up round.
 *
 * usage: hotcold HOT_MIB COLD_MIB ROUNDS
 * exit 0, printing "hot_swap_ins=N hot_touches=M"; 2 if upage is absent.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../include/upage.h"

int main(int argc, char **argv)
{
	size_t hot = strtoul(argv[1], NULL, 0) << 20, cold = strtoul(argv[2], NULL, 0) << 20;
	int rounds = atoi(argv[3]);
	int (*stats)(struct upage_stats *) = (int (*)(struct upage_stats *))dlsym(RTLD_DEFAULT,
									     "upage_stats_read");
	uint8_t *h = malloc(hot), *c = malloc(cold);
	size_t slice = cold / 8, at = 0;
	unsigned long long hot_ins = 0, touches = 0;
	volatile uint64_t sum = 0;
	struct upage_stats before, after;

	if (!stats || !h || !c) {
		fprintf(stderr, "hotcold: not running under upage\n");
		return 2;
	}
	memset(h, 1, hot);
	for (int r = 0; r < rounds; r++) {
		memset(c + at, r, slice);
		at = (at + slice) % cold;
		stats(&before);
		for (size_t i = 0; i < hot; i += 4096)
			sum += h[i];
		stats(&after);
		if (r > 0) {
			hot_ins += after.swap_ins - before.swap_ins;
			touches += hot / 4096;
		}
	}
	printf("hot_swap_ins=%llu hot_touches=%llu\n", hot_ins, touches);
	return 0;
}
