// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_timeline.c - the timeline ring (lib/timeline.c): appending,
 * compaction when full, and consistent reads.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>

#include "timeline.h"

static struct upage_timeline *tl, *copy;

static void setup(void)
{
	tl = calloc(1, sizeof(*tl));
	copy = calloc(1, sizeof(*copy));
	cr_assert(tl && copy, "calloc");
	timeline_reset(tl);
}

static void teardown(void)
{
	free(tl);
	free(copy);
}

static void add(uint64_t t_ms, uint64_t resident)
{
	struct upage_timeline_sample s = { .t_ms = t_ms, .resident_pages = resident,
					   .swap_ins = t_ms * 2, .swap_outs = t_ms };

	timeline_add(tl, &s);
}

TestSuite(timeline, .init = setup, .fini = teardown);

Test(timeline, reset_empties_it)
{
	add(0, 1);
	timeline_reset(tl);
	cr_assert_eq(tl->nr, 0, "reset should empty the ring");
	cr_assert_eq(tl->interval_ms, TIMELINE_INTERVAL_MS, "reset should restore the interval");
	cr_assert_eq(tl->seq % 2, 0, "the sequence count should be even at rest");
}

Test(timeline, samples_are_kept_in_order)
{
	for (uint64_t i = 0; i < 10; i++)
		add(i * 100, i);
	cr_assert_eq(timeline_read(tl, copy), 0, "a read at rest should succeed");
	cr_assert_eq(copy->nr, 10, "10 samples should be there");
	for (uint32_t i = 0; i < 10; i++)
		cr_assert_eq(copy->s[i].resident_pages, i, "sample %u should read back", i);
}

Test(timeline, full_ring_halves_and_doubles_the_interval)
{
	/* As the sampler does: one sample per interval, for three times what
	 * the ring holds at the first interval. */
	uint64_t end = 3ULL * UPAGE_TIMELINE_LEN * TIMELINE_INTERVAL_MS, t, last = 0;

	for (t = 0; t < end; t += tl->interval_ms) {
		add(t, t);
		last = t;
	}
	cr_assert_leq(tl->nr, UPAGE_TIMELINE_LEN, "the ring should never overflow");
	cr_assert_gt(tl->nr, UPAGE_TIMELINE_LEN / 2, "the ring should stay at least half full");
	cr_assert_eq(tl->interval_ms, 4 * TIMELINE_INTERVAL_MS,
		     "two compactions should make the interval four times as long");
	cr_assert_eq(tl->s[0].t_ms, 0, "the first sample (the start) should be kept");
	cr_assert_eq(tl->s[tl->nr - 1].t_ms, last, "the newest sample should be last");
	for (uint32_t i = 1; i < tl->nr; i++)
		cr_assert_gt(tl->s[i].t_ms, tl->s[i - 1].t_ms, "times should increase (at %u)", i);
}

Test(timeline, read_during_a_write_gives_up)
{
	add(0, 1);
	tl->seq |= 1;	/* as if the writer died mid-write */
	cr_assert_eq(timeline_read(tl, copy), -EAGAIN, "a torn timeline should not be read");
	cr_assert_eq(copy->nr, 0, "a failed read should leave no samples");
	timeline_reset(tl);
	cr_assert_eq(timeline_read(tl, copy), 0, "reset should make it readable again");
}
