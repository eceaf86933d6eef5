#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# io_uring (liburing) reads and writes into paged-out heap buffers, their
# iovecs in the heap, registered heap buffers and a read left in flight
# while the heap is paged out: the same transcript as the kernel's own,
# run without upage (full counts, the bytes as written).  And
# IORING_SETUP_SQPOLL, which the trap engines cannot serve: refused with
# EINVAL and one message there, as a kernel refuses what it does not
# support.
. "${top_srcdir:-.}/tests/integration/lib.sh"

[ -x "$PROGS/uringio" ] || skip "built without liburing (Debian liburing-dev)"
"$PROGS/uringio" >"$WORK/native.txt" 2>&1 || {
	case $(cat "$WORK/native.txt") in
	*io_uring_queue_init*) skip "no io_uring here: $(cat "$WORK/native.txt")" ;;
	esac
	fail "uringio fails natively: $(cat "$WORK/native.txt")"
}
upage_run "$WORK/r.json" --max-rss 8M -- "$PROGS/uringio" >"$WORK/upage.txt" ||
	fail "io_uring on paged-out memory differs from the kernel's"
diff -u "$WORK/native.txt" "$WORK/upage.txt" || fail "the transcript differs from the kernel's"
echo "ok: $(wc -l <"$WORK/upage.txt") cases as the kernel gives them"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 1000" "the heap was paged out and back in"

upage_run "$WORK/s.json" --max-rss 8M -- "$PROGS/uringio" sqpoll >"$WORK/sq.txt" 2>"$WORK/sq.err" ||
	fail "uringio sqpoll failed: $(cat "$WORK/sq.txt" "$WORK/sq.err")"
case $ENGINE in
uffd)
	grep -qx "sqpoll: ok" "$WORK/sq.txt" || fail "SQPOLL under uffd: $(cat "$WORK/sq.txt")"
	echo "ok: SQPOLL works under uffd" ;;
*)
	grep -qx "sqpoll: Invalid argument" "$WORK/sq.txt" ||
		fail "SQPOLL under $ENGINE: $(cat "$WORK/sq.txt")"
	[ "$(grep -c 'IORING_SETUP_SQPOLL' "$WORK/sq.err")" = 1 ] ||
		fail "SQPOLL refused without its one message: $(cat "$WORK/sq.err")"
	echo "ok: SQPOLL refused with EINVAL and one message under $ENGINE" ;;
esac
