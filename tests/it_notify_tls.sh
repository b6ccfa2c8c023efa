#!/usr/bin/env bash
# Integration: opcat-notifyd over TLS, against an HTTPS sink and an SMTPS
# sink (implicit TLS) on 127.0.0.1 whose certificate no system CA signed
# (tests/ntf_sink.py, a certificate made here with openssl for IP
# 127.0.0.1):
#   1. without tls.ca_file the certificate is refused: nothing reaches
#      either sink, and the failed records say why (curl's certificate
#      error), after every allowed attempt;
#   2. with tls.ca_file naming the certificate, --retry all delivers both,
#      each carrying its reminder id;
#   3. a submission server that requires STARTTLS (smtp:// on a plain
#      port): without smtp.starttls the server's 530 is a refusal for
#      good (one attempt); with it the mail goes over TLS;
#   4. a tls.ca_file that cannot be read is a config error naming it.
source "$(dirname "$0")/lib.sh"

for cmd in python3 jq openssl; do
    command -v "$cmd" >/dev/null || fail "$cmd is required (scripts/install-deps)"
done
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
unset OPCAT_NOTIFY_CONFIG

SINK="$OPCAT_SOURCE_DIR/tests/ntf_sink.py"
SMTPS="$T/smtps"
HTTPS="$T/https"
SUBMIT="$T/starttls"

# ------------------------------------------------ certificate and sinks
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$T/key.pem" -out "$T/cert.pem" >>"$T/openssl.log" 2>&1 ||
    fail "openssl could not make a certificate: $(cat "$T/openssl.log")"
mkdir -p "$SMTPS" "$HTTPS" "$SUBMIT"
python3 "$SINK" smtps "$SMTPS" "$T/cert.pem" "$T/key.pem" >>"$T/sink-smtps.log" 2>&1 &
PIDS+=("$!")
python3 "$SINK" https "$HTTPS" "$T/cert.pem" "$T/key.pem" >>"$T/sink-https.log" 2>&1 &
PIDS+=("$!")
python3 "$SINK" smtp+starttls "$SUBMIT" "$T/cert.pem" "$T/key.pem" >>"$T/sink-starttls.log" 2>&1 &
PIDS+=("$!")
wait_for test -s "$SMTPS/port"
wait_for test -s "$HTTPS/port"
wait_for test -s "$SUBMIT/port"
echo "sinks: smtps 127.0.0.1:$(cat "$SMTPS/port"), https 127.0.0.1:$(cat "$HTTPS/port"), smtp+starttls 127.0.0.1:$(cat "$SUBMIT/port")"

# config [CA_FILE [SMTP_URL STARTTLS]]: mail and webhooks to the TLS
# sinks (the SMTPS one unless SMTP_URL), 2 attempts 100 ms apart
config() {
    jq -n --arg smtp "${2:-smtps://127.0.0.1:$(cat "$SMTPS/port")}" \
        --arg hook "https://127.0.0.1:$(cat "$HTTPS/port")/hook/tls" \
        --arg ca "${1:-}" --argjson starttls "${3:-false}" '{
        smtp: {url: $smtp, from: "opcat@test.example", starttls: $starttls},
        email: {default: ["per@npm.example"]},
        webhook: {default: [$hook]},
        retry: {base_ms: 100, max_ms: 100, max_attempts: 2},
        timeout_ms: 5000, max_age_days: 0}
        + (if $ca == "" then {} else {tls: {ca_file: $ca}} end)'
}

# ------------------------------------------------ a config error first
config /nonexistent/ca.pem >"$T/bad.json"
out=$("$OPCAT_BIN/opcat-notifyd" -n --config "$T/bad.json" 2>&1) &&
    fail "an unreadable tls.ca_file was accepted"
grep -q "tls.ca_file: cannot read /nonexistent/ca.pem" <<<"$out" ||
    fail "the error does not name tls.ca_file: $out"

# ------------------------------------------------ the pipeline
start_store
echo '{"type":"report.transmitted","occurred_on":"2025-01-15","state":"PER","report_id":"R1","recipient":"state"}' |
    ctl import - >/dev/null || fail "import"
OPCAT_NOW=2025-07-15 start rem opcat-reminderd
issued_any() { [ "$(ctl --timeout 500 reminders --issued --json | grep -c .)" -ge 1 ]; }
wait_for issued_any
ID=$(ctl --timeout 10000 tail --from 1 --until-head --topic reminder.issued --json |
    jq -r 'select(.subject == "R1" and .stage == "due") | .id')
