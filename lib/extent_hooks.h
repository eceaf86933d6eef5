/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * extent_hooks.h - jemalloc draws every extent from the arena (extent_hooks.c).
 */
#ifndef UPAGE_EXTENT_HOOKS_H
#define UPAGE_EXTENT_HOOKS_H

#include <stdbool.h>

/* Install the hooks on every automatic arena.  Returns 0 or -errno. */
int extent_hooks_install(void);

/*
 * From now on, the calling thread's malloc family allocates outside the
 * arena, from an arena of jemalloc's own (created at the first call), with
 * no thread cache: for upage's threads that must not fault on the heap.
 * Returns 0 or -errno.
 */
int extent_hooks_bind_outside(void);

/*
 * For a while only, the same: from extent_hooks_outside_begin to
 * extent_hooks_outside_end the calling thread allocates outside the arena
 * (what a library sets up there and keeps, such as libc's resolver
 * caches, is then never paged out, and one of upage's threads that reads
 * it later does not fault on it).  @sv keeps what _end restores.  Returns
 * 0, or -errno with nothing changed (_end then does nothing).
 */
struct outside_save {
	unsigned int arena;
	bool tcache;
	bool changed;
};
int extent_hooks_outside_begin(struct outside_save *sv);
void extent_hooks_outside_end(const struct outside_save *sv);

#endif /* UPAGE_EXTENT_HOOKS_H */
