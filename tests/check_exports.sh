#!/bin/sh
# Fails if the shared library exports a defined dynamic symbol without the
# a2c_ prefix, or an internal a2c__ one.
set -eu
lib=$1
want_soname=$2
syms=$(nm -D --defined-only "$lib" | awk '{print $3}')
bad=$(printf '%s\n' "$syms" | grep -v '^a2c_[a-z0-9]' || true)
if [ -z "$syms" ]; then
    echo "exports: no symbols found in $lib"; exit 1
fi
if [ -n "$bad" ]; then
    echo "exports: symbols outside the a2c_ API:"; printf '%s\n' "$bad"; exit 1
fi
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
[ "$soname" = "$want_soname" ] || { echo "exports: SONAME is $soname, expected $want_soname"; exit 1; }
echo "exports: $(printf '%s\n' "$syms" | wc -l) a2c_ symbols, SONAME $soname"
