/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fork.h - fork without exec: the child gets a pager of its own (fork.c).
 */
#ifndef UPAGE_FORK_H
#define UPAGE_FORK_H

/* Register upage's fork handlers (before anyone else's: see fork.c).
 * Returns 0 or a negative errno. */
int fork_handlers_install(void);

/* The handlers themselves, for a child made without fork() (clone.c):
 * prepare in the parent before the call, then parent in the parent and
 * child in the child. */
void upage_fork_prepare(void);
void upage_fork_parent(void);
void upage_fork_child(void);

#endif /* UPAGE_FORK_H */
