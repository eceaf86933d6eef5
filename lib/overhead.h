/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * overhead.h - upage's own memory: what it maps for itself outside the
 * pages it manages (page tables, struct pages, the swap cache's hash,
 * swap maps, shadows, buffers, the counters; not its threads' glibc
 * stacks), and how much of it is resident (overhead.c).
 *
 * Every such mapping is registered when made (sys_alloc_pages does it)
 * and named "upage" for the kernel (PR_SET_VMA_ANON_NAME, where the
 * kernel has it: /proc/PID/smaps then shows "[anon:upage]"), so that the
 * report's overhead_bytes can be checked from outside.
 *
 * Locking: an internal mutex, a leaf in every lock order.
 */
#ifndef UPAGE_OVERHEAD_H
#define UPAGE_OVERHEAD_H

#include <stddef.h>
#include <stdint.h>

/* [@p, @p + @len) is upage's own (page aligned).  Never fails: past the
 * registry's size the bytes are counted as resident. */
void overhead_register(void *p, size_t len);
/* fork's handlers (fork.c): the registry's lock held across fork. */
void overhead_fork_prepare(void);
void overhead_fork_parent(void);
void overhead_fork_child(void);
/* It is not any more (unmapped). */
void overhead_unregister(void *p, size_t len);
/* Bytes of the registered mappings resident now (mincore). */
uint64_t overhead_resident_bytes(void);

#endif /* UPAGE_OVERHEAD_H */
