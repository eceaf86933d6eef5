#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A set-user-ID program executed by a paged program runs with its
# privilege, or the exec is refused with one message (the SIGSEGV
# engine's filter sets no_new_privs, which no exec can undo): never a
# silently unprivileged program.  nobody's paged shell and python3
# (posix_spawn) execute a copy of id made set-user-ID root; root's paged
# shell (where the userfaultfd engine runs) one made set-user-ID nobody.
# Needs root.
. "${top_srcdir:-.}/tests/integration/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root to make a set-user-ID copy of id"
command -v setpriv >/dev/null || skip "setpriv is not installed"
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
}
chmod 755 "$WORK"
cp "$(command -v id)" "$WORK/id"
chown root:root "$WORK/id"
chmod 4755 "$WORK/id"
[ "$(as_nobody "$WORK/id" -u)" = 0 ] || skip "$WORK is on a nosuid file system"
as_nobody test -x "$UPAGE" || skip "nobody cannot reach the build tree"
swapdir="$WORK/swap"
mkdir "$swapdir"
chmod 1777 "$swapdir"

# check NAME OUTPUT STATUS [UID [PROG]]: the owner's uid, or a refusal
# said once.
check() {
	name=$1 out=$2 status=$3 uid=${4:-0} prog=${5:-$WORK/id}
	if [ "$out" = "$uid" ]; then
		echo "ok: $name: the set-user-ID program ran as uid $uid"
	elif [ "$status" -ne 0 ] && grep -q "cannot execute $prog: it is set-user-ID" "$WORK/err" &&
		[ "$(grep -c 'cannot execute' "$WORK/err")" = 1 ]; then
		echo "ok: $name: refused with one message (status $status)"
	else
		fail "$name: printed '$out' (status $status): $(cat "$WORK/err")"
	fi
}

set +e
out=$(as_nobody "$UPAGE" run --engine "$ENGINE" --max-rss 16M --swap "$swapdir" -- \
	sh -c "$WORK/id -u" 2>"$WORK/err")
check "sh" "$out" $?
out=$(as_nobody "$UPAGE" run --engine "$ENGINE" --max-rss 16M --swap "$swapdir" -- \
	python3 -c "
import os, sys
r, w = os.pipe()
pid = os.posix_spawn('$WORK/id', ['id', '-u'], os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, w, 1)])
os.close(w)
out = os.read(r, 100).decode().strip()
_, st = os.waitpid(pid, 0)
print(out)
sys.exit(os.waitstatus_to_exitcode(st))
" 2>"$WORK/err")
status=$?
set -e
case $out in
*PermissionError*|'') out= ;;
esac
check "python3 posix_spawn" "$out" $status

# root's paged shell, a program set-user-ID nobody: euid 65534, or refused.
cp "$WORK/id" "$WORK/id-nobody"
chown nobody "$WORK/id-nobody"
chmod 4755 "$WORK/id-nobody"
set +e
out=$("$UPAGE" run --engine "$ENGINE" --max-rss 16M --report "$WORK/r.json" -- \
	sh -c "$WORK/id-nobody -u" 2>"$WORK/err")
status=$?
set -e
check "root's shell" "$out" $status "$(id -u nobody)" "$WORK/id-nobody"
expect "$WORK/r.json" "r['engine'] == '$ENGINE'" "root's shell was paged by the $ENGINE engine"
