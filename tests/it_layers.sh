#!/usr/bin/env bash
# scripts/check-layers: passes on the tree, and fails on each kind of
# violation planted in a copy of it (an include between two services, an
# upward include, a cycle between modules of different folders, an include
# of a header that does not exist).
set -euo pipefail
src=${OPCAT_SOURCE_DIR:?}
T=$(mktemp -d "${TMPDIR:-/tmp}/opcat-layers.XXXXXX")
trap 'rm -rf "$T"' EXIT

"$src/scripts/check-layers" >"$T/tree.out" || {
    cat "$T/tree.out"; echo "FAIL: the tree itself breaks its layers"; exit 1; }

# a copy of the tracked sources, as a git repository of its own
git -C "$src" ls-files -z common storage services proto scripts/check-layers |
    (cd "$src" && xargs -0 cp --parents -t "$T")
git -C "$T" init -q
git -C "$T" add -A

# plant LINE FILE REASON-PATTERN: the check must fail naming the reason
plant() {
    local line=$1 file=$2 want=$3
    cp "$T/$file" "$T/$file.orig"
    printf '%s\n' "$line" >>"$T/$file"
    if (cd "$T" && scripts/check-layers) >"$T/out" 2>&1; then
        cat "$T/out"; echo "FAIL: '$line' in $file passed the check"; exit 1
    fi
    grep -q "$want" "$T/out" || {
        cat "$T/out"; echo "FAIL: '$line' in $file: no '$want'"; exit 1; }
    mv "$T/$file.orig" "$T/$file"
    echo "caught: $line in $file ($want)"
}
plant '#include "proj.h"' services/stored/append.c "one service may not use another"
plant '#include "store.h"' common/domain/event.c "upward"
plant '#include "nonexistent_header.h"' common/base/log.c "no such header"
# a cycle across folders (net -> domain is allowed, domain -> net closes it)
plant '#include "follow.h"' common/domain/codes.c "upward"
printf '#include "codes.h"\n' >>"$T/common/net/follow.c"
plant '#include "follow.h"' common/domain/codes.h "cycle between modules"
echo "check-layers catches every planted violation"
