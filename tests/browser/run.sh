#!/usr/bin/env bash
# browser/run.sh: the dashboard in Debian's chromium, headless, driven by
# playwright-core (npm).  Starts the pipeline and the gateway on the
# embedded dataset (tests/lib.sh, tests/lib_gateway.sh), then runs
# dashboard.test.js against it.
#
# Installs what is missing: chromium (apt), playwright-core and axe-core
# (npm ci, from package-lock.json, into tests/browser/node_modules).  Exits 77
# (skipped, for ctest) when they cannot be installed.
#   OPCAT_BIN          the build's bin directory
#   BROWSER_OUT        where to leave the screenshots (default: the temp dir)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SKIP=77

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

need_chromium() {
    [ -x /usr/bin/chromium ] && return 0
    command -v apt-get >/dev/null || return 1
    echo "browser: installing chromium (apt)" >&2
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -q >&2 &&
        as_root apt-get install -y -q --no-install-recommends chromium >&2
}

need_node() {
    command -v node >/dev/null && command -v npm >/dev/null && return 0
    command -v apt-get >/dev/null || return 1
    echo "browser: installing nodejs and npm (apt)" >&2
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -q >&2 &&
        as_root apt-get install -y -q --no-install-recommends nodejs npm >&2
}

need_playwright() {
    [ -f "$HERE/node_modules/playwright-core/package.json" ] &&
        [ -f "$HERE/node_modules/axe-core/axe.min.js" ] && return 0
    echo "browser: installing playwright-core and axe-core (npm ci)" >&2
    (cd "$HERE" && npm ci --no-audit --no-fund --ignore-scripts >&2)
}

if ! need_chromium || ! need_node || ! need_playwright; then
    echo "browser: chromium, node, playwright-core or axe-core unavailable: skipped" >&2
    exit $SKIP
fi

source "$HERE/../lib.sh"
source "$HERE/../lib_gateway.sh"
export OPCAT_NOW=2026-03-01

start_pipeline
import_dataset
start_gateway --timeout 30000
export GW OPCAT_NOW
export BROWSER_OUT=${BROWSER_OUT:-$T}
mkdir -p "$BROWSER_OUT"
node "$HERE/dashboard.test.js"
