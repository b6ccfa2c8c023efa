#!/usr/bin/env bash
# it_gateway: opcat-gatewayd's HTTP API through the real daemons, with
# curl on 127.0.0.1 and a free port.  On the embedded dataset, with a
# fixed today (OPCAT_NOW):
#   1. every endpoint answers, and what it answers is what opcatctl gets
#      from the same services (stats, a State, reminders, report, events);
#   2. a bad parameter gets 400 and a JSON error naming it;
#   3. confidential report content never leaves through the API or the
#      stream;
#   4. the SSE stream resumes after Last-Event-ID with no gap and no
#      duplicate, live events arrive, a topic filters;
#   5. the dashboard's files are served, nothing outside them;
#   6. SIGTERM with a stream open stops the gateway cleanly.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_gateway.sh"

export OPCAT_NOW=2026-03-01
command -v curl >/dev/null || fail "curl is required (scripts/install-deps)"
command -v jq >/dev/null || fail "jq is required (scripts/install-deps)"

status() { cat "$T/status"; }

# ok PATH: the body of a 200 answer.
ok() {
    local body
    body=$(get "$@")
    [ "$(status)" = 200 ] || fail "GET $1: status $(status): $body"
    printf '%s\n' "$body"
}

# bad PATH PARAMETER [CURL ARGS...]: 400 naming PARAMETER.
bad() {
    local path=$1 parameter=$2 body
    shift 2
    body=$(get "$path" "$@")
    [ "$(status)" = 400 ] || fail "GET $path: expected 400, got $(status): $body"
    expect_eq "$(jq -r .error.parameter <<<"$body")" "$parameter" \
        "parameter named by GET $path ($body)"
    jq -e '.error.message | length > 0' <<<"$body" >/dev/null ||
        fail "GET $path: no message: $body"
}

