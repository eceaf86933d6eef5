#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# futex_waitv with its waiters and futex words in paged-out heap (the
# kernel's answers: the woken index, EAGAIN, ETIMEDOUT), and io_uring_setup
# with its parameters in paged-out heap: a ring under every engine (the
# in-thread engines serve io_uring since syscall_uring.c; uring_io.sh
# tests its reads and writes).
. "${top_srcdir:-.}/tests/integration/lib.sh"

mode=ring
upage_run "$WORK/r.json" --max-rss 8M -- "$PROGS/ringwait" $mode 2>"$WORK/err" ||
	fail "futex_waitv or io_uring_setup on paged-out memory: $(cat "$WORK/err")"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 100" "the heap was paged out and back in"
[ ! -s "$WORK/err" ] || fail "io_uring_setup said something: $(cat "$WORK/err")"
echo "ok: io_uring_setup gave a ring, quietly"
