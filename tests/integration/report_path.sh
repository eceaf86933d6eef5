#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The report path is never followed: a symlink another user plants there
# (in a sticky directory such as /tmp) is refused with a message, at start
# and at exit, and the file behind it is left untouched; a symlink of our
# own is replaced by the report, never written through; nothing is left
# beside the report.  Needs root (a second user to plant the link).
. "${top_srcdir:-.}/tests/integration/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root to plant a link as another user"
command -v setpriv >/dev/null || skip "setpriv is not installed"
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
}
chmod 755 "$WORK"
sticky="$WORK/sticky"
mkdir "$sticky"
chmod 1777 "$sticky"
victim="$WORK/victim"
echo precious >"$victim"
intact() {
	[ "$(cat "$victim")" = precious ] || fail "$1: the file behind the link was overwritten"
	[ -L "$sticky/r.json" ] || fail "$1: the planted link was replaced"
}

# Planted before the start: refused at once, naming what is there.
as_nobody ln -s "$victim" "$sticky/r.json"
set +e
"$UPAGE" run --engine "$ENGINE" --report "$sticky/r.json" -- true 2>"$WORK/err"
status=$?
set -e
[ "$status" = 2 ] || fail "a planted link at the report path: exit $status, expected 2"
grep -q "symlink owned by uid $(id -u nobody)" "$WORK/err" ||
	fail "a planted link: the message does not say what is there: $(cat "$WORK/err")"
intact "planted before the start"
echo "ok: a link planted before the start is refused: $(cat "$WORK/err")"

# Planted while the program runs: refused at exit, the program's own
# result unchanged.
rm -f "$sticky/r.json" "$WORK/go" "$WORK/go.ready"
RWCHECK_PAUSE="$WORK/go" "$UPAGE" run --engine "$ENGINE" --max-rss 16M \
	--report "$sticky/r.json" -- "$PROGS/rwcheck" 32 1 >/dev/null 2>"$WORK/err2" &
pid=$!
i=0
while [ ! -e "$WORK/go.ready" ]; do
	i=$((i + 1))
	[ $i -lt 600 ] || { kill $pid; fail "rwcheck never got ready"; }
	sleep 0.1
done
as_nobody ln -s "$victim" "$sticky/r.json"
touch "$WORK/go"
wait $pid || fail "rwcheck failed: $(cat "$WORK/err2")"
grep -q "cannot write the report to $sticky/r.json.*another user's" "$WORK/err2" ||
	fail "a link planted at run time: no message at exit: $(cat "$WORK/err2")"
intact "planted at run time"
echo "ok: a link planted at run time is refused at exit"

# Our own link in our own directory: replaced by the report, never
# written through.
mkdir "$WORK/own"
ln -s "$victim" "$WORK/own/r.json"
upage_run "$WORK/own/r.json" --max-rss 16M -- "$PROGS/rwcheck" 32 1 >/dev/null ||
	fail "rwcheck with a link at the report path"
[ "$(cat "$victim")" = precious ] || fail "the report was written through our own link"
[ -f "$WORK/own/r.json" ] && [ ! -L "$WORK/own/r.json" ] || fail "the link was not replaced"
expect "$WORK/own/r.json" "r['engine'] == '$ENGINE'" "the link was replaced by the report"

# An existing report is replaced whole; nothing is left beside it.
upage_run "$WORK/own/r.json" --max-rss 16M -- "$PROGS/rwcheck" 16 1 >/dev/null ||
	fail "rwcheck over an existing report"
expect "$WORK/own/r.json" "r['max_rss_bytes'] == 16 << 20" "an existing report is replaced"
left=$(find "$WORK/own" "$sticky" -name '*upage*')
[ -z "$left" ] || fail "temporary files left behind: $left"
echo "ok: nothing left beside the report"