# sse FILE PATTERN [CURL ARGS...]: captures /api/stream into FILE until a
# line matches PATTERN, and half a second more (to catch extra events).
sse() {
    local file=$1 pattern=$2 pid
    shift 2
    curl -sN --max-time 120 "$@" >"$file" &
    pid=$!
    wait_for grep -q -- "$pattern" "$file"
    sleep 0.5
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

same_json() { # A B WHAT
    diff <(jq -S . <<<"$1") <(jq -S . <<<"$2") >"$T/diff" ||
        fail "$3 differ: $(head -20 "$T/diff")"
}

# -------------------------------------------------------------- set-up
start_pipeline
import_dataset
start_gateway --timeout 30000
HEAD=$(ctl head)

# ------------------------------------------------------ 1. every endpoint
health=$(ok /healthz)
expect_eq "$(jq -r .status <<<"$health")" ok "health status"
expect_eq "$(jq -r .today <<<"$health")" 2026-03-01 "health today"
expect_eq "$(jq -r .store.head <<<"$health")" "$HEAD" "health store head"

for q in "as_of=2025-12-31" "as_of=2025-12-31&from=2025-07-01" \
    "as_of=2024-06-30"; do
    as_of=$(sed 's/.*as_of=\([0-9-]*\).*/\1/' <<<"$q")
    from=()
    [[ $q == *from=* ]] && from=(--from "${q##*from=}")
    same_json "$(ok "/api/stats?$q")" \
        "$(ctl stats --as-of "$as_of" "${from[@]}" --json)" "stats $q"
done
expect_eq "$(ok /api/stats | jq -r .as_of)" 2026-03-01 "stats as_of default"

stats=$(ctl stats --as-of 2025-12-31 --json)
states=$(ok "/api/states?as_of=2025-12-31")
parties=$(jq .states_parties.total <<<"$stats")
signatories=$(jq .signatories.total <<<"$stats")
expect_eq "$(jq .count <<<"$states")" $((parties + signatories)) "States listed"
expect_eq "$(jq '.states | length' <<<"$states")" $((parties + signatories)) \
    "State rows"
expect_eq "$(jq '[.states[] | select(.status == "party")] | length' \
    <<<"$states")" "$parties" "parties listed"
expect_eq "$(jq -c '[.states[] | select(.status == "signatory") | .state] | sort' \
    <<<"$states")" "$(jq -c .signatories.states <<<"$stats")" "signatories listed"
for region in africa asia_pacific eastern_europe latin_america_caribbean weog; do
    rows=$(ok "/api/states?as_of=2025-12-31&region=$region")
    expect_eq "$(jq '[.states[] | select(.region != "'$region'")] | length' \
        <<<"$rows")" 0 "rows outside $region"
    expect_eq "$(jq .count <<<"$rows")" \
        "$(jq ".states_parties.by_region.$region + .signatories.by_region.$region" \
            <<<"$stats")" "States in $region"
done
expect_eq "$(ok "/api/states?as_of=2025-12-31&status=signatory" | jq .count)" \
    "$signatories" "signatory filter"
row=$(jq -c '.states[] | select(.state == "BGD")' <<<"$states")
expect_eq "$(jq -r .party_since <<<"$row")" 2025-07-17 "BGD party since"
expect_eq "$(jq -r .region <<<"$row")" asia_pacific "BGD region"
jq -e '.npm | has("overdue") and has("days_overdue") and has("on_art17_list")' \
    <<<"$row" >/dev/null || fail "BGD row lacks NPM status: $row"
jq -e '.reports | has("transmitted") and has("published") and
    has("replies_overdue") and has("next_reply_due")' <<<"$row" >/dev/null ||
    fail "BGD row lacks report status: $row"
# a date not known to the day carries its precision beside it
row=$(jq -c '.states[] | select(.state == "TCD")' <<<"$states")
expect_eq "$(jq -r '.signed_on + " " + .signed_on_precision' <<<"$row")" \
    "2013-10-29 not_after" "TCD signed, with its precision"
kaz=$(ok "/api/states/KAZ?as_of=2026-06-30")
expect_eq "$(jq -c '.reports[0] | [.transmitted_on_precision, .reply_status, .reply_overdue]' <<<"$kaz")" \
    '["not_after","unknown",false]' "KAZ's reply from a placeholder date"
expect_eq "$(jq -c '.summary.reports | [.replies_overdue, .replies_unknown]' <<<"$kaz")" \
    '[0,1]' "KAZ summary: unknown, not overdue"
art17=$(jq '[.states[] | select(.npm.on_art17_list)] | length' <<<"$states")
expect_eq "$art17" "$(jq '.npm.art17_list | length' <<<"$stats")" "art. 17 list"

one=$(ok "/api/states/PER?as_of=2025-12-31")
same_json "$(jq 'del(.summary, .reminders_open, .encouragements_open, .reminders_error)' <<<"$one")" \
    "$(ctl state PER --as-of 2025-12-31 --json |
        jq 'del(.reminders_open, .encouragements_open, .reminders_error)')" "State PER"
jq -e '.summary.state == "PER" and (.reminders_open | type == "array")' \
    <<<"$one" >/dev/null || fail "PER: no summary or deadlines: $one"

rem=$(ok "/api/reminders?as_of=2026-03-01")
expect_eq "$(jq .count <<<"$rem")" \
    "$(ctl reminders --as-of 2026-03-01 --json | grep -c .)" "open deadlines"
expect_eq "$(ok "/api/reminders?as_of=2026-03-01&state=PER&rule=art12" |
    jq '[.reminders[] | select(.state != "PER" or
        (.rule | startswith("art12") | not))] | length')" 0 "reminder filter"

page=$(ok "/api/events?from=1&limit=5")
expect_eq "$(jq -c '[.events[].sequence]' <<<"$page")" "[1,2,3,4,5]" "first page"
expect_eq "$(jq .next <<<"$page")" 6 "next of the first page"
expect_eq "$(jq .head <<<"$page")" "$HEAD" "head of a page"
# paging through one topic finds every event of it, once
from=1 seen=()
while :; do
    page=$(ok "/api/events?from=$from&topic=report.transmitted/&limit=7")
    seen+=($(jq -r '.events[] | "\(.sequence):\(.type)"' <<<"$page"))
    [ "$(jq .more <<<"$page")" = true ] || break
    from=$(jq .next <<<"$page")
done
expected=$(ctl --timeout 30000 tail --from 1 --until-head \
    --topic report.transmitted/ --json | grep -c .)
