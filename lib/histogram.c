// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * histogram.c - log-linear latency histograms: recording without locks,
 * and what readers compute from them (histogram.h).
 *
 * Nothing here allocates or locks: hist_record runs on the fault path,
 * in signal handlers under the SIGSEGV engine, and in kswapd.
 */
#include "autoconfig.h"

#include "histogram.h"

#include <string.h>

uint64_t hist_bucket_lower(unsigned int i)
{
	unsigned int k;

	if (i < 2 * UPAGE_HIST_SUB)
		return i;
	k = i / UPAGE_HIST_SUB + UPAGE_HIST_SUB_BITS - 1;
	return (uint64_t)(UPAGE_HIST_SUB + i % UPAGE_HIST_SUB) << (k - UPAGE_HIST_SUB_BITS);
}

uint64_t hist_bucket_upper(unsigned int i)
{
	if (i >= UPAGE_HIST_BUCKETS - 1)
		return UINT64_MAX;
	return hist_bucket_lower(i + 1);
}

static void raise_max(uint64_t *max, uint64_t v)
{
	uint64_t cur = __atomic_load_n(max, __ATOMIC_RELAXED);

	/* A failed exchange reloads cur: retry only while v is still above it. */
	while (v > cur &&
	       !__atomic_compare_exchange_n(max, &cur, v, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

void hist_record_n(struct upage_histogram *h, uint64_t ns, uint64_t n)
{
	if (!n)
		return;
	__atomic_fetch_add(&h->buckets[hist_bucket(ns)], n, __ATOMIC_RELAXED);
	__atomic_fetch_add(&h->sum_ns, ns * n, __ATOMIC_RELAXED);
	raise_max(&h->max_ns, ns);
	/* Last: a reader that sees the count sees the bucket too (mostly). */
	__atomic_fetch_add(&h->count, n, __ATOMIC_RELAXED);
}

void hist_record(struct upage_histogram *h, uint64_t ns)
{
	hist_record_n(h, ns, 1);
}

void hist_snapshot(struct upage_histogram *dst, const struct upage_histogram *src)
{
	dst->count = __atomic_load_n(&src->count, __ATOMIC_RELAXED);
	dst->sum_ns = __atomic_load_n(&src->sum_ns, __ATOMIC_RELAXED);
	dst->max_ns = __atomic_load_n(&src->max_ns, __ATOMIC_RELAXED);
	for (unsigned int i = 0; i < UPAGE_HIST_BUCKETS; i++)
		dst->buckets[i] = __atomic_load_n(&src->buckets[i], __ATOMIC_RELAXED);
}

void hist_merge(struct upage_histogram *dst, const struct upage_histogram *src)
{
	dst->count += src->count;
	dst->sum_ns += src->sum_ns;
	if (src->max_ns > dst->max_ns)
		dst->max_ns = src->max_ns;
	for (unsigned int i = 0; i < UPAGE_HIST_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
}

void hist_diff(struct upage_histogram *dst, const struct upage_histogram *now,
	       const struct upage_histogram *before)
{
	unsigned int top = 0;
	bool any = false;

	dst->count = now->count - before->count;
	dst->sum_ns = now->sum_ns - before->sum_ns;
	for (unsigned int i = 0; i < UPAGE_HIST_BUCKETS; i++) {
		/* A bucket read before its count in @before may look ahead:
		 * never below zero. */
		dst->buckets[i] = now->buckets[i] > before->buckets[i]
					  ? now->buckets[i] - before->buckets[i] : 0;
		if (dst->buckets[i]) {
			top = i;
			any = true;
		}
	}
	dst->max_ns = 0;
	if (any) {
		uint64_t upper = hist_bucket_upper(top) - 1;

		dst->max_ns = upper < now->max_ns ? upper : now->max_ns;
	}
}

uint64_t hist_total(const struct upage_histogram *h)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < UPAGE_HIST_BUCKETS; i++)
		n += h->buckets[i];
	return n;
}

uint64_t hist_percentile(const struct upage_histogram *h, double q)
{
	uint64_t total = hist_total(h), rank, seen = 0;

	if (!total)
		return 0;
	if (q > 1)
		q = 1;
	rank = (uint64_t)(q * (double)total);
	if ((double)rank < q * (double)total)
		rank++;			/* ceil */
	if (rank == 0)
		rank = 1;
	for (unsigned int i = 0; i < UPAGE_HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank) {
			uint64_t lo = hist_bucket_lower(i), hi = hist_bucket_upper(i);
			uint64_t mid = lo + (hi - lo) / 2;

			return h->max_ns && mid > h->max_ns ? h->max_ns : mid;
		}
	}
	return h->max_ns;
}

uint64_t hist_mean(const struct upage_histogram *h)
{
	if (!h->count)
		return 0;
	return (h->sum_ns + h->count / 2) / h->count;
}
