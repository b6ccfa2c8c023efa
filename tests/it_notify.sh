#!/usr/bin/env bash
# Integration: opcat-notifyd against a real opcat-stored and
# opcat-reminderd (fixed clock), delivering to an SMTP sink and an HTTP
# sink on 127.0.0.1 (tests/ntf_sink.py, free ports):
#   1. reminders fired by reminderd arrive by mail and by webhook, routed
#      by State, region, rule and default, each carrying its reminder id
#      (Idempotency-Key, Message-ID, X-Opcat-Reminder-Id);
#   2. a sink that fails twice (HTTP 500, SMTP 451) then accepts gets the
#      delivery on the 3rd attempt, after the back-off, and the record
#      says 3 attempts;
#   3. a sink that always fails gives a failed record (opcatctl
#      notifications --failed); --retry once the sink is fixed delivers;
#      bad --retry requests get errors naming the field;
#   4. pending deliveries survive kill -9 and a restart of notifyd;
#   5. --rebuild does not send history again (max_age_days);
#   6. a config error names the member; no config means nothing is sent.
source "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || fail "python3 is required (scripts/install-deps)"
command -v jq >/dev/null || fail "jq is required (scripts/install-deps)"
# the sinks are on loopback: no proxy between notifyd and them
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
unset OPCAT_NOTIFY_CONFIG

SINK="$OPCAT_SOURCE_DIR/tests/ntf_sink.py"
SMTP="$T/smtp"
HTTP="$T/http"
NTF_LOG="$T/ntf.log"

# ------------------------------------------------ the sinks
mkdir -p "$SMTP" "$HTTP"
python3 "$SINK" smtp "$SMTP" >>"$T/sink-smtp.log" 2>&1 &
PIDS+=("$!")
python3 "$SINK" http "$HTTP" >>"$T/sink-http.log" 2>&1 &
PIDS+=("$!")
wait_for test -s "$SMTP/port"
wait_for test -s "$HTTP/port"
SMTP_PORT=$(cat "$SMTP/port")
HTTP_PORT=$(cat "$HTTP/port")
HOOK="http://127.0.0.1:$HTTP_PORT/hook"
echo "sinks: smtp 127.0.0.1:$SMTP_PORT, http 127.0.0.1:$HTTP_PORT"

# mode SINKDIR NAME ok|fail|N: how that sink answers NAME from now on
mode() { echo "$3" >"$1/$2.mode"; }

# Routes: PER by State (mail), FRA through its region (weog, mail), KAZ
# by State (mail to a flaky server, webhook to a broken one), the NPM
# reply rule to a flaky webhook, everything else to the default webhook.
# The file's retry settings are overridden by flags below.
cat >"$T/notify.json" <<JSON
{"smtp": {"url": "smtp://127.0.0.1:$SMTP_PORT", "from": "opcat@test.example"},
 "email": {"states": {"PER": "per@npm.example",
                      "KAZ": ["flakymail@kaz.example"]},
           "regions": {"weog": ["weog@un.example"]}},
 "webhook": {"states": {"KAZ": "$HOOK/broken"},
             "rules": {"art12.npm_reply": "$HOOK/flaky"},
             "default": "$HOOK/ok"},
 "retry": {"base_ms": 60000, "max_attempts": 8},
 "timeout_ms": 3000}
JSON
mode "$SMTP" flakymail 2
mode "$HTTP" flaky 2
mode "$HTTP" broken fail

# ------------------------------------------------ 6. settings checks
out=$("$OPCAT_BIN/opcat-notifyd" -n 2>&1) || fail "-n without a config: $out"
grep -q "no destinations configured" <<<"$out" ||
    fail "without a config notifyd should say nothing is configured: $out"
cat >"$T/bad.json" <<JSON
{"webhook": {"regions": {"europe": "$HOOK/x"}}}
JSON
if out=$("$OPCAT_BIN/opcat-notifyd" -n --config "$T/bad.json" 2>&1); then
    fail "a bad region was accepted"
