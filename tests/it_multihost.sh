#!/usr/bin/env bash
# Integration: the daemons on four hosts (network namespaces joined by a
# bridge, tests/lib_netns.sh), CurveZMQ on every link:
#   st   10.77.0.1  opcat-stored
#   svc  10.77.0.2  opcat-reminderd, opcat-aggregated (to the store through
#                   a proxy of the test's own that can delay the link)
#   edge 10.77.0.3  opcat-gatewayd (an SSE client beside it), opcat-notifyd
#   wr   10.77.0.4  writers
# Faults, each for MH_FAULT seconds under a load of about MH_RATE events
# a second (defaults 6 s, the fault during the last 4, and 200/s asked;
# the writers reach about 100-150/s here: scaled down from 30 s x 500/s
# for the CI's time and two shared cores):
#   loss       5% of the store host's packets dropped (nft numgen)
#   delay      200 ms on every chunk between the services and the store
#   cut-svc    the store cut from the services' and the gateway's hosts
#   cut-wr     the writers and the store cut apart (writers time out, resend)
#   kill-store the store killed -9 and restarted while cut from the services
#   reboot-store  the store's host "rebooted" while cut from the services:
#              its namespace deleted (its TCP state gone, no FIN or RST
#              sent) and made again, the store restarted on it
#   reboot-svc every process of the services' host killed -9, restarted
# After each heal: the services at the store's head within MH_CONVERGE s
# (time measured) and one more event followed live; at the end every
# acknowledged event stored once.  At the end:
# their answers (stats, open and issued reminders) equal those of a
# --rebuild on the store's log, each reminder issued once, and the SSE
# client, resuming with Last-Event-ID after every disconnection, saw every
# event once.  A figure per fault for docs/RELIABILITY.md.
# Root only (CI runs as root); skipped (77) where namespaces cannot be made.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_netns.sh"
netns_ok || { echo "it_multihost: skipped: needs root, ip netns and nft"; exit 77; }
RATE=${MH_RATE:-200}
FAULT=${MH_FAULT:-6}
CONVERGE=${MH_CONVERGE:-30}
export OPCAT_NOW=2025-06-01

netns_init
netns_host st 1
netns_host svc 2
netns_host edge 3
netns_host wr 4

# keys: one server key for every daemon, a client key per host
cd "$T"
for k in server svc edge wr; do ctl keygen "$k" >/dev/null; done
cat wr.pub svc.pub >writers.list # the reminder service appends its reminders
cat svc.pub edge.pub wr.pub >readers.list
cd - >/dev/null
export OPCAT_CURVE_SERVER=$T/server.pub OPCAT_WRITERS=$T/writers.list OPCAT_READERS=$T/readers.list
unset OPCAT_ALLOW_PLAIN

# role ROLE: the environment of the processes of one host
role() {
    export OPCAT_APPEND=tcp://10.77.0.1:7701 OPCAT_PUBLISH=tcp://10.77.0.1:7702
    export OPCAT_REPLAY=tcp://10.77.0.1:7703 OPCAT_PUBLIC=tcp://10.77.0.1:7706
    export OPCAT_PUBLIC_REPLAY=tcp://10.77.0.1:7707
    export OPCAT_REMINDERS=tcp://10.77.0.2:7704 OPCAT_STATS=tcp://10.77.0.2:7705
    export OPCAT_NOTIFY=tcp://10.77.0.3:7708 OPCAT_DATA=$T/data-$1
    export OPCAT_CURVE_KEY=$T/server.key OPCAT_CURVE_CLIENT_KEY=$T/$1.key
    case $1 in
    st) OPCAT_CURVE_CLIENT_KEY=$T/wr.key ;;
    svc) # to the store through the delaying proxy (loopback on this host)
        export OPCAT_APPEND=tcp://127.0.0.1:17701 OPCAT_PUBLISH=tcp://127.0.0.1:17702
        export OPCAT_REPLAY=tcp://127.0.0.1:17703 ;;
    edge) export OPCAT_HTTP=127.0.0.1:8080 ;;
    esac
}
# c HOST ARGS: opcatctl on HOST with the writers' key
c() { (role "$1" && OPCAT_CURVE_CLIENT_KEY=$T/wr.key on "$1" "$OPCAT_BIN/opcatctl" "${@:2}"); }

