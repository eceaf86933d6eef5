/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * remote_ring.h - where a page of a remote swap area lives, and how its
 * copies are told apart: consistent hashing over the servers, and the
 * header written in front of every copy.
 *
 * Placement is upage's own, not the client library's (libmemcached's
 * distribution re-routes the keys of a server it ejects, and reads NOT
 * FOUND or a stale page there): each server owns RING_VNODES points on a
 * 64-bit ring, hashed from its name ("host:port"), so the order the
 * servers were given in does not matter and a server's loss moves only
 * the keys it held.  A slot's copies go to the first servers met walking
 * the ring clockwise from the slot's hash, each server once, skipping
 * those the caller says are down.
 *
 * Every copy starts with a struct remote_hdr naming the area (a random id
 * per area, so two processes or a parent and its child never read each
 * other's pages), the slot and the version of the write that stored it.
 * The area remembers, per slot, the version it wrote last; a copy of
 * another version is stale (a server that was stopped while the page was
 * written again, or that lost its item and got an older one back) and is
 * never mapped.
 *
 * And how a read waits for its answer (struct remote_wait, below).
 *
 * Pure functions over caller-owned memory: no locking, no allocation.
 */
#ifndef UPAGE_REMOTE_RING_H
#define UPAGE_REMOTE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RING_MAX_SERVERS	16
#define RING_VNODES		64	/* points per server: evens out the load */
#define RING_NONE		0xff	/* no server */

struct ring_point {
	uint64_t hash;
	uint8_t server;		/* index in the list given to ring_init */
};

struct remote_ring {
	unsigned int nr_servers;
	unsigned int nr_points;
	struct ring_point points[RING_MAX_SERVERS * RING_VNODES];	/* sorted by hash */
};

/* 64-bit hash of @len bytes (FNV-1a, then a finaliser that mixes the high bits in). */
uint64_t ring_hash(const void *p, size_t len);

/*
 * Build the ring of the @n servers named @names[].  0, or -EINVAL when
 * @n is 0 or over RING_MAX_SERVERS, or two names are the same.
 */
int ring_init(struct remote_ring *r, const char *const names[], unsigned int n);

/*
 * The servers for @key in ring order, each once, skipping every server
 * @down marks (NULL: none is down): up to @max of them into @out.
 * Returns how many were stored.
 */
unsigned int ring_lookup(const struct remote_ring *r, uint64_t key, const bool *down, uint8_t *out,
			 unsigned int max);

/* The ring position of slot @offset of area @area_id. */
uint64_t ring_slot_key(uint64_t area_id, unsigned long offset);

/* One server of a list: "HOST:PORT", "[V6ADDR]:PORT", or HOST alone (port 11211). */
#define REMOTE_DEFAULT_PORT	11211
struct remote_server_spec {
	char host[256];
	unsigned int port;
	char name[272];		/* "host:port", its ring name and how messages say it */
};
/*
 * Parse the comma-separated list @list into @out (at most @max).  Returns
 * how many, or -EINVAL with @err saying which entry is wrong (empty, a
 * bad port, a name too long, one given twice, more than @max).
 */
int remote_parse_servers(const char *list, struct remote_server_spec *out, unsigned int max,
			 char *err, size_t errlen);

/* The header in front of a stored page. */
#define REMOTE_MAGIC	0x31504755u	/* "UGP1" */
struct remote_hdr {
	uint32_t magic;
	uint32_t len;		/* bytes of page after the header */
	uint64_t area_id;
	uint64_t slot;
	uint64_t version;
};

void remote_hdr_fill(struct remote_hdr *h, uint64_t area_id, unsigned long slot,
		     uint64_t version, uint32_t len);
/*
 * Is @value (@len bytes, a header and a page of @page_len bytes) the copy
 * of @slot of area @area_id written at @version?  0 when it is; -EBADMSG
 * when it is not a copy of that slot at all (bad magic or length, another
 * area or slot); -ESTALE when it is that slot at another version.
 */
int remote_value_check(const void *value, size_t len, uint64_t area_id, unsigned long slot,
		       uint64_t version, size_t page_len);

/*
 * What an area keeps per slot, in one word so that it is read and
 * replaced atomically: the version last written (48 bits, 0 when never
 * written) and the servers holding its two copies (RING_NONE for none).
 */
#define SLOT_VERSION_BITS	48
#define SLOT_VERSION_MAX	((1ULL << SLOT_VERSION_BITS) - 1)

static inline uint64_t slot_meta(uint64_t version, uint8_t s0, uint8_t s1)
{
	return (version & SLOT_VERSION_MAX) | ((uint64_t)s0 << 48) | ((uint64_t)s1 << 56);
}

static inline uint64_t slot_meta_version(uint64_t m)
{
	return m & SLOT_VERSION_MAX;
}

static inline uint8_t slot_meta_server(uint64_t m, int copy)
{
	return (uint8_t)(m >> (copy ? 56 : 48));
}

/*
 * How a read waits for a server's answer: asleep in poll(2), or spinning
 * on the CPU first.  A thread that sleeps leaves its CPU idle, and on a
 * quiet machine an idle vCPU halts: the answer then pays that CPU's
 * wake-up on top of the server's (about 40 us each on a 2-vCPU VM with
 * cpuidle haltpoll), which a spin does not.  But when the other CPUs are
 * busy, the server's worker is woken on the reader's CPU and a spin keeps
 * it from running.  So both ways are timed, and the faster one is used;
 * the other one every REMOTE_WAIT_PROBE-th read (every
 * REMOTE_WAIT_PROBE_FAR-th when it took more than 1.5 times as long), so
 * that a change of load is seen.  A sample counts at most
 * REMOTE_WAIT_CLIP times the average (a failover's wait, a thread
 * descheduled).
 *
 * The fields are read and written with relaxed atomics: two readers
 * racing may lose an update, which an average can afford.
 */
#define REMOTE_WAIT_PROBE	16
#define REMOTE_WAIT_PROBE_FAR	64
#define REMOTE_WAIT_CLIP	4
struct remote_wait {
	uint64_t avg_ns[2];	/* an exchange's time asleep [0], spinning [1]; 0: not timed yet */
	unsigned long reads;	/* how many chose */
};

/* Should the next exchange spin for its answer? */
bool remote_wait_spin(struct remote_wait *w);
/* An exchange that waited @spin-ing (remote_wait_spin's answer) took @ns. */
void remote_wait_timed(struct remote_wait *w, bool spin, uint64_t ns);

#endif /* UPAGE_REMOTE_RING_H */
