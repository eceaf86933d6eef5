#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The latency histograms, upage stat and upage plot under the SIGSEGV
# engine: the same scripts with UPAGE_TEST_ENGINE=sigsegv.
. "${top_srcdir:-.}/tests/integration/lib.sh"

here="$top_srcdir/tests/integration"
for t in latency stat plot; do
	echo "== $t.sh under the sigsegv engine"
	UPAGE_TEST_ENGINE=sigsegv sh "$here/$t.sh" || fail "$t.sh under the sigsegv engine"
done
