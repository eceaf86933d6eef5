/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upaged-procs.h - the processes upaged follows and divides its budget
 * among (upaged-procs.c).  Single-threaded: no locks.
 */
#ifndef UPAGE_UPAGED_PROCS_H
#define UPAGE_UPAGED_PROCS_H

/* Follow @pid if it runs under upage and is not followed yet; @conn is
 * its connection when it registered, else -1.  0, or -errno when it
 * cannot be (not under upage, gone, another daemon's). */
int procs_add(int pid, int conn);
/* Connection @conn is closed. */
void procs_disconnected(int conn);
/* Search /proc for every process under upage. */
void procs_rescan(void);
/* Sample every process, forget the ended, divide the budget. */
void procs_interval(void);
/* Give back every share (a clean stop): the processes run on their own caps. */
void procs_release(void);
/* Processes followed now. */
unsigned int procs_count(void);
/* The configuration changed: apply the defaults again. */
void procs_reconfigure(void);

#endif /* UPAGE_UPAGED_PROCS_H */
