/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report.h - UPAGE_REPORT: the counters as JSON, written at exit (report.c).
 */
#ifndef UPAGE_REPORT_H
#define UPAGE_REPORT_H

#include <stdbool.h>

/* At start-up: which process owns the report (UPAGE_REPORT_OWNER). */
void report_setup(void);
/* Is this the process that owns the report: the one `upage run` started
 * (not a child it forked or a program it executed)? */
bool report_owner_is_me(void);

#endif /* UPAGE_REPORT_H */
