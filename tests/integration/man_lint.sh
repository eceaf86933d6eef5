#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every man page is clean under mandoc -Tlint: no warning, no error
# (style notes aside, such as pages referenced but not installed here).
set -eu
: "${top_srcdir:=.}"
command -v mandoc >/dev/null || { echo "SKIP: needs mandoc (Debian package mandoc)" >&2; exit 77; }
n=0
for page in "$top_srcdir"/man/*.[1-8]; do
	if ! out=$(mandoc -Tlint -W warning "$page" 2>&1) || [ -n "$out" ]; then
		echo "$out" >&2
		echo "FAIL: $page is not clean under mandoc -Tlint" >&2
		exit 1
	fi
	echo "ok: $page"
	n=$((n + 1))
done
[ "$n" -ge 4 ] || { echo "FAIL: $n man pages, expected upage(1), upaged(8), libupage(7), upaged.conf(5)" >&2; exit 1; }
