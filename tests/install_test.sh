#!/bin/sh
# Installs liba2c into a temporary prefix and builds a consumer with nothing
# but `cc prog.c $(pkg-config --cflags --libs a2c)`: once against the shared
# library, once against the static one.  Then checks DESTDIR staging and
# that uninstall removes exactly what install wrote.
set -eu
MAKE=${1:-make}
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"

$MAKE --no-print-directory -s install PREFIX="$prefix" >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
pkg-config --exists a2c
want=$(sed -n 's/^#define A2C_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\).*/\2/p' include/a2c/a2c.h |
       paste -sd.)
[ "$(pkg-config --modversion a2c)" = "$want" ] || {
    echo "install: pkg-config says $(pkg-config --modversion a2c), header says $want"; exit 1; }

# shared
$CC tests/consumer.c $(pkg-config --cflags --libs a2c) -o "$tmp/consumer_shared"
readelf -d "$tmp/consumer_shared" | grep -q 'NEEDED.*liba2c.so.0' || {
    echo "install: the shared consumer does not need liba2c.so.0"; exit 1; }
LD_LIBRARY_PATH="$prefix/lib" "$tmp/consumer_shared"

# static: the same prefix without the shared library, as a static-only install
rm -f "$prefix"/lib/liba2c.so*
$CC tests/consumer.c $(pkg-config --cflags --libs --static a2c) -o "$tmp/consumer_static"
if readelf -d "$tmp/consumer_static" | grep -q 'NEEDED.*liba2c'; then
    echo "install: the static consumer still needs liba2c.so"; exit 1
fi
"$tmp/consumer_static"

# DESTDIR staging, then uninstall leaves nothing behind
stage="$tmp/stage"
$MAKE --no-print-directory -s install DESTDIR="$stage" PREFIX=/usr/local >/dev/null
for f in include/a2c/a2c.h lib/liba2c.a lib/liba2c.so lib/liba2c.so.0 lib/pkgconfig/a2c.pc; do
    [ -e "$stage/usr/local/$f" ] || { echo "install: $f missing under DESTDIR"; exit 1; }
done
grep -q '^prefix=/usr/local$' "$stage/usr/local/lib/pkgconfig/a2c.pc"
$MAKE --no-print-directory -s uninstall DESTDIR="$stage" PREFIX=/usr/local >/dev/null
left=$(find "$stage" -type f -o -type l)
if [ -n "$left" ]; then echo "install: uninstall left:"; echo "$left"; exit 1; fi
echo "install: shared and static consumers built with pkg-config and ran; uninstall is clean"
