/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upaged-budget.h - dividing upaged's global budget among the processes
 * under upage, by need (upaged-budget.c; the rule is upaged(8)'s).
 */
#ifndef UPAGE_UPAGED_BUDGET_H
#define UPAGE_UPAGED_BUDGET_H

#include <stddef.h>
#include <stdint.h>

struct budget_proc {
	/* in */
	uint64_t max;		/* its own cap: a share never exceeds it */
	uint64_t min;		/* a share never goes below it (MinRSS) */
	uint64_t resident;	/* bytes in use now */
	uint64_t share;		/* its share until now, 0 for a newcomer */
	double pressure;	/* stall, smoothed: seconds waiting per second */
	uint64_t refaults;	/* bytes read back from swap over the last interval */
	unsigned int weight;	/* 1-1000, 100 by default */
	/* out */
	uint64_t need;		/* what it would take now */
	uint64_t out;		/* its new share */
};

/* A share falls by at most this fraction per interval. */
#define BUDGET_MAX_FALL	0.25

/*
 * Give each of the @n processes its share of @budget bytes (out), from
 * their needs: a process under pressure (at least @threshold) needs its
 * share grown by what it read back from swap (at least by its pressure's
 * fraction of it, at most doubled); one without needs what it uses plus
 * an eighth.  Needs that fit are granted and what is left is spread by
 * weight; needs that do not fit are all scaled by one factor, weighted,
 * never below min.  Shares are multiples of 4096.
 */
void budget_divide(struct budget_proc *p, size_t n, uint64_t budget, double threshold);

#endif /* UPAGE_UPAGED_BUDGET_H */
