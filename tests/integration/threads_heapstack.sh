#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Threads on stacks of the program's in the heap (pthread_attr_setstack),
# paged out while they sleep, joined or detached: glibc keeps each
# thread's descriptor (its rseq area, its robust list, the tid the kernel
# clears for pthread_join) at the top of such a stack, where the kernel
# reads and writes it in kernel mode.
. "${top_srcdir:-.}/tests/integration/lib.sh"

for round in 1 2 3; do
	upage_run "$WORK/r.json" --max-rss 8M -- "$PROGS/heapthread" 32 ||
		fail "a thread on a stack in the heap died or lost its stack (round $round)"
done
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 1000" "the stacks were paged out and back in"