fi
grep -q 'webhook.regions.europe: not a region' <<<"$out" ||
    fail "the config error should name webhook.regions.europe: $out"
out=$("$OPCAT_BIN/opcat-notifyd" -n --config "$T/notify.json" 2>&1) ||
    fail "-n with the test config: $out"
grep -q "6 destinations" <<<"$out" || fail "6 destinations expected: $out"
# the example the docs point to stays valid
out=$("$OPCAT_BIN/opcat-notifyd" -n --config "$OPCAT_SOURCE_DIR/docker/notify.example.json" 2>&1) ||
    fail "docker/notify.example.json: $out"
grep -q "5 destinations" <<<"$out" || fail "the example has 5 destinations: $out"
# and the config can come from the environment
out=$(OPCAT_NOTIFY_CONFIG="$T/bad.json" "$OPCAT_BIN/opcat-notifyd" -n 2>&1) &&
    fail "OPCAT_NOTIFY_CONFIG was not read"

# ------------------------------------------------ the pipeline
start_store
cat >"$T/facts.jsonl" <<'JSON'
{"type":"report.transmitted","occurred_on":"2025-01-15","state":"PER","report_id":"R1","recipient":"state"}
{"type":"report.transmitted","occurred_on":"2025-01-15","state":"FRA","report_id":"R2","recipient":"npm"}
{"type":"report.transmitted","occurred_on":"2025-01-15","state":"KAZ","report_id":"R3","recipient":"state"}
JSON
ctl import "$T/facts.jsonl" >/dev/null || fail "import"

rem_idle() {
    ctl --timeout 500 ping --service reminders --caught-up &&
        ctl --timeout 500 reminders --status | grep -q '"idle":true'
}
start_rem() {
    OPCAT_NOW=$1 start rem opcat-reminderd
    wait_for rem_idle
}

# ntf_settled TOTAL: caught up, TOTAL deliveries, none pending or running
ntf_settled() {
    ctl --timeout 500 ping --service notify --caught-up >/dev/null &&
        ctl --timeout 500 notifications --status | jq -e \
            ".pending == 0 and .in_flight == 0 and .delivered + .failed == $1"
}
ntf_caught_up_with() { # ntf_caught_up_with N: caught up, N pending
    ctl --timeout 500 ping --service notify --caught-up >/dev/null &&
        ctl --timeout 500 notifications --status | jq -e ".pending == $1"
}
start_ntf() {
    OPCAT_NOW=$1 start ntf opcat-notifyd --config "$T/notify.json" "${@:2}"
    wait_for ctl --timeout 500 ping --service notify
}

# id_of SUBJECT STAGE: the reminder id the store gave that reminder
id_of() {
    ctl --timeout 10000 tail --from 1 --until-head --topic reminder.issued --json |
        jq -r "select(.subject == \"$1\" and .stage == \"$2\") | .id"
}
# rows [FLAG]: deliveries as JSON lines
rows() { ctl notifications --json "$@"; }
# row SUBJECT CHANNEL STAGE: one delivery's record
row() {
    rows | jq -c "select(.subject == \"$1\" and .channel == \"$2\" and .stage == \"$3\")"
}
received() { jq -c "select(.name == \"$2\")" "$1/received.jsonl"; }

start_rem 2025-07-15
expect_eq "$(ctl reminders --issued --json | grep -c .)" 3 "reminders issued on 2025-07-15"
ID1=$(id_of R1 due)
ID2=$(id_of R2 due)
ID3=$(id_of R3 due)
[ -n "$ID1" ] && [ -n "$ID2" ] && [ -n "$ID3" ] || fail "reminder ids: '$ID1' '$ID2' '$ID3'"
echo "reminders: R1 $ID1, R2 $ID2, R3 $ID3"
# the store attributes them to the reminder service's role
ctl tail --from 1 --until-head --topic reminder.issued --json |
    jq -e -s 'length == 3 and all(.written_by == "reminder")' >/dev/null ||
    fail "reminders not attributed to the reminder role"
