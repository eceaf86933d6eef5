#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# MADV_WIPEONFORK, MADV_DONTFORK, MADV_KEEPONFORK and MADV_DOFORK on heap
# memory paged out at the fork: a child reads zeros where the parent
# wiped, dies of SIGSEGV where it was given nothing, and the parent keeps
# its data; the same transcript as the kernel's own, run without upage.
. "${top_srcdir:-.}/tests/integration/lib.sh"

"$PROGS/forkadvice" >"$WORK/native.txt" || fail "forkadvice fails natively: $(cat "$WORK/native.txt")"
upage_run "$WORK/r.json" --max-rss 8M -- "$PROGS/forkadvice" >"$WORK/upage.txt" ||
	fail "fork advice on paged-out memory differs from the kernel's"
diff -u "$WORK/native.txt" "$WORK/upage.txt" || fail "the transcript differs from the kernel's"
echo "ok: $(wc -l <"$WORK/upage.txt") steps as the kernel gives them"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 1000" "the heap was paged out and back in"
