// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_control.c - the control block: the cap a process takes from it
 * (its own, or the daemon's share while its lease lasts, within the
 * bounds), and the block of this very process found through /proc.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <unistd.h>

#include "control.h"

#define M	(1ULL << 20)

static struct upage_control block(uint64_t max_rss, uint64_t share, uint64_t until)
{
	return (struct upage_control){
		.ceiling_bytes = 256 * M,
		.min_bytes = 1 * M,
		.max_rss_bytes = max_rss,
		.share_bytes = share,
		.share_until_ns = until,
	};
}

Test(control, own_cap_without_a_share)
{
	struct upage_control c = block(64 * M, 0, 0);

	cr_assert_eq(control_wanted_cap(&c, 1000), 64 * M, "expected the process's own cap");
}

Test(control, a_smaller_share_while_it_lasts)
{
	struct upage_control c = block(64 * M, 16 * M, 2000);

	cr_assert_eq(control_wanted_cap(&c, 1999), 16 * M, "expected the share in force");
	cr_assert_eq(control_wanted_cap(&c, 2000), 64 * M, "expected the share lapsed");
}

Test(control, a_larger_share_never_raises_the_own_cap)
{
	struct upage_control c = block(64 * M, 128 * M, 2000);

	cr_assert_eq(control_wanted_cap(&c, 1000), 64 * M, "expected the own cap");
}

Test(control, bounds)
{
	struct upage_control hi = block(1024 * M, 0, 0), lo = block(4096, 0, 0);

	cr_assert_eq(control_wanted_cap(&hi, 0), 256 * M, "expected the ceiling");
	cr_assert_eq(control_wanted_cap(&lo, 0), 1 * M, "expected the minimum");
}

Test(control, our_own_block_through_proc)
{
	struct upage_control *c;

	cr_assert_eq(control_init(8 * M, 32 * M, 1 * M, true, "/run/x.sock"), 0, "expected control_init to work");
	c = control_map_pid(getpid(), true);
	cr_assert_not_null(c, "expected to map our own block (errno %d)", errno);
	cr_assert_eq(c->pid, getpid(), "expected our pid in it");
	cr_assert_eq(c->ceiling_bytes, 32 * M, "expected the ceiling");
	cr_assert_str_eq(c->socket, "/run/x.sock", "expected the daemon's socket");
	cr_assert_eq(c->flags & CONTROL_F_MAX_RSS_SET, CONTROL_F_MAX_RSS_SET,
		     "expected the cap marked as given");
	c->max_rss_bytes = 16 * M;
	cr_assert_eq(upage_control->max_rss_bytes, 16 * M,
		     "expected a write through /proc to reach the process's mapping");
	control_unmap(c);
	cr_assert_null(control_map_pid(1 << 30, false), "expected no block for no process");
	cr_assert_eq(errno, ESRCH, "expected ESRCH, got %d", errno);
}
