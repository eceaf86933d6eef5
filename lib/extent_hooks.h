/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * extent_hooks.h - jemalloc draws every extent from the arena (extent_hooks.c).
 */
#ifndef UPAGE_EXTENT_HOOKS_H
#define UPAGE_EXTENT_HOOKS_H

/* Install the hooks on every automatic arena.  Returns 0 or -errno. */
int extent_hooks_install(void);

/*
 * From now on, the calling thread's malloc family allocates outside the
 * arena, from an arena of jemalloc's own (created at the first call), with
 * no thread cache: for upage's threads that must not fault on the heap.
 * Returns 0 or -errno.
 */
int extent_hooks_bind_outside(void);

#endif /* UPAGE_EXTENT_HOOKS_H */
