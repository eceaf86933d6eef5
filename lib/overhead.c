// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * overhead.c - the registry of upage's own mappings and their resident
 * size (overhead.h): the report's overhead_bytes.
 *
 * The registry is a fixed table in .bss (only the entries used are ever
 * touched, so it costs what it holds); it calls nothing of upage's, so
 * sys.c may call it (the counters' overhead_bytes is set by its callers:
 * report.c at exit, kswapd once a second).  Resident pages are counted with mincore, a page
 * vector at a time, so the figure is the kernel's own view of those
 * ranges, as /proc/PID/smaps gives it.
 *
 * Locking: overhead_lock protects regions[], nr_regions and
 * untracked_bytes.
 */
#include "autoconfig.h"

#include "overhead.h"

#include <pthread.h>
#include <sys/mman.h>
#include <sys/prctl.h>


#ifndef PR_SET_VMA
#define PR_SET_VMA		0x53564d41
#define PR_SET_VMA_ANON_NAME	0
#endif

#define OVERHEAD_PAGE		4096UL
#define OVERHEAD_MAX_REGIONS	4096	/* page tables are one each: 4 GiB of arena = 1024 */
#define VEC_PAGES		1024

struct region {
	uintptr_t start;
	size_t len;
};

static pthread_mutex_t overhead_lock = PTHREAD_MUTEX_INITIALIZER;
static struct region regions[OVERHEAD_MAX_REGIONS];
static unsigned int nr_regions;
static uint64_t untracked_bytes;	/* registered past the table: counted whole */

void overhead_register(void *p, size_t len)
{
	if (!p || !len)
		return;
	/* A name for smaps; kernels without CONFIG_ANON_VMA_NAME say EINVAL,
	 * and a file mapping is not named: neither matters here. */
	prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)p, len, (unsigned long)"upage");
	pthread_mutex_lock(&overhead_lock);
	if (nr_regions < OVERHEAD_MAX_REGIONS)
		regions[nr_regions++] = (struct region){ (uintptr_t)p, len };
	else
		untracked_bytes += len;
	pthread_mutex_unlock(&overhead_lock);
}

/* fork: held across it by the forking thread (another thread's raw pages
 * may be being registered), and made anew in the child. */
void overhead_fork_prepare(void)
{
	pthread_mutex_lock(&overhead_lock);
}

void overhead_fork_parent(void)
{
	pthread_mutex_unlock(&overhead_lock);
}

void overhead_fork_child(void)
{
	pthread_mutex_init(&overhead_lock, NULL);
}

void overhead_unregister(void *p, size_t len)
{
	pthread_mutex_lock(&overhead_lock);
	for (unsigned int i = 0; i < nr_regions; i++) {
		if (regions[i].start == (uintptr_t)p) {
			regions[i] = regions[--nr_regions];
			goto out;
		}
	}
	untracked_bytes -= untracked_bytes >= len ? len : untracked_bytes;
out:
	pthread_mutex_unlock(&overhead_lock);
}

/* Resident pages of one range.  Lock held (vec is shared). */
static uint64_t resident_pages(uintptr_t start, size_t len)
{
	static unsigned char vec[VEC_PAGES];
	uint64_t n = 0;

	for (size_t off = 0; off < len; off += VEC_PAGES * OVERHEAD_PAGE) {
		size_t chunk = len - off < VEC_PAGES * OVERHEAD_PAGE ? len - off
								      : VEC_PAGES * OVERHEAD_PAGE;
		size_t pages = (chunk + OVERHEAD_PAGE - 1) / OVERHEAD_PAGE;

		if (mincore((void *)(start + off), chunk, vec))
			continue;	/* unmapped meanwhile: nothing resident */
		for (size_t i = 0; i < pages; i++)
			n += vec[i] & 1;
	}
	return n;
}

uint64_t overhead_resident_bytes(void)
{
	uint64_t pages = 0, bytes;

	pthread_mutex_lock(&overhead_lock);
	for (unsigned int i = 0; i < nr_regions; i++)
		pages += resident_pages(regions[i].start, regions[i].len);
	bytes = pages * OVERHEAD_PAGE + untracked_bytes;
	pthread_mutex_unlock(&overhead_lock);
	return bytes;
}
