#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A two-threaded compressor whose working set is larger than the cap:
# xz -9 -T2 with 256 KiB blocks (each thread its own 64 MiB dictionary's
# match finder, about 140 MiB in all, its hash table cleared for each
# block) on 512 KiB of data, under a 96 MiB cap.  It thrashes, and must
# finish, with the bytes xz writes without upage.  (xz -9 -T2 on a large
# input under the sigsegv engine's cut cap once looked like a hang: it
# was this, for longer; thrash.c now says so.)
. "${top_srcdir:-.}/tests/integration/lib.sh"

command -v xz >/dev/null || skip "xz is not installed (Debian xz-utils)"
# Random bytes, half of them repeats of earlier stretches: the match
# finder's hash table is touched all over, as by real data.
python3 -c '
import random, sys
r = random.Random(18)
out = bytearray()
while len(out) < 512 << 10:
    if out and r.random() < 0.5:
        start = r.randrange(len(out))
        out += out[start:start + r.randrange(16, 512)]
    else:
        out += r.randbytes(r.randrange(16, 512))
sys.stdout.buffer.write(bytes(out[: 512 << 10]))
' >"$WORK/in.dat"
xz -9 -T2 --block-size=256KiB -c "$WORK/in.dat" >"$WORK/native.xz" || fail "xz fails without upage"
upage_run "$WORK/r.json" --max-rss 96M -- xz -9 -T2 --block-size=256KiB -c "$WORK/in.dat" \
	>"$WORK/paged.xz" 2>"$WORK/err" || fail "xz -9 -T2 under upage: $(cat "$WORK/err")"
cmp -s "$WORK/native.xz" "$WORK/paged.xz" || fail "xz wrote other bytes under upage"
echo "ok: xz -9 -T2 wrote the bytes it writes without upage"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 1000" "its working set did not fit: it was paged"
