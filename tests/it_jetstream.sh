#!/usr/bin/env bash
# Integration: the copy of the log on a three-node NATS JetStream cluster
# (R3), each node on a host of its own (network namespaces, see
# tests/lib_netns.sh), the store, opcat-bridged and the consumers on a
# fourth.
#   1. under a steady load, one node killed -9 and restarted;
#   2. under load, one node cut off from the others and the store's host;
#   3. the bridge at the store's head once the load stops (its lag under
#      load measured), then the store's data directory deleted, the log
#      restored from the cluster with `opcatctl restore --from-jetstream`,
#      started while two of the three nodes are down (it waits for them):
#      every envelope equal to the original's under the same sequence, and
#      consumers rebuilt from it answering the same stats and reminders.
# Root only (CI runs as root); skipped (77) where namespaces cannot be made.
#   JS_RATE (events/s, default 200), JS_SECONDS (per fault, default 8)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_netns.sh"
netns_ok || { echo "it_jetstream: skipped: needs root, ip netns and nft"; exit 77; }
command -v nats-server >/dev/null || { echo "it_jetstream: skipped: no nats-server"; exit 77; }
RATE=${JS_RATE:-200}
SECS=${JS_SECONDS:-8}
export OPCAT_NOW=2025-06-01

netns_init
netns_host st 1
for n in 1 2 3; do netns_host "n$n" $((10 + n)); done
NATS="nats://10.77.0.11:4222,nats://10.77.0.12:4222,nats://10.77.0.13:4222"
export OPCAT_NATS=$NATS OPCAT_BRIDGE="ipc://$T/sock/bridge"

