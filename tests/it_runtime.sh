#!/usr/bin/env bash
# Integration: the daemons' loops wait for nothing.
#   1. opcat-reminderd fires through an APPEND endpoint that never answers
#      (a second store, frozen with SIGSTOP): its loop keeps answering
#      queries while the request is unanswered, gives it up after its
#      timeout, and fires once that store answers again.
#   2. opcat-notifyd delivers to a webhook that takes 2 s to answer: curl's
#      socket is in the loop, so the daemon sleeps until it is ready
#      instead of waking every few milliseconds to drive curl.
#   3. opcat-stored sends its heartbeat every second under steady traffic
#      (a timer of the loop), not only when a poll comes back idle.
source "$(dirname "$0")/lib.sh"

# ------------------------------- 1. reminderd's APPEND does not block it
start_store
cat >"$T/r.jsonl" <<'JSON'
{"type":"report.transmitted","occurred_on":"2025-01-15","state":"PER","report_id":"R1","recipient":"state"}
JSON
ctl import "$T/r.jsonl" >/dev/null || fail "import"

# the second store: only its APPEND endpoint is used, by reminderd
mkdir -p "$T/mute"
mute() {
    OPCAT_APPEND="ipc://$T/sock/mute-append" OPCAT_PUBLISH="ipc://$T/sock/mute-publish" \
    OPCAT_APPEND_REMINDERS="ipc://$T/sock/mute-append-reminders" \
    OPCAT_REPLAY="ipc://$T/sock/mute-replay" OPCAT_PUBLIC="ipc://$T/sock/mute-public" \
    OPCAT_PUBLIC_REPLAY="ipc://$T/sock/mute-public-replay" OPCAT_DATA="$T/mute" "$@"
}
mute start mute opcat-stored
mute wait_for ctl --timeout 500 ping
kill -STOP "$mute_PID"
AT_EXIT+=("kill -CONT $mute_PID")

# today the reply (due 2025-07-15) is overdue: one reminder to fire
OPCAT_NOW=2025-08-01 OPCAT_APPEND_REMINDERS="ipc://$T/sock/mute-append-reminders" \
    start rem opcat-reminderd
unanswered() { grep -q "no answer from the store's APPEND endpoint" "$T/rem.log"; }
wait_for unanswered

# for the next 8 s (more than one unanswered request and its retry), every
# status query is answered at once
slowest=0
end=$((SECONDS + 8))
n=0
while [ $SECONDS -lt $end ]; do
    t0=$(date +%s%N)
    ctl --timeout 1000 ping --service reminders >/dev/null ||
        fail "reminderd did not answer a status query within 1 s while its APPEND was unanswered"
    ms=$((($(date +%s%N) - t0) / 1000000))
    [ $ms -gt $slowest ] && slowest=$ms
    n=$((n + 1))
done
rounds=$(grep -c "no answer from the store's APPEND endpoint" "$T/rem.log")
[ "$rounds" -ge 2 ] || fail "expected at least 2 unanswered rounds, saw $rounds"
figure it_runtime "reminderd status queries answered while APPEND hung" "$n, slowest ${slowest} ms"

# the mute store answers again: the reminder is fired into it, once
kill -CONT "$mute_PID"
in_mute() { mute ctl --timeout 2000 tail --from 1 --until-head --topic reminder.issued --json; }
fired() { [ "$(in_mute | grep -c '"subject":"R1"')" = 1 ]; }
wait_for fired

# ---------------------------- 2. notifyd waits on curl's socket, asleep
HTTP="$T/http"
mkdir -p "$HTTP"
python3 "$OPCAT_SOURCE_DIR/tests/ntf_sink.py" http "$HTTP" >>"$T/sink.log" 2>&1 &
PIDS+=("$!")
wait_for test -s "$HTTP/port"
echo "slow 2" >"$HTTP/slow.mode"
cat >"$T/notify.json" <<JSON
{"webhook": {"default": "http://127.0.0.1:$(cat "$HTTP/port")/hook/slow"},
 "timeout_ms": 10000}
JSON
# the mute store now holds the reminder: notifyd follows that store
NO_PROXY=127.0.0.1 OPCAT_NOTIFY_CONFIG="$T/notify.json" OPCAT_NOW=2025-08-01 \
    mute start ntf opcat-notifyd
# up to a minute: under the sanitizers notifyd starts and catches up slowly
wait_for_s 60 test -s "$HTTP/attempts.jsonl"
switches() { awk '/^voluntary_ctxt_switches/ {print $2}' "/proc/$ntf_PID/status"; }
before=$(switches)
t0=$(date +%s%N)
while [ $((($(date +%s%N) - t0) / 1000000)) -lt 1500 ]; do sleep 0.1; done
wakeups=$(($(switches) - before))
figure it_runtime "notifyd context switches in 1.5 s of a slow webhook" "$wakeups"
[ "$wakeups" -lt 25 ] ||
    fail "notifyd woke $wakeups times in 1.5 s waiting for one webhook (curl driven by polling?)"
delivered() { grep -q '"name": "slow"' "$HTTP/received.jsonl" 2>/dev/null; }
wait_for delivered

# -------------------------- 3. the store's heartbeat under steady traffic
awk 'BEGIN { for (i = 1; i <= 50000; i++)
    printf "{\"type\":\"followup.dialogue\",\"occurred_on\":\"2025-%02d-%02d\",\"state\":\"AUS\",\"with\":\"state\",\"id\":\"hb-%d\"}\n", i % 12 + 1, i % 28 + 1, i }' >"$T/load.jsonl"
ctl import --batch 1 --window 1 "$T/load.jsonl" >"$T/load.out" 2>&1 &
load=$!
PIDS+=("$load")
# once the import runs, count the heartbeats for 3 s while it goes on
importing() { [ "$(ctl --timeout 1000 head)" -gt 1000 ]; }
wait_for importing
read -r beats gap < <("$OPCAT_BIN/heartbeat_probe" "$OPCAT_PUBLISH" 3)
kill -0 "$load" 2>/dev/null || fail "the import ended before the 3 s of counting: no steady traffic"
figure it_runtime "store heartbeats in 3 s of steady appends (largest gap, ms)" "$beats ($gap)"
[ "$beats" -ge 2 ] ||
    fail "the store sent $beats heartbeats in 3 s of steady traffic (expected one a second)"
[ "$gap" -le 1600 ] || fail "the store's heartbeats were $gap ms apart under traffic"
kill "$load" 2>/dev/null || true
echo "PASS: loops wait without blocking or spinning ($n queries answered, slowest ${slowest} ms; notifyd $wakeups wake-ups in 1.5 s; store $beats heartbeats in 3 s of traffic)"
