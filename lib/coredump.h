/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * coredump.h - a core dump holds the paged-out heap (coredump.c).
 */
#ifndef UPAGE_COREDUMP_H
#define UPAGE_COREDUMP_H

#include <signal.h>
#include <stdbool.h>

/* At the end of start-up: claim the core-dumping signals the program
 * leaves at their default, when RLIMIT_CORE allows a dump. */
void coredump_setup(void);

/* @sig's default action (a core dump) is about to be taken: bring the
 * heap in first, or say why not.  Once; returns holding upage's locks. */
void coredump_prepare(int sig);

/* The program's sigaction(@sig, @act): true when @sig was claimed only
 * for the dump and @act is an action of its own, which the caller then
 * installs for real (the claim is over). */
bool coredump_release(int sig, const struct sigaction *act);

/* The program's sigaction(@sig, @act) on a signal upage has not claimed:
 * true when @act is the default of a core-dumping signal, which is then
 * claimed for the dump (the caller records @act as the program's). */
bool coredump_adopt(int sig, const struct sigaction *act);

#endif /* UPAGE_COREDUMP_H */
