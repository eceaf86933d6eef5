#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# coredump.sh under the SIGSEGV engine.
top_srcdir=${top_srcdir:-.}
UPAGE_TEST_ENGINE=sigsegv exec sh "$top_srcdir/tests/integration/coredump.sh"
