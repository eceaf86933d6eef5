/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report.h - UPAGE_REPORT: the counters as JSON, written at exit (report.c).
 */
#ifndef UPAGE_REPORT_H
#define UPAGE_REPORT_H

/* At start-up: which process owns the report (UPAGE_REPORT_OWNER). */
void report_setup(void);

#endif /* UPAGE_REPORT_H */
