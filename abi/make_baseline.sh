#!/bin/sh
# Writes abi/liba2c-VERSION.abi: the ABI of a released liba2c.so, as
# libabigail's abidw describes it, for `make abi-check` (abi/README.md).
#
#   sh abi/make_baseline.sh [COMMIT VERSION]
#
# Defaults: commit 198524e, release 0.1.0.  The commit is unpacked from this
# repository with `git archive` into a temporary folder and its shared
# library built there with the release's own flags (-O3 -g; abidw reads the
# DWARF).  Only the public interface is written: declarations from that
# release's include/a2c/, no paths of the build machine.  Idempotent: a
# second run with the same compiler writes the same bytes.  Takes a few
# seconds.  Needs Debian's abigail-tools.
set -eu

ref=${1:-198524e}
version=${2:-0.1.0}

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=$here/liba2c-$version.abi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

die() {
    echo "make_baseline: $*" >&2
    exit 1
}

command -v abidw >/dev/null 2>&1 || die "abidw not found: apt-get install abigail-tools"

# The release's own flags, whatever the caller's environment says.
unset CFLAGS EXTRA_CFLAGS LDFLAGS EXTRA_LDFLAGS

tree=$tmp/liba2c-$version
mkdir -p "$tree"
git -C "$root" rev-parse -q --verify "$ref^{commit}" >/dev/null || die "no such commit: $ref"
git -C "$root" archive "$ref" | tar -x -C "$tree"
make -C "$tree" -j2 CFLAGS="-O3 -g" shared >"$tmp/make.log" 2>&1 ||
    { cat "$tmp/make.log" >&2; die "building $ref failed"; }
lib=$tree/build/liba2c.so.$version
[ -f "$lib" ] || die "$ref does not build liba2c.so.$version: $(ls "$tree/build" | tr "\n" " ")"

# --headers-dir: only types declared in the public header count.
# --drop-private-types, --exported-interfaces-only, --drop-undefined-syms:
# nothing the library keeps to itself or takes from libc.
# --no-corpus-path, --no-comp-dir-path: no paths of this machine.  The
# header locations stay (relative, include/a2c/a2c.h): abidiff needs them
# to tell the public types from the private ones.
# --type-id-style hash: ids that do not shift when something is added.
(cd "$tree" && abidw --headers-dir include/a2c --drop-private-types --exported-interfaces-only \
    --drop-undefined-syms --no-corpus-path --no-comp-dir-path --type-id-style hash \
    --out-file "$tmp/out.abi" "build/liba2c.so.$version") || die "abidw failed"
mv "$tmp/out.abi" "$out"
soname=$(sed -n "s/^<abi-corpus .*soname='\([^']*\)'.*/\1/p" "$out")
echo "make_baseline: wrote ${out#"$root"/}: $(wc -c <"$out") bytes," \
    "$(grep -c '<elf-symbol ' "$out") symbols, SONAME $soname"
