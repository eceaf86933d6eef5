// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * as_limit.c - the arena and the frame pool within RLIMIT_AS.
 *
 * Every byte upage reserves counts against the program's RLIMIT_AS: the
 * arena (MAP_NORESERVE changes nothing there), the frame pool, the swap
 * map.  Left at their defaults (a 4 GiB arena, a pool of half the RAM),
 * they take most of a 6 GiB limit, and then a calloc of 5 GiB, which the
 * program could make without upage, fits neither in the arena nor in what
 * is left outside it.  So under a finite RLIMIT_AS:
 *  - the arena takes what the limit leaves, less the pool, upage's own
 *    tables and a reserve for the program's mappings outside the arena
 *    (thread stacks, files, libraries: a sixteenth, at least 64 MiB): the
 *    program's heap lives in the arena, so one allocation as large as
 *    the program could make without upage still fits;
 *  - the default pool (half the RAM) is cut to a sixteenth of the room;
 *    the pool is reserved for the ceiling the cap may rise to, which is
 *    then the cap unless UPAGE_MAX_RSS_CEILING asks for more;
 *    a UPAGE_MAX_RSS or UPAGE_ARENA_SIZE the user set that does not fit
 *    is cut, with one message naming the variable;
 *  - the SIGSEGV engine reaches the arena's memfd with pread/pwrite
 *    instead of a second mapping of it (fault_sigsegv.c), which would
 *    double the arena's cost.
 * Runs once, in the constructor, before anything is reserved.
 */
#include "autoconfig.h"

#include "as_limit.h"

#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sys.h"

#define MiB		(1ULL << 20)
#define ARENA_ALIGN	(4 * MiB)		/* config.c rounds the arena to this */
#define DEFAULT_ARENA	(4ULL << 30)		/* config.c's default */
#define FIXED_OVERHEAD	(48 * MiB)		/* swap map (32 MiB for a file), caches */
#define MIN_RESERVE	(64 * MiB)

bool as_limited(void)
{
	struct rlimit rl;

	return getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY;
}

/* Bytes of address space the process has mapped now (/proc/self/statm). */
static unsigned long long mapped_now(void)
{
	long long pages = sys_read_number("/proc/self/statm", NULL, -1);

	if (pages < 0)
		return 64 * MiB;	/* a guess on the safe side */
	return (unsigned long long)pages * (unsigned long long)sysconf(_SC_PAGESIZE);
}

static unsigned long long round_down(unsigned long long v, unsigned long long to)
{
	return v / to * to;
}

/* upage's tables for an arena of @arena bytes: page tables (4 KiB per
 * 4 MiB), the SIGSEGV engine's page states (a byte per page). */
static unsigned long long tables(unsigned long long arena)
{
	return arena / 1024 + arena / 4096;
}

int as_limit_fit(struct upage_config *cfg, bool arena_set, bool tell)
{
	unsigned long long limit, used, avail, reserve, room, want, bound;
	struct rlimit rl;

	if (getrlimit(RLIMIT_AS, &rl) || rl.rlim_cur == RLIM_INFINITY)
		return 0;
	limit = rl.rlim_cur;
	used = mapped_now();
	avail = limit > used ? limit - used : 0;
	reserve = avail / 16 > MIN_RESERVE ? avail / 16 : MIN_RESERVE;
	if (avail < reserve + FIXED_OVERHEAD + 2 * CONFIG_MIN_ARENA) {
		upage_msg("RLIMIT_AS (%lluM, %lluM of it in use) leaves no room for an arena",
			  limit / MiB, used / MiB);
		return -ENOMEM;
	}
	room = avail - reserve - FIXED_OVERHEAD;

	/* The pool first: a sixteenth of the room unless the user asked. */
	want = cfg->max_rss;
	if (!cfg->max_rss_set && cfg->max_rss > room / 16)
		cfg->max_rss = round_down(room / 16, 4096);
	else if (cfg->max_rss > room / 4)
		cfg->max_rss = round_down(room / 4, 4096);
	if (cfg->max_rss < CONFIG_MIN_MAX_RSS)
		cfg->max_rss = CONFIG_MIN_MAX_RSS;
	if (tell && cfg->max_rss_set && cfg->max_rss < want)
		upage_msg("UPAGE_MAX_RSS=%lluM does not fit in RLIMIT_AS (%lluM): %lluM",
			  want / MiB, limit / MiB, cfg->max_rss / MiB);
	/* The pool is reserved for the ceiling the cap may rise to (zone_cap.c):
	 * the cap itself unless the user asked for more, and then no higher
	 * than the cap's own bound. */
	bound = cfg->max_rss_ceiling_set ? round_down(room / 4, 4096) : cfg->max_rss;
	if (bound < cfg->max_rss)
		bound = cfg->max_rss;
	if (cfg->max_rss_ceiling > bound)
		cfg->max_rss_ceiling = bound;
	room -= cfg->max_rss_ceiling;

	/* Then the arena: what is left, less its own tables. */
	room = round_down(room - tables(room), ARENA_ALIGN);
	if (room > CONFIG_MAX_ARENA)
		room = CONFIG_MAX_ARENA;
	want = cfg->arena_size;
	if (!arena_set || room < want)
		cfg->arena_size = room;
	if (cfg->max_rss > cfg->arena_size)
		cfg->max_rss = round_down(cfg->arena_size, 4096);
	if (cfg->max_rss_ceiling > cfg->arena_size)
		cfg->max_rss_ceiling = round_down(cfg->arena_size, 4096);
	if (cfg->max_rss_ceiling < cfg->max_rss)
		cfg->max_rss_ceiling = cfg->max_rss;
	if (!tell)
		return 0;
	if (cfg->arena_size < want && (arena_set || cfg->arena_size < DEFAULT_ARENA))
		upage_msg("RLIMIT_AS (%lluM) leaves room for an arena of %lluM (%s %lluM): "
			  "allocations beyond it are made outside upage",
			  limit / MiB, cfg->arena_size / MiB,
			  arena_set ? "UPAGE_ARENA_SIZE asks" : "the default is", want / MiB);
	else if (cfg->verbose)
		upage_msg("RLIMIT_AS (%lluM): an arena of %lluM and frames of %lluM", limit / MiB,
			  cfg->arena_size / MiB, cfg->max_rss / MiB);
	return 0;
}
