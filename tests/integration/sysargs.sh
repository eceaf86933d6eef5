#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# System calls whose arguments point into paged-out heap memory, directly
# (uname, pipe2, futex, nanosleep, sigprocmask, waitpid, getdents64,
# getrusage, sched_getaffinity, prctl, getsockopt, select, pselect's
# mask) or through iovecs (readv, writev, preadv, pwritev of 2 MiB): the kernel's results,
# in full.
. "${top_srcdir:-.}/tests/integration/lib.sh"

upage_run "$WORK/r.json" --max-rss 8M -- "$PROGS/sysargs" "$WORK" ||
	fail "a system call on paged-out memory gave a wrong result"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 1000" "the heap was paged out and back in"
