#!/usr/bin/env bash
# Integration: opcat-stored and opcatctl end to end on ipc:// endpoints.
# import then tail; re-import stores nothing; a bad line stores nothing and
# is named; a broken cross-reference refuses the whole file; restart keeps
# everything; live tail and catch-up switch-over with no gap or duplicate.
source "$(dirname "$0")/lib.sh"
# every type but reminder.*, which only the reminder service's endpoint takes
FIX="$T/every-type.jsonl"
grep -v '"reminder\.' "$OPCAT_SOURCE_DIR/tests/fixtures/every-type.jsonl" >"$FIX"
grep '"reminder\.' "$OPCAT_SOURCE_DIR/tests/fixtures/every-type.jsonl" >"$T/reminders.jsonl"
N=$(grep -c . "$FIX")

start_store
out=$(ctl import "$FIX")
expect_eq "$out" "$FIX: $N events: $N accepted, 0 duplicate" "first import"
out=$(OPCAT_APPEND=$OPCAT_APPEND_REMINDERS ctl import "$T/reminders.jsonl")
N=$((N + $(grep -c . "$T/reminders.jsonl")))
expect_eq "$(ctl head)" "$N" "head after import"

lines=$(ctl tail --from 1 --until-head --json | wc -l)
expect_eq "$lines" "$N" "events replayed"
ctl tail --from 1 --until-head --json >"$T/public"
grep -q '"content"' "$T/public" &&
    fail "tail shows confidential content without --with-content"
ctl tail --from 1 --until-head --json --with-content >"$T/full"
grep -q '"content":"confidential text"' "$T/full" ||
    fail "tail --with-content lost the content"

out=$(ctl import "$FIX")
expect_eq "$out" "$FIX: $((N - 1)) events: 0 accepted, $((N - 1)) duplicate" "re-import"

# a bad line: nothing stored, the line named with field and rule
cat >"$T/bad.jsonl" <<'JSON'
{"type":"state.signed","occurred_on":"2025-01-01","state":"AGO","id":"ok-1"}

{"type":"state.signed","occurred_on":"2025-02-30","state":"AGO","id":"bad-date"}
{"type":"state.ratified","occurred_on":"2025-01-01","state":"ZZZ","instrument":"accession"}
JSON
if ctl import "$T/bad.jsonl" >"$T/out" 2>"$T/err"; then fail "bad file accepted"; fi
grep -q "bad.jsonl:3: occurred_on: \"2025-02-30\" is not a real date" "$T/err" ||
    fail "line 3 not named: $(cat "$T/err")"
grep -q "bad.jsonl:4: state: \"ZZZ\" is not an ISO 3166-1" "$T/err" ||
    fail "line 4 not named: $(cat "$T/err")"
expect_eq "$(ctl head)" "$N" "head after a bad file"

# a cross-reference only the store can check: the whole file is refused
cat >"$T/ref.jsonl" <<'JSON'
{"type":"state.signed","occurred_on":"2025-01-01","state":"AGO","id":"ok-2"}
{"type":"reply.received","occurred_on":"2025-03-01","state":"AGO","report_id":"never-sent"}
JSON
if ctl import "$T/ref.jsonl" 2>"$T/err"; then fail "broken reference accepted"; fi
grep -q 'ref.jsonl:2: report_id: "never-sent" was never transmitted' "$T/err" ||
    fail "reference error not named: $(cat "$T/err")"
expect_eq "$(ctl head)" "$N" "head after a refused file"

# restart on the same data
stop "$store_PID"
grep -q "stopping: head $N" "$T/store.log" || fail "no shutdown line"
start_store
expect_eq "$(ctl head)" "$N" "head after restart"
ctl get "$N" --json >"$T/got"
grep -q "\"sequence\":$N" "$T/got" || fail "get after restart"

# live tail: only new events (from the head on: what is published before
# its subscription reaches the store comes through REPLAY, so no waiting)
ctl tail --from $((N + 1)) --count 2 --json >"$T/live" &
tail_pid=$!
echo '{"type":"state.signed","occurred_on":"2025-01-02","state":"AGO"}' | ctl publish >/dev/null
echo '{"type":"state.signed","occurred_on":"2025-01-03","state":"AGO"}' | ctl publish >/dev/null
wait "$tail_pid"
expect_eq "$(sed 's/.*"sequence":\([0-9]*\).*/\1/' "$T/live" | tr '\n' ' ')" "$((N + 1)) $((N + 2)) " "live tail"

# catch-up then live, publishing during the switch-over
total=$((N + 2 + 20))
ctl tail --from 1 --count "$total" --json >"$T/all" &
tail_pid=$!
for i in $(seq 20); do
    echo "{\"type\":\"state.signed\",\"occurred_on\":\"2025-03-$(printf %02d "$i")\",\"state\":\"AGO\"}" | ctl publish >/dev/null
done
wait "$tail_pid"
seqs=$(sed 's/.*"sequence":\([0-9]*\).*/\1/' "$T/all" | tr '\n' ' ')
expect_eq "$seqs" "$(seq -s ' ' 1 "$total") " "switch-over: every sequence once, in order"

# a topic filter
ctl tail --from 1 --until-head --topic report. --json >"$T/reports"
expect_eq "$(grep -c . "$T/reports")" "2" "topic filter"

# a crash between commit and acknowledgement (failpoint store.after_commit):
# the writer gets no answer; after a restart the event is there once and
# sending it again is answered "duplicate"
need_failpoints
before=$(ctl head)
stop "$store_PID"
OPCAT_FAILPOINT=store.after_commit:crash@$((before + 1)) start_store
echo '{"type":"state.signed","occurred_on":"2025-04-01","state":"AGO","id":"unacked-1"}' >"$T/unacked.jsonl"
if ctl --timeout 3000 import "$T/unacked.jsonl" >"$T/unacked.out" 2>&1; then
    fail "acknowledged although the store died before answering: $(cat "$T/unacked.out")"
fi
died_at "$store_PID" store.after_commit "$T/store.log"
start_store
expect_eq "$(ctl head)" $((before + 1)) "head after a crash between commit and acknowledgement"
expect_eq "$(ctl import "$T/unacked.jsonl")" "$T/unacked.jsonl: 1 events: 0 accepted, 1 duplicate" \
    "the unacknowledged event sent again"
stop "$store_PID"
echo "it_store: 1 passed, 0 failed"
