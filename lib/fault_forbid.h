/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fault_forbid.h - upage's own threads that must never fault on the arena
 * (fault_forbid.c).
 *
 * The memcached area's thread is one: a heap page it touched could be out
 * on the very server it is probing, and serving that fault would wait on
 * the thread itself.  Every engine tells fault_check_thread whose fault it
 * serves; a forbidden thread's fault is counted (own_thread_faults in the
 * report, which the tests require to stay 0) and named once.  Nothing
 * else changes: the fault is served as any other.
 */
#ifndef UPAGE_FAULT_FORBID_H
#define UPAGE_FAULT_FORBID_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sys.h"

/* From now on the calling thread must not fault on the arena. */
void fault_forbid_self(void);

/* In a forked child, before its threads start: none yet. */
void fault_forbid_child(void);

/* Set for a forbidden thread (the in-thread engines read it). */
extern TLS bool fault_forbidden;
/* Forbidden threads of this process, for the uffd handler: 0 if none. */
extern pid_t fault_forbidden_tid;

void fault_forbidden_hit(uintptr_t address);

/*
 * A fault at @address of thread @tid (0: the calling thread, an
 * in-thread engine) is being served.
 */
static inline void fault_check_thread(pid_t tid, uintptr_t address)
{
	if (__builtin_expect(tid ? tid == __atomic_load_n(&fault_forbidden_tid, __ATOMIC_RELAXED)
				 : fault_forbidden,
			     0))
		fault_forbidden_hit(address);
}

#endif /* UPAGE_FAULT_FORBID_H */