start_store() { role st && start_on st store opcat-stored; }
start_svc() {
    role svc
    ip netns exec "${NETNS_P}svc" python3 "$(dirname "$0")/delay_proxy.py" "$T/delay" \
        17701:10.77.0.1:7701 17702:10.77.0.1:7702 17703:10.77.0.1:7703 >>"$T/proxy.log" 2>&1 &
    PIDS+=("$!")
    start_on svc rem opcat-reminderd
    start_on svc agg opcat-aggregated
}
start_edge() {
    role edge
    start_on edge notify opcat-notifyd
    start_on edge gw opcat-gatewayd
}
start_store
wait_for c wr --timeout 1000 ping
start_svc
start_edge
for f in states npm-designations; do
    c wr import "$OPCAT_SOURCE_DIR/data/$f.jsonl" >/dev/null || fail "import $f"
done

# converged: every consumer at the store's head (asked from the writers'
# host: the store's head, then each service's position)
converged() {
    c wr --timeout 2000 ping --service reminders --caught-up &&
        c wr --timeout 2000 ping --service stats --caught-up &&
        c wr --timeout 2000 ping --service notify --caught-up
}
wait_converged() {
    for _ in $(seq $((CONVERGE * 10))); do converged >/dev/null 2>&1 && return 0; sleep 0.1; done
    fail "not converged within $CONVERGE s after $1: $(tail -n 3 "$T"/rem.log "$T"/agg.log)"
}
wait_converged start

# The SSE client on the gateway's host: reads the public stream, and
# whenever its connection ends (every 4 s on purpose, and whenever the
# gateway goes) reconnects with Last-Event-ID; every id it sees goes to
# $T/sse.ids.
sse_client() {
    local last=0
    while [ -d "$T" ] && [ ! -e "$T/sse.stop" ]; do
        on edge curl -sN --max-time 4 -H "Last-Event-ID: $last" \
            http://127.0.0.1:8080/api/stream 2>/dev/null |
            while IFS= read -r line; do
                case $line in id:*) echo "${line#id: }" ;; esac
            done >>"$T/sse.ids" || true
        [ -s "$T/sse.ids" ] && last=$(tail -n 1 "$T/sse.ids" | tr -d '\r ')
        sleep 0.2
    done
}
wait_for on edge curl -sf http://127.0.0.1:8080/healthz
sse_client &
SSE_PID=$!
PIDS+=("$SSE_PID")

# fault NAME START END: the load for FAULT s, START after FAULT/3 s, END
# at the load's end; then the time from END until converged, and the
# acknowledged events checked
fault() {
    local name=$1 start=$2 end=$3
    role wr # the writers' key
    load_run wr "$RATE" "$FAULT" "$name" &
    local load=$!
    sleep $((FAULT / 3))
    eval "$start"
    sleep $((FAULT - FAULT / 3))
    eval "$end"
    local healed=$(date +%s%3N)
    wait "$load" # a writer cut off still resends its last request
    wait_converged "$name"
    local ms=$(($(date +%s%3N) - healed))
    # and live again: one more event reaches every consumer (a consumer
    # whose subscription died unnoticed would wait for ever)
    printf '{"type":"state.signed","id":"after-%s","occurred_on":"2025-01-01","state":"AGO"}\n' \
        "$name" >"$T/after-$name.jsonl"
    c wr import "$T/after-$name.jsonl" >/dev/null || fail "$name: import after the heal"
    wait_converged "the event after $name"
    local sent
    sent=$(cat "$T/load-$name.sent")
    figure it_multihost "$name: fault for $((FAULT - FAULT / 3)) s, $sent events in $FAULT s: converged after the heal, ms" "$ms"
}
# the log read from the store's host with the writers' key
store_ids() {
    c st --timeout 60000 tail --from 1 --until-head --json | jq -r .id
}