# a forged reminder for PER (routed to per@ and the default hook if it were
# stored), through import and publish: refused, never delivered
FORGED='{"type":"reminder.issued","occurred_on":"2025-07-15","state":"PER","rule":"art12.state_reply","subject":"FORGED","due_on":"2025-07-15","stage":"due"}'
echo "$FORGED" >"$T/forged.jsonl"
if ctl import "$T/forged.jsonl" 2>"$T/err"; then fail "a forged reminder was imported"; fi
grep -q "written only by the reminder service" "$T/err" || fail "forged import: $(cat "$T/err")"
if echo "$FORGED" | ctl publish 2>"$T/err"; then fail "a forged reminder was published"; fi

# flags override the file's 60 s back-off and 8 attempts
start_ntf 2025-07-15 --retry-base-ms 200 --max-attempts 3
wait_for ntf_settled 6

# ------------------------------------------------ 1. what arrived
forged=$( (cat "$SMTP/received.jsonl" "$HTTP/received.jsonl" 2>/dev/null || true) | grep -c FORGED || true)
forged=$((forged + $(ctl tail --from 1 --until-head --topic reminder.issued --json | grep -c FORGED || true)))
expect_eq "$forged" 0 "forged reminders stored or delivered"
figure it_notify "forged reminder.issued (import, publish) stored, mailed or webhooked" "$forged"
r=$(received "$HTTP" ok)
expect_eq "$(echo "$r" | grep -c .)" 1 "webhooks to the default hook"
expect_eq "$(echo "$r" | jq -r '.headers["idempotency-key"]')" "$ID1" "Idempotency-Key of R1's webhook"
expect_eq "$(echo "$r" | jq -r '.headers["content-type"]')" "application/json" "webhook content type"
body=$(echo "$r" | jq -r .body)
expect_eq "$(echo "$body" | jq -r '[.reminder_id, .rule, .subject, .state, .stage, .due_on, .issued_on] | join(" ")')" \
    "$ID1 art12.state_reply R1 PER due 2025-07-15 2025-07-15" "R1's webhook body"

r=$(received "$SMTP" per)
expect_eq "$(echo "$r" | grep -c .)" 1 "mails to per@"
expect_eq "$(echo "$r" | jq -r '.rcpt | join(",")')" "per@npm.example" "R1's mail recipient"
expect_eq "$(echo "$r" | jq -r .mail_from)" "<opcat@test.example>" "mail sender"
mail=$(echo "$r" | jq -r .data)
for h in "X-Opcat-Reminder-Id: $ID1" "Message-ID: <$ID1@opcat-notifyd>" \
    "Subject: [OPCAT] due: art12.state_reply R1 (PER), due 2025-07-15" \
    "To: <per@npm.example>"; do
    grep -qF "$h" <<<"$mail" || fail "R1's mail lacks '$h': $mail"
done

# FRA reached through its region (data/regions.tsv: weog)
r=$(received "$SMTP" weog)
expect_eq "$(echo "$r" | grep -c .)" 1 "mails to weog@"
grep -qF "X-Opcat-Reminder-Id: $ID2" <(jq -r .data <<<"$r") || fail "weog@ did not get R2: $r"
[ -z "$(received "$SMTP" flakymail | jq -r .data | grep -F "$ID1")" ] || fail "R1 went to KAZ's address"

# ------------------------------------------------ 2. fails twice, then accepts
r=$(received "$HTTP" flaky)
expect_eq "$(echo "$r" | grep -c .)" 1 "webhooks to the flaky hook"
expect_eq "$(echo "$r" | jq -r '.headers["idempotency-key"]')" "$ID2" "flaky hook got R2"
expect_eq "$(jq -r 'select(.name == "flaky") | .ok' "$HTTP/attempts.jsonl" | tr '\n' ' ')" \
    "false false true " "flaky hook attempts"
