// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for remote_ring.c: the consistent hashing that places a
 * memcached area's copies, the version header every copy carries, the
 * per-slot metadata word and the parsing of a server list.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "remote_ring.h"

static struct remote_ring ring;
static const char *const three[] = { "127.0.0.1:11211", "127.0.0.1:11212", "127.0.0.1:11213" };

static void setup3(void)
{
	cr_assert_eq(ring_init(&ring, three, 3), 0, "expected a ring of three servers");
}

Test(remote_ring, two_copies_on_different_servers, .init = setup3)
{
	for (unsigned long off = 1; off < 20000; off++) {
		uint8_t s[2];

		cr_assert_eq(ring_lookup(&ring, ring_slot_key(42, off), NULL, s, 2), 2,
			     "expected two servers for slot %lu", off);
		cr_assert_neq(s[0], s[1], "expected slot %lu's copies on two servers", off);
		cr_assert(s[0] < 3 && s[1] < 3, "expected servers of the ring");
	}
}

Test(remote_ring, load_is_spread, .init = setup3)
{
	unsigned long first[3] = { 0 };

	for (unsigned long off = 1; off <= 30000; off++) {
		uint8_t s;

		ring_lookup(&ring, ring_slot_key(7, off), NULL, &s, 1);
		first[s]++;
	}
	/* 64 points each: every server is the first for a fair share. */
	for (int i = 0; i < 3; i++)
		cr_assert(first[i] > 6000 && first[i] < 14000,
			  "expected server %d first for about a third of the slots, got %lu", i,
			  first[i]);
}

/* Consistent hashing: a server down moves only the slots it held. */
Test(remote_ring, a_server_down_moves_only_its_slots, .init = setup3)
{
	bool down[3] = { false, true, false };

	for (unsigned long off = 1; off < 20000; off++) {
		uint8_t all[3], up[2];
		unsigned int n;

		cr_assert_eq(ring_lookup(&ring, ring_slot_key(9, off), NULL, all, 3), 3,
			     "expected all three servers in ring order");
		n = ring_lookup(&ring, ring_slot_key(9, off), down, up, 2);
		cr_assert_eq(n, 2, "expected two servers up");
		/* The order without server 1 is the full order with it taken out. */
		for (unsigned int i = 0, j = 0; i < 3; i++) {
			if (all[i] == 1)
				continue;
			if (j < 2)
				cr_assert_eq(up[j], all[i], "slot %lu: expected the same order less "
							    "server 1", off);
			j++;
		}
	}
}

Test(remote_ring, order_of_the_list_does_not_matter)
{
	static const char *const other[] = { "127.0.0.1:11213", "127.0.0.1:11211",
					     "127.0.0.1:11212" };
	struct remote_ring r2;

	cr_assert_eq(ring_init(&ring, three, 3), 0);
	cr_assert_eq(ring_init(&r2, other, 3), 0);
	for (unsigned long off = 1; off < 5000; off++) {
		uint8_t a, b;

		ring_lookup(&ring, ring_slot_key(1, off), NULL, &a, 1);
		ring_lookup(&r2, ring_slot_key(1, off), NULL, &b, 1);
		cr_assert_str_eq(three[a], other[b], "expected slot %lu on the same server", off);
	}
}

Test(remote_ring, areas_are_placed_apart, .init = setup3)
{
	unsigned long same = 0;

	for (unsigned long off = 1; off <= 3000; off++) {
		uint8_t a, b;

		ring_lookup(&ring, ring_slot_key(1, off), NULL, &a, 1);
		ring_lookup(&ring, ring_slot_key(2, off), NULL, &b, 1);
		same += a == b;
	}
	cr_assert(same < 1500, "expected two areas' slots placed independently (%lu same)", same);
}

Test(remote_ring, all_down_gives_none, .init = setup3)
{
	bool down[3] = { true, true, true };
	uint8_t s[2];

	cr_assert_eq(ring_lookup(&ring, ring_slot_key(3, 5), down, s, 2), 0,
		     "expected no server when all are down");
}