expect_eq "${#seen[@]}" "$expected" "report.transmitted events paged"
[ -z "$(printf '%s\n' "${seen[@]}" | grep -v ':report.transmitted$')" ] ||
    fail "a page held another type"
expect_eq "$(printf '%s\n' "${seen[@]}" | sort -u | wc -l)" "$expected" \
    "duplicates across pages"

diff <(ok "/api/report?as_of=2025-12-31") <(ctl report --as-of 2025-12-31) \
    >"$T/diff" || fail "report en differs: $(head "$T/diff")"
diff <(ok "/api/report?as_of=2025-12-31&lang=zh") \
    <(ctl report --as-of 2025-12-31 --lang zh) >"$T/diff" ||
    fail "report zh differs: $(head "$T/diff")"
diff <(ok "/api/report?as_of=2025-12-31&lang=ar") \
    <(ctl report --as-of 2025-12-31 --lang ar) >"$T/diff" ||
    fail "report ar differs: $(head "$T/diff")"
grep -q 'text/markdown' <(curl -s -D - -o /dev/null "$GW/api/report") ||
    fail "the report is not served as text/markdown"

# the States' names in one language: the table's column, whole
tsv="$OPCAT_SOURCE_DIR/data/state-names.tsv"
for lang in en zh fr es ru ar; do
    col=$(($(tr ' ' '\n' <<<"en zh fr es ru ar" | grep -nx "$lang" | cut -d: -f1) + 1))
    names=$(ok "/api/names?lang=$lang")
    expect_eq "$(jq -r .lang <<<"$names")" "$lang" "names lang $lang"
    diff <(jq -r '.names | to_entries[] | "\(.key)\t\(.value)"' <<<"$names" |
        sort) <(grep -v '^#' "$tsv" | cut -f1,"$col" | sort) >"$T/diff" ||
        fail "names $lang differ from the table: $(head "$T/diff")"
done
fr=$(ok "/api/names?lang=fr")
zh=$(ok "/api/names?lang=zh")
expect_eq "$(jq -r '.names | [.TCD, .PSE, .FRA] | join("|")' <<<"$fr")" \
    "Tchad|État de Palestine|France" "French names"
expect_eq "$(jq -r '.names | [.TCD, .PSE, .FRA] | join("|")' <<<"$zh")" \
    "乍得|巴勒斯坦国|法国" "Chinese names"
same_json "$(ok /api/names)" "$(ok "/api/names?lang=en")" "names by default"
# every State of the table the dashboard shows has its English name there
expect_eq "$(jq -r --argjson n "$(ok /api/names)" \
    '[.states[] | select($n.names[.state] != .name)] | length' \
    <<<"$(ok /api/states)")" 0 "States rows named otherwise than /api/names"
# the table is the gateway's own: an ETag from the answer, 304 when held
etag=$(sed -n 's/^ETag: //Ip' <(curl -s -D - -o /dev/null \
    "$GW/api/names?lang=fr") | tr -d '\r')
