/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mlock.h - mlock and mlockall on the arena (mlock.c), and bringing a
 * user page in and pinning it, which the system call trap shares.
 */
#ifndef UPAGE_MLOCK_H
#define UPAGE_MLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mm_struct;
struct page;
struct zone;

/*
 * Bring the arena page at @addr in (touched from user mode, for writing
 * if @write: the engine serves the fault) and pin it (pin_page); *@out
 * gets it.  The caller has checked that a region allows the access.
 * Returns 0 or -EAGAIN (evicted again a thousand times in a row).
 * Call with no upage lock held.
 */
int get_user_page(struct mm_struct *mm, uintptr_t addr, bool write, struct page **out);

/* Under MCL_FUTURE: lock a new anonymous mapping of the program's.
 * Returns 0 or a negative errno (the caller unmaps it and fails). */
int mlock_new_mapping(uintptr_t start, size_t len);

/* Does [@start, @end) hold a locked page?  (madvise(MADV_DONTNEED) is
 * refused there, as the kernel's on locked memory.)  page_table_lock
 * not held. */
bool mlock_range_locked(struct mm_struct *mm, uintptr_t start, uintptr_t end);

/* In a forked child: no page is locked (fork.c, after the pins go). */
void mlock_fork_child(struct zone *z);

#endif /* UPAGE_MLOCK_H */
