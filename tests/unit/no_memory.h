/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * no_memory.h - for unit tests of what must fail cleanly when the kernel
 * gives no more memory (test_arena, test_pgtable, test_vma): between
 * no_more_memory_begin() and no_more_memory_end(), RLIMIT_AS is the
 * process's present size, so every further mmap fails with ENOMEM.
 */
#ifndef NO_MEMORY_H
#define NO_MEMORY_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

static struct rlimit saved_as;

static inline void no_more_memory_begin(void)
{
	unsigned long pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	struct rlimit lim;

	cr_assert_not_null(f, "/proc/self/statm should be readable");
	cr_assert_eq(fscanf(f, "%lu", &pages), 1, "statm should start with the VM size");
	fclose(f);
	getrlimit(RLIMIT_AS, &saved_as);
	lim = saved_as;
	lim.rlim_cur = pages * (unsigned long)sysconf(_SC_PAGESIZE);
	cr_assert_eq(setrlimit(RLIMIT_AS, &lim), 0, "lowering RLIMIT_AS should work");
}

static inline void no_more_memory_end(void)
{
	setrlimit(RLIMIT_AS, &saved_as);
}

#endif /* NO_MEMORY_H */
