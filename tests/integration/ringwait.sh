#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# futex_waitv with its waiters and futex words in paged-out heap (the
# kernel's answers: the woken index, EAGAIN, ETIMEDOUT), and io_uring:
# a ring under the handler-thread engine; under the in-thread engines,
# whose faults io_uring's kernel workers cannot take, io_uring_setup fails
# with ENOSYS after one message.
. "${top_srcdir:-.}/tests/integration/lib.sh"

mode=nosys
[ "$ENGINE" = uffd ] && mode=ring
upage_run "$WORK/r.json" --max-rss 8M -- "$PROGS/ringwait" $mode 2>"$WORK/err" ||
	fail "futex_waitv or io_uring_setup on paged-out memory: $(cat "$WORK/err")"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 100" "the heap was paged out and back in"
if [ $mode = nosys ]; then
	[ "$(grep -c 'io_uring is not available' "$WORK/err")" = 1 ] ||
		fail "not one message for io_uring: $(cat "$WORK/err")"
	echo "ok: io_uring refused with one message"
fi
