// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memcached_copies.c - the versioned copies of a memcached area's pages
 * (memcached_copies.h).
 *
 * A read of a run of slots asks each server for the copies it holds in
 * one multi-get (readahead is one exchange per server), checks every
 * copy's header against the version the slot was last written at
 * (remote_ring.h), and asks for the other copy of those that were
 * missing, stale or on a server that failed.  Only when no copy of a
 * page could be read at all does a read wait for a server set aside,
 * REMOTE_PATIENT_MS per answer for up to REMOTE_RESCUE_MS, before failing
 * with -EIO (the program is told: do_page_fault's SIGBUS).
 *
 * A write stores each page on the first two servers up in ring order
 * for its slot, each set acknowledged; a page whose two servers fail
 * goes to the next ones; with one server left it is written once
 * (degraded) and given a second copy by area_repair when a server is
 * back.
 *
 * Locking: as memcached_copies.h says; a server's lock is taken through
 * conn_get / conn_put, one at a time.
 */
#include "autoconfig.h"

#include "memcached_copies.h"

#include <errno.h>
#include <poll.h>
#include <string.h>

#include "memcached_alloc.h"
#include "memcached_delete.h"
#include "memcached_server.h"
#include "memcached_stats.h"
#include "stats.h"
#include "swap_memcached.h"
#include "swapfile.h"

/*
 * Store @page as slot @offset at @version on server @si, bounded by the
 * server's timeouts.  0; -EAGAIN when the server refused (full); -EIO
 * when it failed (and is set aside now).
 */
static int server_set(struct mc_area *a, unsigned int si, unsigned long offset,
		      uint64_t version, const void *page, bool patient)
{
	struct mc_server *s = &a->srv[si];
	char key[MC_KEY_LEN];
	int klen = slot_key(a, offset, version, key);
	memcached_return_t rc;
	struct mc_conn *cn;
	uint64_t t0 = now_ns();

	cn = conn_get(s, patient);
	if (!cn) {
		server_failed(a, s, MEMCACHED_CONNECTION_FAILURE, t0);
		return -EIO;
	}
	remote_hdr_fill((struct remote_hdr *)s->buf, a->id, offset, version, PAGE_SIZE);
	memcpy(s->buf + sizeof(struct remote_hdr), page, PAGE_SIZE);
	rc = mcl.set(&cn->memc, key, (size_t)klen, s->buf, MC_VALUE_BYTES, 0, 0);
	if (!rc_server_failed(rc))
		server_answered(s, now_ns() - t0);
	conn_put(s, rc_server_failed(rc));
	if (rc == MEMCACHED_SUCCESS)
		return 0;
	if (rc_server_failed(rc)) {
		server_failed(a, s, rc, t0);
		return -EIO;
	}
	return -EAGAIN;
}

/* One page of a read: where its copies are and what became of them. */
struct mc_page {
	unsigned long offset;
	uint64_t meta;
	void *buf;
	bool done;
	bool bad[2];		/* this copy was missing, stale, or its server failed */
	bool tried[2];
	bool answered[2];	/* its server answered (so the copy is not there) */
	bool stale[2];		/* the server had a copy, of another version */
};

/* The key of @p (for matching a multi-get's answers). */
static int page_index(const struct mc_page *pg, const int *list, int n, unsigned long offset)
{
	for (int k = 0; k < n; k++)
		if (pg[list[k]].offset == offset)
			return list[k];
	return -1;
}

/* Parse the slot offset back out of a key of @a; -1 if it is not one. */
static long key_offset(const struct mc_area *a, const char *key, size_t len)
{
	char want[MC_KEY_LEN];
	int plen = snprintf(want, sizeof(want), "upage:%016" PRIx64 ":", a->id);
	unsigned long off = 0;

	if (len <= (size_t)plen || memcmp(key, want, (size_t)plen) != 0)
		return -1;
	for (size_t i = (size_t)plen; i < len; i++) {
		char c = key[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (c == ':' && i > (size_t)plen)
			return (long)off;	/* the version follows */
		if (d < 0)
			return -1;
		off = off * 16 + (unsigned long)d;
	}
	return (long)off;
}

/* A copy of page @i came: mapped if it is of the version last written. */
static void page_value(struct mc_area *a, struct mc_page *pg, int i, int copy, const char *value,
		       size_t len)
{
	if (remote_value_check(value, len, a->id, pg[i].offset, slot_meta_version(pg[i].meta),
			       PAGE_SIZE) == 0) {
		memcpy(pg[i].buf, value + sizeof(struct remote_hdr), PAGE_SIZE);
		pg[i].done = true;
	} else {
		pg[i].bad[copy] = true;
		pg[i].answered[copy] = true;
		pg[i].stale[copy] = true;
		RCOUNT(stale_reads, 1);
	}
}

/*
 * One page: a plain get, one request and one answer (a multi-get of one
 * key is a quiet get and a no-op, two requests the server wakes for).
 */
static memcached_return_t conn_get1(struct mc_area *a, struct mc_conn *cn, struct mc_page *pg,
				    int i, int copy, const char *key, size_t klen)
{
	memcached_return_t rc;
	uint32_t flags;
	size_t len;
	char *v = mcl.get(&cn->memc, key, klen, &len, &flags, &rc);

	if (v) {
		page_value(a, pg, i, copy, v, len);
		mc_free(&cn->memc, v, NULL);	/* libmemcached's, from our allocator */
	}
	return rc;
}

/*
 * How a read waits for its answer (remote_ring.h's struct remote_wait):
 * asleep in libmemcached's poll(2), or spinning on the socket for up to
 * MC_SPIN_US first, whichever has been the faster for this area's
 * one-page reads.  A read that spins is a multi-get (libmemcached's get
 * sends and waits in one call); when the spin ends without an answer,
 * libmemcached waits as before, within the server's bound.  Reads that
 * must be patient (no other copy left) sleep.
 */
#define MC_SPIN_US	100

/* Wait on the CPU, up to MC_SPIN_US, for @cn's answer to be there (or
 * the socket to fail: libmemcached then says how). */
static void answer_spin(const struct mc_conn *cn)
{
	struct pollfd p = { .fd = cn->fd, .events = POLLIN };
	uint64_t end = now_ns() + (uint64_t)MC_SPIN_US * 1000;

	if (cn->fd < 0)
		return;
	do {
		if (poll(&p, 1, 0) != 0)
			return;
	} while (now_ns() < end);
}

/* Many pages: one multi-get, each answer matched to its page by its key;
 * with @spin, the answer is waited for on the CPU first. */
static memcached_return_t conn_mget(struct mc_area *a, struct mc_conn *cn, struct mc_page *pg,
				    const int *list, int n, int copy, const char *const *kp,
				    const size_t *kl, bool spin)
{
	memcached_return_t rc = mcl.mget(&cn->memc, kp, kl, (size_t)n);
	memcached_result_st *r;

	if (rc != MEMCACHED_SUCCESS)
		return rc;
	if (spin)
		answer_spin(cn);
	while ((r = mcl.fetch_result(&cn->memc, &cn->res, &rc))) {
		long off = key_offset(a, mcl.result_key_value(r), mcl.result_key_length(r));
		int i = off < 0 ? -1 : page_index(pg, list, n, (unsigned long)off);

		if (i >= 0 && !pg[i].done)
			page_value(a, pg, i, copy, mcl.result_value(r), mcl.result_length(r));
	}
	return rc;
}

/*
 * Copy @copy of the pages @list[0..n) from server @si in one exchange,
 * each checked against its slot's version.  Those found are done; the
 * others have that copy marked bad.
 */
static void server_mget(struct mc_area *a, unsigned int si, int copy, struct mc_page *pg,
			const int *list, int n, bool patient)
{
	struct mc_server *s = &a->srv[si];
	char keys[MC_MAX_BATCH][MC_KEY_LEN];
	const char *kp[MC_MAX_BATCH];
	size_t kl[MC_MAX_BATCH];
	memcached_return_t rc = MEMCACHED_CONNECTION_FAILURE;
	struct mc_conn *cn;
	bool failed = true, spin = !patient && remote_wait_spin(&a->wait);
	uint64_t t0 = now_ns();

	for (int k = 0; k < n; k++) {
		kl[k] = (size_t)slot_key(a, pg[list[k]].offset, slot_meta_version(pg[list[k]].meta),
					 keys[k]);
		kp[k] = keys[k];
		pg[list[k]].tried[copy] = true;
	}
	cn = conn_get(s, patient);
	if (cn) {
		rc = n == 1 && !spin ? conn_get1(a, cn, pg, list[0], copy, kp[0], kl[0])
				     : conn_mget(a, cn, pg, list, n, copy, kp, kl, spin);
		failed = rc_server_failed(rc);
		if (!failed)
			server_answered(s, now_ns() - t0);
		if (!failed && n == 1 && !patient)
			remote_wait_timed(&a->wait, spin, now_ns() - t0);
		conn_put(s, failed);
	}
	if (failed)
		server_failed(a, s, rc, t0);
	for (int k = 0; k < n; k++) {
		struct mc_page *p = &pg[list[k]];

		if (p->done || p->bad[copy])
			continue;
		p->bad[copy] = true;
		p->answered[copy] = !failed;
		if (!failed)
			RCOUNT(missing_reads, 1);
	}
}

/*
 * One round: each page not done yet asks for copy @copy if it has not
 * yet and its server is up, grouped by server, one multi-get each.
 */
static void read_round(struct mc_area *a, struct mc_page *pg, int n, int copy, bool patient)
{
	int list[MC_MAX_BATCH];

	for (unsigned int si = 0; si < a->nr; si++) {
		int k = 0;

		if (server_down(&a->srv[si]))
			continue;
		for (int i = 0; i < n; i++)
			if (!pg[i].done && !pg[i].tried[copy] &&
			    slot_meta_server(pg[i].meta, copy) == si)
				list[k++] = i;
		if (k)
			server_mget(a, si, copy, pg, list, k, patient);
	}
}

/*
 * No copy of some page came: its servers failed (or missed a deadline,
 * on a loaded machine).  Wait, up to REMOTE_RESCUE_MS, for one of them to
 * be found back by the area's thread, and ask it again.
 */
static void read_rescue(struct mc_area *a, struct mc_page *pg, int n)
{
	uint64_t deadline = now_ns() + (uint64_t)REMOTE_RESCUE_MS * 1000000;
	struct timespec ts = { .tv_nsec = 2 * 1000000L };
	bool left;

	do {
		left = false;
		for (int i = 0; i < n; i++) {
			if (pg[i].done)
				continue;
			for (int c = 0; c < 2; c++) {
				uint8_t s = slot_meta_server(pg[i].meta, c);

				if (s == RING_NONE || pg[i].answered[c])
					continue;
				left = true;
				server_wanted(&a->srv[s]);
				if (!server_down(&a->srv[s]) || server_revive(&a->srv[s]))
					pg[i].tried[c] = pg[i].bad[c] = false;
			}
		}
		if (!left)
			return;		/* every server there is answered */
		read_round(a, pg, n, 0, true);
		read_round(a, pg, n, 1, true);
		left = false;
		for (int i = 0; i < n; i++)
			left |= !pg[i].done;
		if (left)
			nanosleep(&ts, NULL);
	} while (left && now_ns() < deadline);
}

/*
 * Write @p's page (read from its copy @good) again to a server that
 * holds no copy, and record it there unless the slot changed meanwhile.
 */
static void rereplicate(struct mc_area *a, unsigned long offset, uint64_t meta, int good,
			const void *page)
{
	uint8_t order[RING_MAX_SERVERS];
	bool down[RING_MAX_SERVERS];
	uint8_t keep = slot_meta_server(meta, good);
	unsigned int n;

	for (unsigned int i = 0; i < a->nr; i++)
		down[i] = server_down(&a->srv[i]) || i == keep;
	n = ring_lookup(&a->ring, ring_slot_key(a->id, offset), down, order, a->nr);
	for (unsigned int k = 0; k < n; k++) {
		uint64_t want = meta;

		if (server_set(a, order[k], offset, slot_meta_version(meta), page, false))
			continue;
		if (__atomic_compare_exchange_n(&a->meta[offset], &want,
						slot_meta(slot_meta_version(meta), keep, order[k]),
						false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			RCOUNT(rereplications, 1);
		return;
	}
}

/* Is copy @c of @p lost: missing or stale when read, or on a server gone? */
static bool copy_lost(struct mc_area *a, const struct mc_page *p, int c)
{
	uint8_t s = slot_meta_server(p->meta, c);

	if (s == RING_NONE || s >= a->nr)
		return true;
	return p->bad[c] || server_gone(&a->srv[s]);
}

/* What became of copy @c of @p, for a message. */
static const char *copy_fate(const struct mc_area *a, const struct mc_page *p, int c)
{
	uint8_t s = slot_meta_server(p->meta, c);

	if (s == RING_NONE || s >= a->nr)
		return "none written";
	if (p->stale[c])
		return "of another version there (stale)";
	if (p->answered[c])
		return "not on the server (evicted, or lost in a restart)";
	if (server_down(&a->srv[s]))
		return "its server failed or does not answer";
	return "not read";
}

/* Say once which page could not be read, and why (the fault path then
 * delivers SIGBUS, as for any swap-in that failed). */
static void say_lost(const struct mc_area *a, const struct mc_page *p)
{
	static bool said;
	uint8_t s0 = slot_meta_server(p->meta, 0), s1 = slot_meta_server(p->meta, 1);

	if (__atomic_exchange_n(&said, true, __ATOMIC_RELAXED))
		return;
	upage_msg("memcached: no copy of swap slot %lu could be read within %d ms: on %s, %s; "
		  "on %s, %s",
		  p->offset, REMOTE_RESCUE_MS, s0 < a->nr ? a->srv[s0].spec.name : "-",
		  copy_fate(a, p, 0), s1 < a->nr ? a->srv[s1].spec.name : "-", copy_fate(a, p, 1));
}

int mc_read(struct mc_area *a, struct swap_io *io)
{
	struct mc_page pg[MC_MAX_BATCH];
	unsigned long first = swp_offset(io->entry);
	uint64_t t0 = latency_now();
	int n = io->nr, err = 0;

	for (int i = 0; i < n; i++) {
		pg[i] = (struct mc_page){ .offset = first + (unsigned long)i,
					  .buf = io->iov[i].iov_base };
		pg[i].meta = __atomic_load_n(&a->meta[pg[i].offset], __ATOMIC_ACQUIRE);
		if (!slot_meta_version(pg[i].meta)) {
			if (n == 1)
				upage_msg("memcached: swap slot %lu read before it was written",
					  pg[i].offset);
			return -EIO;	/* never written: there is no page to give */
		}
	}
	read_round(a, pg, n, 0, false);
	read_round(a, pg, n, 1, false);
	for (int i = 0; i < n; i++)
		if (!pg[i].done) {
			read_rescue(a, pg, n);
			break;
		}
	for (int i = 0; i < n; i++) {
		struct mc_page *p = &pg[i];

		if (!p->done) {
			RCOUNT(read_errors, 1);
			say_lost(a, p);
			err = -EIO;
			continue;
		}
		if (slot_meta_server(p->meta, 0) != RING_NONE && (p->bad[0] || !p->tried[0]))
			RCOUNT(failovers, 1);	/* served by its other copy */
		if (a->frozen)
			continue;
		for (int c = 0; c < 2; c++)
			if (copy_lost(a, p, c) && !copy_lost(a, p, !c)) {
				rereplicate(a, p->offset, p->meta, !c, p->buf);
				break;
			}
	}
	if (!err) {
		RCOUNT(reads, (uint64_t)n);
		latency_record_n(UPAGE_LAT_REMOTE_READ, latency_now() - t0, (uint64_t)n);
	}
	return err;
}

/* ---- writes ------------------------------------------------------------ */

/* Say once that the servers refuse pages (full: -M). */
static void say_full(const struct mc_area *a)
{
	static bool said;

	if (!__atomic_exchange_n(&said, true, __ATOMIC_RELAXED))
		upage_msg("memcached pool %s is full: its servers refuse new pages (-M); pages "
			  "stay in memory until room is made, and a fault that finds no frame "
			  "for a second is told (out of swap space)", a->name);
}

/*
 * No server up took the page: wait, up to REMOTE_RESCUE_MS (kswapd's
 * time, not a fault's), for one to be found back, and try again.
 * Returns how many copies were placed (0 or 1).
 */
static unsigned int write_rescue(struct mc_area *a, unsigned long offset, uint64_t version,
				 const void *page, uint8_t *placed)
{
	uint64_t deadline = now_ns() + (uint64_t)REMOTE_RESCUE_MS * 1000000;
	struct timespec ts = { .tv_nsec = 2 * 1000000L };
	uint8_t order[RING_MAX_SERVERS];
	bool down[RING_MAX_SERVERS];

	while (now_ns() < deadline) {
		unsigned int n;

		nanosleep(&ts, NULL);
		for (unsigned int i = 0; i < a->nr; i++) {
			server_wanted(&a->srv[i]);
			down[i] = server_down(&a->srv[i]) && !server_revive(&a->srv[i]);
		}
		n = ring_lookup(&a->ring, ring_slot_key(a->id, offset), down, order, a->nr);
		for (unsigned int k = 0; k < n; k++)
			if (server_set(a, order[k], offset, version, page, true) == 0) {
				placed[0] = order[k];
				return 1;
			}
	}
	return 0;
}

/*
 * One copy placed, on placed[0]: when another server was set aside only
 * a moment ago (a deadline missed on a loaded machine), wait for it, up to
 * REMOTE_RESCUE_MS, rather than leave the page with one copy.  Returns 1
 * when a second copy was placed (in placed[1]).
 */
static unsigned int second_copy(struct mc_area *a, unsigned long offset, uint64_t version,
				const void *page, uint8_t *placed)
{
	uint64_t deadline = now_ns() + (uint64_t)REMOTE_RESCUE_MS * 1000000;
	struct timespec ts = { .tv_nsec = 2 * 1000000L };

	while (now_ns() < deadline) {
		bool waiting = false;

		for (unsigned int i = 0; i < a->nr; i++) {
			struct mc_server *s = &a->srv[i];
			int ret;

			if (i == placed[0] || (server_down(s) && server_gone(s)))
				continue;
			server_wanted(s);
			if (server_down(s) && !server_revive(s)) {
				waiting = true;
				continue;
			}
			ret = server_set(a, i, offset, version, page, false);
			if (ret == 0) {
				placed[1] = (uint8_t)i;
				return 1;
			}
			waiting |= ret == -EIO;		/* (a full server is no use) */
		}
		if (!waiting)
			return 0;	/* the others are gone: one copy it is */
		nanosleep(&ts, NULL);
	}
	return 0;
}

static int mc_write_page(struct mc_area *a, unsigned long offset, const void *page)
{
	uint8_t order[RING_MAX_SERVERS], placed[2] = { RING_NONE, RING_NONE };
	bool down[RING_MAX_SERVERS];
	uint64_t version = __atomic_add_fetch(&a->version, 1, __ATOMIC_ACQ_REL);
	unsigned int n, got = 0, refused = 0;
	unsigned long hi;
	int ret;

	for (unsigned int i = 0; i < a->nr; i++)
		down[i] = server_down(&a->srv[i]);
	n = ring_lookup(&a->ring, ring_slot_key(a->id, offset), down, order, a->nr);
	for (unsigned int k = 0; k < n && got < 2; k++) {
		ret = server_set(a, order[k], offset, version, page, false);
		if (ret == 0)
			placed[got++] = order[k];
		refused += ret == -EAGAIN;
	}
	if (got == 0 && refused == n && n > 0) {
		say_full(a);
		return -ENOSPC;		/* every server up answered, and is full */
	}
	if (got == 0)
		got = write_rescue(a, offset, version, page, placed);
	if (got == 0)
		return -EIO;
	if (got == 1)
		got += second_copy(a, offset, version, page, placed);
	if (got == 1)
		RCOUNT(degraded_writes, 1);
	delete_copies(a,
		      __atomic_exchange_n(&a->meta[offset], slot_meta(version, placed[0], placed[1]),
					  __ATOMIC_ACQ_REL),
		      offset);
	hi = __atomic_load_n(&a->high_slot, __ATOMIC_RELAXED);
	while (offset > hi && !__atomic_compare_exchange_n(&a->high_slot, &hi, offset, true,
							   __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	return 0;
}

int mc_write(struct mc_area *a, struct swap_io *io)
{
	unsigned long first = swp_offset(io->entry);
	uint64_t t0 = latency_now();

	if (a->frozen)
		return -EROFS;
	for (int i = 0; i < io->nr; i++) {
		int err = mc_write_page(a, first + (unsigned long)i, io->iov[i].iov_base);

		if (err)
			return err;
	}
	RCOUNT(writes, (uint64_t)io->nr);
	latency_record_n(UPAGE_LAT_IO_WRITE, latency_now() - t0, (uint64_t)io->nr);
	return 0;
}

/*
 * Give every page of @a that has a copy on a server set aside (or no
 * second copy) a new one, read from its good copy.  The slot's swap
 * count tells whether it is still in use.  Returns false when it should
 * be run again (a server was down, or a copy could not be placed).
 */
bool area_repair(struct mc_area *a, void *page)
{
	unsigned long hi = __atomic_load_n(&a->high_slot, __ATOMIC_RELAXED);
	unsigned long copied = 0;
	unsigned int up = 0;
	bool again = false;

	for (unsigned int k = 0; k < a->nr; k++) {
		if (server_down(&a->srv[k]) && !server_gone(&a->srv[k]))
			return false;	/* not yet gone: look again later */
		up += !server_down(&a->srv[k]);
	}
	if (up < 2)
		return false;	/* nowhere to put a second copy yet */

	for (unsigned long off = 1; off <= hi && off < a->nr_slots; off++) {
		uint64_t m = __atomic_load_n(&a->meta[off], __ATOMIC_ACQUIRE);
		struct mc_page p = { .offset = off, .meta = m, .buf = page };
		int good = -1;

		if (!slot_meta_version(m))
			continue;
		for (int c = 0; c < 2; c++)
			if (copy_lost(a, &p, c) && !copy_lost(a, &p, !c))
				good = !c;
		if (good < 0)
			continue;	/* (a freed slot's meta is 0) */
		/* Read the good copy alone, then write it again elsewhere. */
		p.tried[!good] = true;
		p.bad[!good] = true;
		read_round(a, &p, 1, good, false);
		if (!p.done) {
			again = true;
			continue;
		}
		rereplicate(a, off, m, good, page);
		if (__atomic_load_n(&a->meta[off], __ATOMIC_RELAXED) == m)
			again = true;
		else
			copied++;
	}
	if (copied)
		upage_msg("memcached: %lu pages that had lost a copy have two again", copied);
	return !again;
}
