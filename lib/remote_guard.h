/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * remote_guard.h - under the SIGSEGV engine, another process reading a
 * paged-out page gets an error, not a zero (remote_guard.c).
 */
#ifndef UPAGE_REMOTE_GUARD_H
#define UPAGE_REMOTE_GUARD_H

#include <stddef.h>
#include <stdint.h>

/* At the engine's start, and in a forked child (its own descriptor). */
void remote_guard_init(void);
/* [start, start+len), a region just mapped from the arena's memfd. */
void remote_guard_range(uintptr_t start, size_t len);

#endif /* UPAGE_REMOTE_GUARD_H */
