#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fork.sh under the SIGSEGV engine: the arena is a MAP_SHARED memfd, so
# the child must get a copy of its own (made while the parent's threads
# are held), or it would see the parent's writes and the parent its own.
top_srcdir=${top_srcdir:-.}
UPAGE_TEST_ENGINE=sigsegv exec sh "$top_srcdir/tests/integration/fork.sh"