FAULTS=${MH_FAULTS:-loss delay cut-svc cut-wr kill-store reboot-store reboot-svc}
for f in $FAULTS; do
    case $f in
    loss) fault loss 'fault_loss st 5' 'fault_clear st' ;;
    delay) fault delay 'echo 200 >"$T/delay"' 'echo 0 >"$T/delay"' ;;
    cut-svc) fault cut-svc 'fault_cut st 10.77.0.2; fault_cut st 10.77.0.3' 'fault_clear st' ;;
    cut-wr) fault cut-wr 'fault_cut st 10.77.0.4' 'fault_clear st' ;;
    kill-store)
        fault kill-store \
            'fault_cut st 10.77.0.2; fault_cut st 10.77.0.3; kill -9 $store_PID; wait $store_PID || true; start_store' \
            'wait_for c wr --timeout 1000 ping; fault_clear st' ;;
    reboot-store) # the services keep half-open connections to the old host
        fault reboot-store \
            'fault_cut svc 10.77.0.1; fault_cut edge 10.77.0.1; netns_reboot_host st 1; start_store' \
            'wait_for c wr --timeout 1000 ping; fault_clear svc; fault_clear edge' ;;
    reboot-svc) fault reboot-svc 'netns_kill_host svc; start_svc' ':' ;;
    *) fail "MH_FAULTS: unknown fault $f" ;;
    esac
done

# the end: every acknowledged event once in the log (read once for all
# the faults), answers equal a --rebuild's, reminders issued once, SSE
store_ids st >"$T/ids"
doubled=$(sort "$T/ids" | uniq -d | wc -l)
for f in $FAULTS; do
    lost=$(awk '{print $1}' "$T/acked-$f" | sort -u | comm -23 - <(sort -u "$T/ids") | wc -l)
    figure it_multihost "$f: acknowledged events lost" "$lost"
    expect_eq "$lost" 0 "$f: acknowledged events lost"
done
figure it_multihost "events stored twice (every fault)" "$doubled"
expect_eq "$doubled" 0 "events stored twice"
head=$(c wr head)
sse_at_head() { [ "$(tail -n 1 "$T/sse.ids" | tr -d '\r ')" = "$head" ]; }
wait_for sse_at_head
touch "$T/sse.stop"
wait "$SSE_PID" || true
for q in "stats --json" "reminders --json" "reminders --issued --json"; do
    c wr --timeout 20000 $q >"$T/live.$(echo "$q" | tr -c 'a-z' _)"
done
issued=$(grep -c . "$T/live.reminders___issued___json_" || true)
dups=$(jq -c '[.rule,.state,.subject,.stage]' "$T/live.reminders___issued___json_" | sort | uniq -d | wc -l)
expect_eq "$dups" 0 "reminders issued twice"
stored=$(c st --timeout 60000 tail --from 1 --until-head --topic reminder.issued --json | grep -c . || true)
expect_eq "$stored" "$issued" "reminder.issued events in the store against the service's issued list"
# a rebuild of both services on the store's host, from its log
(
    role st
    export OPCAT_DATA=$T/rebuild OPCAT_REMINDERS=ipc://$T/sock/rb-rem OPCAT_STATS=ipc://$T/sock/rb-agg
    export OPCAT_APPEND=tcp://10.77.0.1:7701 OPCAT_CURVE_CLIENT_KEY=$T/svc.key
    # the rebuilt reminder service must not append: give it no write path
    export OPCAT_APPEND=ipc://$T/sock/nowhere
    start_on st rb_rem opcat-reminderd --rebuild
    start_on st rb_agg opcat-aggregated --rebuild
    rb() { on st "$OPCAT_BIN/opcatctl" "$@"; }
    wait_for rb --timeout 2000 ping --service reminders --caught-up
    wait_for rb --timeout 2000 ping --service stats --caught-up
    for q in "stats --json" "reminders --json" "reminders --issued --json"; do
        rb --timeout 20000 $q >"$T/rebuilt.$(echo "$q" | tr -c 'a-z' _)"
    done
    stop "$rb_rem_PID"
    stop "$rb_agg_PID"
)
for f in "$T"/live.*; do
    cmp -s "$f" "$T/rebuilt.${f##*/live.}" || fail "${f##*/live.} differs from a --rebuild's: $(diff "$f" "$T/rebuilt.${f##*/live.}" | head -4)"
done
expect_eq "$(c wr head)" "$head" "nothing appended by the rebuild"
seen=$(sort -n "$T/sse.ids" | uniq | wc -l)
twice=$(sort -n "$T/sse.ids" | uniq -d | wc -l)
last=$(sort -n "$T/sse.ids" | tail -n 1)
figure it_multihost "SSE client (resumed with Last-Event-ID): events missed / seen twice" "$((last - seen)) / $twice"
expect_eq "$twice" 0 "SSE events seen twice"
expect_eq "$seen" "$last" "SSE events 1..$last each seen"
echo "it_multihost: 6 faults passed"
