#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make install DESTDIR=... puts what a Debian system tool installs in its
# place (the programs, the library without its .la, the header, the
# pkg-config file naming them, the four man pages, the systemd unit and
# the daemon's configuration), and make uninstall takes every file away.
. "${top_srcdir:-.}/tests/integration/lib.sh"

: "${prefix:?the Makefile passes the installation directories}"
D="$WORK/root"
MAKE=${MAKE:-make}
command -v "$MAKE" >/dev/null || skip "needs make"
"$MAKE" -s -C "$top_builddir" install DESTDIR="$D" >"$WORK/install.log" 2>&1 ||
	fail "make install DESTDIR=$D: $(tail -n 20 "$WORK/install.log")"

for f in "$bindir/upage" "$sbindir/upaged" "$libdir/libupage.so" "$includedir/upage.h" \
	"$libdir/pkgconfig/upage.pc" "$mandir/man1/upage.1" "$mandir/man8/upaged.8" \
	"$mandir/man7/libupage.7" "$mandir/man5/upaged.conf.5" \
	"$systemdsystemunitdir/upaged.service" "$sysconfdir/upage/upaged.conf"; do
	[ -f "$D$f" ] || fail "make install did not install $f"
done
echo "ok: programs, library, header, pkg-config file, man pages, unit and configuration installed"
[ ! -e "$D$libdir/libupage.la" ] || fail "make install left the libtool archive libupage.la"
echo "ok: no .la file"

grep -q "^ExecStart=$sbindir/upaged --foreground" "$D$systemdsystemunitdir/upaged.service" ||
	fail "the unit does not start $sbindir/upaged: $(grep ExecStart "$D$systemdsystemunitdir/upaged.service")"
grep -q "^Type=notify" "$D$systemdsystemunitdir/upaged.service" || fail "the unit is not Type=notify"
grep -q "^RuntimeDirectory=upage" "$D$systemdsystemunitdir/upaged.service" ||
	fail "the unit does not make /run/upage"
if command -v systemd-analyze >/dev/null; then
	sed "s|^ExecStart=$sbindir|ExecStart=$D$sbindir|" "$D$systemdsystemunitdir/upaged.service" \
		>"$WORK/upaged.service"
	out=$(systemd-analyze verify --man=no "$WORK/upaged.service" 2>&1) ||
		fail "systemd-analyze verify: $out"
	echo "ok: systemd-analyze verify accepts upaged.service"
fi

if command -v pkg-config >/dev/null; then
	libs=$(PKG_CONFIG_PATH="$D$libdir/pkgconfig" pkg-config --libs upage) ||
		fail "pkg-config does not know upage"
	cflags=$(PKG_CONFIG_PATH="$D$libdir/pkgconfig" pkg-config --cflags upage)
	libs=$(echo $libs) cflags=$(echo $cflags)
	[ "$libs" = "-L$libdir -lupage" ] || [ "$libs" = "-lupage" ] || fail "pkg-config --libs upage: $libs"
	case $cflags in "" | "-I$includedir") ;; *) fail "pkg-config --cflags upage: $cflags" ;; esac
	echo "ok: pkg-config upage: $cflags $libs"
fi

"$MAKE" -s -C "$top_builddir" uninstall DESTDIR="$D" >"$WORK/uninstall.log" 2>&1 ||
	fail "make uninstall DESTDIR=$D: $(tail -n 20 "$WORK/uninstall.log")"
left=$(find "$D" ! -type d)
[ -z "$left" ] || fail "make uninstall left files behind: $left"
echo "ok: make uninstall removed every file"
