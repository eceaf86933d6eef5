// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * remote_ring.c - consistent hashing over the servers of a remote swap
 * area, the version header of its copies, and how a read waits for its
 * answer (remote_ring.h).
 *
 * Pure functions: no locking, no allocation.
 */
#include "autoconfig.h"

#include "remote_ring.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t ring_hash(const void *p, size_t len)
{
	const unsigned char *c = p;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= c[i];
		h *= 0x100000001b3ULL;
	}
	/* splitmix64's finaliser: FNV alone leaves close inputs close. */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

static int point_cmp(const void *a, const void *b)
{
	const struct ring_point *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (int)x->server - (int)y->server;
}

int ring_init(struct remote_ring *r, const char *const names[], unsigned int n)
{
	char buf[320];

	if (n == 0 || n > RING_MAX_SERVERS)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				return -EINVAL;
	r->nr_servers = n;
	r->nr_points = 0;
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int v = 0; v < RING_VNODES; v++) {
			int len = snprintf(buf, sizeof(buf), "%s#%u", names[i], v);

			if (len < 0 || len >= (int)sizeof(buf))
				return -EINVAL;
			r->points[r->nr_points++] =
				(struct ring_point){ .hash = ring_hash(buf, (size_t)len),
						     .server = (uint8_t)i };
		}
	qsort(r->points, r->nr_points, sizeof(r->points[0]), point_cmp);
	return 0;
}

/* The first point at or after @key (wrapping round). */
static unsigned int ring_first(const struct remote_ring *r, uint64_t key)
{
	unsigned int lo = 0, hi = r->nr_points;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (r->points[mid].hash < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == r->nr_points ? 0 : lo;
}

unsigned int ring_lookup(const struct remote_ring *r, uint64_t key, const bool *down, uint8_t *out,
			 unsigned int max)
{
	bool seen[RING_MAX_SERVERS] = { false };
	unsigned int got = 0, p;

	if (r->nr_points == 0)
		return 0;
	p = ring_first(r, key);
	for (unsigned int k = 0; k < r->nr_points && got < max; k++) {
		uint8_t s = r->points[(p + k) % r->nr_points].server;

		if (seen[s])
			continue;
		seen[s] = true;
		if (down && down[s])
			continue;
		out[got++] = s;
	}
	return got;
}

uint64_t ring_slot_key(uint64_t area_id, unsigned long offset)
{
	uint64_t v[2] = { area_id, (uint64_t)offset };

	return ring_hash(v, sizeof(v));
}

void remote_hdr_fill(struct remote_hdr *h, uint64_t area_id, unsigned long slot,
		     uint64_t version, uint32_t len)
{
	*h = (struct remote_hdr){ .magic = REMOTE_MAGIC, .len = len, .area_id = area_id,
				  .slot = (uint64_t)slot, .version = version };
}

int remote_value_check(const void *value, size_t len, uint64_t area_id, unsigned long slot,
		       uint64_t version, size_t page_len)
{
	struct remote_hdr h;

	if (!value || len != sizeof(h) + page_len)
		return -EBADMSG;
	memcpy(&h, value, sizeof(h));
	if (h.magic != REMOTE_MAGIC || h.len != page_len || h.area_id != area_id ||
	    h.slot != (uint64_t)slot)
		return -EBADMSG;
	return h.version == version ? 0 : -ESTALE;
}

/* One entry of @len bytes at @s into @sp: 0, or -EINVAL with @err said. */
static int parse_one(const char *s, size_t len, struct remote_server_spec *sp, char *err,
		     size_t errlen)
{
	const char *host = s, *colon = NULL;
	size_t hlen = len;
	unsigned long port = REMOTE_DEFAULT_PORT;

	if (len == 0) {
		snprintf(err, errlen, "an empty server in the list");
		return -EINVAL;
	}
	if (s[0] == '[') {			/* [v6]:port */
		const char *end = memchr(s, ']', len);

		if (!end) {
			snprintf(err, errlen, "'%.*s': no ']' after the address", (int)len, s);
			return -EINVAL;
		}
		host = s + 1;
		hlen = (size_t)(end - host);
		if ((size_t)(end + 1 - s) < len) {
			if (end[1] != ':') {
				snprintf(err, errlen, "'%.*s': ':PORT' expected after ']'", (int)len,
					 s);
				return -EINVAL;
			}
			colon = end + 1;
		}
	} else {
		colon = memrchr(s, ':', len);
		if (colon)
			hlen = (size_t)(colon - s);
	}
	if (colon) {
		char buf[8], *e;
		size_t plen = len - (size_t)(colon + 1 - s);

		if (plen == 0 || plen >= sizeof(buf)) {
			snprintf(err, errlen, "'%.*s': bad port", (int)len, s);
			return -EINVAL;
		}
		memcpy(buf, colon + 1, plen);
		buf[plen] = '\0';
		port = strtoul(buf, &e, 10);
		if (*e || buf[0] < '0' || buf[0] > '9' || port == 0 || port > 65535) {
			snprintf(err, errlen, "'%.*s': bad port", (int)len, s);
			return -EINVAL;
		}
	}
	if (hlen == 0 || hlen >= sizeof(sp->host)) {
		snprintf(err, errlen, "'%.*s': %s host name", (int)len, s, hlen ? "too long a" : "no");
		return -EINVAL;
	}
	memcpy(sp->host, host, hlen);
	sp->host[hlen] = '\0';
	sp->port = (unsigned int)port;
	snprintf(sp->name, sizeof(sp->name), memchr(sp->host, ':', hlen) ? "[%s]:%u" : "%s:%u",
		 sp->host, sp->port);
	return 0;
}

int remote_parse_servers(const char *list, struct remote_server_spec *out, unsigned int max,
			 char *err, size_t errlen)
{
	unsigned int n = 0;
	const char *s = list;

	if (!list || !*list) {
		snprintf(err, errlen, "no server given");
		return -EINVAL;
	}
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);

		if (n == max) {
			snprintf(err, errlen, "more than %u servers", max);
			return -EINVAL;
		}
		if (parse_one(s, len, &out[n], err, errlen))
			return -EINVAL;
		for (unsigned int i = 0; i < n; i++)
			if (strcmp(out[i].name, out[n].name) == 0) {
				snprintf(err, errlen, "%s is given twice", out[n].name);
				return -EINVAL;
			}
		n++;
		if (!comma)
			return (int)n;
		s = comma + 1;
	}
}

