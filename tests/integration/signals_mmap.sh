#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A signal handler that faults on paged-out memory interrupts its thread
# in the middle of mmap, mprotect, madvise and munmap of the heap, a
# thousand times: upage serves those calls under locks a fault needs, so
# the program's handlers wait until they are released, as the kernel's
# would run only after the system call (it deadlocked before; the SIGSEGV
# engine then also ignored SIGTERM, hence timeout -k).
. "${top_srcdir:-.}/tests/integration/lib.sh"

timeout -k 10 120 "$UPAGE" run --engine "$ENGINE" --report "$WORK/r.json" --max-rss 4M -- \
	"$PROGS/sigmmap" 16 50000 || fail "sigmmap: status $? (124, 137: hung)"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 500" "the handler's pages came back from swap"