[[ $etag =~ ^\"[0-9a-f]{16}\"$ ]] || fail "no ETag on /api/names: '$etag'"
get "/api/names?lang=fr" -H "If-None-Match: $etag" >/dev/null
expect_eq "$(status)" 304 "/api/names with its ETag"
get "/api/names?lang=zh" -H "If-None-Match: $etag" >/dev/null
expect_eq "$(status)" 200 "/api/names?lang=zh with the French ETag"

# every table as CSV: the JSON's rows, one line each, cell for cell
csv_equals_json() { # PATH ROWS_KEY
    local json csv
    json=$(ok "$1")
    csv=$(ok "$1$([[ $1 == *\?* ]] && echo '&' || echo '?')format=csv")
    grep -qi '^content-type: text/csv' <(curl -s -D - -o /dev/null \
        "$GW$1$([[ $1 == *\?* ]] && echo '&' || echo '?')format=csv") ||
        fail "$1: the CSV is not text/csv"
    expect_eq "$(($(wc -l <<<"$csv") - 1))" "$(jq ".$2 | length" <<<"$json")" "$1 CSV rows"
    # each row of the CSV, read back with the header's dotted paths,
    # equals the JSON (lists joined with "; ", null empty)
    python3 - "$2" <(printf '%s\n' "$json") <(printf '%s\n' "$csv") <<'PY' ||
import csv, json, sys
key, jpath, cpath = sys.argv[1:4]
rows = json.load(open(jpath))[key]
reader = csv.reader(open(cpath, newline=''))
head = next(reader)
def cell(v):
    if v is None: return ''
    if isinstance(v, bool): return 'true' if v else 'false'
    if isinstance(v, list): return '; '.join(x if isinstance(x, str) else json.dumps(x) for x in v)
    if isinstance(v, (dict,)): return json.dumps(v, separators=(',', ':'))
    return str(v)
n = 0
for i, line in enumerate(reader):
    for col, text in zip(head, line):
        v = rows[i]
        for part in col.split('.'):
            v = v.get(part) if isinstance(v, dict) else None
        if cell(v) != text:
            sys.exit('row %d %s: csv %r json %r' % (i, col, text, v))
    n += 1
sys.exit(0 if n == len(rows) else 'rows: %d csv, %d json' % (n, len(rows)))
PY
        fail "$1: the CSV differs from the JSON"
}
# a field with quotes and a comma, read back through the CSV
cat >"$T/quoted.jsonl" <<'JSON'
{"type":"npm.changed","occurred_on":"2026-02-01","state":"NZL","body":"Office of the \"Ombudsman\", New Zealand","model":"multiple"}
JSON
ctl --timeout 60000 import "$T/quoted.jsonl" >/dev/null || fail "import a quoted NPM body"
settle
HEAD=$(ctl head)
grep -q '"Office of the ""Ombudsman"", New Zealand"' <(ok "/api/states?as_of=2026-03-01&format=csv") ||
    fail "a field with quotes is not quoted with its quotes doubled"
csv_equals_json "/api/states?as_of=2026-03-01" states
csv_equals_json "/api/visits?as_of=2026-03-01" visits
csv_equals_json "/api/reminders?as_of=2026-03-01" reminders
csv_equals_json "/api/years" years
grep -q 'filename="opcat-states.csv"' <(curl -s -D - -o /dev/null "$GW/api/states?format=csv") ||
    fail "the States CSV is not offered as a file"
# the States by their UN short names
grep -q '^COD,Democratic Republic of the Congo,' <(ok "/api/states?format=csv") ||
    fail "the States CSV does not name COD by its UN short name"
bad "/api/states?format=xml" format
bad "/api/years?from=1899" from
bad "/api/years?to=2999" to
bad "/api/years?from=2020&to=2010" from

# a last day known only as a bound keeps its precision (Rwanda's visit of
# 2017, suspended in October); a day-exact one carries none
visits2017=$(ok "/api/visits?as_of=2017-12-31")
rwa=$(jq -c '[.visits[] | select(.state == "RWA" and (.visit_id | test("2017"))) | .completed_on_precision]' <<<"$visits2017")
expect_eq "$rwa" '["not_after"]' "RWA 2017 visit: the precision of its last day"
bol=$(jq -c '[.visits[] | select(.state == "BOL" and (.visit_id | test("2017"))) | .completed_on_precision]' <<<"$visits2017")
expect_eq "$bol" '[null]' "BOL 2017 visit: no precision for a day-exact last day"
# the visits: every visit the States' rows count, once
expect_eq "$(ok "/api/visits?as_of=2026-03-01" | jq '.visits | length')" \
    "$(ok "/api/states?as_of=2026-03-01" |
        jq '[.states[].visits | .completed + .planned + .postponed] | add')" "visits listed"
# each year's row is the stats of that year
years=$(ok /api/years)
expect_eq "$(jq -c '[.years[0].year, .years[-1].year, .years[-1].as_of]' <<<"$years")" \
    '[2006,2026,"2026-03-01"]' "years from 2006 to today"
for y in 2006 2016 2025; do
    s=$(ok "/api/stats?as_of=$y-12-31")
    row=$(jq ".years[] | select(.year == $y)" <<<"$years")
    expect_eq "$(jq -c '[.states_parties, .by_region, .visits_completed, .fund_grants]' <<<"$row")" \
        "$(jq -c '[.states_parties.total, .states_parties.by_region,
            (.visits.completed_in_period | length), .fund.grants_in_period.count]' <<<"$s")" \
        "year $y"
