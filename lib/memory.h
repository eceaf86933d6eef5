/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memory.h - the fault path shared by every engine (memory.c).
 */
#ifndef UPAGE_MEMORY_H
#define UPAGE_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "fault.h"
#include "mm.h"
#include "page_alloc.h"

/*
 * Serve a fault at @address of @mm (FAULT_FLAG_* in fault.h).  Returns 0
 * when the page is mapped and the faulting thread woken; else the signal
 * the kernel would send, which the engine delivers to the thread:
 * SIGSEGV when no region allows the access (the program's own fault,
 * silently), SIGBUS when the page cannot be served (swap unreadable or
 * full, an engine out of memory after a second of retries), after one
 * message saying why.
 */
int do_page_fault(struct mm_struct *mm, uintptr_t address, unsigned int flags);

/* Faults inside do_page_fault now (the report waits for them: their
 * latencies are recorded there). */
unsigned long nr_faults_in_flight(void);

/*
 * Drop every page of [start, start+len) and free their frames and swap
 * slots: the range reads as zeros afterwards.  Caller holds mmap_lock and
 * page_table_lock.
 */
void zap_page_range(struct mm_struct *mm, uintptr_t start, size_t len);

#endif /* UPAGE_MEMORY_H */
