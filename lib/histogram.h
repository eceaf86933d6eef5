/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * histogram.h - the arithmetic of the latency histograms (struct
 * upage_histogram in upage.h): bucket index and bounds, recording,
 * snapshot, difference, merge, percentile.
 *
 * Buckets are log-linear, as HdrHistogram's: a value below 2 * SUB (32)
 * has a bucket of its own; a value v >= 32 with highest bit k goes to
 * sub-bucket (v >> (k - 4)) & 15 of power k.  So every bucket's width is
 * at most 1/16 of its lower bound, and a percentile read back is within
 * 6.25% of the value recorded (3.2% from the bucket's middle, which is
 * what hist_percentile returns).
 *
 * Recording is lock-free: relaxed atomic adds on count, sum and the
 * bucket, and a compare-and-swap loop on max only while the value is
 * larger.  Writers may run in many threads (and, for the stats memfd,
 * under a reader in another process); a reader takes a snapshot, whose
 * count may trail its buckets by the writes in flight: the percentiles
 * are computed from the buckets.
 */
#ifndef UPAGE_HISTOGRAM_H
#define UPAGE_HISTOGRAM_H

#include <stdbool.h>
#include <stdint.h>

#include <upage.h>

static inline unsigned int hist_bucket(uint64_t v)
{
	unsigned int k;

	if (v < 2 * UPAGE_HIST_SUB)
		return (unsigned int)v;
	k = 63 - (unsigned int)__builtin_clzll(v);	/* k >= SUB_BITS + 1 */
	return (k - UPAGE_HIST_SUB_BITS + 1) * UPAGE_HIST_SUB +
	       (unsigned int)((v >> (k - UPAGE_HIST_SUB_BITS)) & (UPAGE_HIST_SUB - 1));
}

/* The smallest value of bucket @i. */
uint64_t hist_bucket_lower(unsigned int i);
/* One past the largest value of bucket @i (UINT64_MAX for the last). */
uint64_t hist_bucket_upper(unsigned int i);

/* Add one value (@n values) of @ns: lock-free, from any thread. */
void hist_record(struct upage_histogram *h, uint64_t ns);
void hist_record_n(struct upage_histogram *h, uint64_t ns, uint64_t n);

/* Copy @src, which writers may be changing, field by field. */
void hist_snapshot(struct upage_histogram *dst, const struct upage_histogram *src);
/* @dst += @src (neither being written). */
void hist_merge(struct upage_histogram *dst, const struct upage_histogram *src);
/*
 * @dst = @now - @before, two snapshots of one histogram: what was recorded
 * in between.  The maximum of that span is not known: @dst's max is the
 * top of its highest non-empty bucket, at most @now's max.
 */
void hist_diff(struct upage_histogram *dst, const struct upage_histogram *now,
	       const struct upage_histogram *before);

/* Values in the buckets (the count, once no write is in flight). */
uint64_t hist_total(const struct upage_histogram *h);
/*
 * The value at quantile @q (0 < q <= 1; 0.5 is the median, 0.999 p99.9):
 * the middle of the bucket holding the ceil(q * total)-th smallest value,
 * at most max.  0 when the histogram is empty.
 */
uint64_t hist_percentile(const struct upage_histogram *h, double q);
/* sum / count, rounded; 0 when empty. */
uint64_t hist_mean(const struct upage_histogram *h);

#endif /* UPAGE_HISTOGRAM_H */
