#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Crash handlers installed the System V way (__sysv_signal, sigset), as
# zstd and xz install theirs: no fault upage serves may reach them (zstd
# --long=27 -T2 under a cap never finished: its handler got a fault of
# jemalloc's metadata and deadlocked in backtrace_symbols); a genuine
# SIGSEGV does.  Then zstd --long=27 -T2 and xz -1 -T2 under a cap, their
# output decompressed and compared.
. "${top_srcdir:-.}/tests/integration/lib.sh"

upage_run "$WORK/r.json" --max-rss 8M -- "$PROGS/sysvsig" 32 ||
	fail "a System V signal handler got a fault upage serves, or not the genuine one"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 1000" "the heap was paged out and back in"

# 24 MiB of text-like data, compressible but not trivially.
python3 -c '
import random, sys
r = random.Random(18)
words = ["".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(r.randint(2, 9))) for _ in range(5000)]
out = sys.stdout
n = 0
while n < 24 << 20:
    line = " ".join(r.choice(words) for _ in range(12)) + "\n"
    out.write(line)
    n += len(line)
' >"$WORK/in"
if command -v zstd >/dev/null; then
	upage_run "$WORK/z.json" --max-rss 24M -- zstd -q --long=27 -T2 -f "$WORK/in" -o "$WORK/in.zst" ||
		fail "zstd --long=27 -T2 failed under upage"
	zstd -q -d --long=27 -c "$WORK/in.zst" | cmp -s - "$WORK/in" || fail "zstd's output is wrong"
	expect "$WORK/z.json" "r['swap_outs'] > 1000" "zstd's window was paged out"
fi
if command -v xz >/dev/null; then
	upage_run "$WORK/x.json" --max-rss 16M -- xz -1 -T2 -k -c "$WORK/in" >"$WORK/in.xz" ||
		fail "xz -T2 failed under upage"
	xz -d -c "$WORK/in.xz" | cmp -s - "$WORK/in" || fail "xz's output is wrong"
	expect "$WORK/x.json" "r['swap_outs'] > 1000" "xz's dictionary was paged out"
fi
