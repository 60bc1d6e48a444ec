#!/bin/sh
# Compares the ABI of a liba2c.so built with -g against the committed
# description of the last release (abi/liba2c-X.Y.Z.abi) with libabigail's
# abidiff, and fails on any change but additions, unless the break is
# declared (abi/README.md).
#
#   sh tests/abi_check.sh LIB BASELINE [REPORT_DIR]
#
# Passes when the only differences are added functions and variables,
# changes libabigail rates harmless (appended enumerators, say) and structs
# of abi/suppressions.ini grown by members appended at their end.  Anything
# else is a break: a removed symbol (abidiff's ABIDIFF_ABI_INCOMPATIBLE_CHANGE
# bit, 8), or a changed function, variable or type (ABIDIFF_ABI_CHANGE, 4,
# which abidiff leaves to a human; this project's rule allows none).
#
# Two runs of abidiff.  The first, with abi/suppressions.ini, counts
# functions and variables removed, changed and added, and is the report a
# human reads.  The second lists every changed type on its own
# (--leaf-changes-only, no suppressions) and must show nothing but the
# appends: libabigail's has_data_member_inserted_at = end also hides
# changes to a struct's old members (a member's type, an offset) when
# members were appended too, so the struct is checked here member by member.
#
# A break passes only when it is declared twice: the SONAME differs from
# the baseline's and CHANGELOG.md's [Unreleased] section has an entry
# starting "- **ABI:**".  The reports go to REPORT_DIR (default: LIB's
# folder), abidiff.txt and abidiff-leaf.txt, and on failure to stdout
# without their lists of added functions.  The last line is the verdict.
# Needs Debian's abigail-tools.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
lib=$1
baseline=$2
out=${3:-$(dirname "$lib")}
report=$out/abidiff.txt
leaf=$out/abidiff-leaf.txt
suppressions=$root/abi/suppressions.ini
headers=$root/include/a2c
changelog=$root/CHANGELOG.md
base_version=$(basename "$baseline" .abi)
base_version=${base_version#liba2c-}

fail() {
    echo "abi-check: FAILED: $*"
    exit 1
}

command -v abidiff >/dev/null 2>&1 || fail "abidiff not found (apt-get install abigail-tools)"
[ -f "$baseline" ] || fail "no baseline $baseline (sh abi/make_baseline.sh writes it)"
[ -f "$lib" ] || fail "no library $lib"
readelf -S "$lib" | grep -q '\.debug_info' || fail "$lib has no debug info: build it with -g"
mkdir -p "$out"

# run FILE ARGS...: abidiff ARGS, report to FILE; fails on abidiff's own
# errors (bits 1 and 2); sets $status to its exit status.
run() {
    file=$1
    shift
    status=0
    abidiff --no-default-suppression --fail-no-debug-info --drop-private-types \
        --headers-dir2 "$headers" "$@" "$baseline" "$lib" >"$file" 2>&1 || status=$?
    if [ $((status & 3)) -ne 0 ]; then
        cat "$file"
        fail "abidiff could not compare (exit status $status)"
    fi
}
run "$leaf" --leaf-changes-only
leaf_status=$status
run "$report" --suppressions "$suppressions"

# abidiff's summary lines, e.g.
#   Functions changes summary: 1 Removed, 0 Changed (13 filtered out), 19 Added functions
#   Function symbols changes summary: 0 Removed, 0 Added function symbol not ...
#   Removed/Changed/Added functions summary: 0 Removed, 1 Changed, 19 Added functions
# (the last one in the leaf report).  count FILE KIND FIELD: the number
# before FIELD on KIND's summary line, 0 if none.
count() {
    n=$(sed -n "s|^$2 summary:.* \([0-9][0-9]*\) $3.*|\1|p" "$1" | head -n 1)
    echo "${n:-0}"
}
# The two runs count the same functions: take the larger count.
max() { if [ "$1" -gt "$2" ]; then echo "$1"; else echo "$2"; fi; }
removed=$(max $(($(count "$report" 'Functions changes' Removed) +
    $(count "$report" 'Variables changes' Removed) +
    $(count "$report" 'Function symbols changes' Removed) +
    $(count "$report" 'Variable symbols changes' Removed))) \
    $(($(count "$leaf" 'Removed/Changed/Added functions' Removed) +
    $(count "$leaf" 'Removed/Changed/Added variables' Removed))))
changed=$(max $(($(count "$report" 'Functions changes' Changed) +
    $(count "$report" 'Variables changes' Changed))) \
    $(($(count "$leaf" 'Removed/Changed/Added functions' Changed) +
    $(count "$leaf" 'Removed/Changed/Added variables' Changed))))
fn_added=$(($(count "$report" 'Functions changes' Added) +
    $(count "$report" 'Function symbols changes' Added)))
var_added=$(($(count "$report" 'Variables changes' Added) +
    $(count "$report" 'Variable symbols changes' Added)))

# Every changed type of the leaf report, one block each:
#   'struct a2c_env at a2c.h:452:1' changed:
#     type size changed from 768 to 960 (in bits)
#     3 data member insertions:
#       'uint32_t state_size', at offset 768 (in bits) at a2c.h:657:1
# accepted only for a struct named in abi/suppressions.ini whose block says
# nothing else, with every insertion at or past the old size.  Prints
# "accepted NAME N" (N members appended) or "rejected NAME"; the rejected
# blocks go to abidiff-rejected.txt.
accept=$(sed -n 's/^[[:space:]]*name[[:space:]]*=[[:space:]]*\([A-Za-z0-9_]*\)[[:space:]]*$/\1/p' \
    "$suppressions" | tr '\n' ' ')
types=$(awk -v q="'" -v accept="$accept" -v rejects="$out/abidiff-rejected.txt" '
    function close_block() {
        if (name == "") return
        if (ok && old > 0 && new > old && added > 0) print "accepted", name, added
        else { print "rejected", name; printf "%s", text > rejects }
        name = ""
    }
    BEGIN {
        n = split(accept, a, " ")
        for (i = 1; i <= n; i++) ok_name[a[i]] = 1
        printf "" > rejects
    }
    substr($0, 1, 1) == q && / changed:$/ {
        close_block()
        split(substr($0, 2), w, /[ \047]/)
        name = w[2]; ok = (w[1] == "struct" && (name in ok_name)); old = new = added = 0
        text = $0 "\n"
        next
    }
    name != "" && /^  / {
        text = text $0 "\n"
        if (match($0, /^  type size changed from [0-9]+ to [0-9]+ \(in bits\)$/)) {
            split($0, s, " "); old = s[5] + 0; new = s[7] + 0
        } else if ($0 ~ /^  [0-9]+ data member insertions?:$/) {
        } else if (match($0, /, at offset [0-9]+ \(in bits\)/) && $0 ~ /^    \047/) {
            split(substr($0, RSTART), s, " "); if (s[4] + 0 < old || old == 0) ok = 0; added++
        } else ok = 0
        next
    }
    { close_block() }
    END { close_block() }' "$leaf")
accepted=$(printf '%s\n' "$types" | awk '$1 == "accepted" {
    printf "%s%s grew by %d members at its end", sep, $2, $3; sep = ", " }')
rejected=$(printf '%s\n' "$types" | awk '$1 == "rejected" { printf "%s%s", sep, $2; sep = " " }')

base_soname=$(sed -n "s/^<abi-corpus .*soname='\([^']*\)'.*/\1/p" "$baseline" | head -n 1)
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')

if [ $((status & 8)) -eq 0 ] && [ $((leaf_status & 8)) -eq 0 ] && [ "$removed" -eq 0 ] &&
    [ "$changed" -eq 0 ] && [ -z "$rejected" ]; then
    if [ "$status" -eq 0 ] && [ "$leaf_status" -eq 0 ]; then
        echo "abi-check: OK: same ABI as $base_version ($soname)"
    else
        echo "abi-check: OK: compatible with $base_version ($soname): $fn_added functions and" \
            "$var_added variables added${accepted:+; $accepted (abi/suppressions.ini)}"
    fi
    exit 0
fi

# A break.  Name what broke: removed symbols ([D] lines end in {symbol}),
# changed functions ([C] lines quote the declaration), rejected types.
removed_names=$(sed -n -e 's/^  \[D\] .*{\([^}]*\)}.*/\1/p' \
    -e 's/^  \[D\] \([A-Za-z_][A-Za-z0-9_]*\).*/\1/p' "$report" "$leaf" | sort -u | tr '\n' ' ')
changed_names=$(sed -n "s/^  \[C\] '[^(']* \**\([A-Za-z0-9_]*\)[[(].*/\1/p" "$report" "$leaf" |
    sort -u | tr '\n' ' ')
what=
[ "$removed" -eq 0 ] || what="$removed removed: ${removed_names% }"
[ "$changed" -eq 0 ] || what="${what:+$what; }$changed changed: ${changed_names% }"
[ -z "$rejected" ] || what="${what:+$what; }types changed: $rejected"

declared=0
if [ -n "$base_soname" ] && [ "$soname" != "$base_soname" ] &&
    awk '/^## \[Unreleased\]/ { on = 1; next } /^## \[/ { on = 0 }
         on && /^[[:space:]]*- \*\*ABI:\*\*/ { f = 1 }
         END { exit !f }' "$changelog"; then
    declared=1
fi
if [ "$declared" -eq 1 ]; then
    echo "abi-check: OK: declared ABI break against $base_version ($what):" \
        "SONAME $soname (was $base_soname) and CHANGELOG.md's **ABI:** entry (reports in $out)"
    exit 0
fi
# The reports without their lists of additions (the full ones stay in $out).
grep -v '^  \[A\] ' "$report" | cat -s
if [ -n "$rejected" ]; then
    echo "Changed types, beyond members appended to a struct of abi/suppressions.ini:"
    cat "$out/abidiff-rejected.txt"
    echo
fi
fail "incompatible ABI change against $base_version ($what); keep the ABI, or declare" \
    "the break: a new SONAME (now $soname) and a '- **ABI:**' entry under [Unreleased]" \
    "in CHANGELOG.md"
