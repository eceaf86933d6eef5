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

#include <stddef.h>
#include <stdint.h>

#include <upage.h>

extern struct upage_stats *upage_stats;

/* Map the counters (memfd, or anonymous memory if memfd fails).  0 or -errno. */
int stats_init(const char *engine, unsigned long long max_rss,
	       unsigned long long arena_bytes);

#define count_event(field, n) \
	__atomic_fetch_add(&upage_stats->field, (n), __ATOMIC_RELAXED)

/* resident_pages += delta, raising peak_resident_pages as needed. */
void stats_resident_add(long delta);

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
 * Write the JSON report of @st into @buf (at most @len bytes, NUL
 * terminated).  Returns the length it needed (as snprintf).
 */
int stats_format_json(const struct upage_stats *st, char *buf, size_t len);

/*
 * Find the stats memfd of process @pid and copy its counters into *st.
 * Returns 0, -ESRCH (no such process), -ENOENT (not under upage),
 * -EACCES, or -EPROTO (a version this build does not know).
 */
int stats_read_pid(int pid, struct upage_stats *st);

#endif /* UPAGE_STATS_H */
