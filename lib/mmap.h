/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmap.h - the arena's side of mmap and friends (mmap.c), for the
 * interposed calls (interpose.c) and jemalloc's extent hooks
 * (extent_hooks.c).  Addresses are arena addresses; errors are negative
 * errno values.
 */
#ifndef UPAGE_MMAP_H
#define UPAGE_MMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Map an anonymous region of @len bytes, at @fixed when it is not 0 (what
 * was there is unmapped first when @replace, else the call fails), else
 * anywhere aligned to @align (0: a page).  Returns the address, or 0 when
 * it does not fit: the caller then maps outside the arena. */
uintptr_t upage_map_anon(uintptr_t fixed, size_t len, size_t align, int prot, bool replace);
/* munmap: pages, swap slots, regions and address range go. */
int upage_unmap(uintptr_t start, size_t len);
/* mmap(MAP_FIXED or MAP_FIXED_NOREPLACE) of a file or a shared mapping
 * at [start, start+len) of the arena: what upage had there goes, and the
 * kernel's mapping gets a VM_FOREIGN region (munmap, mprotect, madvise and
 * mremap then act on it as the kernel would).  mmap's return and errno. */
void *upage_map_foreign(uintptr_t start, size_t len, int prot, int flags, int fd, off_t off);
int upage_mprotect(uintptr_t start, size_t len, int prot);
/* MADV_DONTNEED and its kin: the pages read as zeros afterwards. */
int upage_zap(uintptr_t start, size_t len);
/* The same for the program's madvise(@advice), which the kernel's own
 * mappings in the range (VM_FOREIGN) get as they are. */
int upage_zap_advice(uintptr_t start, size_t len, int advice);
/* MADV_DONTFORK, MADV_DOFORK, MADV_WIPEONFORK, MADV_KEEPONFORK: the
 * regions' flags, which a forked child obeys (fork_child_advice). */
int upage_fork_advice(uintptr_t start, size_t len, int advice);
/* In a forked child (fork.c), with mmap_lock and page_table_lock held and
 * the engine serving the child's memory: the regions marked
 * MADV_DONTFORK are unmapped, those marked MADV_WIPEONFORK emptied. */
struct mm_struct;
int fork_child_advice(struct mm_struct *mm);
/* mremap of an arena mapping; MAP_FAILED with errno set on failure. */
void *upage_mremap(uintptr_t old, size_t old_len, size_t new_len, int flags, uintptr_t new_addr);

#endif /* UPAGE_MMAP_H */