done
# a year before the visits' coverage names them not recorded, as its stats
# do; a covered year does not
for y in 2010 2019; do
    s=$(ok "/api/stats?as_of=$y-12-31")
    expect_eq "$(jq ".years[] | select(.year == $y) |
        .incomplete | index(\"visits_completed\") != null" <<<"$years")" \
        "$(jq '.incomplete | index("visits.completed_in_period") != null' <<<"$s")" \
        "year $y: visits not recorded as in its stats"
done
expect_eq "$(jq -c '[.years[] | select(.year == 2010 or .year == 2019) |
    (.incomplete | index("visits_completed") != null)]' <<<"$years")" \
    '[true,false]' "visits not recorded in 2010, recorded in 2019"

metrics=$(ok /metrics)
grep -qx "opcat_store_head{daemon=\"stored\"} $HEAD" <<<"$metrics" ||
    fail "metrics: store head"
grep -qx 'opcat_up{daemon="stored"} 1' <<<"$metrics" || fail "metrics: store up"
grep -qx 'opcat_consumer_lag{daemon="aggregated"} 0' <<<"$metrics" ||
    fail "metrics: aggregated lag"
grep -qx "opcat_consumer_position{daemon=\"reminderd\"} $HEAD" <<<"$metrics" ||
    fail "metrics: reminderd position"
grep -q '^opcat_reminders_issued_total{daemon="reminderd"} [0-9]' <<<"$metrics" ||
    fail "metrics: reminders issued"
grep -qx 'opcat_up{daemon="notifyd"} 1' <<<"$metrics" || fail "metrics: notifyd up"
grep -qx 'opcat_notify_deliveries{state="pending",daemon="notifyd"} 0' \
    <<<"$metrics" ||
    fail "metrics: notifyd deliveries (no destinations: none pending)"
grep -q '^opcat_consumer_lag{daemon="notifyd"} [0-9]' <<<"$metrics" ||
    fail "metrics: notifyd lag"
label='[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"'
bad_lines=$(grep -v '^#' <<<"$metrics" |
    grep -Evx "[a-zA-Z_:][a-zA-Z0-9_:]*(\{$label(,$label)*\})? (-?[0-9.e+-]+|\+Inf)" ||
    true)
[ -z "$bad_lines" ] || fail "metrics lines not in the text format: $bad_lines"
expect_eq "$(grep -c '^# TYPE ' <<<"$metrics")" \
    "$(grep '^# TYPE ' <<<"$metrics" | sort -u | wc -l)" "metric families"
# a service that is not there (the notifier is optional) is reported down
# without holding the scrape for the gateway's 30 s timeout
# (tests/it_metrics.sh stops each daemon in turn)
stop "$ntf_PID"
metrics=$(curl -s --max-time 10 "$GW/metrics") || fail "metrics with notifyd stopped: no answer within 10 s"
grep -qx 'opcat_up{daemon="notifyd"} 0' <<<"$metrics" || fail "metrics: notifyd down"
grep -q 'daemon="notifyd"} [0-9]' <(grep -v '^opcat_up' <<<"$metrics") &&
    fail "metrics: figures of a notifyd that did not answer"

# ---------------------------------------------------- 2. bad parameters
bad "/api/stats?as_of=2025-02-30" as_of
bad "/api/stats?as_of=2025-12-31&from=yesterday" from
bad "/api/stats?as_of=2025-01-31&from=2025-06-01" from
bad "/api/stats?asof=2025-12-31" asof
bad "/api/states?as_of=31-12-2025" as_of
bad "/api/states?region=mars" region
bad "/api/states?status=observer" status
bad "/api/states?limit=3" limit
bad "/api/states/PER?as_of=2025-13-01" as_of
bad "/api/states/per" state
bad "/api/states/PERU" state
bad "/api/reminders?as_of=soon" as_of
bad "/api/reminders?state=peru" state
bad "/api/events?from=0" from
bad "/api/events?from=abc" from
bad "/api/events?limit=0" limit
bad "/api/events?limit=1001" limit
bad "/api/events?topic=a%20b" topic
bad "/api/report?lang=de" lang
bad "/api/names?lang=de" lang
grep -q 'ar, zh, en, fr, ru or es' <<<"$(get "/api/names?lang=de")" ||
    fail "the 400 of /api/names does not list the languages: $(cat "$T/body")"
