/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runtime.h - the state of the running library: one mm, with its zone of
 * frames and its engine (mm.engine), and one kswapd.
 *
 * Set up once by upage_init (runtime.c) before `active` turns true; after
 * that only the fields the comments name change, under the locks named.
 */
#ifndef UPAGE_RUNTIME_H
#define UPAGE_RUNTIME_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "fault.h"
#include "mm.h"
#include "page_alloc.h"

struct upage_state {
	bool active;			/* the arena is up: interpose */
	struct upage_config cfg;
	struct mm_struct mm;
	struct zone zone;		/* mm's frames: protected by mm.page_table_lock */
	char swap_path[4096];		/* the swap area, for messages */
};

extern struct upage_state upage;

/* The arena's side of mmap and friends (mmap.c).  Addresses are arena
 * addresses; errors are negative errno values. */

/* Map an anonymous region of @len bytes, at @fixed when it is not 0 (what
 * was there is unmapped first when @replace, else the call fails), else
 * anywhere aligned to @align (0: a page).  Returns the address, or 0 when
 * it does not fit: the caller then maps outside the arena. */
uintptr_t upage_map_anon(uintptr_t fixed, size_t len, size_t align, int prot, bool replace);
/* munmap: pages, swap slots, regions and address range go. */
int upage_unmap(uintptr_t start, size_t len);
/* Forget [start, start+len) without giving the addresses back (a foreign
 * MAP_FIXED mapping is about to be placed there). */
int upage_forget(uintptr_t start, size_t len);
int upage_mprotect(uintptr_t start, size_t len, int prot);
/* MADV_DONTNEED and its kin: the pages read as zeros afterwards. */
int upage_zap(uintptr_t start, size_t len);
/* mremap of an arena mapping; MAP_FAILED with errno set on failure. */
void *upage_mremap(uintptr_t old, size_t old_len, size_t new_len, int flags, uintptr_t new_addr);

/* Where a private swap file goes when UPAGE_SWAP does not say: $TMPDIR,
 * else /tmp. */
const char *swap_default_dir(void);

/* What children get (exec.c, report.c): set up at start, from @cfg. */
void exec_setup(const struct upage_config *cfg);
void report_setup(void);

#endif /* UPAGE_RUNTIME_H */