[ -n "$ID" ] || fail "no due reminder for R1"

ntf_settled() { # TOTAL: caught up, TOTAL deliveries ended, none running
    ctl --timeout 500 ping --service notify --caught-up >/dev/null &&
        ctl --timeout 500 notifications --status | jq -e \
            ".pending == 0 and .in_flight == 0 and .delivered + .failed == $1"
}
start_ntf() {
    OPCAT_NOW=2025-07-15 start ntf opcat-notifyd --config "$1"
    wait_for ctl --timeout 500 ping --service notify
}

# ------------------------------------------------ 1. not trusted: refused
config >"$T/plain.json"
start_ntf "$T/plain.json"
wait_for ntf_settled 2
failed=$(ctl notifications --failed --json)
expect_eq "$(jq -s length <<<"$failed")" 2 "failed deliveries without the CA"
for channel in email webhook; do
    rec=$(jq -c "select(.channel == \"$channel\")" <<<"$failed")
    expect_eq "$(jq -r .attempts <<<"$rec")" 2 "$channel attempts without the CA"
    jq -r .last_error <<<"$rec" | grep -qi "certificate" ||
        fail "the $channel record does not say the certificate was refused: $rec"
done
[ ! -s "$HTTPS/received.jsonl" ] || fail "the HTTPS sink got something without the CA"
[ ! -s "$SMTPS/received.jsonl" ] || fail "the SMTPS sink got something without the CA"
stop "$ntf_PID"

# ------------------------------------------------ 2. trusted: delivered
config "$T/cert.pem" >"$T/tls.json"
start_ntf "$T/tls.json"
out=$(ctl notifications --retry all) || fail "--retry all"
grep -q "^2 made pending again" <<<"$out" || fail "--retry all: $out"
wait_for ntf_settled 2
expect_eq "$(ctl notifications --delivered --json | grep -c .)" 2 "delivered with the CA"
expect_eq "$(jq -r '.headers["idempotency-key"]' "$HTTPS/received.jsonl")" "$ID" \
    "the HTTPS hook got the reminder"
grep -qF "X-Opcat-Reminder-Id: $ID" <(jq -r .data "$SMTPS/received.jsonl") ||
    fail "the SMTPS sink did not get the reminder: $(cat "$SMTPS/received.jsonl")"

# ------------------------------------------------ 3. STARTTLS required
submit="smtp://127.0.0.1:$(cat "$SUBMIT/port")"
config "$T/cert.pem" "$submit" false >"$T/plain-submit.json"
config "$T/cert.pem" "$submit" true >"$T/starttls.json"
stop "$ntf_PID"
start_ntf "$T/plain-submit.json"
echo '{"type":"report.transmitted","occurred_on":"2025-01-15","state":"PER","report_id":"R2","recipient":"state"}' |
    ctl import - >/dev/null || fail "import R2"
wait_for ntf_settled 4
ID2=$(ctl --timeout 10000 tail --from 1 --until-head --topic reminder.issued --json |
    jq -r 'select(.subject == "R2" and .stage == "due") | .id')
[ -n "$ID2" ] || fail "no due reminder for R2"
rec=$(ctl notifications --failed --json | jq -c 'select(.channel == "email")')
expect_eq "$(jq -r '[.subject, .attempts] | join(" ")' <<<"$rec")" "R2 1" \
    "plain submission to a STARTTLS-only server: refused at the first attempt"
jq -r .last_error <<<"$rec" | grep -q "530" || fail "the record lacks the server's 530: $rec"
stop "$ntf_PID"
start_ntf "$T/starttls.json"
out=$(ctl notifications --retry all) || fail "--retry all (STARTTLS)"
grep -q "^1 made pending again" <<<"$out" || fail "--retry all (STARTTLS): $out"
wait_for ntf_settled 4
expect_eq "$(ctl notifications --delivered --json | grep -c .)" 4 "delivered after STARTTLS"
grep -qF "X-Opcat-Reminder-Id: $ID2" <(jq -r .data "$SUBMIT/received.jsonl") ||
    fail "the STARTTLS server did not get R2's mail: $(cat "$SUBMIT/received.jsonl" 2>&1)"
stop "$ntf_PID"
stop "$rem_PID"
stop "$store_PID"
echo "it_notify_tls: ok"
