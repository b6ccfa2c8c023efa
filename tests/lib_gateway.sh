# tests/lib_gateway.sh: the whole pipeline and opcat-gatewayd for the
# gateway's tests (sourced after lib.sh, bash).
#
#   start_pipeline     opcat-stored, opcat-aggregated, opcat-reminderd
#   import_dataset     the files of data/manifest, in its order
#   settle             until both consumers have applied the store's head
#   start_gateway      opcat-gatewayd on 127.0.0.1 and a free port; sets GW
#                      (http://127.0.0.1:PORT) and gw_PID
#   get PATH           the body of GET $GW/PATH; its status in $T/status

# free_port: prints a TCP port nothing listens on (127.0.0.1).
free_port() {
    local port
    for _ in $(seq 100); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    fail "no free TCP port found"
}

start_pipeline() {
    start_store
    start agg opcat-aggregated
    start rem opcat-reminderd
    start ntf opcat-notifyd # no config: it follows and sends nothing
    wait_for ctl --timeout 500 ping --service stats
    wait_for ctl --timeout 500 ping --service reminders
    wait_for ctl --timeout 500 ping --service notify
}

import_dataset() {
    local f
    while read -r f; do
        ctl --timeout 60000 import "$OPCAT_SOURCE_DIR/data/$f" >/dev/null ||
            fail "import $f"
    done <"$OPCAT_SOURCE_DIR/data/manifest"
    settle
}

# caught_up: both consumers have applied everything the store holds (the
# reminder service's own reminder.issued events included).
caught_up() {
    ctl --timeout 2000 ping --service stats --caught-up &&
        ctl --timeout 2000 ping --service reminders --caught-up &&
        ctl --timeout 2000 ping --service stats --caught-up
}
settle() { wait_for caught_up; }

# start_gateway [ARGS...]: on a free port; retries if another process
# took the port between the check and the bind.
start_gateway() {
    local port
    for _ in 1 2 3 4 5; do
        port=$(free_port)
        GW="http://127.0.0.1:$port"
        start gw opcat-gatewayd --http "127.0.0.1:$port" "$@"
        for _ in $(seq 100); do
            curl -s -o /dev/null "$GW/healthz" && return 0
            kill -0 "$gw_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill "$gw_PID" 2>/dev/null || true
    done
    cat "$T/gw.log" >&2
    fail "opcat-gatewayd did not start"
}

# get PATH [CURL ARGS...]: the body; the status goes to $T/status.
get() {
    local path=$1
    shift
    curl -s -o "$T/body" -w '%{http_code}' "$@" "$GW$path" >"$T/status" ||
        fail "curl $path"
    cat "$T/body"
}
