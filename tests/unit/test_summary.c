// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_summary.c - the exit summary (lib/summary.c): the latency table
 * and the log2 swap-in histogram drawn as bcc's biolatency.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "histogram.h"
#include "stats.h"
#include "summary.h"

static char out[65536];

static void summarise(const struct upage_stats *st)
{
	struct outbuf o;

	outbuf_init_str(&o, out, sizeof(out));
	summary_write(st, &o);
	outbuf_flush(&o);
	cr_assert_lt(o.total, sizeof(out), "the summary should fit the test's buffer");
}

Test(summary, table_has_a_row_per_kind)
{
	struct upage_stats *st = calloc(1, sizeof(*st));

	st->pid = 7;
	st->flags = UPAGE_STATS_F_LATENCY;
	strcpy(st->engine, "uffd");
	hist_record_n(&st->latency[UPAGE_LAT_NO_PAGE], 12000, 3);
	summarise(st);
	cr_assert_not_null(strstr(out, "kind"), "the table should have a header: %s", out);
	cr_assert_not_null(strstr(out, "p99.9 us"), "the header should name p99.9 in us: %s", out);
	for (int k = 0; k < UPAGE_LAT_KINDS; k++)
		cr_assert_not_null(strstr(out, latency_kind_name[k]), "a row for %s: %s",
				   latency_kind_name[k], out);
	cr_assert_not_null(strstr(out, "12.0"), "no_page's 12 us should show as 12.0: %s", out);
	cr_assert_not_null(strstr(out, "no swap-ins"), "no histogram without swap-ins: %s", out);
	free(st);
}

Test(summary, log2_histogram_has_bars_as_biolatency)
{
	struct upage_stats *st = calloc(1, sizeof(*st));
	struct upage_histogram *in = &st->latency[UPAGE_LAT_SWAP_PAGE];

	st->flags = UPAGE_STATS_F_LATENCY;
	hist_record_n(in, 100000, 80);		/* 100 us: the 64 -> 127 row */
	hist_record_n(in, 300000, 20);		/* 300 us: the 256 -> 511 row */
	summarise(st);
	cr_assert_not_null(strstr(out, "usecs"), "the histogram's header says usecs: %s", out);
	cr_assert_not_null(strstr(out, "distribution"), "... and distribution: %s", out);
	cr_assert_not_null(strstr(out, "0 -> 1 "), "the rows start at 0 -> 1: %s", out);
	cr_assert_not_null(strstr(out, "64 -> 127        : 80       |****************************************|"),
			   "the fullest row has the full bar: %s", out);
	cr_assert_not_null(strstr(out, "256 -> 511        : 20       |**********                              |"),
			   "a quarter as many, a quarter of the bar: %s", out);
	cr_assert_null(strstr(out, "512 -> "), "no rows past the last non-empty one: %s", out);
	free(st);
}

Test(summary, says_when_latency_was_not_measured)
{
	struct upage_stats *st = calloc(1, sizeof(*st));

	summarise(st);	/* flags 0: UPAGE_LATENCY=0 */
	cr_assert_not_null(strstr(out, "latency not measured (UPAGE_LATENCY=0)"),
			   "the summary should say so: %s", out);
	cr_assert_null(strstr(out, "p99 us"), "and draw no table: %s", out);
	free(st);
}
