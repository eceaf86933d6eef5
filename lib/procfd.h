/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * procfd.h - find another process's memfd by name through /proc/PID/fd
 * (procfd.c), as tools do to reach a process's counters and control block.
 */
#ifndef UPAGE_PROCFD_H
#define UPAGE_PROCFD_H

/*
 * Open the memfd named @name ("/memfd:NAME" in /proc/PID/fd) of process
 * @pid with open(2) @flags.  Returns the descriptor, or -ESRCH (no such
 * process), -ENOENT (no such memfd), -EACCES (not the caller's process).
 * Nothing here allocates: it runs inside the preload library too.
 */
int procfd_open_memfd(int pid, const char *name, int flags);

#endif /* UPAGE_PROCFD_H */
