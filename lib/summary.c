// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * summary.c - the summary at exit (UPAGE_SUMMARY=1, `upage run
 * --summary`): a table of each latency kind (count, p50, p99, p99.9, max,
 * in microseconds), then the swap-in latency (swap_page: faults that read
 * from swap) as a log2 histogram with bars, drawn the way bcc's
 * biolatency draws its own.
 *
 * The log2 rows are of microseconds; each of the histogram's finer
 * buckets (of nanoseconds) goes to the row holding its middle, so a row's
 * edges are as exact as the buckets, within 6%.  Integer arithmetic only:
 * this runs at exit, inside the program, through an outbuf.
 */
#include "autoconfig.h"

#include "summary.h"

#include <inttypes.h>
#include <stdio.h>

#include "histogram.h"
#include "stats.h"

#define LOG2_ROWS	64
#define BAR_WIDTH	40

/* @ns as microseconds with one decimal, right-aligned in @width. */
static void put_us(struct outbuf *o, uint64_t ns, int width)
{
	uint64_t tenths = (ns + 50) / 100;
	char num[32];

	snprintf(num, sizeof(num), "%" PRIu64 ".%" PRIu64, tenths / 10, tenths % 10);
	outbuf_printf(o, " %*s", width, num);
}

static void table(const struct upage_stats *st, struct outbuf *o)
{
	outbuf_printf(o, "%-10s %10s %10s %10s %10s %10s\n", "kind", "count", "p50 us", "p99 us",
		      "p99.9 us", "max us");
	for (int k = 0; k < UPAGE_LAT_KINDS; k++) {
		const struct upage_histogram *h = &st->latency[k];

		outbuf_printf(o, "%-10s %10" PRIu64, latency_kind_name[k], h->count);
		put_us(o, hist_percentile(h, 0.5), 10);
		put_us(o, hist_percentile(h, 0.99), 10);
		put_us(o, hist_percentile(h, 0.999), 10);
		put_us(o, h->max_ns, 10);
		outbuf_put(o, "\n", 1);
	}
}

/* The log2 row of a bucket: row 1 is 0-1 us, row i >= 2 is [2^(i-1), 2^i) us. */
static unsigned int log2_row(unsigned int bucket)
{
	uint64_t lo = hist_bucket_lower(bucket), hi = hist_bucket_upper(bucket);
	uint64_t us = (lo + (hi - lo) / 2) / 1000;

	return us < 2 ? 1 : 64 - (unsigned int)__builtin_clzll(us);
}

static void log2_histogram(const struct upage_histogram *h, struct outbuf *o)
{
	uint64_t rows[LOG2_ROWS + 1] = { 0 }, top = 0;
	unsigned int last = 1;
	char bar[BAR_WIDTH + 1];

	for (unsigned int i = 0; i < UPAGE_HIST_BUCKETS; i++) {
		unsigned int r;

		if (!h->buckets[i])
			continue;
		r = log2_row(i);
		if (r > LOG2_ROWS)
			r = LOG2_ROWS;
		rows[r] += h->buckets[i];
		if (r > last)
			last = r;
	}
	for (unsigned int r = 1; r <= last; r++)
		if (rows[r] > top)
			top = rows[r];
	outbuf_printf(o, "%10s%14s : count     distribution\n", "usecs", "");
	for (unsigned int r = 1; r <= last; r++) {
		uint64_t lo = r == 1 ? 0 : 1ULL << (r - 1), hi = (1ULL << r) - 1;
		unsigned int n = top ? (unsigned int)(rows[r] * BAR_WIDTH / top) : 0;

		for (unsigned int i = 0; i < BAR_WIDTH; i++)
			bar[i] = i < n ? '*' : ' ';
		bar[BAR_WIDTH] = '\0';
		outbuf_printf(o, "%10" PRIu64 " -> %-10" PRIu64 " : %-8" PRIu64 " |%s|\n", lo, hi,
			      rows[r], bar);
	}
}

void summary_write(const struct upage_stats *st, struct outbuf *o)
{
	const struct upage_histogram *in = &st->latency[UPAGE_LAT_SWAP_PAGE];

	outbuf_printf(o,
		      "upage: pid %" PRId32 ", engine %.*s, cap %" PRIu64 " KiB, peak resident %" PRIu64
		      " KiB, %" PRIu64 " swap-ins, %" PRIu64 " swap-outs\n",
		      st->pid, (int)sizeof(st->engine), st->engine, st->max_rss_bytes >> 10,
		      st->peak_resident_pages * STATS_PAGE_BYTES >> 10, st->swap_ins, st->swap_outs);
	if (!(st->flags & UPAGE_STATS_F_LATENCY)) {
		outbuf_printf(o, "latency not measured (UPAGE_LATENCY=0)\n");
		return;
	}
	table(st, o);
	if (!in->count) {
		outbuf_printf(o, "no swap-ins (swap_page faults)\n");
		return;
	}
	outbuf_printf(o, "swap-in latency (swap_page faults, %" PRIu64 "):\n", in->count);
	log2_histogram(in, o);
}
