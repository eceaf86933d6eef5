/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * summary.h - UPAGE_SUMMARY's text (summary.c): what `upage run
 * --summary` prints on stderr when the program ends.
 */
#ifndef UPAGE_SUMMARY_H
#define UPAGE_SUMMARY_H

#include <upage.h>

#include "outbuf.h"

/* The latency table of @st (a private copy) and its swap-in histogram. */
void summary_write(const struct upage_stats *st, struct outbuf *o);

#endif /* UPAGE_SUMMARY_H */
