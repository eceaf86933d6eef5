#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mlock and mlockall under a cap: locked heap stays resident and intact
# while other memory is paged through, a lock past the cap fails with
# ENOMEM or EAGAIN at once (never a hang), munlock lets it be paged again;
# without CAP_IPC_LOCK, RLIMIT_MEMLOCK holds (EPERM at 0) whatever the uid.
. "${top_srcdir:-.}/tests/integration/lib.sh"

upage_run "$WORK/r.json" --max-rss 40M -- "$PROGS/mlockcap" ||
	fail "mlock or mlockall under a cap did not keep the kernel's meaning"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 1000" "the unlocked heap was paged out and back in"

# Root without CAP_IPC_LOCK is held to RLIMIT_MEMLOCK as the kernel holds
# it: 0 gives EPERM (memtester then tests unlocked memory), not EAGAIN.
if command -v prlimit >/dev/null && command -v setpriv >/dev/null; then
	upage_run "$WORK/u.json" --max-rss 40M -- prlimit --memlock=0:0 setpriv \
		--bounding-set=-ipc_lock --inh-caps=-ipc_lock "$PROGS/mlockcap" unprivileged ||
		fail "mlock without CAP_IPC_LOCK did not fail with EPERM"
	echo "ok: mlock without CAP_IPC_LOCK under RLIMIT_MEMLOCK 0 fails with EPERM"
fi
