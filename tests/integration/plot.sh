#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# upage plot draws a report with gnuplot: a valid SVG (parsed with
# python3's xml module) holding the three panels, a PNG by extension; a
# clear message and status 1 without gnuplot or with a file that is not a
# report; status 2 for bad usage.
. "${top_srcdir:-.}/tests/integration/lib.sh"

command -v gnuplot >/dev/null || skip "gnuplot is not installed (Debian gnuplot-nox)"

upage_run "$WORK/r.json" --max-rss 8M -- "$PROGS/rwcheck" 32 2 >/dev/null ||
	fail "rwcheck lost data"
mkdir "$WORK/tmp"
TMPDIR="$WORK/tmp" "$UPAGE" plot "$WORK/r.json" -o "$WORK/r.svg" || fail "upage plot to an SVG"
[ -z "$(ls -A "$WORK/tmp")" ] || fail "upage plot left files behind: $(ls -A "$WORK/tmp")"
python3 - "$WORK/r.svg" <<'PY' || fail "the SVG: $(head -c 1000 "$WORK/r.svg")"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
text = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
for want in ("Latency distribution by kind", "Latency tail", "Resident set and swap traffic",
             "swap_page", "io_read", "resident", "cap"):
    assert want in text, "no %r in the SVG's text" % want
paths = list(root.iter("{http://www.w3.org/2000/svg}path"))
assert len(paths) > 20, "only %d paths: nothing drawn?" % len(paths)
print("ok: a valid SVG with the three panels and %d paths" % len(paths))
PY

"$UPAGE" plot "$WORK/r.json" -o "$WORK/r.png" || fail "upage plot to a PNG"
[ "$(head -c 8 "$WORK/r.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
	fail "the .png is not a PNG"
echo "ok: a PNG by its extension"

# A report of a run too short for a timeline sample still draws.
upage_run "$WORK/short.json" --max-rss 8M -- true || fail "true under upage"
"$UPAGE" plot "$WORK/short.json" -o "$WORK/short.svg" || fail "upage plot of a short run"
python3 -c 'import sys, xml.etree.ElementTree as ET; ET.parse(sys.argv[1])' "$WORK/short.svg" ||
	fail "the short run's SVG is not valid XML"
echo "ok: a run without timeline samples draws too"

# Errors: one message, status 1.
plot_fails() {
	what=$1
	shift
	set +e
	"$@" >"$WORK/p.out" 2>"$WORK/p.err"
	status=$?
	set -e
	[ $status -eq 1 ] || fail "$what: exit status $status, expected 1"
	[ -s "$WORK/p.err" ] || fail "$what: no message"
	echo "ok: $what: $(head -1 "$WORK/p.err")"
}
mkdir "$WORK/nognuplot"
ln -s "$(command -v python3)" "$WORK/nognuplot/python3"
plot_fails "without gnuplot" env PATH="$WORK/nognuplot" "$UPAGE" plot "$WORK/r.json" -o "$WORK/x.svg"
grep -q "gnuplot-nox" "$WORK/p.err" || fail "the message should name the Debian package"
echo '{"pid": 1' >"$WORK/bad.json"
plot_fails "invalid JSON" "$UPAGE" plot "$WORK/bad.json" -o "$WORK/x.svg"
grep -q "bad.json" "$WORK/p.err" || fail "the message should name the file"
echo '{"pid": 1}' >"$WORK/notreport.json"
plot_fails "not a report" "$UPAGE" plot "$WORK/notreport.json" -o "$WORK/x.svg"
plot_fails "a missing report" "$UPAGE" plot "$WORK/missing.json" -o "$WORK/x.svg"

for args in "" "$WORK/r.json" "$WORK/r.json -o $WORK/x.pdf" "-o $WORK/x.svg"; do
	set +e
	# shellcheck disable=SC2086
	"$UPAGE" plot $args >/dev/null 2>&1
	status=$?
	set -e
	[ $status -eq 2 ] || fail "upage plot $args: exit status $status, expected 2"
done
echo "ok: usage errors exit with status 2"
