// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sampler.c - every timeline interval (100 ms at first), the values that
 * change too often to be worth counting on the fault path: the lengths of
 * the zone's four lists and the swap slots in use go into the counters
 * (upage stat reads them there), and a sample of the resident set and the
 * swap counters goes into the timeline (the report's, upage plot's).
 *
 * The thread is created with every signal blocked, as kswapd, and sleeps
 * on an absolute CLOCK_MONOTONIC deadline, so the samples do not drift.
 *
 * Locking: the list lengths are read under page_table_lock (held for a
 * few loads); nr_used_swap_pages takes swap_lock, after it.  The
 * timeline has this thread as its only writer (timeline.h).
 */
#include "autoconfig.h"

#include "sampler.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "runtime.h"
#include "stats.h"
#include "swapfile.h"
#include "thrash.h"
#include "timeline.h"

static void sample(uint64_t t_ms)
{
	struct mm_struct *mm = &upage.mm;
	struct zone *z = &upage.zone;
	struct upage_timeline_sample s;
	unsigned long lists[4];

	pthread_mutex_lock(&mm->page_table_lock);
	lists[0] = z->nr_active_pages;
	lists[1] = z->nr_inactive_dirty_pages;
	lists[2] = z->nr_inactive_clean_pages;
	lists[3] = z->nr_free_pages;
	pthread_mutex_unlock(&mm->page_table_lock);
	stats_set(active_pages, lists[0]);
	stats_set(inactive_dirty_pages, lists[1]);
	stats_set(inactive_clean_pages, lists[2]);
	stats_set(free_pages, lists[3]);
	stats_set(swap_used_pages, nr_used_swap_pages());

	s.t_ms = t_ms;
	s.resident_pages = __atomic_load_n(&upage_stats->resident_pages, __ATOMIC_RELAXED);
	s.swap_ins = __atomic_load_n(&upage_stats->swap_ins, __ATOMIC_RELAXED);
	s.swap_outs = __atomic_load_n(&upage_stats->swap_outs, __ATOMIC_RELAXED);
	timeline_add(&upage_stats->timeline, &s);
	thrash_sample(t_ms, s.swap_ins);
}

static uint64_t ms_between(const struct timespec *a, const struct timespec *b)
{
	return (uint64_t)(b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

static void *sampler(void *arg)
{
	struct timespec start, next;

	pthread_setname_np(pthread_self(), "upage-sampler");
	clock_gettime(CLOCK_MONOTONIC, &start);
	next = start;
	sample(0);	/* the start: the first span's rates count from here */
	for (;;) {
		uint64_t ms = __atomic_load_n(&upage_stats->timeline.interval_ms, __ATOMIC_RELAXED);

		next.tv_nsec += (long)(ms % 1000) * 1000000L;
		next.tv_sec += (time_t)(ms / 1000) + next.tv_nsec / 1000000000L;
		next.tv_nsec %= 1000000000L;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
		sample(ms_between(&start, &next));
	}
	return NULL;
}

int sampler_start(void)
{
	pthread_t thread;
	sigset_t all, old;
	int ret;

	if (!upage_stats)
		return -ENOSYS;
	/* A forked child's copy may be mid-write, and its times are the
	 * parent's: it starts a timeline of its own. */
	timeline_reset(&upage_stats->timeline);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = sys_pthread_create(&thread, NULL, sampler, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!ret)
		pthread_detach(thread);
	return -ret;
}