nats_start() {
    local n=$1 ip=10.77.0.$((10 + $1))
    cat >"$T/n$n.conf" <<CONF
server_name: n$n
listen: $ip:4222
http: $ip:8222
jetstream { store_dir: "$T/nats-n$n" }
cluster {
  name: opcat
  listen: $ip:6222
  routes: [nats-route://10.77.0.11:6222, nats-route://10.77.0.12:6222, nats-route://10.77.0.13:6222]
}
CONF
    # not through the function 'on': $! must be the server's own pid
    ip netns exec "${NETNS_P}n$n" nats-server -c "$T/n$n.conf" >>"$T/n$n.log" 2>&1 &
    PIDS+=("$!")
    printf -v "n${n}_PID" '%s' "$!"
}
for n in 1 2 3; do nats_start "$n"; done

st() { on st "$OPCAT_BIN/opcatctl" "$@"; }
start_on st store opcat-stored
wait_for st --timeout 500 ping
# a log to catch up with before the bridge starts: replay pages of 16,384
# events, each published in one round
for f in states npm-designations; do st import "$OPCAT_SOURCE_DIR/data/$f.jsonl" >/dev/null; done
for ((k = 0; k < 20000; k++)); do
    printf '{"type":"state.signed","id":"old-%d","occurred_on":"2003-02-04","state":"CRI"}\n' "$k"
done >"$T/old.jsonl"
st --timeout 60000 import --batch 2000 "$T/old.jsonl" >/dev/null || fail "import of the old log"
start_on st bridge opcat-bridged --replicas 3 --ack-wait 3000
start_on st rem opcat-reminderd
start_on st agg opcat-aggregated
caught_up() { st --timeout 1000 ping --service "$1" --caught-up; }
bridge_caught_up() { caught_up "$OPCAT_BRIDGE"; }
# the cluster elects its JetStream leader, the bridge makes the stream and
# catches up
t0=$(date +%s%3N)
for _ in $(seq 600); do bridge_caught_up >/dev/null 2>&1 && break; sleep 0.1; done
bridge_caught_up >/dev/null || fail "the bridge never reached the head: $(tail -3 "$T/bridge.log")"
figure it_jetstream "catch-up of a log of $(st head) events onto the R3 stream, from the bridge's start, ms" $(($(date +%s%3N) - t0))

# lag_sampler FILE: the bridge's lag (events behind the head), twice a
# second, until the load is over
lag_sampler() {
    while [ ! -e "$T/load-done" ]; do
        st --timeout 1000 ping --service "$OPCAT_BRIDGE" --json 2>/dev/null |
            jq -r '.lag // empty' >>"$1" || true
        sleep 0.5
    done
}

# a fault under load: the load for SECS/2 s, FAULT-START, SECS s,
# FAULT-END as the load ends; prints the ms from the heal until the
# bridge is back at the store's head
under_load() {
    local tag=$1 start=$2 end=$3
    rm -f "$T/load-done"
    load_run st "$RATE" $((SECS / 2 + SECS)) "$tag" &
    local load=$!
    lag_sampler "$T/lag-$tag" &
    local sampler=$!
    sleep $((SECS / 2))
    eval "$start"
    sleep "$SECS"
    eval "$end"
    local healed
    healed=$(date +%s%3N)
    wait "$load" # it ends about now
    touch "$T/load-done"
    wait "$sampler"
    wait_for bridge_caught_up
    echo $(($(date +%s%3N) - healed))
}

# 1. one node killed -9 and restarted
ms=$(under_load kill 'kill -9 $n2_PID' 'nats_start 2')
read -r lost doubled < <(lost_and_doubled st kill)
expect_eq "$lost $doubled" "0 0" "events lost and doubled after a node's kill -9"
figure it_jetstream "one of three nodes killed -9 for ${SECS} s under ~${RATE} ev/s: bridge at the store's head after the heal, ms" "$ms"

# 2. one node cut off from the others and from the store's host
ms=$(under_load cut 'fault_cut n3 10.77.0.0/24' 'fault_clear n3')
read -r lost doubled < <(lost_and_doubled st cut)
expect_eq "$lost $doubled" "0 0" "events lost and doubled after a node's partition"
figure it_jetstream "one of three nodes partitioned for ${SECS} s under ~${RATE} ev/s: bridge at the store's head after the heal, ms" "$ms"
lag=$(cat "$T"/lag-* | sort -n | tail -1)
figure it_jetstream "bridge lag under load (largest of the samples), events" "${lag:-0}"
grep -q "events not acknowledged" "$T/bridge.log" &&
    echo "the bridge resent batches while a node was away (expected)"

# 3. the store's data lost, restored from the cluster
# the reminder service appends its reminders: once it is idle and
# stopped, the log is final; then the bridge must have all of it
rem_idle() {
    caught_up reminders && st --timeout 1000 reminders --status | grep -q '"idle":true' &&
        caught_up reminders
}
wait_for rem_idle
wait_for caught_up stats
st --timeout 10000 stats --json >"$T/stats.orig"
st --timeout 10000 reminders --json >"$T/rem.orig"
st --timeout 10000 reminders --issued --json >"$T/issued.orig"
stop "$rem_PID"
head=$(st head)
wait_for bridge_caught_up
for p in "$agg_PID" "$bridge_PID" "$store_PID"; do stop "$p"; done
mdb_dump -s log "$OPCAT_DATA/store" >"$T/log.orig"
rm -rf "$OPCAT_DATA"
# the restore starts with two of the three nodes down (no quorum: the
# stream has no leader, JetStream answers "temporarily unavailable" or
# not at all) and must wait for them instead of giving up
# (by namespace: a node restarted by under_load ran in a subshell, whose
# $! this shell never saw; a zombie left to this shell counts as gone)
node_gone() {
    local pid
    for pid in $(ip netns pids "${NETNS_P}n$1"); do
        [[ "$(ps -o stat= -p "$pid")" == Z* ]] || return 1
    done
}
for n in 2 3; do
    ip netns pids "${NETNS_P}n$n" | xargs -r kill -TERM
    wait_for_s 30 node_gone "$n"
done
# n1, alone, may still lead for a while and answer from its copy; the
# restore is started once it has stepped down (its monitoring port's
# /jsz names no metadata leader)
leaderless() {
    local leader
    leader=$(on n1 curl -sf "http://10.77.0.11:8222/jsz" | jq -r '.meta_cluster.leader // ""') &&
        [ -z "$leader" ]
}
wait_for_s 60 leaderless
on st "$OPCAT_BIN/opcatctl" restore --from-jetstream --wait 90 \
    >"$T/restore.out" 2>"$T/restore.err" &
restore_pid=$!
wait_for_s 30 grep -q "temporarily unavailable.*asking again for up to 90 s" "$T/restore.err"
t0=$(date +%s%3N)
for n in 2 3; do nats_start "$n"; done
wait "$restore_pid" || fail "restore: $(cat "$T/restore.out" "$T/restore.err")"
t1=$(date +%s%3N)
grep -q "answered after" "$T/restore.err" ||
    fail "the restore never said it was answered again: $(cat "$T/restore.err")"
mdb_dump -s log "$OPCAT_DATA/store" >"$T/log.restored"
# mdb_dump: one line per key (the sequence) and one per record (topic and
# envelope), in hex
unlike=$(diff "$T/log.orig" "$T/log.restored" | grep -c '^[<>]' || true)
figure it_jetstream "events restored from the R3 stream after the store's data directory was deleted" "$head"
figure it_jetstream "restored dump lines unlike the original's (sequences and envelopes, byte by byte)" "$unlike"
expect_eq "$unlike" 0 "restored log against the original"
grep -q "head $head" "$T/restore.out" || fail "restored head: $(cat "$T/restore.out"), expected $head"
figure it_jetstream "restore time for those events, from the two nodes' restart (their election included), ms" $((t1 - t0))

start_on st store2 opcat-stored
wait_for st --timeout 500 ping
start_on st rem2 opcat-reminderd
start_on st agg2 opcat-aggregated
wait_for caught_up reminders
wait_for caught_up stats
cmp -s <(st --timeout 10000 stats --json) "$T/stats.orig" || fail "stats after the restore differ"
cmp -s <(st --timeout 10000 reminders --json) "$T/rem.orig" || fail "reminders after the restore differ"
cmp -s <(st --timeout 10000 reminders --issued --json) "$T/issued.orig" ||
    fail "issued reminders after the restore differ"
expect_eq "$(st head)" "$head" "no reminder fired again after the restore"
echo "it_jetstream: 3 passed, 0 failed"
