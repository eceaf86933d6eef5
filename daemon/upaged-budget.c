// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * upaged-budget.c - divide the budget by need, in the spirit of PSI and
 * systemd-oomd: memory goes where processes stall waiting for it.
 *
 * Each interval, a process's need is estimated from what it did in the
 * last one.  Stalled (its pressure at or above the threshold): the share
 * it had was too small by about what it read back from swap, so the need
 * is the share plus the bytes it refaulted, or plus its pressure's
 * fraction of the share when that is more, at most twice the share.  Not
 * stalled: the share may shrink to what it uses, plus an eighth to grow
 * into.  Needs are bounded by the process's own cap (max) and its floor
 * (min).
 *
 * When the needs fit in the budget, each gets its need and what remains
 * is spread by weight, up to each own cap (water-filling).  When they do
 * not, every need is scaled by one factor (times the weight, relative to
 * the default 100), found by bisection, and never below min; if even the
 * floors do not fit, they are scaled down together.  Last, no share falls
 * by more than BUDGET_MAX_FALL of itself in one interval, so eviction is
 * gradual and a burst does not throw a neighbour into thrashing; the sum
 * meets the budget again within a few intervals.
 *
 * Pure arithmetic, no state: unit tested (tests/unit/test_budget.c).
 */
#include "autoconfig.h"

#include "upaged-budget.h"

#define PAGE_BYTES	4096ULL

static uint64_t clamp(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static uint64_t need_of(const struct budget_proc *p, double threshold)
{
	uint64_t base = p->share ? p->share : (p->resident > p->min ? p->resident : p->min);
	uint64_t need;

	if (p->share && p->pressure >= threshold) {
		double frac = p->pressure < 1 ? p->pressure : 1;
		uint64_t grow = (uint64_t)(frac * (double)base);

		if (p->refaults > grow)
			grow = p->refaults;
		need = base + (grow < base ? grow : base);
	} else {
		need = p->resident + p->resident / 8;
	}
	return clamp(need, p->min, p->max);
}

/* Spread @left over those below their cap, by weight. */
static void spread(struct budget_proc *p, size_t n, uint64_t left)
{
	while (left >= PAGE_BYTES) {
		uint64_t wsum = 0, given = 0;

		for (size_t i = 0; i < n; i++)
			if (p[i].out < p[i].max)
				wsum += p[i].weight;
		if (!wsum)
			return;
		for (size_t i = 0; i < n; i++) {
			uint64_t add, room;

			if (p[i].out >= p[i].max)
				continue;
			add = (uint64_t)((double)left * p[i].weight / (double)wsum);
			room = p[i].max - p[i].out;
			add = add < room ? add : room;
			p[i].out += add;
			given += add;
		}
		if (given == 0)
			return;
		left -= given;
	}
}

/* Σ clamp(f * w/100 * need, min, need) */
static uint64_t scaled_sum(const struct budget_proc *p, size_t n, double f)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += clamp((uint64_t)(f * p[i].weight / 100 * (double)p[i].need), p[i].min,
			     p[i].need);
	return sum;
}

static void scale_down(struct budget_proc *p, size_t n, uint64_t budget)
{
	uint64_t floors = 0;
	double lo = 0, hi = 10;

	for (size_t i = 0; i < n; i++)
		floors += p[i].min;
	if (floors >= budget) {
		for (size_t i = 0; i < n; i++)
			p[i].out = (uint64_t)((double)p[i].min * (double)budget / (double)floors);
		return;
	}
	for (int k = 0; k < 60; k++) {
		double mid = (lo + hi) / 2;

		if (scaled_sum(p, n, mid) > budget)
			hi = mid;
		else
			lo = mid;
	}
	for (size_t i = 0; i < n; i++)
		p[i].out = clamp((uint64_t)(lo * p[i].weight / 100 * (double)p[i].need), p[i].min,
				 p[i].need);
}

void budget_divide(struct budget_proc *p, size_t n, uint64_t budget, double threshold)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++) {
		if (!p[i].weight)
			p[i].weight = 100;
		if (p[i].min > p[i].max)
			p[i].min = p[i].max;
		p[i].need = need_of(&p[i], threshold);
		sum += p[i].need;
	}
	if (sum <= budget) {
		for (size_t i = 0; i < n; i++)
			p[i].out = p[i].need;
		spread(p, n, budget - sum);
	} else {
		scale_down(p, n, budget);
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t floor = (uint64_t)((double)p[i].share * (1 - BUDGET_MAX_FALL));

		if (p[i].share && p[i].out < floor)
			p[i].out = floor;
		p[i].out &= ~(PAGE_BYTES - 1);
		if (p[i].out < PAGE_BYTES)
			p[i].out = PAGE_BYTES;
	}
}
