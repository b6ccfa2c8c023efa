#!/usr/bin/env bash
# Integration: a subscriber that stops reading.  While it is stopped
# (SIGSTOP) 400,000 events are committed: far past the PUB and SUB
# high-water marks, so messages for it are dropped.  The store's memory
# stays bounded; when the subscriber resumes it notices the hole by
# sequence and fills it through REPLAY: it prints every sequence once, in
# order.
source "$(dirname "$0")/lib.sh"
N=${N:-400000}
awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++)
    printf "{\"type\":\"followup.dialogue\",\"occurred_on\":\"2025-05-05\",\"state\":\"AUS\",\"with\":\"state\",\"id\":\"s-%d\"}\n", i }' >"$T/in.jsonl"
start_store
# two warm-up events: the subscriber must be subscribed before it stops
warm() {
    echo "{\"type\":\"followup.dialogue\",\"occurred_on\":\"2025-05-05\",\"state\":\"AUS\",\"with\":\"state\",\"id\":\"warm-$1\"}" |
        ctl publish >/dev/null
}
seen_lines() { [ "$(grep -c . "$T/seen")" -ge "$1" ]; }
warm 1
# the binary itself, not the ctl function: SIGSTOP must reach it
"$OPCAT_BIN/opcatctl" tail --from 1 --count $((N + 2)) --json >"$T/seen" 2>"$T/tail.err" &
tail_pid=$!
PIDS+=("$tail_pid") # stopped by pid at exit, even if the test fails
# 1 comes through REPLAY, whose page says the head is 1; 2, committed only
# then, can only reach it through PUBLISH (live, or the heartbeat that
# shows the hole): once it is printed, the subscription is in place
wait_for seen_lines 1
warm 2
wait_for seen_lines 2
kill -STOP "$tail_pid"
ctl --timeout 60000 import --batch 5000 --window 4 "$T/in.jsonl" >/dev/null
# RSS counts the LMDB pages the store has read through its map (file
# cache); RssAnon is its own heap and queues, which the HWMs bound
rss=$(awk '/VmHWM/ {print $2}' "/proc/$store_PID/status")
anon=$(awk '/RssAnon/ {print $2}' "/proc/$store_PID/status")
echo "store with a stopped subscriber after $N events: peak RSS $((rss / 1024)) MiB, heap and queues (RssAnon) $((anon / 1024)) MiB"
if [ "${OPCAT_SANITIZED:-0}" = 1 ]; then
    echo "(sanitizer build: its shadow memory and quarantine count in RssAnon; not judged)"
elif [ "$anon" -ge $((200 * 1024)) ]; then
    fail "store heap grew to $((anon / 1024)) MiB"
fi
kill -CONT "$tail_pid"
wait "$tail_pid" || fail "the subscriber failed"
sed 's/.*"sequence":\([0-9]*\).*/\1/' "$T/seen" >"$T/seqs"
seq 1 $((N + 2)) | cmp -s - "$T/seqs" || fail "the subscriber has a hole or a duplicate"
grep -q "filled in through REPLAY" "$T/tail.err" ||
    fail "no message was dropped: the test did not exercise a hole"
echo "subscriber resumed and received all $N events in order; $(cat "$T/tail.err")"
stop "$store_PID"
figure it_slowsub "events committed while a subscriber was stopped" "$N"
figure it_slowsub "store heap (RssAnon) meanwhile, MiB" "$((anon / 1024))"
figure it_slowsub "events the resumed subscriber missed" 0
echo "it_slowsub: 1 passed, 0 failed"
