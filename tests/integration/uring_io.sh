#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# io_uring (liburing) reads and writes into paged-out heap buffers, their
# iovecs in the heap, registered heap buffers (in the arena) and a read
# left in flight while the heap is paged out: the same transcript as the
# kernel's own, run without upage (full counts, the bytes as written);
# also on a ring known by a duplicate of its descriptor, and with
# liburing linked into the program.  And
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
# in_arena ERR ADDRS: every registered buffer in ADDRS lies in the arena
# upage --verbose named in ERR.
in_arena() {
	python3 - "$1" "$2" <<'PY' || fail "registered buffers outside the arena: $(cat "$2"; grep arena "$1")"
import re, sys
m = re.search(r'arena (\d+) at (0x[0-9a-f]+)', open(sys.argv[1]).read())
size, base = int(m.group(1)), int(m.group(2), 16)
bufs = [(int(a, 16), int(n)) for a, n in (l.split() for l in open(sys.argv[2]))]
sys.exit(0 if bufs and all(base <= a and a + n <= base + size for a, n in bufs) else 1)
PY
}

# The ring through liburing's shared library, through a duplicate of its
# descriptor (the first closed, its number reused by another ring), and
# with liburing linked into the program (its calls made from the
# program's own text); each as the kernel's own transcript.
for c in "uringio" "uringio dup" "uringio_static" "uringio_static dup"; do
	n=$(echo "$c" | tr ' ' -)
	"$PROGS"/$c >"$WORK/$n.native" 2>&1 || fail "$c fails natively: $(cat "$WORK/$n.native")"
	URINGIO_ADDRS=$WORK/$n.addrs upage_run "$WORK/$n.json" --verbose --max-rss 8M -- "$PROGS"/$c \
		>"$WORK/$n.txt" 2>"$WORK/$n.err" ||
		fail "$c: io_uring on paged-out memory differs from the kernel's: $(cat "$WORK/$n.err")"
	diff -u "$WORK/$n.native" "$WORK/$n.txt" || fail "$c: the transcript differs from the kernel's"
	! grep -q "runs as it is" "$WORK/$n.err" || fail "$c: a ring was not served: $(cat "$WORK/$n.err")"
	echo "ok: $c: $(wc -l <"$WORK/$n.txt") cases as the kernel gives them"
	in_arena "$WORK/$n.err" "$WORK/$n.addrs"
	echo "ok: $c: the registered buffers lie in the arena"
	expect_capped "$WORK/$n.json"
	expect "$WORK/$n.json" "r['swap_ins'] > 1000" "$c: the heap was paged out and back in"
done

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
