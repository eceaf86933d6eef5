/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * swap_memcached.h - a swap area on a pool of memcached servers
 * (UPAGE_SWAP=memcached:HOST:PORT,HOST:PORT,...): remote memory, as
 * Infiniswap or Fastswap give the kernel, on an existing store.
 *
 * The area is an ordinary swap area (swapon_backend) whose slots are
 * read and written through its own swap_aops, so the fault path, kswapd
 * and readahead are unchanged.  Each slot's page is stored twice, on two
 * different servers chosen by upage's own consistent hashing
 * (remote_ring.h), each copy carrying the slot's version; a read takes
 * the first copy that is there and of the version last written, and
 * otherwise the other one.  A copy found missing, stale or on a server
 * that is down is written again elsewhere from the good one
 * (re-replication).  Every wait on a server is bounded (REMOTE_TIMEOUT_MS,
 * raised to twice the slowest answer it gave lately, at most
 * REMOTE_TIMEOUT_MAX_MS: on a loaded machine a healthy server's answer
 * can take milliseconds, and a fixed bound then sets it aside for nothing):
 * a server that does not answer in time is set aside and probed again
 * later by the area's own thread (at once when a fault waits on it, no
 * other copy being left: that fault then waits REMOTE_PATIENT_MS per
 * answer, for up to REMOTE_RESCUE_MS), which also reconnects (never the fault
 * path) and watches each server's eviction count.
 *
 * Locking: each server's connection has its own mutex, taken one at a
 * time (never two together), for the length of one exchange; it is a
 * leaf but for the allocator's cache locks.  A slot's metadata is one
 * word replaced with compare-and-swap.  Nothing here allocates from the
 * arena: libmemcached's memory comes from raw pages (sys.h).
 */
#ifndef UPAGE_SWAP_MEMCACHED_H
#define UPAGE_SWAP_MEMCACHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SWAP_MEMCACHED_PREFIX	"memcached:"
#define REMOTE_TIMEOUT_MS	4	/* a server's answer, before the other copy is used: */
#define REMOTE_TIMEOUT_MAX_MS	12	/* ... raised up to this when its answers are slow */
#define REMOTE_RTT_DECAY_MS	1000	/* the slowest answer seen is halved this often */
#define REMOTE_RESCUE_MS	3000	/* no copy came: wait this long for a server back */
#define REMOTE_PATIENT_MS	200	/* ... and when no other copy is left to try */
#define REMOTE_REPROBE_MS	20	/* a server just set aside is first tried again after this */
#define REMOTE_PROBE_MS		500	/* then every this long */
#define REMOTE_PROBE_TIMEOUT_MS	200	/* a probe's own wait (the area's thread, not a fault) */
#define REMOTE_REPAIR_MS	1000	/* set aside this long: its copies are made again */

/* Does @path name a memcached pool? */
bool swap_is_memcached(const char *path);

/*
 * Add a swap area on the servers @spec names ("memcached:LIST"), of
 * priority @prio.  Connects to each, checks that at least two answer,
 * warns loudly about one that evicts (not started with -M).  Returns the
 * area's type or a negative errno, after one message naming what was
 * wrong.
 */
int swapon_memcached(const char *spec, int prio);

/* The same in a forked child's fork handler, where nothing may allocate
 * yet: the servers are connected later, by the area's thread, which
 * swap_memcached_fork_child_start starts. */
int swapon_memcached_child(const char *spec, int prio);

/*
 * fork (fork.c's handlers): prepare, first of all, takes aside for the
 * child a connection to each server up (made now when none is ready);
 * lock, last of prepare, holds libmemcached's memory; parent gives those
 * connections up and lets go.  In the child: the parent's sockets
 * closed, the ones taken aside in use, the area's thread started again.
 */
void swap_memcached_fork_prepare(void);
void swap_memcached_fork_lock(void);
void swap_memcached_fork_parent(void);
void swap_memcached_fork_child(void);
/* Last of the child's handlers, when it may allocate: the area's thread
 * (before jemalloc's child handler, its first malloc would wait forever
 * on a lock that handler makes anew). */
void swap_memcached_fork_child_start(void);

/* What the pools did, over every memcached area (also in upage_stats). */
struct remote_stats {
	uint64_t servers;		/* servers given */
	uint64_t servers_down;		/* set aside now */
	uint64_t reads;			/* pages read */
	uint64_t writes;		/* pages written (each to two servers) */
	uint64_t failovers;		/* a copy's server failed or timed out: the other was used */
	uint64_t stale_reads;		/* copies of another version, not mapped */
	uint64_t missing_reads;		/* copies not found */
	uint64_t rereplications;	/* copies written again from the good one */
	uint64_t degraded_writes;	/* pages written with one copy (one server up) */
	uint64_t read_errors;		/* pages no copy of which could be read */
	uint64_t evictions;		/* items the servers evicted since upage began */
	uint64_t servers_evicting;	/* servers that evict (no -M) */
	uint64_t deletes;		/* old copies deleted (slots freed or written again) */
	uint64_t deletes_dropped;	/* old copies left behind (server down, queue full) */
};
void swap_memcached_get_stats(struct remote_stats *st);

#endif /* UPAGE_SWAP_MEMCACHED_H */
