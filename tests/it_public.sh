#!/usr/bin/env bash
# Integration: the public stream (OPCAT_PUBLIC, OPCAT_PUBLIC_REPLAY) never
# carries what OPCAT art. 16 keeps confidential: a report's content, and
# anything about a report to an NPM beyond its existence.  The client asks
# for content (--with-content), so only the store's redaction can keep it
# out.  The full stream still has it.
source "$(dirname "$0")/lib.sh"
start_store
cat >"$T/events.jsonl" <<'JSON'
{"type":"report.transmitted","occurred_on":"2025-08-31","state":"PER","report_id":"R-S","recipient":"state","visit_id":"V-1","content":"SECRET-STATE-REPORT"}
{"type":"report.transmitted","occurred_on":"2025-09-01","state":"PER","report_id":"R-N","recipient":"npm","visit_id":"V-NPM","content":"SECRET-NPM-REPORT","note":"NPM-DETAIL"}
{"type":"reply.received","occurred_on":"2025-12-01","state":"PER","report_id":"R-N","note":"NPM-REPLY-DETAIL"}
{"type":"reply.received","occurred_on":"2025-12-02","state":"PER","report_id":"R-S","note":"a state reply"}
JSON

# a live subscriber on the public stream, started before the import, from
# the head on (events before its subscription arrives come through REPLAY)
from=$(($(ctl head) + 1)) # read before the import starts
OPCAT_PUBLISH=$OPCAT_PUBLIC OPCAT_REPLAY=$OPCAT_PUBLIC_REPLAY \
    ctl tail --from "$from" --count 4 --json --with-content >"$T/out-live" &
tail_pid=$!
ctl import "$T/events.jsonl" >/dev/null
wait "$tail_pid"
OPCAT_PUBLISH=$OPCAT_PUBLIC OPCAT_REPLAY=$OPCAT_PUBLIC_REPLAY \
    ctl tail --from 1 --until-head --json --with-content >"$T/out-replay"

for f in out-live out-replay; do
    expect_eq "$(grep -c . "$T/$f")" "4" "$f: every event is there"
    if grep -E 'SECRET|V-NPM|NPM-DETAIL|NPM-REPLY-DETAIL' "$T/$f"; then
        fail "$f carries confidential fields"
    fi
    grep -q '"report_id":"R-N","recipient":"npm"' "$T/$f" || fail "$f: the NPM report's existence is gone"
    grep -q '"visit_id":"V-1"' "$T/$f" || fail "$f: a State report's visit_id was removed"
    grep -q '"note":"a state reply"' "$T/$f" || fail "$f: a State reply's note was removed"
done

ctl tail --from 1 --until-head --json --with-content >"$T/full"
grep -q SECRET-NPM-REPORT "$T/full" || fail "the full stream lost the content"
stop "$store_PID"
figure it_public "confidential fields seen on the public stream (live and replay)" 0
echo "it_public: 1 passed, 0 failed"
