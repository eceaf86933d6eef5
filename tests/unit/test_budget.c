// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_budget.c - upaged's division of its budget by need
 * (daemon/upaged-budget.c), the rule upaged(8) states.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>

#include "upaged-budget.h"

#define M	(1ULL << 20)

static struct budget_proc proc(uint64_t resident, uint64_t share, double pressure)
{
	return (struct budget_proc){
		.max = 1024 * M, .min = 16 * M, .resident = resident, .share = share,
		.pressure = pressure, .weight = 100,
	};
}

static uint64_t total(const struct budget_proc *p, size_t n)
{
	uint64_t s = 0;

	for (size_t i = 0; i < n; i++)
		s += p[i].out;
	return s;
}

Test(budget, needs_that_fit_are_granted_and_the_rest_spread_by_weight)
{
	struct budget_proc p[2] = { proc(64 * M, 0, 0), proc(64 * M, 0, 0) };

	p[1].weight = 300;
	budget_divide(p, 2, 400 * M, 0.05);
	cr_assert_eq(p[0].need, 72 * M, "expected need = resident + 1/8, got %lu", p[0].need);
	cr_assert(total(p, 2) <= 400 * M && total(p, 2) > 399 * M,
		  "expected the whole budget given, got %lu", total(p, 2));
	cr_assert(p[1].out - 72 * M > 2 * (p[0].out - 72 * M),
		  "expected the heavier to get three times the leftover");
}

Test(budget, a_stalled_process_grows_an_idle_one_shrinks)
{
	struct budget_proc p[2] = { proc(100 * M, 100 * M, 0.5), proc(20 * M, 100 * M, 0) };

	p[0].refaults = 10 * M;
	budget_divide(p, 2, 200 * M, 0.05);
	cr_assert_eq(p[0].need, 150 * M, "expected share + half of it (pressure 0.5), got %lu",
		     p[0].need);
	cr_assert(p[0].out > 100 * M, "expected the stalled one to grow, got %lu", p[0].out);
	cr_assert(p[1].out < 100 * M, "expected the idle one to shrink, got %lu", p[1].out);
	cr_assert(p[1].out >= 75 * M, "expected a fall of at most a quarter, got %lu", p[1].out);
}

Test(budget, refaults_count_when_they_say_more_than_pressure)
{
	struct budget_proc p[1] = { proc(100 * M, 100 * M, 0.1) };

	p[0].refaults = 40 * M;
	budget_divide(p, 1, 1000 * M, 0.05);
	cr_assert_eq(p[0].need, 140 * M, "expected share + refaulted bytes, got %lu", p[0].need);
}

Test(budget, growth_is_at_most_double_and_at_most_the_own_cap)
{
	struct budget_proc p[2] = { proc(100 * M, 100 * M, 5.0), proc(100 * M, 100 * M, 5.0) };

	p[0].refaults = 1000 * M;
	p[1].max = 120 * M;
	budget_divide(p, 2, 4000 * M, 0.05);
	cr_assert_eq(p[0].need, 200 * M, "expected at most double, got %lu", p[0].need);
	cr_assert_eq(p[1].out, 120 * M, "expected the own cap, got %lu", p[1].out);
}

Test(budget, needs_that_do_not_fit_are_scaled_alike)
{
	struct budget_proc p[2] = { proc(160 * M, 0, 0), proc(80 * M, 0, 0) };

	budget_divide(p, 2, 135 * M, 0.05);
	cr_assert(total(p, 2) <= 135 * M, "expected the budget kept, got %lu", total(p, 2));
	cr_assert(total(p, 2) > 134 * M, "expected the budget used, got %lu", total(p, 2));
	cr_assert(p[0].out > 1.9 * p[1].out && p[0].out < 2.1 * p[1].out,
		  "expected shares in the ratio of the needs, got %lu and %lu", p[0].out,
		  p[1].out);
}

Test(budget, floors_hold_and_are_scaled_when_even_they_do_not_fit)
{
	struct budget_proc p[2] = { proc(500 * M, 0, 0), proc(500 * M, 0, 0) };

	p[0].min = 100 * M;
	budget_divide(p, 2, 120 * M, 0.05);
	cr_assert(p[0].out >= 100 * M, "expected the floor, got %lu", p[0].out);
	p[0].min = p[1].min = 100 * M;
	p[0].share = p[1].share = 0;
	budget_divide(p, 2, 100 * M, 0.05);
	cr_assert_eq(p[0].out, 50 * M, "expected the floors halved, got %lu", p[0].out);
}

Test(budget, shares_are_page_multiples)
{
	struct budget_proc p[3] = { proc(7 * M + 1, 0, 0), proc(3 * M, 0, 0), proc(M, 0, 0) };

	budget_divide(p, 3, 100 * M + 123, 0.05);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(p[i].out % 4096, 0, "expected a page multiple, got %lu", p[i].out);
}
