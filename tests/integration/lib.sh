# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the integration tests: run a program under upage through the
# CLI, as a user would, and check its JSON report.
#
# Each test is a shell script run by `make check` with top_builddir and
# top_srcdir set; it prints what it checks and exits non-zero on failure
# (77: skipped, with the reason printed).

set -eu

: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_srcdir:=$top_builddir}"
UPAGE="$top_builddir/daemon/upage"
PROGS="$top_builddir/tests/integration/progs"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/upage-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# The engine under test: UPAGE_TEST_ENGINE (uffd, uffd-sigbus or sigsegv:
# make check runs every test under each, see Makefile.am), default uffd.
ENGINE=${UPAGE_TEST_ENGINE:-uffd}

# upage_run REPORT ARGS... : run under upage with the test's engine.
upage_run() {
	report=$1
	shift
	"$UPAGE" run --engine "$ENGINE" --report "$report" "$@"
}

# json FILE EXPR : evaluate a Python expression over the report `r`.
json() {
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# expect FILE EXPR DESCRIPTION : the expression must be true.
expect() {
	if [ "$(json "$1" "$2")" != True ]; then
		echo "report: $(cat "$1")" >&2
		fail "$3 ($2)"
	fi
	echo "ok: $3"
}

# The report must say the cap held and name the engine.
expect_capped() {
	expect "$1" "r['engine'] == '$ENGINE'" "engine is $ENGINE"
	expect "$1" "r['peak_resident_bytes'] <= r['max_rss_bytes']" "peak resident within the cap"
}
