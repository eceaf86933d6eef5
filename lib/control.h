/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * control.h - the control block: how another process changes a running
 * process's cap (upage set, upaged), and what it reads of its swap areas.
 *
 * The block lives in a shared mapping of a memfd named "upage-control"
 * (as the counters live in "upage-stats"): a controller finds it through
 * /proc/PID/fd and opens it read-write there, which the kernel permits to
 * the process's owner and to root only (the ptrace access check of
 * /proc/PID/fd).  The process publishes its cap, its ceiling and its swap
 * areas; controllers write the cap they want (max_rss_bytes) or, for
 * upaged, a share of the global budget that lapses unless renewed
 * (share_bytes until share_until_ns), so a dead daemon's share never
 * outlives it.  kswapd applies what is asked within a second
 * (control_tick).
 *
 * Every field is an aligned 64- or 32-bit word read and written with
 * relaxed atomics; a reader may see one field newer than another, never a
 * torn one.  The areas are written under a sequence count (areas_seq odd
 * while the process writes them).
 */
#ifndef UPAGE_CONTROL_H
#define UPAGE_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

#define UPAGE_CONTROL_MAGIC	0x75706331U	/* "upc1" */
#define UPAGE_CONTROL_VERSION	1
#define CONTROL_MEMFD_NAME	"upage-control"
#define CONTROL_MAX_AREAS	8

/* upage_control.flags */
#define CONTROL_F_MAX_RSS_SET	0x1	/* the cap was given (UPAGE_MAX_RSS), not the default */

/* upage_control_area.kind: swapon --show's TYPE */
enum control_area_kind {
	CONTROL_AREA_FILE,		/* a private file of the process */
	CONTROL_AREA_PARTITION,		/* a block device */
	CONTROL_AREA_EXTENT,		/* a slot range of an area upaged owns */
};

struct upage_control_area {
	char name[112];			/* path as named; "(deleted)" files keep it */
	uint32_t kind;			/* enum control_area_kind */
	int32_t prio;
	uint64_t size_bytes;		/* what it may grow to */
	uint64_t used_bytes;		/* slots in use */
};

struct upage_control {
	uint32_t magic;			/* UPAGE_CONTROL_MAGIC */
	uint32_t version;		/* UPAGE_CONTROL_VERSION */
	int32_t pid;
	uint32_t flags;			/* CONTROL_F_*: written once at start */

	/* written by the process */
	uint64_t ceiling_bytes;		/* the highest the cap can go (UPAGE_MAX_RSS_CEILING) */
	uint64_t min_bytes;		/* the lowest */
	uint64_t cap_bytes;		/* the cap in force */

	/* written by controllers */
	uint64_t max_rss_bytes;		/* the process's own cap (start-up, upage set) */
	uint64_t share_bytes;		/* upaged's share of its budget, 0: none */
	uint64_t share_until_ns;	/* CLOCK_MONOTONIC: the share lapses then */
	int32_t share_daemon;		/* the pid of the upaged that set the share */
	uint32_t pad;

	/* written once at start: the upaged socket the process registers with
	 * ("" for none), so a daemon adopts only the processes that are its own */
	char socket[108];

	/* written by the process each second, under areas_seq */
	uint32_t areas_seq;
	uint32_t nr_areas;
	struct upage_control_area areas[CONTROL_MAX_AREAS];
};

/* The block, NULL until control_init (or when the memfd failed). */
extern struct upage_control *upage_control;

/*
 * Make the block (again in a forked child: a fresh one, from the parent's
 * values).  @cap, @ceiling and @min in bytes; @socket the daemon's (UPAGE_SOCKET).  0 or -errno; without it the
 * process runs on, its cap fixed.
 */
int control_init(uint64_t cap, uint64_t ceiling, uint64_t min, bool max_rss_set,
		 const char *socket);

/*
 * The cap @c asks for at @now_ns (CLOCK_MONOTONIC): its own, or the
 * daemon's share while it lasts when smaller, within [min, ceiling].
 */
uint64_t control_wanted_cap(const struct upage_control *c, uint64_t now_ns);

struct zone;
/*
 * kswapd, every second, page_table_lock held: publish the swap areas and
 * apply the cap asked for to zone @z (zone_cap.h).  Returns whether kswapd
 * has work: the cap changed, or frames are still owed to a lower one.
 */
bool control_tick(struct zone *z);

/*
 * For tools: map the control block of process @pid, read-write when
 * @write.  Returns it (munmap with control_unmap), or NULL with errno
 * ESRCH (no such process), ENOENT (not under upage, or too old an upage),
 * EACCES (not the caller's process).
 */
struct upage_control *control_map_pid(int pid, bool write);
void control_unmap(struct upage_control *c);

/* Copy the areas out whole (retrying while the process writes them);
 * returns how many. */
unsigned int control_read_areas(const struct upage_control *c,
				struct upage_control_area *out);

#endif /* UPAGE_CONTROL_H */
