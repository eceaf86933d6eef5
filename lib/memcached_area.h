/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memcached_area.h - what a memcached swap area (swap_memcached.h) keeps:
 * the area, its servers and their connections, and the key of a copy.
 * Shared by the files that serve the area: memcached_server.c
 * (connections, failures, probes), memcached_copies.c (the versioned
 * copies, read, written and made again), memcached_delete.c (old copies
 * deleted) and swap_memcached.c (the area, its thread, fork).
 *
 * Locking: mc_server.lock serialises one server's connection, result and
 * staging buffer, and a thread holds at most one server's lock; the
 * fields marked atomic are read and written with __atomic builtins; a
 * slot's metadata (meta[]) is one word replaced with compare-and-swap.
 */
#ifndef UPAGE_MEMCACHED_AREA_H
#define UPAGE_MEMCACHED_AREA_H

#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include "remote_ring.h"
#include "swap_memcached_lib.h"
#include "pgtable.h"
#include "sys.h"

#define MC_MAX_AREAS	4			/* a process's, and a forked child's */
#define MC_NR_SLOTS	(1UL << 21)		/* 8 GiB of pages per area */
#define MC_KEY_LEN	48
#define MC_VALUE_BYTES	(sizeof(struct remote_hdr) + PAGE_SIZE)
#define MC_MAX_BATCH	IOV_MAX
#define MC_TICK_MS	10			/* the area's thread looks at the servers */

/* A connection to one server: libmemcached's handle and its result. */
struct mc_conn {
	memcached_st memc;
	memcached_result_st res;
	int fd;				/* its socket once connected (conn_connected), or -1 */
	in_port_t port;			/* that socket's local port: is fd still it? */
};

struct mc_server {
	pthread_mutex_t lock;		/* conn, broken and buf */
	struct mc_conn *conn;		/* the connection in use */
	bool broken;			/* conn failed: never used again (reconnecting allocates) */
	struct mc_conn *spare;		/* connected by the area's thread, for server_revive */
	struct mc_conn *reserve;	/* a second one: the area's thread may be slow to make more */
	struct mc_conn *for_child;	/* mc_fork_lock: the spare, taken by fork for the child */
	struct mc_conn *dead;		/* a broken one replaced on the fault path: the
					 * area's thread frees it (freeing may allocate) */
	struct mc_conn *dead2;		/* a second, replaced by the reserve */
	char *buf;			/* a value being stored: header and page */
	struct remote_server_spec spec;
	bool down;			/* atomic: set aside, probed by the area's thread */
	bool said_down;			/* atomic: its going was said */
	uint64_t retry_ns;		/* atomic: when to probe it next */
	uint64_t down_since_ns;		/* atomic */
	bool evicts;			/* started without -M */
	bool evictions_said;
	uint64_t evictions_base;	/* its "evictions" when upage began (UINT64_MAX: unknown) */
	uint64_t evictions_last;
	uint64_t rtt_max_ns;		/* lock: its slowest answer lately (halved as time goes) */
	uint64_t rtt_decay_ns;		/* lock: when rtt_max_ns was last halved */
	unsigned int bound_ms;		/* lock: the wait for an answer set on bound_conn */
	struct mc_conn *bound_conn;
	struct sockaddr_storage addr;	/* resolved at start-up, for server_reachable */
	socklen_t addr_len;		/* 0: not resolved */
};

struct mc_area {
	int type;
	uint64_t id;			/* in every key and header: this area's pages only */
	unsigned int nr;
	struct mc_server srv[RING_MAX_SERVERS];
	struct remote_ring ring;
	uint64_t *meta;			/* per slot: slot_meta() */
	unsigned long nr_slots;
	uint64_t version;		/* atomic: the last version written */
	unsigned long high_slot;	/* atomic: no slot above was ever written */
	bool frozen;			/* a parent's area in a forked child: read only */
	bool repair;			/* atomic: a server went: look for pages with one copy */
	struct remote_wait wait;	/* atomic: how a fault's reads wait (memcached_copies.c) */
	uint8_t index;			/* in swap_memcached.c's areas[] (old copies name it) */
	char name[PATH_MAX];
};

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * A copy's key names the area, the slot and the version: a copy of
 * another version is never even fetched, and deleting an old copy can
 * never remove a newer one.
 */
static inline int slot_key(const struct mc_area *a, unsigned long offset, uint64_t version, char *key)
{
	return snprintf(key, MC_KEY_LEN, "upage:%016" PRIx64 ":%lx:%" PRIx64, a->id, offset,
			version);
}

#endif /* UPAGE_MEMCACHED_AREA_H */
