#!/usr/bin/env bash
# it_gateway_load: opcat-gatewayd under load from hostile and careless
# clients while EVENTS events are imported (tests/gw_load.py load):
#   - SSE streams (SSE, of which FULL read every event from the first and
#     the others a topic that 1 event in 100 has), from 40 addresses;
#   - SLOW connections (from 10 addresses) that send a header line a
#     second and never end their headers;
#   - STALLED streams (from 10 addresses) that ask for every event and
#     stop reading.
# Throughout, /healthz answers 200 within 1 s and the gateway's resident
# memory stays under the bound of docs/GATEWAY.md (FIXED_MB + MB_PER_CONN
# per connection); at the end every reader that kept up has every event
# once, in order, every stalled stream has been closed by the gateway,
# and stalled clients resume with Last-Event-ID.
# Under the sanitizers (OPCAT_SANITIZED=1) the figures are a fifth and
# the memory bound is not judged (ASan's shadow memory counts in RSS).
# The connections are scaled down, and it says so, if the hard limit of
# open files does not allow about 8 descriptors per connection.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_gateway.sh"

if [ "${OPCAT_SANITIZED:-0}" = 1 ]; then
    : "${EVENTS:=20000}" "${SSE:=100}" "${SLOW:=40}" "${STALLED:=20}"
else
    : "${EVENTS:=100000}" "${SSE:=500}" "${SLOW:=200}" "${STALLED:=100}"
fi
FULL=${FULL:-4}
FIXED_MB=64    # the gateway without clients, with its threads' arenas
MB_PER_CONN=1  # a stream's bound (docs/GATEWAY.md, "Limits")
conns=$((SSE + SLOW + STALLED))

# every client holds a descriptor here and the gateway about six: the
# soft limit is raised as far as the hard one allows, and the figures
# scaled down to what it allows (said, not hidden)
want=$((conns * 8 + 1024))
ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt "$want" ]; then
    scale=$((($(ulimit -n) - 1024) * 100 / (conns * 8)))
    [ "$scale" -ge 10 ] || fail "open files limited to $(ulimit -n) (ulimit -Hn)"
    SSE=$((SSE * scale / 100)) SLOW=$((SLOW * scale / 100))
    STALLED=$((STALLED * scale / 100)) conns=$((SSE + SLOW + STALLED))
    echo "open files limited to $(ulimit -n): figures scaled to $scale%"
fi

awk -v n="$EVENTS" 'BEGIN { for (i = 1; i <= n; i++)
    printf "{\"type\":\"followup.dialogue\",\"occurred_on\":\"2025-05-05\",\"state\":\"%s\",\"with\":\"state\",\"id\":\"gl-%d\"}\n",
        i % 100 == 0 ? "NZL" : "AUS", i }' >"$T/in.jsonl"

export OPCAT_HTTP_MAX_CONNECTIONS=$((conns + 64)) OPCAT_HTTP_MAX_PER_CLIENT=32
# readers share two busy cores with the daemons: a stall of 5 s is theirs
export OPCAT_HTTP_HEADER_TIMEOUT=2 OPCAT_HTTP_STALL_TIMEOUT=5
start_pipeline
# a service is degraded when it has not answered a probe in 15 s: on two
# cores shared with the import, the readers and other work, the store's
# REPLAY is busy, not down
start_gateway --timeout 15000
port=${GW##*:}
bound_mb=$((FIXED_MB + MB_PER_CONN * conns))
judge=$bound_mb
[ "${OPCAT_SANITIZED:-0}" = 1 ] && judge=0

python3 "$OPCAT_SOURCE_DIR/tests/gw_load.py" load --port "$port" \
    --pid "$gw_PID" --sse "$SSE" --full "$FULL" \
    --topic followup.dialogue/NZL --topic-events $((EVENTS / 100)) \
    --slow "$SLOW" --stalled "$STALLED" --events "$EVENTS" --stall-timeout 5 \
    --rss-bound-mb "$judge" --ready "$T/ready" --deadline 240 \
    >"$T/load.json" &
load_pid=$!
PIDS+=("$load_pid")
wait_for test -e "$T/ready"
start_s=$SECONDS
ctl --timeout 60000 import --batch 5000 --window 4 "$T/in.jsonl" >/dev/null ||
    fail "import"
echo "imported $EVENTS events in $((SECONDS - start_s)) s"
wait "$load_pid" || { grep -v "^$" "$T/gw.log" | sort | uniq -c | sort -rn | head -20 >&2; fail "load: $(cat "$T/load.json")"; }
echo "load: $(cat "$T/load.json")"
m() { jq -r ".$1" "$T/load.json"; }
grep -F 'opcat_gateway_closed_total' <(get /metrics)
stop "$gw_PID"

figure it_gateway_load "SSE streams / slow-header connections / stalled streams during an import of $EVENTS events" "$SSE / $SLOW / $STALLED"
figure it_gateway_load "slowest /healthz answer (asked every 0.25 s), s" "$(m health_slowest_s)"
figure it_gateway_load "gateway peak RSS, MiB (bound $bound_mb)" "$(m rss_peak_mb)"
figure it_gateway_load "readers that kept up with every event once, in order" "$(m full_readers_complete) of $FULL full, $(m topic_readers_complete) of $((SSE - FULL)) by topic"
figure it_gateway_load "stalled streams closed by the gateway; resumed with Last-Event-ID complete" "$(m nonreaders_disconnected) of $STALLED; $(m resumed_complete) of 3"
echo "it_gateway_load: passed"
