/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upage.h - the public interface of libupage.
 *
 * Most programs never include this: they run under the library with
 * LD_PRELOAD and are paged without knowing it.  A program that links
 * upage directly can read its own statistics here, and a tool can read
 * another process's (upage stat PID) from the same structure, which the
 * library keeps in a memfd named "upage-stats" that /proc/PID/fd exposes
 * to the process's owner.
 */
#ifndef UPAGE_H
#define UPAGE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UPAGE_STATS_MAGIC	0x75706731U	/* "upg1" */
#define UPAGE_STATS_VERSION	6

/* struct upage_stats.flags */
#define UPAGE_STATS_F_LATENCY	0x1	/* latency[] is recorded (UPAGE_LATENCY=1) */

/*
 * Latency histograms, in nanoseconds: log-linear buckets (lib/histogram.h
 * has the arithmetic).  Values below 32 ns have a bucket each; above,
 * every power of two [2^k, 2^(k+1)) is cut into 16 equal buckets, so a
 * bucket's width is at most 1/16 (6.25%) of its lower bound, and the 976
 * buckets cover every uint64_t value.
 */
#define UPAGE_HIST_SUB_BITS	4
#define UPAGE_HIST_SUB		(1 << UPAGE_HIST_SUB_BITS)
#define UPAGE_HIST_BUCKETS	((64 - UPAGE_HIST_SUB_BITS + 1) * UPAGE_HIST_SUB)

struct upage_histogram {
	uint64_t count;			/* values recorded */
	uint64_t sum_ns;		/* their sum: time spent */
	uint64_t max_ns;		/* the largest */
	uint64_t buckets[UPAGE_HIST_BUCKETS];
};

/* What each histogram of struct upage_stats measures. */
enum upage_latency_kind {
	UPAGE_LAT_NO_PAGE,	/* a do_no_page fault: fault taken to thread released */
	UPAGE_LAT_SWAP_PAGE,	/* a do_swap_page fault that read from swap */
	UPAGE_LAT_MINOR,	/* a do_swap_page fault served from the swap cache */
	UPAGE_LAT_WP_PAGE,	/* a do_wp_page fault */
	UPAGE_LAT_EVICT,	/* a page laundered: locked for write-out to written */
	UPAGE_LAT_IO_READ,	/* a page read from swap: its system call */
	UPAGE_LAT_IO_WRITE,	/* a page written to swap: the call that wrote it */
	UPAGE_LAT_ZSWAP_LOAD,	/* a page read from the compressed tier (UPAGE_ZSWAP) */
	UPAGE_LAT_REMOTE_READ,	/* a page read from a memcached pool, failover included */
	UPAGE_LAT_KINDS
};

/*
 * The timeline: every interval_ms (100, doubled each time the ring is
 * full, which then keeps every other sample), the resident set and the
 * swap counters.  Written by one thread under a sequence count: seq is odd
 * while it writes; a reader copies, and retries if seq was odd or changed.
 */
#define UPAGE_TIMELINE_LEN	1024

struct upage_timeline_sample {
	uint64_t t_ms;			/* since the timeline started */
	uint64_t resident_pages;
	uint64_t swap_ins;		/* the counters, cumulative */
	uint64_t swap_outs;
};

struct upage_timeline {
	uint32_t seq;
	uint32_t interval_ms;
	uint32_t nr;			/* samples in s[] */
	uint32_t pad;
	struct upage_timeline_sample s[UPAGE_TIMELINE_LEN];
};

/*
 * Counters are updated with relaxed atomic adds by the threads that
 * count them; a reader sees each counter whole, not all of them at one
 * instant.  Each histogram's count equals its counter: no_page's is
 * faults_no_page, swap_page's faults_swap_page, minor's faults_minor,
 * wp_page's faults_wp_page, io_read's swap_ins, and evict's and
 * io_write's swap_outs (the engine records a fault's latency just after
 * counting it, so a live reader may see the histogram one behind).
 */
struct upage_stats {
	uint32_t magic;			/* UPAGE_STATS_MAGIC */
	uint32_t version;		/* UPAGE_STATS_VERSION */
	int32_t pid;
	char engine[12];		/* "uffd", "uffd-sigbus" or "sigsegv" */
	uint64_t max_rss_bytes;		/* the cap */
	uint64_t arena_bytes;		/* the arena's size */
	uint64_t flags;			/* UPAGE_STATS_F_* */
	uint64_t resident_pages;	/* frames in use now */
	uint64_t peak_resident_pages;	/* most frames ever in use at once */

