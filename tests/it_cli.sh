#!/usr/bin/env bash
# Integration: opcatctl's conventions against real daemons.
#   1. exit status 2 and a one-line reason for a wrong command line,
#      documented in --help; State codes checked (an unknown one is an
#      error, any case accepted); --json errors as a JSON object on stdout;
#   2. a service not running is named, with a hint, after 2 s, not after
#      --timeout (10 s);
#   3. import reports every bad line in one run, cross-references included
#      (the store's validate-only request), and stores nothing;
#   4. import progress on a terminal only; bold only on a terminal and
#      never with NO_COLOR;
#   5. OPCAT_LOG_FORMAT=json: every line of every daemon is a JSON object.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_gateway.sh"
export OPCAT_LOG_FORMAT=json

# usage_error WANT_MESSAGE ARGS...: exit 2 and WANT_MESSAGE on stderr
usage_error() {
    local want=$1 rc=0
    shift
    ctl "$@" >"$T/out" 2>"$T/err" || rc=$?
    expect_eq "$rc" 2 "exit status of opcatctl $*"
    grep -qF -- "$want" "$T/err" || fail "opcatctl $*: no \"$want\" in: $(cat "$T/err")"
}

# ms_since START_NS: milliseconds since START_NS (date +%s%N)
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# on_tty CMD...: runs CMD with stdout and stderr on a pseudo-terminal
# (script(1)); prints what the terminal showed
on_tty() {
    local cmd
    printf -v cmd '%q ' "$@"
    script -qec "$cmd" /dev/null
}

# --- 1. usage errors -------------------------------------------------------
grep -q "^  2  the command line is wrong" <(ctl --help) || fail "--help: no exit status 2"
usage_error "opcatctl: state: ZZZ is not an ISO 3166-1 alpha-3 code" state ZZZ
usage_error "opcatctl: state: a State code is missing" state
usage_error "--state: \"pe\" is not an ISO 3166-1 alpha-3 code" reminders --state pe
usage_error "--state: XYZ is not an ISO 3166-1 alpha-3 code" reminders --state xyz
usage_error "--topic: ZZZ is not an ISO 3166-1 alpha-3 code" tail --topic report.transmitted/zzz
usage_error "import: FILE is missing" import
usage_error "--batch: \"0\" is not a whole number of 1 or more" import --batch 0 x.jsonl
usage_error "stats: --bogus: unknown option" stats --bogus
usage_error "stats: --as-of: needs a value" stats --as-of
usage_error "\"frobnicate\" is not a command" frobnicate
usage_error "--timeout: \"soon\" is not a number" --timeout soon head
[ "$(wc -l <"$T/err")" -le 2 ] || fail "a usage error takes more than two lines: $(cat "$T/err")"
# --json: the error as one object on stdout, nothing on stderr
rc=0
ctl state ZZZ --json >"$T/out" 2>"$T/err" || rc=$?
expect_eq "$rc" 2 "exit status of state ZZZ --json"
expect_eq "$(jq -c . "$T/out")" \
    '{"error":{"code":"usage","field":"state","message":"state: ZZZ is not an ISO 3166-1 alpha-3 code"}}' \
    "state ZZZ --json"
[ ! -s "$T/err" ] || fail "state ZZZ --json wrote to stderr: $(cat "$T/err")"

# --- 2. nothing runs yet: named at once, with a hint -------------------------
t0=$(date +%s%N)
rc=0
ctl state PER 2>"$T/err" || rc=$?
ms=$(ms_since "$t0")
expect_eq "$rc" 1 "exit status with opcat-aggregated down"
grep -qF "no answer from opcat-aggregated at $OPCAT_STATS; is it running? try \`opcatctl ping --service stats\`" "$T/err" ||
    fail "no hint: $(cat "$T/err")"
[ "$ms" -lt 8000 ] || fail "the hint took $ms ms (--timeout is 10000)"
figure it_cli "hint on a service down after (ms)" "$ms"
rc=0
ctl head --json >"$T/out" || rc=$?
expect_eq "$rc" 1 "exit status of head with the store down"
expect_eq "$(jq -r .error.code "$T/out")" unreachable "head --json, store down"

