#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# An unprivileged user (nobody), where userfaultfd serves no kernel-mode
# faults (vm.unprivileged_userfaultfd=0): UPAGE_ENGINE=auto picks the
# SIGSEGV engine, the cap holds and the data, system calls included, is
# intact.
. "${top_srcdir:-.}/tests/integration/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root to become nobody"
command -v setpriv >/dev/null || skip "setpriv is not installed"
[ "$(cat /proc/sys/vm/unprivileged_userfaultfd 2>/dev/null)" = 0 ] ||
	skip "vm.unprivileged_userfaultfd is not 0: auto would pick userfaultfd"

# nobody must reach the build tree and the test's directory.
chmod 755 "$WORK"
swapdir=$(mktemp -d "$WORK/swap.XXXXXX")
chmod 1777 "$swapdir"
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
}
as_nobody test -x "$PROGS/rwcheck" || skip "nobody cannot reach the build tree ($PROGS)"

as_nobody env UPAGE_ENGINE=auto "$UPAGE" run --max-rss 16M --swap "$swapdir" \
	--report "$swapdir/r.json" -- "$PROGS/rwcheck" 64 2 || fail "rwcheck as nobody lost data"
ENGINE=sigsegv expect_capped "$swapdir/r.json"
expect "$swapdir/r.json" "r['swap_ins'] > 1000" "pages came back from swap"

as_nobody env UPAGE_ENGINE=auto "$UPAGE" run --max-rss 16M --swap "$swapdir" \
	--report "$swapdir/s.json" -- "$PROGS/syscalls" "$swapdir" 24 ||
	fail "system calls on paged-out memory failed as nobody"
ENGINE=sigsegv expect_capped "$swapdir/s.json"
[ -z "$(ls -A "$swapdir" | grep -v '\.json$')" ] || fail "swap files left behind"
echo "ok: nothing left in the swap directory"
