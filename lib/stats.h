/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stats.h - the counters (struct upage_stats in upage.h).
 *
 * They live in a shared mapping of a memfd named "upage-stats", so another
 * process of the same user can read them live (upage stat PID opens
 * /proc/PID/fd/N) and nothing is left behind when the process dies.
 * Counting is a relaxed atomic add: no lock, safe on the fault path.
 */
#ifndef UPAGE_STATS_H
#define UPAGE_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <upage.h>

#include "histogram.h"
#include "outbuf.h"

/* The pager's page (PAGE_SIZE): the counters count pages of it. */
#define STATS_PAGE_BYTES	((uint64_t)4096)

extern struct upage_stats *upage_stats;

/* Map the counters (memfd, or anonymous memory if memfd fails).  0 or -errno. */
int stats_init(const char *engine, unsigned long long max_rss,
	       unsigned long long arena_bytes);

#define count_event(field, n) \
	__atomic_fetch_add(&upage_stats->field, (n), __ATOMIC_RELAXED)

/* A sampled value (the zone's lists, swap used): a relaxed store. */
#define stats_set(field, v) \
	__atomic_store_n(&upage_stats->field, (v), __ATOMIC_RELAXED)

/* resident_pages += delta, raising peak_resident_pages as needed. */
void stats_resident_add(long delta);

/* The names of the latency kinds, as the report and the CLI spell them. */
extern const char *const latency_kind_name[UPAGE_LAT_KINDS];

/*
 * Whether latencies are measured (UPAGE_LATENCY, default 1): set once at
 * start-up, before any thread of ours runs, by stats_set_latency.  Off, no
 * clock is read and nothing is recorded: about 60-90 ns a fault saved.
 */
extern bool latency_enabled;

/* Turn measuring on or off, and say so in upage_stats->flags. */
void stats_set_latency(bool on);

/* Now, in nanoseconds of CLOCK_MONOTONIC (the vDSO: no system call, safe
 * in a signal handler); 0 when latencies are not measured. */
static inline uint64_t latency_now(void)
{
	struct timespec ts;

	if (!latency_enabled)
		return 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* @n events of @kind took @ns each (n = 1: one event), lock-free; nothing
 * before stats_init. */
static inline void latency_record_n(enum upage_latency_kind kind, uint64_t ns, uint64_t n)
{
	struct upage_stats *st = __atomic_load_n(&upage_stats, __ATOMIC_RELAXED);

	if (st && latency_enabled)
		hist_record_n(&st->latency[kind], ns, n);
}

/* One event of @kind that began at @t0 (latency_now) has just ended. */
static inline void latency_record_since(enum upage_latency_kind kind, uint64_t t0)
{
	latency_record_n(kind, latency_now() - t0, 1);
}

/*
 * A gauge: *@now += @delta (a relaxed atomic; @now is the caller's),
 * raising the counter @peak to the new value as needed.  For what is in
 * flight: +1 when it starts, -1 when it ends (count_in_flight: the peak
 * is upage_stats->field, when the counters are set up).
 */
void stats_gauge_add(uint64_t *now, uint64_t *peak, long delta);
#define count_in_flight(now, field, delta)                                            \
	do {                                                                          \
		struct upage_stats *st_ = upage_stats;                                \
		uint64_t nowhere_ = 0;                                                \
		stats_gauge_add((now), st_ ? &st_->field : &nowhere_, (delta));       \
	} while (0)

/*
 * Write the JSON report of @st, a private copy (a snapshot, or what
 * stats_read_pid read), as one line without the newline.  Nothing here
 * allocates.
 */
void stats_write_json(const struct upage_stats *st, struct outbuf *o);

/* The same into @buf (at most @len bytes, NUL terminated).  Returns the
 * length it needed (as snprintf). */
int stats_format_json(const struct upage_stats *st, char *buf, size_t len);

/*
 * Find the stats memfd of process @pid and copy its counters into *st
 * (left undefined on an error).  Returns 0, -ESRCH (no such process),
 * -ENOENT (not under upage), -EACCES, or -EPROTO (a version this build
 * does not know, whatever the size of its counters).
 */
int stats_read_pid(int pid, struct upage_stats *st);

#endif /* UPAGE_STATS_H */
