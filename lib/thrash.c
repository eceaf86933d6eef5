// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * thrash.c - one message when the program is thrashing: its working set
 * is larger than the resident cap, so that it spends its time reading
 * back what was just paged out.
 *
 * A program in that state still makes progress, but many times slower
 * than in memory (xz -9 under the sigsegv engine, whose cap
 * vm.max_map_count cuts to about 110 MiB, ran for more than 15 minutes
 * where it takes 100 s under a cap of 240 MiB), and nothing else says so:
 * it looks like a hang.  So when, over THRASH_WINDOWS windows of
 * THRASH_MS in a row, the pages swapped back in exceed the cap each time
 * (the whole resident set read back from swap every window), upage says
 * once what is happening and what would help: a larger cap, and under
 * the sigsegv engine the map count that bounds it.
 *
 * Locking: none; the sampler thread is the only caller (thrash.h).
 */
#include "autoconfig.h"

#include "thrash.h"

#include <stdio.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"
#include "page_alloc.h"
#include "runtime.h"
#include "sys.h"

#define THRASH_MS	10000
#define THRASH_WINDOWS	3

static uint64_t window_start_ms, window_start_ins;
static int windows;	/* thrashing windows in a row */
static bool said;

static void say(uint64_t pages, unsigned long cap)
{
	const char *engine = upage.mm.engine ? upage.mm.engine->name : "?";
	char hint[256] = "";

	if (!strcmp(engine, "sigsegv")) {
		long limit = (long)sys_read_number("/proc/sys/vm/max_map_count", NULL, -1);

		snprintf(hint, sizeof(hint),
			 "; under the sigsegv engine vm.max_map_count=%ld bounds the cap to "
			 "about %ld MiB (two mappings a resident page): raise it, or run where "
			 "uffd-sigbus works", limit, limit / 2 * (long)PAGE_SIZE >> 20);
	}
	upage_msg("the program is thrashing: in the last %d s it read back %lu MiB from swap, "
		  "%.1f times its resident cap of %lu MiB: its working set does not fit, and it "
		  "runs many times slower than in memory (raise --max-rss%s)",
		  THRASH_MS * THRASH_WINDOWS / 1000,
		  (unsigned long)(pages * PAGE_SIZE >> 20), (double)pages / THRASH_WINDOWS / cap,
		  (unsigned long)((uint64_t)cap * PAGE_SIZE >> 20), hint);
}

void thrash_sample(uint64_t t_ms, uint64_t swap_ins)
{
	static uint64_t total;
	unsigned long cap = upage.zone.cap_frames;

	if (said)
		return;
	if (t_ms < window_start_ms + THRASH_MS && t_ms >= window_start_ms)
		return;
	if (cap && swap_ins - window_start_ins > cap) {
		windows++;
		total += swap_ins - window_start_ins;
	} else {
		windows = 0;
		total = 0;
	}
	window_start_ms = t_ms;
	window_start_ins = swap_ins;
	if (windows >= THRASH_WINDOWS) {
		said = true;
		say(total, cap);
	}
}
