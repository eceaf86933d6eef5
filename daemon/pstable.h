/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pstable.h - the table of processes under upage that `upage ps` prints
 * and `upage top` refreshes (pstable.c).
 */
#ifndef UPAGE_PSTABLE_H
#define UPAGE_PSTABLE_H

#include <stddef.h>

#include "proc.h"
#include "table.h"

/* One process: two samples of it and the rates between them. */
struct ps_row {
	struct upage_proc now;
	struct proc_rates rates;
};

enum ps_sort {
	PS_SORT_PID,
	PS_SORT_STALL,		/* the most stalled first, then the most faulting */
	PS_SORT_FAULTS,
	PS_SORT_RSS,
};

/*
 * Sample every process under upage twice, @interval seconds apart, into
 * *rows (free()), sorted by @sort.  A process that ends between the two
 * samples is left out.  0 or -errno.
 */
int ps_collect(double interval, enum ps_sort sort, struct ps_row **rows, size_t *nr);

/* Rows from @old (NULL: none yet) to @now, sorted by @sort, for top. */
int ps_rows(const struct upage_proc *old, size_t nr_old, const struct upage_proc *now,
	    size_t nr_now, enum ps_sort sort, struct ps_row **rows, size_t *nr);

/* The table: PID USER COMMAND ENGINE CAP SHARE RSS SWAP FAULTS/S STALL%. */
struct libscols_table *ps_table(const struct ps_row *rows, size_t nr, const struct table_opts *o);

#endif /* UPAGE_PSTABLE_H */
