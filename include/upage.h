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
#define UPAGE_STATS_VERSION	3

/*
 * Counters are updated with relaxed atomic adds by the threads that
 * count them; a reader sees each counter whole, not all of them at one
 * instant.
 */
struct upage_stats {
	uint32_t magic;			/* UPAGE_STATS_MAGIC */
	uint32_t version;		/* UPAGE_STATS_VERSION */
	int32_t pid;
	char engine[12];		/* "uffd", "uffd-sigbus" or "sigsegv" */
	uint64_t max_rss_bytes;		/* the cap */
	uint64_t arena_bytes;		/* the arena's size */
	uint64_t resident_pages;	/* frames in use now */
	uint64_t peak_resident_pages;	/* most frames ever in use at once */

	/* faults, by what served them */
	uint64_t faults_no_page;	/* first touch: zero fill */
	uint64_t faults_swap_page;	/* non-resident: swap cache or disk */
	uint64_t faults_wp_page;	/* first write to a clean page */
	uint64_t faults_minor;		/* swap_page faults served from the swap cache */
	uint64_t faults_bad;		/* outside every region: the program's SIGSEGV */

	/* paging */
	uint64_t swap_ins;		/* pages read from swap */
	uint64_t swap_outs;		/* pages written to swap */
	uint64_t swap_out_clusters;	/* writes (each of one or more pages) */
	uint64_t pages_deactivated;	/* active -> inactive */
	uint64_t pages_activated;	/* inactive -> active (referenced) */
	uint64_t pages_reclaimed;	/* frames freed from inactive_clean */
	uint64_t direct_reclaims;	/* faults that found no free frame */
	uint64_t kswapd_wakeups;
	uint64_t pages_dropped;		/* freed by munmap / purge / MADV_DONTNEED */
	uint64_t io_errors;

	/* concurrency: the most at once, since the process started */
	uint64_t max_faults_in_flight;	/* faults being served (holding the region lock) */
	uint64_t max_reads_in_flight;	/* swap reads under way */

	/* speculation (UPAGE_STATS_VERSION 3) */
	uint64_t pages_faulted_around;	/* zero pages mapped with a first touch's */
	uint64_t faultaround_unused;	/* of those, dropped still zero */
	uint64_t swap_readahead_pages;	/* pages read (and mapped) with a swap-in's */
	uint64_t swap_readahead_runs;	/* swap-ins that read more than their page */
	uint64_t overhead_bytes;	/* upage's own resident memory, at the report */
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
