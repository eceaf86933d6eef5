/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * untraced.h - upage's own tasks, out of a tracer's reach (untraced.c).
 */
#ifndef UPAGE_UNTRACED_H
#define UPAGE_UNTRACED_H

#include <sys/types.h>

/*
 * Run @fn(@arg) in a task that shares the program's memory and
 * descriptors but is not one of its threads, so that a tracer that stops
 * the program does not stop it; @name is its name in ps.  Every signal
 * is blocked in it but those of its own faults.  0 or -errno.
 */
int untraced_start(void *(*fn)(void *), void *arg, const char *name);

/* The program's process id, for signals sent from such a task (whose
 * getpid() is its own). */
pid_t untraced_tgid(void);

#endif /* UPAGE_UNTRACED_H */