bad "/api/names?language=fr" language
bad "/api/report?as_of=2025-12-32" as_of
bad "/api/stream?topic=%01" topic
bad "/api/stream" Last-Event-ID -H "Last-Event-ID: abc"
bad "/api/stream?last_event_id=-1" last_event_id
bad "/metrics?verbose=1" verbose
get /api/states/XYZ >/dev/null
expect_eq "$(status)" 404 "an unknown State code"
get /api/nothing >/dev/null
expect_eq "$(status)" 404 "an unknown endpoint"
get /api/stats -X POST >/dev/null
expect_eq "$(status)" 405 "POST"

# ----------------------------------------- 3. confidential content stays
cat >"$T/secret.jsonl" <<'JSON'
{"type":"report.transmitted","occurred_on":"2026-02-01","state":"PER","report_id":"GW-SECRET-1","recipient":"state","content":"CONFIDENTIAL-PARAGRAPH-X"}
JSON
ctl --timeout 60000 import "$T/secret.jsonl" >/dev/null || fail "import secret"
settle
SECRET_SEQ=$(ctl --timeout 30000 tail --from 1 --until-head \
    --topic report.transmitted/PER --json | grep GW-SECRET-1 | jq .sequence)
page=$(ok "/api/events?from=$SECRET_SEQ&limit=1")
expect_eq "$(jq -r '.events[0].report_id' <<<"$page")" GW-SECRET-1 "secret event"
! grep -q CONFIDENTIAL <<<"$page" || fail "content leaked by /api/events"
! jq -e '.events[0] | has("content")' <<<"$page" >/dev/null ||
    fail "content key in /api/events"
sse "$T/secret.sse" "^id: $SECRET_SEQ\$" \
    -H "Last-Event-ID: $((SECRET_SEQ - 1))" "$GW/api/stream"
! grep -q CONFIDENTIAL "$T/secret.sse" || fail "content leaked by the stream"

# ------------------------------------------------------------ 4. the stream
# sse_ids FILE: the ids of the events in an SSE capture, one per line.
sse_ids() { sed -n 's/^id: //p' "$1"; }

HEAD=$(ctl head)
sse "$T/resume.sse" "^id: $HEAD\$" -H "Last-Event-ID: $((HEAD - 3))" \
    "$GW/api/stream"
expect_eq "$(sse_ids "$T/resume.sse" | tr '\n' ' ')" \
    "$((HEAD - 2)) $((HEAD - 1)) $HEAD " "events after Last-Event-ID"
expect_eq "$(grep -c '^data: {' "$T/resume.sse")" 3 "data lines"
grep -q '^retry: ' "$T/resume.sse" || fail "no retry hint"
sse "$T/resume2.sse" "^id: $HEAD\$" \
    "$GW/api/stream?last_event_id=$((HEAD - 1))"
expect_eq "$(sse_ids "$T/resume2.sse")" "$HEAD" "?last_event_id="

# live: a stream opened without Last-Event-ID gets only what comes next
curl -sN --max-time 30 "$GW/api/stream" >"$T/live.sse" &
LIVE=$!
wait_for grep -q 'opcat events' "$T/live.sse"
cat >"$T/live.jsonl" <<'JSON'
{"type":"visit.planned","occurred_on":"2026-02-10","state":"NZL","visit_id":"GW-LIVE-1","kind":"regular","start":"2026-09-01"}
JSON
ctl --timeout 60000 import "$T/live.jsonl" >/dev/null || fail "import live"
wait_for grep -q GW-LIVE-1 "$T/live.sse"
LIVE_SEQ=$(grep -B1 GW-LIVE-1 "$T/live.sse" | sed -n 's/^id: //p')
expect_eq "$(sse_ids "$T/live.sse" | head -1)" "$LIVE_SEQ" \
    "first live event (nothing older)"
kill "$LIVE" 2>/dev/null || true
wait "$LIVE" 2>/dev/null || true
settle