Test(remote_ring, bad_rings)
{
	static const char *const twice[] = { "a:1", "a:1" };

	cr_assert_eq(ring_init(&ring, twice, 2), -EINVAL, "expected a server given twice refused");
	cr_assert_eq(ring_init(&ring, three, 0), -EINVAL, "expected an empty ring refused");
	cr_assert_eq(ring_init(&ring, three, RING_MAX_SERVERS + 1), -EINVAL,
		     "expected too many servers refused");
}

/* ---- the version header ---- */

static char value[sizeof(struct remote_hdr) + 4096];

static void stored(uint64_t id, unsigned long slot, uint64_t version)
{
	remote_hdr_fill((struct remote_hdr *)value, id, slot, version, 4096);
	memset(value + sizeof(struct remote_hdr), 0x5a, 4096);
}

Test(remote_hdr, the_copy_written_is_accepted)
{
	stored(77, 12, 1000);
	cr_assert_eq(remote_value_check(value, sizeof(value), 77, 12, 1000, 4096), 0,
		     "expected the copy of that version accepted");
}

Test(remote_hdr, another_version_is_stale)
{
	stored(77, 12, 999);
	cr_assert_eq(remote_value_check(value, sizeof(value), 77, 12, 1000, 4096), -ESTALE,
		     "expected an older copy refused as stale");
	stored(77, 12, 1001);
	cr_assert_eq(remote_value_check(value, sizeof(value), 77, 12, 1000, 4096), -ESTALE,
		     "expected another version refused as stale");
}

Test(remote_hdr, another_area_or_slot_or_garbage_is_refused)
{
	stored(78, 12, 1000);
	cr_assert_eq(remote_value_check(value, sizeof(value), 77, 12, 1000, 4096), -EBADMSG,
		     "expected another area's page refused");
	stored(77, 13, 1000);
	cr_assert_eq(remote_value_check(value, sizeof(value), 77, 12, 1000, 4096), -EBADMSG,
		     "expected another slot's page refused");
	stored(77, 12, 1000);
	cr_assert_eq(remote_value_check(value, sizeof(value) - 1, 77, 12, 1000, 4096), -EBADMSG,
		     "expected a short value refused");
	value[0] ^= 1;
	cr_assert_eq(remote_value_check(value, sizeof(value), 77, 12, 1000, 4096), -EBADMSG,
		     "expected a bad magic refused");
	cr_assert_eq(remote_value_check(NULL, 0, 77, 12, 1000, 4096), -EBADMSG,
		     "expected no value refused");
}

Test(remote_hdr, slot_meta_roundtrip)
{
	uint64_t m = slot_meta(SLOT_VERSION_MAX, 3, RING_NONE);

	cr_assert_eq(slot_meta_version(m), SLOT_VERSION_MAX, "expected the version back");
	cr_assert_eq(slot_meta_server(m, 0), 3, "expected the first copy's server back");
	cr_assert_eq(slot_meta_server(m, 1), RING_NONE, "expected no second copy");
	cr_assert_eq(slot_meta_version(slot_meta(0, 1, 2)), 0, "expected 0 for never written");
}

/* ---- server lists ---- */

static struct remote_server_spec sp[RING_MAX_SERVERS];
static char err[256];

Test(remote_parse, host_port_lists)
{
	cr_assert_eq(remote_parse_servers("127.0.0.1:11211,localhost:5,[::1]:7,cache", sp,
					  RING_MAX_SERVERS, err, sizeof(err)),
		     4, "expected four servers (%s)", err);
	cr_assert_str_eq(sp[0].host, "127.0.0.1");
	cr_assert_eq(sp[0].port, 11211);
	cr_assert_str_eq(sp[1].name, "localhost:5");
	cr_assert_str_eq(sp[2].host, "::1");
	cr_assert_str_eq(sp[2].name, "[::1]:7", "expected an IPv6 name in brackets");
	cr_assert_eq(sp[3].port, REMOTE_DEFAULT_PORT, "expected the default port");
}