	/* faults, by what served them */
	uint64_t faults_no_page;	/* first touch: zero fill */
	uint64_t faults_swap_page;	/* non-resident: read from swap (I/O) */
	uint64_t faults_wp_page;	/* first write to a clean page */
	uint64_t faults_minor;		/* non-resident: found in the swap cache (no I/O) */
	uint64_t faults_bad;		/* outside every region: the program's SIGSEGV */

	/* paging */
	uint64_t swap_ins;		/* pages read from swap */
	uint64_t swap_outs;		/* pages written to swap */
	uint64_t swap_out_clusters;	/* writes (each of one or more pages) */
	uint64_t pages_deactivated;	/* active -> inactive */
	uint64_t pages_activated;	/* inactive -> active (referenced) */
	uint64_t pages_reclaimed;	/* frames freed from inactive_clean */
	uint64_t direct_reclaims;	/* frames faults freed from inactive_clean themselves */
	uint64_t kswapd_wakeups;
	uint64_t pages_dropped;		/* freed by munmap / purge / MADV_DONTNEED */
	uint64_t io_errors;

	/* sampled every interval (100 ms) while the process runs */
	uint64_t active_pages;		/* the zone's four lists */
	uint64_t inactive_dirty_pages;
	uint64_t inactive_clean_pages;
	uint64_t free_pages;
	uint64_t swap_used_pages;	/* swap slots in use, every area */

	struct upage_histogram latency[UPAGE_LAT_KINDS];
	struct upage_timeline timeline;
	/* concurrency: the most at once, since the process started */
	uint64_t max_faults_in_flight;	/* faults being served (holding the region lock) */
	uint64_t max_reads_in_flight;	/* swap reads under way */

	/* the compressed tier (UPAGE_ZSWAP): all 0 without one */
	uint64_t zswap_limit_bytes;	/* the pool's size, taken off the cap */
	uint64_t zswap_pool_bytes;	/* compressed data held now */
	uint64_t zswap_stored_pages;	/* pages held now, same-filled ones included */
	uint64_t zswap_same_filled;	/* pages held as one repeated word */
	uint64_t zswap_stores;		/* pages stored */
	uint64_t zswap_hits;		/* swap-ins served from the pool */
	uint64_t zswap_rejects;		/* pages that compressed to over 3/4 of a page */
	uint64_t zswap_pool_full;	/* stores refused: full, nothing to write back */
	uint64_t zswap_writebacks;	/* entries written back to the swap area */

	/* speculation */
	uint64_t pages_faulted_around;	/* zero pages mapped with a first touch's */
	uint64_t faultaround_unused;	/* of those, dropped still zero */
	uint64_t swap_readahead_pages;	/* pages read (and mapped) with a swap-in's */
	uint64_t swap_readahead_runs;	/* swap-ins that read more than their page */
	uint64_t overhead_bytes;	/* upage's own resident memory, at the report */
	uint64_t swapin_mapped_dirty;	/* read faults' swap-ins mapped writable (memory.c) */

	/* remote memory (UPAGE_SWAP=memcached:...): all 0 without it */
	uint64_t remote_servers;	/* servers given */
	uint64_t remote_servers_down;	/* set aside now */
	uint64_t remote_reads;		/* pages read */
	uint64_t remote_writes;		/* pages written, each to two servers */
	uint64_t remote_failovers;	/* pages read from their second copy */
	uint64_t remote_stale_reads;	/* copies of another version, never mapped */
	uint64_t remote_missing_reads;	/* copies the server did not have */
	uint64_t remote_rereplications;	/* copies written again from the good one */
	uint64_t remote_degraded_writes;	/* pages written with one copy */
	uint64_t remote_read_errors;	/* pages no copy of which could be read */
	uint64_t remote_evictions;	/* items the servers evicted since upage began */
	uint64_t remote_servers_evicting;	/* servers not started with -M */
	uint64_t remote_deletes;	/* old copies deleted (slots freed or rewritten) */
	uint64_t remote_deletes_dropped;	/* old copies left behind on the servers */

	/* faults of upage's own threads that must never fault on the arena
	 * (the memcached area's): a bug in upage, 0 always */
	uint64_t own_thread_faults;
};

/*
 * Copy the calling process's statistics into *st.  Returns 0, or -1 with
 * errno ENOSYS when upage is not managing this process.
 */
int upage_stats_read(struct upage_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* UPAGE_H */
