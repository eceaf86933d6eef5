#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# rlimit_as.sh under the SIGSEGV engine, which then maps its memfd once.
top_srcdir=${top_srcdir:-.}
UPAGE_TEST_ENGINE=sigsegv exec sh "$top_srcdir/tests/integration/rlimit_as.sh"