expect_eq "$(row R2 webhook due | jq -r '[.status, .attempts] | join(" ")')" "delivered 3" "R2's webhook record"
# the back-off: 200 ms after the first failure, 400 ms after the second
gaps=$(jq -r 'select(.name == "flaky") | .t' "$HTTP/attempts.jsonl" |
    awk 'NR > 1 { printf "%d ", ($1 - prev) * 1000 } { prev = $1 }')
read -r g1 g2 <<<"$gaps"
[ "$g1" -ge 190 ] && [ "$g2" -ge 390 ] || fail "back-off gaps ${g1} ms, ${g2} ms: expected >= 200, >= 400"
echo "  flaky hook: attempts ${g1} ms and ${g2} ms apart"

r=$(received "$SMTP" flakymail)
expect_eq "$(echo "$r" | grep -c .)" 1 "mails to flakymail@"
grep -qF "X-Opcat-Reminder-Id: $ID3" <(jq -r .data <<<"$r") || fail "flakymail@ did not get R3: $r"
expect_eq "$(jq -r 'select(.name == "flakymail") | .ok' "$SMTP/attempts.jsonl" | tr '\n' ' ')" \
    "false false true " "flaky SMTP server attempts"
expect_eq "$(row R3 email due | jq -r '[.status, .attempts] | join(" ")')" "delivered 3" "R3's mail record"

# ------------------------------------------------ 3. always fails, then retry
expect_eq "$(ctl notifications --failed --json | grep -c .)" 1 "failed deliveries"
f=$(ctl notifications --failed --json)
expect_eq "$(echo "$f" | jq -r '[.subject, .channel, .destination, .attempts, .last_error] | join(" ")')" \
    "R3 webhook $HOOK/broken 3 HTTP 500" "the failed record"
grep -q "HTTP 500" <(ctl notifications --failed) || fail "the table shows the last error"
expect_eq "$(jq -r 'select(.name == "broken") | .ok' "$HTTP/attempts.jsonl" | grep -c false)" 3 "attempts at the broken hook"
[ ! -s "$HTTP/received.jsonl" ] || [ -z "$(received "$HTTP" broken)" ] || fail "the broken hook accepted something"
expect_eq "$(ctl notifications --delivered --json | grep -c .)" 5 "delivered deliveries"
# one log line per attempt: as many as the sinks saw
sink_attempts=$(cat "$SMTP/attempts.jsonl" "$HTTP/attempts.jsonl" | grep -c .)
expect_eq "$sink_attempts" 12 "attempts seen by the sinks"
expect_eq "$(grep -cE 'delivery [0-9]+-[0-9]+ (delivered|attempt|failed)' "$NTF_LOG")" 12 "attempt log lines"

# bad requests: errors naming the field, and the daemon goes on
out=$(ctl notifications --retry bogus 2>&1) && fail "--retry bogus succeeded"
grep -q 'id: "bogus" is not a delivery id' <<<"$out" || fail "--retry bogus: $out"
out=$(ctl notifications --retry 999999-0 2>&1) && fail "--retry of a missing id succeeded"
grep -q 'id: no delivery 999999-0' <<<"$out" || fail "--retry 999999-0: $out"
out=$(ctl notifications --retry "$(row R1 email due | jq -r .id)" 2>&1) && fail "--retry of a delivered one succeeded"
grep -q 'delivered already' <<<"$out" || fail "--retry of a delivered one: $out"
ctl --timeout 500 ping --service notify >/dev/null || fail "notifyd stopped answering after bad requests"

# a refusal for good (HTTP 4xx, SMTP 5xx) is not tried again: one attempt
# and failed, though 3 are allowed; --retry still resends it once fixed
mode "$HTTP" broken reject
ctl notifications --retry "$(row R3 webhook due | jq -r .id)" >/dev/null || fail "--retry R3"
wait_for ntf_settled 6
expect_eq "$(row R3 webhook due | jq -r '[.status, .attempts, .last_error] | join(" ")')" \
    "failed 1 HTTP 400" "R3's webhook refused with 400"
grep -q "HTTP 400; refused, not tried again" "$NTF_LOG" || fail "the log does not say the refusal is final"

