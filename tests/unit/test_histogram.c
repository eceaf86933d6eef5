// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_histogram.c - the latency histograms' arithmetic (lib/histogram.c):
 * bucket bounds, percentiles of known distributions, merge, difference,
 * and exact totals under concurrent writers.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "histogram.h"

static struct upage_histogram *new_hist(void)
{
	struct upage_histogram *h = calloc(1, sizeof(*h));

	cr_assert_not_null(h, "calloc of a histogram");
	return h;
}

/* |got - want| <= want / 16: the buckets' promise. */
static void assert_close(uint64_t got, uint64_t want, const char *what)
{
	uint64_t err = got > want ? got - want : want - got;

	cr_assert_leq(err * 16, want, "%s should be within 6.25%% of %llu, got %llu", what,
		      (unsigned long long)want, (unsigned long long)got);
}

/* --- buckets */

Test(histogram, every_value_lies_in_its_bucket)
{
	static const uint64_t values[] = { 0, 1, 15, 31, 32, 33, 63, 64, 999, 1000, 1023, 1024,
					   123456789, 10000000000ULL, 1ULL << 40, UINT64_MAX - 1,
					   UINT64_MAX };

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		uint64_t v = values[i];
		unsigned int b = hist_bucket(v);

		cr_assert_lt(b, UPAGE_HIST_BUCKETS, "bucket of %llu should be in range",
			     (unsigned long long)v);
		cr_assert_leq(hist_bucket_lower(b), v, "bucket %u's lower bound should be <= %llu",
			      b, (unsigned long long)v);
		cr_assert(v < hist_bucket_upper(b) || hist_bucket_upper(b) == UINT64_MAX,
			  "%llu should be below bucket %u's upper bound", (unsigned long long)v, b);
	}
	cr_assert_eq(hist_bucket(UINT64_MAX), UPAGE_HIST_BUCKETS - 1,
		     "the largest value should go to the last bucket");
}

Test(histogram, buckets_tile_the_range_within_a_sixteenth)
{
	for (unsigned int b = 0; b + 1 < UPAGE_HIST_BUCKETS; b++) {
		uint64_t lo = hist_bucket_lower(b), hi = hist_bucket_upper(b);

		cr_assert_eq(hi, hist_bucket_lower(b + 1), "bucket %u should end where %u starts",
			     b, b + 1);
		cr_assert_gt(hi, lo, "bucket %u should not be empty", b);
		cr_assert_eq(hist_bucket(lo), b, "bucket %u's lower bound should map to it", b);
		cr_assert_eq(hist_bucket(hi - 1), b, "bucket %u's last value should map to it", b);
		cr_assert((hi - lo) * 16 <= lo || hi - lo == 1,
			  "bucket %u [%llu, %llu) should be at most 1/16 of its lower bound", b,
			  (unsigned long long)lo, (unsigned long long)hi);
	}
}

Test(histogram, range_covers_under_a_microsecond_to_over_ten_seconds)
{
	struct upage_histogram *h = new_hist();

	hist_record(h, 500);
	hist_record(h, 20ULL * 1000000000);
	assert_close(hist_percentile(h, 0.5), 500, "p50 of {500 ns, 20 s}");
	assert_close(hist_percentile(h, 1.0), 20ULL * 1000000000, "p100 of {500 ns, 20 s}");
	cr_assert_eq(h->max_ns, 20ULL * 1000000000, "the max should be 20 s exactly");
	free(h);
}

/* --- percentiles of known distributions */

Test(histogram, empty_reads_zero)
{
	struct upage_histogram *h = new_hist();

	cr_assert_eq(hist_percentile(h, 0.5), 0, "an empty histogram's p50 should be 0");
	cr_assert_eq(hist_mean(h), 0, "an empty histogram's mean should be 0");
	cr_assert_eq(hist_total(h), 0, "an empty histogram should hold nothing");
	free(h);
}

Test(histogram, constant_distribution_is_exact)
{
	struct upage_histogram *h = new_hist();

	for (int i = 0; i < 1000; i++)
		hist_record(h, 75000);
	cr_assert_eq(h->count, 1000, "1000 values should be counted");
	cr_assert_eq(h->sum_ns, 75000000, "the sum should be exact");
	cr_assert_eq(h->max_ns, 75000, "the max should be exact");
	cr_assert_eq(hist_mean(h), 75000, "the mean of a constant should be it");
	cr_assert_eq(hist_percentile(h, 0.5), 75000, "p50 of a constant should be it");
	cr_assert_eq(hist_percentile(h, 0.999), 75000, "p99.9 of a constant should be it");
	free(h);
}

Test(histogram, small_values_are_exact)
{
	struct upage_histogram *h = new_hist();

	for (uint64_t v = 1; v <= 20; v++)
		hist_record(h, v);
	cr_assert_eq(hist_percentile(h, 0.5), 10, "p50 of 1..20 should be 10 exactly");
	cr_assert_eq(hist_percentile(h, 1.0), 20, "p100 of 1..20 should be 20");
	free(h);
}

