#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# report_path.sh under the SIGSEGV engine.
top_srcdir=${top_srcdir:-.}
UPAGE_TEST_ENGINE=sigsegv exec sh "$top_srcdir/tests/integration/report_path.sh"
