# tests/lib.sh: helpers for the integration tests (sourced, bash).
#
# Every test gets its own temporary directory ($T) with ipc:// endpoints
# in it, starts the real daemons there, and stops them by pid on exit.
# Nothing listens on any network address.
#
#   OPCAT_BIN         where the programs are (build/bin)
#   OPCAT_SOURCE_DIR  the checkout (for data/)
set -euo pipefail
# Under pipefail 'cmd | grep -q PAT' fails at random when grep has found
# PAT and left while cmd still writes (SIGPIPE): cmd's output past one
# pipe buffer is enough.  Write 'grep -q PAT <(cmd)' instead.

: "${OPCAT_BIN:?OPCAT_BIN must name the bin directory of the build}"
: "${OPCAT_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

T=$(mktemp -d "${TMPDIR:-/tmp}/opcat-test.XXXXXX")
# sockets in a directory of their own, so that no test's file takes a name
mkdir -p "$T/sock"
export OPCAT_APPEND="ipc://$T/sock/append"
# the reminder service's own APPEND: reminder.* events are written there only
export OPCAT_APPEND_REMINDERS="ipc://$T/sock/append-reminders"
export OPCAT_PUBLISH="ipc://$T/sock/publish"
export OPCAT_REPLAY="ipc://$T/sock/replay"
export OPCAT_REMINDERS="ipc://$T/sock/reminders"
export OPCAT_STATS="ipc://$T/sock/stats"
export OPCAT_PUBLIC="ipc://$T/sock/public"
export OPCAT_PUBLIC_REPLAY="ipc://$T/sock/public-replay"
export OPCAT_NOTIFY="ipc://$T/sock/notify"
export OPCAT_DATA="$T/data"
PIDS=()
# Commands run at exit before the temporary directory goes (e.g. umount).
AT_EXIT=()
# Runs a command under valgrind or another wrapper when OPCAT_WRAP is set.
WRAP=${OPCAT_WRAP:-}

ctl() { $WRAP "$OPCAT_BIN/opcatctl" "$@"; }

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Stops every daemon this test started (SIGTERM, then SIGKILL after 10 s).
cleanup() {
    local pid
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] || continue
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    local cmd
    for cmd in "${AT_EXIT[@]:-}"; do [ -n "$cmd" ] && eval "$cmd" || true; done
    if [ "${KEEP_TMP:-0}" = 1 ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT

# start NAME PROGRAM ARGS...: starts a daemon, logs to $T/NAME.log, sets
# the variable NAME_PID.
start() {
    local name=$1; shift
    $WRAP "$OPCAT_BIN/$1" "${@:2}" >>"$T/$name.log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    printf -v "${name}_PID" '%s' "$pid"
}

# stop PID: SIGTERM and wait; fails if it does not exit 0.
stop() {
    local pid=$1
    kill -TERM "$pid"
    local rc=0
    wait "$pid" || rc=$?
    [ "$rc" -eq 0 ] || fail "process $pid exited $rc on SIGTERM"
}

# wait_for CMD...: retries CMD for up to 20 s.
wait_for() {
    wait_for_s 20 "$@"
}

# wait_for_s SECONDS CMD...: retries CMD for up to SECONDS.
wait_for_s() {
    local tries=$(($1 * 10))
    shift
    for _ in $(seq "$tries"); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    fail "timed out waiting for: $*"
}

# free_ports N: N TCP ports on 127.0.0.1 the kernel says are free now (each
# bound to port 0 and released), one a line.
free_ports() {
    python3 -c 'import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print("\n".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

# listening PID PORT: whether process PID listens on 127.0.0.1:PORT.
listening() {
    grep -q "pid=$1," <(ss -ltnpH "src 127.0.0.1:$2" 2>/dev/null)
}

# need_failpoints: exits 77 (skipped) unless the build compiled in the
# fault points of common/failpoint.h (every build type but Release).
need_failpoints() {
    grep -q '^OPCAT_FAILPOINTS:BOOL=ON$' "$OPCAT_BIN/../CMakeCache.txt" 2>/dev/null || {
        echo "skipped: this build has no failpoints (-DOPCAT_FAILPOINTS=ON)"
        exit 77
    }
}

# died_at PID POINT LOG: waits up to 60 s for PID to end; it must have been
# killed at failpoint POINT (SIGKILL, and the point's line in LOG).
died_at() {
    local rc=0
    for _ in $(seq 600); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$1" 2>/dev/null && fail "still running after 60 s: $2 never fired"
    wait "$1" 2>/dev/null || rc=$?
    [ "$rc" = 137 ] || fail "expected a crash at $2, the process exited $rc"
    grep -q "failpoint: $2 at [0-9]*: crash" "$3" || fail "no crash at $2 in $3"
}

# kv_checkpoint DIR: the checkpoint committed in the consumer environment
# DIR (mdb_dump of its meta database, big-endian), 0 if none.  Only while
# no process holds the environment's locks (e.g. after a crash).
kv_checkpoint() {
    local hex
    hex=$(mdb_dump -s meta "$1" 2>/dev/null |
        awk 'found { print $1; exit } $1 == "636865636b706f696e74" { found = 1 }' || true)
    echo $((16#${hex:-0}))
}

start_store() {
    start store opcat-stored "$@"
    wait_for ctl --timeout 500 ping
}

# figure TEST WHAT VALUE: a measured figure for docs/RELIABILITY.md
# (scripts/reliability collects them through OPCAT_FIGURES).
figure() {
    echo "figure: $1: $2: $3"
    if [ -n "${OPCAT_FIGURES:-}" ]; then printf '%s|%s|%s\n' "$1" "$2" "$3" >>"$OPCAT_FIGURES"; fi
}

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
    [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}
