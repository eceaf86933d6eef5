#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# threads_cancel.sh under the SIGSEGV engine: pthread_cancel of threads in
# upage's SIGSEGV handler (asynchronous cancellation) and in its SIGSYS
# handler (pread, which glibc runs with asynchronous cancellation) must
# neither leave a lock held nor a page pinned.
top_srcdir=${top_srcdir:-.}
UPAGE_TEST_ENGINE=sigsegv exec sh "$top_srcdir/tests/integration/threads_cancel.sh"
