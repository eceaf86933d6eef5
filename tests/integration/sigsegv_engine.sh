#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The SIGSEGV engine passes the userfaultfd engine's tests: the same
# scripts, run with UPAGE_TEST_ENGINE=sigsegv (smaller sizes where the
# scripts take them from the environment would go here; they do not, so
# the full runs are kept but for real_programs, whose sort and sqlite3
# cases are long under either engine).  Then a program with its own
# SIGSEGV handler, faulting outside the arena while paging inside it.
. "${top_srcdir:-.}/tests/integration/lib.sh"

here="$top_srcdir/tests/integration"
for t in seq_256m random_mt syscalls; do
	echo "== $t.sh under the sigsegv engine"
	UPAGE_TEST_ENGINE=sigsegv sh "$here/$t.sh" || fail "$t.sh under the sigsegv engine"
done
if [ -n "${UPAGE_SIGSEGV_FULL:-}" ]; then
	echo "== real_programs.sh under the sigsegv engine"
	UPAGE_TEST_ENGINE=sigsegv sh "$here/real_programs.sh" || fail "real_programs.sh under the sigsegv engine"
else
	# python3 only (the part of real_programs.sh that runs in seconds).
	command -v python3 >/dev/null || skip "python3 is not installed"
	py='d = {i: str(i) * 8 for i in range(1500000)}
print(len(d), sum(map(len, d.values())), d[123457], sum(k for k in d if k % 7 == 0))'
	want=$(python3 -c "$py")
	got=$("$UPAGE" run --engine sigsegv --report "$WORK/py.json" --max-rss 48M -- python3 -c "$py") ||
		fail "python3 under the sigsegv engine failed"
	[ "$got" = "$want" ] || fail "python3: got '$got', expected '$want'"
	echo "ok: python3 output identical under the sigsegv engine"
	ENGINE=sigsegv expect_capped "$WORK/py.json"
	expect "$WORK/py.json" "r['swap_outs'] > 1000" "python3 was paged"
fi

echo "== a program with its own SIGSEGV handler"
out=$("$UPAGE" run --engine sigsegv --report "$WORK/own.json" --max-rss 16M -- \
	"$PROGS/own_handler" 48) || fail "own_handler under the sigsegv engine"
echo "$out"
ENGINE=sigsegv expect_capped "$WORK/own.json"
expect "$WORK/own.json" "r['swap_ins'] > 1000" "the heap was paged while the program's handler ran"