Test(remote_parse, bad_lists_say_why)
{
	const char *bad[] = { "", "a:1,", ",a:1", "a:0", "a:65536", "a:x", "a:1,a:1", "[::1", "a:" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		cr_assert_eq(remote_parse_servers(bad[i], sp, RING_MAX_SERVERS, err, sizeof(err)),
			     -EINVAL, "expected '%s' refused", bad[i]);
		cr_assert(err[0], "expected a reason for '%s'", bad[i]);
	}
	cr_assert_eq(remote_parse_servers("a:1,b:1,c:1", sp, 2, err, sizeof(err)), -EINVAL,
		     "expected more servers than room refused");
}

/* How many of the next @n reads remote_wait_spin sends spinning. */
static int spins_of(struct remote_wait *w, int n)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		k += remote_wait_spin(w);
	return k;
}

Test(remote_wait, each_way_is_tried_before_either_is_timed)
{
	struct remote_wait w = { 0 };

	cr_assert(remote_wait_spin(&w), "expected a spin first: it was never timed");
	remote_wait_timed(&w, true, 50000);
	cr_assert(!remote_wait_spin(&w), "expected a read asleep next: sleeping was never timed");
	remote_wait_timed(&w, false, 90000);
	cr_assert(w.avg_ns[0] == 90000 && w.avg_ns[1] == 50000,
		  "expected each first time taken as it is (%lu, %lu)",
		  (unsigned long)w.avg_ns[0], (unsigned long)w.avg_ns[1]);
}

Test(remote_wait, the_faster_way_is_used_and_the_other_probed)
{
	struct remote_wait w = { 0 };

	remote_wait_timed(&w, false, 100000);	/* quiet machine: a halted CPU's wake-up */
	remote_wait_timed(&w, true, 60000);
	cr_assert_eq(spins_of(&w, 10 * REMOTE_WAIT_PROBE_FAR), 10 * (REMOTE_WAIT_PROBE_FAR - 1),
		     "expected a spin but for one read in %d (sleeping is far slower)",
		     REMOTE_WAIT_PROBE_FAR);
	for (int i = 0; i < 4; i++)
		remote_wait_timed(&w, false, 60000);	/* a little load: the two ways close */
	cr_assert(w.avg_ns[0] < w.avg_ns[1] + w.avg_ns[1] / 2, "expected the two close (%lu, %lu)",
		  (unsigned long)w.avg_ns[0], (unsigned long)w.avg_ns[1]);
	w.reads = 0;
	cr_assert_eq(spins_of(&w, 10 * REMOTE_WAIT_PROBE), 10 * (REMOTE_WAIT_PROBE - 1),
		     "expected a read asleep one in %d when the two are close", REMOTE_WAIT_PROBE);
	/* Load comes: spinning now keeps the server's worker off this CPU. */
	for (int i = 0; i < 40; i++)
		remote_wait_timed(&w, true, 200000);
	for (int i = 0; i < 40; i++)
		remote_wait_timed(&w, false, 30000);
	cr_assert(w.avg_ns[0] < w.avg_ns[1], "expected sleeping now the faster (%lu, %lu)",
		  (unsigned long)w.avg_ns[0], (unsigned long)w.avg_ns[1]);
	w.reads = 0;
	cr_assert_eq(spins_of(&w, 10 * REMOTE_WAIT_PROBE_FAR), 10,
		     "expected one spin in %d only, to see when it pays again", REMOTE_WAIT_PROBE_FAR);
}

Test(remote_wait, one_slow_answer_counts_for_little)
{
	struct remote_wait w = { 0 };

	remote_wait_timed(&w, true, 40000);
	remote_wait_timed(&w, false, 60000);
	remote_wait_timed(&w, true, 12000000);	/* a failover's 12 ms */
	cr_assert_leq(w.avg_ns[1], 40000 - 40000 / 8 + REMOTE_WAIT_CLIP * 40000 / 8,
		      "expected the sample clipped to %d times the average (%lu)", REMOTE_WAIT_CLIP,
		      (unsigned long)w.avg_ns[1]);
	cr_assert(w.avg_ns[1] < 2 * w.avg_ns[0] + 1,
		  "expected spinning still within reach after one slow answer (%lu, %lu)",
		  (unsigned long)w.avg_ns[1], (unsigned long)w.avg_ns[0]);
}