Test(histogram, uniform_distribution_within_bucket_error)
{
	struct upage_histogram *h = new_hist();

	for (uint64_t v = 1; v <= 100000; v++)
		hist_record(h, v * 10);	/* 10 ns .. 1 ms */
	assert_close(hist_percentile(h, 0.5), 500000, "p50 of uniform 10 ns..1 ms");
	assert_close(hist_percentile(h, 0.9), 900000, "p90 of uniform 10 ns..1 ms");
	assert_close(hist_percentile(h, 0.99), 990000, "p99 of uniform 10 ns..1 ms");
	assert_close(hist_percentile(h, 0.999), 999000, "p99.9 of uniform 10 ns..1 ms");
	cr_assert_eq(hist_mean(h), 500005, "the mean should be exact (sum / count)");
	cr_assert_eq(h->max_ns, 1000000, "the max should be exact");
	free(h);
}

Test(histogram, two_point_distribution_splits_at_its_weight)
{
	struct upage_histogram *h = new_hist();

	hist_record_n(h, 2000, 900);		/* 90% at 2 us */
	hist_record_n(h, 5000000, 100);		/* 10% at 5 ms */
	assert_close(hist_percentile(h, 0.5), 2000, "p50 of the two-point distribution");
	assert_close(hist_percentile(h, 0.9), 2000, "p90 is the last of the 90%");
	assert_close(hist_percentile(h, 0.901), 5000000, "just past 90% is the slow point");
	cr_assert_eq(hist_percentile(h, 0.99), 5000000, "p99 is the slow point (its max)");
	cr_assert_eq(h->count, 1000, "record_n should count each value");
	cr_assert_eq(h->sum_ns, 900ULL * 2000 + 100ULL * 5000000, "record_n should sum each value");
	free(h);
}

Test(histogram, percentiles_are_ordered_and_at_most_max)
{
	struct upage_histogram *h = new_hist();
	uint64_t x = 88172645463325252ULL, last = 0;
	static const double q[] = { 0.1, 0.5, 0.9, 0.99, 0.999, 1.0 };

	for (int i = 0; i < 50000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		hist_record(h, 1000 + x % (1ULL << (x % 30)));
	}
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		uint64_t p = hist_percentile(h, q[i]);

		cr_assert_geq(p, last, "percentile %g should not be below the one before", q[i]);
		cr_assert_leq(p, h->max_ns, "percentile %g should be at most the max", q[i]);
		last = p;
	}
	free(h);
}

/* --- merge and difference */

Test(histogram, merge_equals_recording_into_one)
{
	struct upage_histogram *a = new_hist(), *b = new_hist(), *all = new_hist();

	for (uint64_t v = 1; v < 5000; v++) {
		hist_record(v % 3 ? a : b, v * 37);
		hist_record(all, v * 37);
	}
	hist_merge(a, b);
	cr_assert_eq(memcmp(a, all, sizeof(*a)), 0,
		     "merging two halves should give the histogram of the whole");
	free(a);
	free(b);
	free(all);
}

Test(histogram, diff_is_what_was_recorded_between)
{
	struct upage_histogram *live = new_hist(), *before = new_hist(), *now = new_hist(),
			       *d = new_hist();

	hist_record_n(live, 1000, 500);
	hist_snapshot(before, live);
	hist_record_n(live, 300000, 10);
	hist_snapshot(now, live);
	hist_diff(d, now, before);
	cr_assert_eq(d->count, 10, "the span saw 10 values");
	cr_assert_eq(hist_total(d), 10, "the span's buckets hold 10 values");
	assert_close(hist_percentile(d, 0.5), 300000, "the span's p50 is its own, not the run's");
	cr_assert_leq(d->max_ns, now->max_ns, "the span's max is at most the run's");
	cr_assert_geq(d->max_ns, hist_bucket_lower(hist_bucket(300000)),
		      "the span's max is in its top bucket");
	free(live);
	free(before);
	free(now);
	free(d);
}

/* --- concurrent writers */

#define NR_WRITERS	4
#define PER_WRITER	200000

static struct upage_histogram *shared;

static void *writer(void *arg)
{
	uint64_t base = (uintptr_t)arg;

	for (uint64_t i = 0; i < PER_WRITER; i++)
		hist_record(shared, base + i % 4096);
	return NULL;
}

Test(histogram, concurrent_writers_keep_exact_totals)
{
	pthread_t t[NR_WRITERS];
	uint64_t sum = 0;

	shared = new_hist();
	for (uintptr_t i = 0; i < NR_WRITERS; i++)
		pthread_create(&t[i], NULL, writer, (void *)(1000 * (i + 1)));
	for (int i = 0; i < NR_WRITERS; i++)
		pthread_join(t[i], NULL);
	for (uint64_t w = 0; w < NR_WRITERS; w++)
		for (uint64_t i = 0; i < PER_WRITER; i++)
			sum += 1000 * (w + 1) + i % 4096;
	cr_assert_eq(shared->count, NR_WRITERS * PER_WRITER, "every record should be counted");
	cr_assert_eq(hist_total(shared), NR_WRITERS * PER_WRITER,
		     "every record should be in a bucket");
	cr_assert_eq(shared->sum_ns, sum, "the sum should be exact");
	cr_assert_eq(shared->max_ns, 1000 * NR_WRITERS + 4095, "the max should be the largest");
	free(shared);
}