# --- 3. import: every bad line in one run ------------------------------------
start_pipeline
ok='{"type":"state.signed","occurred_on":"2025-01-01","state":"PER","id":"c-1"}'
{
    echo "$ok"
    echo '{"type":"state.signed","occurred_on":"2025-02-30","state":"PER","id":"c-2"}'
    echo '{"type":"reply.received","occurred_on":"2025-03-01","state":"PER","report_id":"NOPE-1","id":"c-3"}'
    echo '{"type":"report.transmitted","occurred_on":"2025-03-02","state":"PER","report_id":"PER-R1","recipient":"state","id":"c-4"}'
    echo '{"type":"visit.postponed","occurred_on":"2025-03-03","state":"PER","visit_id":"NOPE-V","id":"c-5"}'
    echo '{"type":"reply.received","occurred_on":"2025-04-01","state":"PER","report_id":"PER-R1","id":"c-6"}'
    echo '{"type":"report.transmitted","occurred_on":"2025-03-04","state":"PER","report_id":"PER-R1","recipient":"state","id":"c-7"}'
} >"$T/bad.jsonl"
if ctl import "$T/bad.jsonl" >"$T/out" 2>"$T/err"; then fail "bad.jsonl imported"; fi
grep "^$T/bad.jsonl:" "$T/err" | cut -d: -f2 | tr '\n' ' ' >"$T/lines"
expect_eq "$(cat "$T/lines")" "2 3 5 7 " "bad lines reported, in order"
grep -q "bad.jsonl:3: report_id: \"NOPE-1\" was never transmitted" "$T/err" || fail "line 3: $(cat "$T/err")"
grep -q "bad.jsonl:7: report_id: \"PER-R1\" was already transmitted" "$T/err" || fail "line 7: $(cat "$T/err")"
grep -q "4 bad lines; nothing was imported" "$T/err" || fail "count: $(cat "$T/err")"
expect_eq "$(ctl head)" 0 "head after a refused import"
if ctl import --json "$T/bad.jsonl" >"$T/out" 2>/dev/null; then fail "bad.jsonl imported (--json)"; fi
expect_eq "$(jq -r .error.code "$T/out")" invalid "import --json error code"
# the good lines alone go in; State codes in any case then find them
sed -n '1p;4p' "$T/bad.jsonl" >"$T/good.jsonl"
expect_eq "$(ctl import "$T/good.jsonl")" "$T/good.jsonl: 2 events: 2 accepted, 0 duplicate" "good lines"
settle
grep -q "^PER  Peru" <(ctl state per) || fail "state per: $(ctl state per 2>&1)"
upper=$(ctl reminders --state PER --json)
[ -n "$upper" ] || fail "no reminder open for PER"
expect_eq "$(ctl reminders --state per --json)" "$upper" "reminders --state per"

# --- 4. progress and bold on a terminal only -------------------------------
for i in $(seq 6000); do
    printf '{"type":"state.signed","occurred_on":"2025-01-02","state":"AGO","id":"p-%d"}\n' "$i"
done >"$T/big.jsonl"
ctl import "$T/big.jsonl" >/dev/null 2>"$T/err"
! grep -q $'\r' "$T/err" || fail "progress written to a file"
on_tty "$OPCAT_BIN/opcatctl" import "$T/big.jsonl" >"$T/tty"
grep -q $'\r'"$T/big.jsonl: 5000 lines read" "$T/tty" || fail "no progress on a terminal: $(cat -v "$T/tty")"
grep -q "6000 events: 0 accepted, 6000 duplicate" "$T/tty" || fail "import on a terminal: $(cat -v "$T/tty")"
grep -q $'\033\[1mRULE' <(on_tty "$OPCAT_BIN/opcatctl" reminders) || fail "no bold header on a terminal"
! grep -q $'\033' <(NO_COLOR=1 on_tty "$OPCAT_BIN/opcatctl" reminders) || fail "bold with NO_COLOR"
! grep -q $'\033' <(ctl reminders) || fail "bold into a pipe"
# the scripts' headings too
! grep -q $'\033' <(bash -c ". '$OPCAT_SOURCE_DIR/scripts/style.sh'; printf '%s' \"\$STYLE_BOLD\"") ||
    fail "scripts/style.sh: bold into a pipe"
grep -q $'\033\[1m' <(on_tty bash -c ". '$OPCAT_SOURCE_DIR/scripts/style.sh'; printf '%s' \"\$STYLE_BOLD\"") ||
    fail "scripts/style.sh: no bold on a terminal"
! grep -q $'\033' <(NO_COLOR=1 on_tty bash -c ". '$OPCAT_SOURCE_DIR/scripts/style.sh'; printf '%s' \"\$STYLE_BOLD\"") ||
    fail "scripts/style.sh: bold with NO_COLOR"

# --- 5. JSON logs from every daemon ------------------------------------------
start_gateway
# a refusal the store logs with its fields
if ctl publish <<<'{"type":"reply.received","occurred_on":"2025-05-01","state":"PER","report_id":"NOPE-2"}' 2>/dev/null; then
    fail "a reply to no report was stored"
fi
for d in store:opcat-stored agg:opcat-aggregated rem:opcat-reminderd ntf:opcat-notifyd gw:opcat-gatewayd; do
    log="$T/${d%%:*}.log"
    [ -s "$log" ] || fail "$log is empty"
    # every line an object with these members, or jq's parse error
    jq -c --arg d "${d#*:}" 'select(.daemon != $d or (.time | test("Z$") | not)
        or (.level | type) != "string" or (.message | type) != "string")' \
        "$log" >"$T/wrong" 2>&1 || true
    [ ! -s "$T/wrong" ] || fail "$log is not JSON lines: $(head -3 "$T/wrong")"
    grep -q '"message":".* starting' "$log" || fail "$log: no start line"
done
# (jq -s: -e alone looks at the last line only)
jq -s -e 'any(.field == "report_id" and .code == "-10" and .request_id)' \
    "$T/store.log" >/dev/null || fail "no refusal with its fields: $(cat "$T/store.log")"
jq -s -e 'any(.version and .libzmq)' "$T/store.log" >/dev/null ||
    fail "start line without its fields"
echo "it_cli: ok"