# resume after a disconnection: events stored meanwhile, then live ones
LAST=$(sse_ids "$T/live.sse" | tail -1)
cat >"$T/gap.jsonl" <<'JSON'
{"type":"visit.postponed","occurred_on":"2026-02-11","state":"NZL","visit_id":"GW-LIVE-1"}
{"type":"followup.dialogue","occurred_on":"2026-02-12","state":"NZL","with":"npm"}
JSON
ctl --timeout 60000 import "$T/gap.jsonl" >/dev/null || fail "import gap"
settle
curl -sN --max-time 30 -H "Last-Event-ID: $LAST" "$GW/api/stream" \
    >"$T/gap.sse" &
GAP=$!
wait_for grep -q followup.dialogue "$T/gap.sse"
cat >"$T/after.jsonl" <<'JSON'
{"type":"followup.dialogue","occurred_on":"2026-02-13","state":"NZL","with":"state"}
JSON
ctl --timeout 60000 import "$T/after.jsonl" >/dev/null || fail "import after"
wait_for grep -q '"occurred_on":"2026-02-13"' "$T/gap.sse"
kill "$GAP" 2>/dev/null || true
wait "$GAP" 2>/dev/null || true
ids=$(sse_ids "$T/gap.sse")
expect_eq "$(head -1 <<<"$ids")" $((LAST + 1)) "first event after the gap"
expect_eq "$(awk 'NR > 1 && $1 != prev + 1 {print "gap at " $1} {prev = $1}' \
    <<<"$ids")" "" "sequence after resuming"

# a topic filters the stream (and a replay from the start)
ctl --timeout 30000 tail --from 1 --until-head --topic report.published/ \
    --json >"$T/published.jsonl"
last=$(tail -1 "$T/published.jsonl" | jq .sequence)
sse "$T/topic.sse" "^id: $last\$" \
    "$GW/api/stream?topic=report.published/&last_event_id=0"
types=$(sed -n 's/^data: //p' "$T/topic.sse" | jq -r .type | sort -u)
expect_eq "$types" report.published "types on a report.published/ stream"
expect_eq "$(grep -c '^id: ' "$T/topic.sse")" "$(grep -c . "$T/published.jsonl")" \
    "report.published events"

# ------------------------------------------------------- 5. static files
page=$(ok /)
grep -q '<title>OPCAT dashboard</title>' <<<"$page" || fail "index.html"
for f in app.js report-lang.js style.css index.html; do
    ok "/$f" >/dev/null
done
expect_eq "$(sed -n '/id="report-lang"/,/<\/select>/p' <<<"$page" |
    grep -o '<option value="[a-z]*" lang=' |
    grep -c 'value="\(ar\|zh\|en\|fr\|ru\|es\)"')" 6 \
    "report languages offered"
grep -q '<option value="ar" lang="ar" dir="rtl">' <<<"$page" ||
    fail "Arabic is not offered right to left"
grep -qi '^content-type: text/javascript' <(curl -s -D - -o /dev/null "$GW/app.js") ||
    fail "app.js content type"
for p in /../CMakeLists.txt /%2e%2e/gw.h /.hidden.js /nope.html /www/app.js; do
    get "$p" --path-as-is >/dev/null
    expect_eq "$(status)" 404 "GET $p"
done
# a person who follows a wrong link gets a page; the API stays JSON
grep -qi '^content-type: text/html' <(curl -s -D - -o /dev/null "$GW/nope.html") ||
    fail "the 404 of a page is not HTML"
grep -q '<a class="button" href="/">' <(get /some/where) || fail "no way back from a 404 page"
grep -qi '^content-type: application/problem+json' <(curl -s -D - -o /dev/null "$GW/api/nothing") ||
    fail "the 404 of the API is not problem details (JSON)"

# ------------------------------------------------- 6. stop with a stream
curl -sN --max-time 60 "$GW/api/stream" >/dev/null &
HOLD=$!
streams_open() { grep -qx 'opcat_gateway_streams_open{daemon="gatewayd"} [1-9][0-9]*' <(ok /metrics); }
wait_for streams_open # fails after 20 s: the open stream is not counted
start_s=$SECONDS
stop "$gw_PID"
[ $((SECONDS - start_s)) -le 10 ] || fail "stopping took $((SECONDS - start_s)) s"
wait "$HOLD" 2>/dev/null || true
grep -q 'terminated' "$T/gw.log" || fail "no clean stop in the log"
echo "it_gateway: ok"
