// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pstable.c - the table of processes under upage (ps, top).
 *
 * CAP is the cap in force (the process's own, or upaged's share when
 * smaller), SHARE upaged's share of its budget (- without one), RSS the frames in use, SWAP the slots in use over its areas;
 * FAULTS/S every fault upage served, and STALL% the time its threads
 * spent waiting on swap-ins (and minor faults) per second of wall time,
 * between two samples.
 */
#include "autoconfig.h"

#include "pstable.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAGE_BYTES	4096ULL	/* the pager's page */

enum { C_PID, C_USER, C_COMMAND, C_ENGINE, C_CAP, C_SHARE, C_RSS, C_SWAP, C_FAULTS, C_STALL };

static enum ps_sort sort_key;

static int cmp_double(double a, double b)
{
	return (a < b) - (a > b);	/* larger first */
}

static int row_cmp(const void *a, const void *b)
{
	const struct ps_row *x = a, *y = b;
	int c = 0;

	switch (sort_key) {
	case PS_SORT_STALL:
		c = cmp_double(x->rates.stall, y->rates.stall);
		if (!c)
			c = cmp_double(x->rates.faults_per_s, y->rates.faults_per_s);
		break;
	case PS_SORT_FAULTS:
		c = cmp_double(x->rates.faults_per_s, y->rates.faults_per_s);
		break;
	case PS_SORT_RSS:
		c = cmp_double((double)x->now.st.resident_pages, (double)y->now.st.resident_pages);
		break;
	case PS_SORT_PID:
		break;
	}
	return c ? c : (x->now.pid > y->now.pid) - (x->now.pid < y->now.pid);
}

static const struct upage_proc *find(const struct upage_proc *v, size_t n,
				     const struct upage_proc *p)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].pid == p->pid && v[i].start_ticks == p->start_ticks)
			return &v[i];
	return NULL;
}

int ps_rows(const struct upage_proc *old, size_t nr_old, const struct upage_proc *now,
	    size_t nr_now, enum ps_sort sort, struct ps_row **rows, size_t *nr)
{
	struct ps_row *r = calloc(nr_now ? nr_now : 1, sizeof(*r));
	size_t n = 0;

	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < nr_now; i++) {
		const struct upage_proc *before = find(old, nr_old, &now[i]);

		if (!before && old)
			continue;	/* appeared meanwhile: rates next time */
		r[n].now = now[i];
		if (before)
			proc_rates(before, &now[i], &r[n].rates);
		n++;
	}
	sort_key = sort;
	qsort(r, n, sizeof(*r), row_cmp);
	*rows = r;
	*nr = n;
	return 0;
}

int ps_collect(double interval, enum ps_sort sort, struct ps_row **rows, size_t *nr)
{
	struct upage_proc *a, *b;
	size_t na, nb;
	struct timespec ts = { (time_t)interval, (long)((interval - (time_t)interval) * 1e9) };
	int ret;

	ret = proc_list(&a, &na);
	if (ret)
		return ret;
	if (na)
		nanosleep(&ts, NULL);
	ret = proc_list(&b, &nb);
	if (ret == 0)
		ret = ps_rows(a, na, b, nb, sort, rows, nr);
	free(a);
	free(b);
	return ret;
}

/* upaged's share, while its lease lasts. */
static bool share_in_force(const struct upage_proc *p)
{
	struct timespec ts;
	uint64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	return p->have_control && p->ctl.share_bytes && now < p->ctl.share_until_ns;
}

struct libscols_table *ps_table(const struct ps_row *rows, size_t nr, const struct table_opts *o)
{
	struct libscols_table *tb = table_new("processes", o);

	if (!tb)
		return NULL;
	table_column(tb, o, "PID", COL_NUMBER);
	table_column(tb, o, "USER", COL_TEXT);
	table_column(tb, o, "COMMAND", COL_TEXT);
	table_column(tb, o, "ENGINE", COL_TEXT);
	table_column(tb, o, "CAP", COL_SIZE);
	table_column(tb, o, "SHARE", COL_SIZE);
	table_column(tb, o, "RSS", COL_SIZE);
	table_column(tb, o, "SWAP", COL_SIZE);
	table_column(tb, o, "FAULTS/S", COL_NUMBER);
	table_column(tb, o, "STALL%", COL_NUMBER);
	for (size_t i = 0; i < nr; i++) {
		const struct upage_proc *p = &rows[i].now;
		struct libscols_line *line = scols_table_new_line(tb, NULL);
		char engine[sizeof(p->st.engine) + 1];

		if (!line)
			break;
		memcpy(engine, p->st.engine, sizeof(p->st.engine));
		engine[sizeof(p->st.engine)] = '\0';
		cell_u64(line, C_PID, (uint64_t)p->pid);
		cell_text(line, C_USER, p->user);
		cell_text(line, C_COMMAND, p->command);
		cell_text(line, C_ENGINE, engine);
		cell_size(line, C_CAP, o, p->st.max_rss_bytes);
		if (share_in_force(p))
			cell_size(line, C_SHARE, o, p->ctl.share_bytes);
		else
			cell_text(line, C_SHARE, o->json ? NULL : "-");
		cell_size(line, C_RSS, o, p->st.resident_pages * PAGE_BYTES);
		cell_size(line, C_SWAP, o, proc_swap_used(p));
		cell_decimal(line, C_FAULTS, rows[i].rates.faults_per_s, 0);
		if (rows[i].rates.stall_known)
			cell_decimal(line, C_STALL, 100 * rows[i].rates.stall, 1);
		else
			cell_text(line, C_STALL, o->json ? NULL : "-");
	}
	return tb;
}
