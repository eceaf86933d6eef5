// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * init.c - the library's constructor: the order of start-up.
 *
 *  1. upage's fork handlers, first, so that they run in the order fork.c
 *     needs with jemalloc's;
 *  2. the options (upage.cfg), and what they say children get (exec.c,
 *     report.c);
 *  3. the pager (runtime.c: mm, zone, swap area, engine, counters,
 *     kswapd);
 *  4. interposition on (upage.active), then jemalloc's extents from the
 *     arena.
 *
 * A failure at any step before 4 leaves the program running as without
 * upage, after one message.  Runs before the program's threads exist.
 */
#include "autoconfig.h"

#include <string.h>

#include "exec.h"
#include "extent_hooks.h"
#include "fork.h"
#include "report.h"
#include "runtime.h"
#include "signals.h"
#include "sys.h"

__attribute__((constructor)) static void upage_init(void)
{
	int ret;

	ret = fork_handlers_install();
	if (ret) {
		upage_msg("cannot install fork handlers: %s", strerrordesc_np(-ret));
		return;
	}
	if (upage_load_config())
		return;
	exec_setup(&upage.cfg);
	report_setup();
	if (upage_setup()) {
		/* What failed has been said; say what it means. */
		upage_msg("running without upage: this program's memory is neither capped nor paged");
		upage_release();
		return;
	}
	__atomic_store_n(&upage.active, true, __ATOMIC_RELEASE);
	upage_thread_altstack();
	ret = extent_hooks_install();
	if (ret)
		upage_msg("jemalloc refused the arena's extent hooks (%s): malloc stays outside",
			  strerrordesc_np(-ret));
}
