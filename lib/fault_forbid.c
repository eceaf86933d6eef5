// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fault_forbid.c - upage's own threads that must never fault on the arena
 * (fault_forbid.h).
 *
 * One such thread per process (the memcached area's).  A forked child
 * starts its own; until it does, the parent's tid is none of the child's
 * threads (fault_forbid_child clears it).
 *
 * Locking: atomics.
 */
#include "autoconfig.h"

#include "fault_forbid.h"

#include <unistd.h>

#include "stats.h"

TLS bool fault_forbidden;
pid_t fault_forbidden_tid;
static bool said;

void fault_forbid_self(void)
{
	fault_forbidden = true;
	__atomic_store_n(&fault_forbidden_tid, gettid(), __ATOMIC_RELAXED);
}

void fault_forbid_child(void)
{
	__atomic_store_n(&fault_forbidden_tid, 0, __ATOMIC_RELAXED);
	said = false;
}

void fault_forbidden_hit(uintptr_t address)
{
	if (upage_stats)
		count_event(own_thread_faults, 1);
	if (!__atomic_exchange_n(&said, true, __ATOMIC_RELAXED))
		upage_msg("one of upage's own threads faulted on the heap at %#lx (a bug in upage: "
			  "serving it may wait on that thread)",
			  (unsigned long)address);
}