bool remote_wait_spin(struct remote_wait *w)
{
	unsigned long n = __atomic_fetch_add(&w->reads, 1, __ATOMIC_RELAXED);
	uint64_t sleep = __atomic_load_n(&w->avg_ns[0], __ATOMIC_RELAXED);
	uint64_t spin = __atomic_load_n(&w->avg_ns[1], __ATOMIC_RELAXED);
	/* The faster way; a way not timed yet is tried first. */
	bool best = spin && sleep ? spin < sleep : !spin;
	uint64_t fast = best ? spin : sleep, slow = best ? sleep : spin;
	/* The other way far slower: tried less often (each try costs). */
	unsigned long period = fast && slow > fast + fast / 2 ? REMOTE_WAIT_PROBE_FAR : REMOTE_WAIT_PROBE;

	return n % period == period - 1 ? !best : best;
}

void remote_wait_timed(struct remote_wait *w, bool spin, uint64_t ns)
{
	uint64_t avg = __atomic_load_n(&w->avg_ns[spin], __ATOMIC_RELAXED);

	if (avg && ns > REMOTE_WAIT_CLIP * avg)
		ns = REMOTE_WAIT_CLIP * avg;
	if (ns == 0)
		ns = 1;		/* 0 means not timed yet */
	__atomic_store_n(&w->avg_ns[spin], avg ? avg - avg / 8 + ns / 8 : ns, __ATOMIC_RELAXED);
}
