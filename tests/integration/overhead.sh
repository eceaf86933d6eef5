#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# upage's own memory: the report's overhead_bytes (what upage keeps
# resident outside the pages it manages, from its registry of mappings)
# against the kernel's view in /proc/PID/smaps, read by the program itself
# just before it exits: never more than all of the process's anonymous
# memory, and, where the kernel names anonymous mappings
# (CONFIG_ANON_VMA_NAME: "[anon:upage]"), within 10% of what smaps gives
# for upage's mappings and the counters' memfd; and the bound issue 17
# sets, 2% of the cap + 8 MiB.
. "${top_srcdir:-.}/tests/integration/lib.sh"

cat >"$WORK/prog.py" <<'PY'
import sys
b = bytearray(96 << 20)
for i in range(0, len(b), 4096):
    b[i] = 1
s = 0
for i in range(0, len(b), 4096 * 7):
    s += b[i]
import re
named = anon = False
named_rss = anon_rss = 0
kernel_names = False
for line in open('/proc/self/smaps'):
    f = line.split()
    if not f:
        continue
    if f[0] == 'Rss:':
        named_rss += int(f[1]) * 1024 if named else 0
        anon_rss += int(f[1]) * 1024 if anon else 0
    elif re.match(r'^[0-9a-f]+-[0-9a-f]+$', f[0]):
        n = ' '.join(f[5:])
        named = n == '[anon:upage]' or 'memfd:upage-stats' in n
        kernel_names = kernel_names or n == '[anon:upage]'
        anon = named or n == '' or n.startswith('[anon') or n == '[heap]'
print(named_rss if kernel_names else 0, anon_rss, s)
PY

PY3=python3
[ -x /usr/bin/python3 ] && PY3=/usr/bin/python3
upage_run "$WORK/r.json" --max-rss 32M -- "$PY3" "$WORK/prog.py" >"$WORK/out" ||
	fail "the program failed"
set -- $(cat "$WORK/out")
named=$1
anon=$2
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_outs'] > 0" "the program was paged"
expect "$WORK/r.json" "r['overhead_bytes'] > 0" "overhead_bytes reported"
expect "$WORK/r.json" "r['overhead_bytes'] <= $anon" \
	"overhead_bytes within the process's anonymous memory ($anon bytes in smaps)"
if [ "$named" -gt 4096 ]; then
	expect "$WORK/r.json" "abs(r['overhead_bytes'] - $named) <= max(256 << 10, $named // 10)" \
		"overhead_bytes within 10% (or 256 KiB) of smaps' $named bytes of upage's mappings"
else
	echo "note: this kernel does not name anonymous mappings (CONFIG_ANON_VMA_NAME):" \
		"upage's own cannot be told apart in smaps, the 10% comparison is not made"
fi
expect "$WORK/r.json" "r['overhead_bytes'] <= r['max_rss_bytes'] // 50 + (8 << 20)" \
	"overhead under 2% of the cap + 8 MiB"