mode "$HTTP" broken ok
out=$(ctl notifications --retry all) || fail "--retry all"
expect_eq "$out" "1 made pending again: $(row R3 webhook due | jq -r .id)" "--retry all"
wait_for ntf_settled 6
expect_eq "$(ctl notifications --failed --json | grep -c .)" 0 "failed after the retry"
expect_eq "$(received "$HTTP" broken | jq -r '.headers["idempotency-key"]')" "$ID3" "the fixed hook got R3"
expect_eq "$(row R3 webhook due | jq -r '[.status, .attempts] | join(" ")')" "delivered 1" "R3's webhook after retry"
stop "$ntf_PID"
grep -q 'terminated' "$NTF_LOG" || fail "no clean stop in the log"

# ------------------------------------------------ 4. kill -9 and restart
# every sink refuses; the next day's overdue reminders queue up
for n in per weog flakymail; do mode "$SMTP" "$n" fail; done
for n in ok flaky broken; do mode "$HTTP" "$n" fail; done
stop "$rem_PID"
start_rem 2025-07-16
expect_eq "$(ctl reminders --issued --json | grep -c .)" 6 "reminders after 2025-07-16"
start_ntf 2025-07-16 --retry-base-ms 200 --retry-max-ms 800 --max-attempts 1000
wait_for ntf_caught_up_with 6
# a few failed attempts each
failed_twice() { [ "$(rows --pending | jq -s '[.[] | select(.attempts >= 2)] | length')" = 6 ]; }
wait_for failed_twice
rows --pending | jq -r .id | sort >"$T/pending-before"
expect_eq "$(grep -c . "$T/pending-before")" 6 "pending before kill -9"
kill -9 "$ntf_PID"
wait "$ntf_PID" 2>/dev/null || true
out=$("$OPCAT_BIN/opcat-notifyd" -n 2>&1)
grep -q "pending 6, failed 0, delivered 6" <<<"$out" || fail "state after kill -9: $out"
start_ntf 2025-07-16 --retry-base-ms 200 --retry-max-ms 800 --max-attempts 1000
wait_for ntf_caught_up_with 6
rows --pending | jq -r .id | sort | cmp -s - "$T/pending-before" ||
    fail "pending deliveries changed across kill -9"
stop "$ntf_PID"
start_ntf 2025-07-16 --retry-base-ms 200 --retry-max-ms 800 --max-attempts 1000
wait_for ntf_caught_up_with 6
rows --pending | jq -r .id | sort | cmp -s - "$T/pending-before" ||
    fail "pending deliveries changed across a restart"
for n in per weog flakymail; do mode "$SMTP" "$n" ok; done
for n in ok flaky broken; do mode "$HTTP" "$n" ok; done
wait_for ntf_settled 12
for s in R1 R2 R3; do
    id=$(id_of "$s" overdue)
    [ -n "$id" ] || fail "no overdue reminder for $s"
    expect_eq "$(grep -c "X-Opcat-Reminder-Id: $id" "$SMTP/received.jsonl")" 1 "mails of $s overdue"
    expect_eq "$(jq -r '.headers["idempotency-key"]' "$HTTP/received.jsonl" | grep -c "^$id\$")" 1 \
        "webhooks of $s overdue"
done
stop "$ntf_PID"

# ------------------------------------------------ 5. --rebuild sends no history
before=$(cat "$SMTP/received.jsonl" "$HTTP/received.jsonl" | grep -c .)
start_ntf 2025-09-01 --rebuild
wait_for ntf_settled 0
st=$(ctl notifications --status)
expect_eq "$(echo "$st" | jq -r '[.too_old, .enqueued, .pending + .failed + .delivered] | join(" ")')" "6 0 0" \
    "after --rebuild two months later"
# nothing enqueued, pending or delivered: no message can be on its way
expect_eq "$(cat "$SMTP/received.jsonl" "$HTTP/received.jsonl" | grep -c .)" "$before" "messages after --rebuild"
stop "$ntf_PID"
stop "$rem_PID"
stop "$store_PID"
echo "it_notify: ok"
