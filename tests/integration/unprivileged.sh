#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# An unprivileged user (nobody), where userfaultfd serves no kernel-mode
# faults (vm.unprivileged_userfaultfd=0): UPAGE_ENGINE=auto picks the
# in-thread userfaultfd engine, uffd-sigbus, whose cap is not cut (1 GiB
# holds, with no message about vm.max_map_count); and the integration
# tests that need no root pass as nobody under it.  UPAGE_UNPRIV_TESTS
# names the tests to run (default: the list below).
. "${top_srcdir:-.}/tests/integration/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root to become nobody"
command -v setpriv >/dev/null || skip "setpriv is not installed"
[ "$(cat /proc/sys/vm/unprivileged_userfaultfd 2>/dev/null)" = 0 ] ||
	skip "vm.unprivileged_userfaultfd is not 0: auto would pick the uffd engine"

# nobody must reach the build tree and the test's directory.
chmod 755 "$WORK"
# Swap on a disk: an area on tmpfs is memory, and upage would say so
# (the 1 GiB run below must print nothing).
case $(stat -f -c %T "$WORK") in
tmpfs | ramfs)
	swapdir=$(mktemp -d /var/tmp/upage-unpriv.XXXXXX)
	trap 'rm -rf "$WORK" "$swapdir"' EXIT
	;;
*) swapdir=$(mktemp -d "$WORK/swap.XXXXXX") ;;
esac
chmod 1777 "$swapdir"
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
}
as_nobody test -x "$PROGS/rwcheck" || skip "nobody cannot reach the build tree ($PROGS)"

# 256 MiB under a 1 GiB cap: resident far past what vm.max_map_count
# would leave the SIGSEGV engine (about 110 MiB).
as_nobody env UPAGE_ENGINE=auto "$UPAGE" run --max-rss 1G --swap "$swapdir" \
	--report "$swapdir/big.json" -- "$PROGS/rwcheck" 256 1 >"$WORK/big.out" 2>"$WORK/big.err" ||
	fail "rwcheck as nobody under a 1G cap: $(cat "$WORK/big.err")"
ENGINE=uffd-sigbus expect_capped "$swapdir/big.json"
expect "$swapdir/big.json" "r['max_rss_bytes'] == 1 << 30" "the 1 GiB cap is in force"
expect "$swapdir/big.json" "r['peak_resident_bytes'] > 200 << 20" "more than 200 MiB stayed resident"
[ ! -s "$WORK/big.err" ] || fail "a 1G cap as nobody printed: $(cat "$WORK/big.err")"
echo "ok: no message (nothing about vm.max_map_count)"

as_nobody env UPAGE_ENGINE=auto "$UPAGE" run --max-rss 16M --swap "$swapdir" \
	--report "$swapdir/s.json" -- "$PROGS/syscalls" "$swapdir" 24 ||
	fail "system calls on paged-out memory failed as nobody"
ENGINE=uffd-sigbus expect_capped "$swapdir/s.json"
expect "$swapdir/s.json" "r['swap_ins'] > 1000" "pages came back from swap"
[ -z "$(ls -A "$swapdir" | grep -v '\.json$')" ] || fail "swap files left behind"
echo "ok: nothing left in the swap directory"

# The suite as nobody: each script with its own directory in $swapdir.
here="$top_srcdir/tests/integration"
for t in ${UPAGE_UNPRIV_TESTS:-seq_256m random_mt threads_samepage threads_cancel threads_inflight \
	signals_handler syscalls mapping fork fork_order exec sigmask latency stat fd_close \
	rlimit_as coredump tracer}; do
	set +e
	as_nobody env TMPDIR="$swapdir" top_builddir="$top_builddir" top_srcdir="$top_srcdir" \
		UPAGE_TEST_ENGINE=uffd-sigbus sh "$here/$t.sh" >"$WORK/$t.out" 2>&1
	status=$?
	set -e
	case $status in
	0) echo "ok: $t.sh as nobody under uffd-sigbus" ;;
	77) echo "skip: $t.sh as nobody: $(grep SKIP "$WORK/$t.out")" ;;
	*) cat "$WORK/$t.out"; fail "$t.sh as nobody under uffd-sigbus (status $status)" ;;
	esac
done
