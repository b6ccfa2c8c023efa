#!/usr/bin/env bash
# Integration: opcatctl import against careless and hostile input.  A read
# error is an error; a line over 1 MiB is refused with FILE:LINE before any
# parsing (a 150 MB line under a 400 MB memory limit); binary garbage
# prints at most 20 errors and counts the rest; a line of NUL bytes is
# refused; an id used twice with other content is refused, in one file and
# against the store; reminder.issued is refused (only the reminder
# service writes it) and nothing of any of these is stored.
source "$(dirname "$0")/lib.sh"
start_store

# a directory: read error, exit 1, nothing imported
if ctl import "$T" >"$T/out" 2>"$T/err"; then fail "importing a directory succeeded: $(cat "$T/out")"; fi
grep -q "read error.*Is a directory" "$T/err" || fail "directory: $(cat "$T/err")"
echo expect_refused_ok >>"$T/checks"
grep -q "0 events" "$T/out" && fail "directory: printed a count"

# a 150 MB line under a 400 MB memory limit: refused, no crash.  (A build
# with AddressSanitizer cannot start under such a limit of address space:
# there the line goes without it.)
limit=400000
(ulimit -v $limit && "$OPCAT_BIN/opcatctl" --help >/dev/null 2>&1) || limit=unlimited
rc=0
(ulimit -v $limit && head -c 150000000 /dev/zero | tr '\0' 'x' |
    "$OPCAT_BIN/opcatctl" import -) 2>"$T/err" || rc=$?
expect_eq "$rc" "1" "exit status of a 150 MB line"
grep -q "^-:1: the line is longer than 1 MiB" "$T/err" || fail "long line: $(cat "$T/err")"
echo expect_refused_ok >>"$T/checks"

# binary garbage: 20 error lines and a count of the rest
head -c 65536 /dev/urandom >"$T/garbage"
if ctl import "$T/garbage" 2>"$T/err"; then fail "garbage imported"; fi
shown=$(grep -c "^$T/garbage:[0-9]*: " "$T/err")
expect_eq "$shown" "20" "error lines shown for binary garbage"
grep -q "more bad lines not shown" "$T/err" || fail "garbage: no count of the rest"
echo expect_refused_ok >>"$T/checks"

# a line of NUL bytes
printf '\0\0\0\0\n' >"$T/nul.jsonl"
if ctl import "$T/nul.jsonl" 2>"$T/err"; then fail "a NUL line was skipped"; fi
grep -q "nul.jsonl:1: the line holds a NUL byte" "$T/err" || fail "NUL line: $(cat "$T/err")"
echo expect_refused_ok >>"$T/checks"

# the same id twice with other content, in one file: refused, nothing stored
A='{"type":"state.signed","occurred_on":"2025-01-01","state":"AGO","id":"x-1"}'
B='{"type":"state.signed","occurred_on":"2025-01-02","state":"AGO","id":"x-1"}'
printf '%s\n%s\n' "$A" "$B" >"$T/twice.jsonl"
if ctl import "$T/twice.jsonl" 2>"$T/err"; then fail "a reused id in one file was accepted"; fi
grep -q "twice.jsonl:2: id: \"x-1\" already stored with different content" "$T/err" ||
    fail "reused id in one file: $(cat "$T/err")"
echo expect_refused_ok >>"$T/checks"
expect_eq "$(ctl head)" "0" "head after a reused id in one file"

# ... and against the store: the same content is a duplicate, other is not
echo "$A" >"$T/a.jsonl"
echo "$B" >"$T/b.jsonl"
ctl import "$T/a.jsonl" >/dev/null
out=$(ctl import "$T/a.jsonl")
expect_eq "$out" "$T/a.jsonl: 1 events: 0 accepted, 1 duplicate" "same id, same content"
if ctl import "$T/b.jsonl" 2>"$T/err"; then fail "a reused id against the store was accepted"; fi
grep -q "b.jsonl:1: id: \"x-1\" already stored with different content (sequence 1)" "$T/err" ||
    fail "reused id against the store: $(cat "$T/err")"
echo expect_refused_ok >>"$T/checks"

# a forged reminder through import: refused, nothing stored
echo '{"type":"reminder.issued","occurred_on":"2026-03-01","state":"PER","rule":"art12.state_reply","subject":"FORGED","due_on":"2026-02-28","stage":"overdue"}' >"$T/forged.jsonl"
if ctl import "$T/forged.jsonl" 2>"$T/err"; then fail "a forged reminder was imported"; fi
grep -q "forged.jsonl:1: type: reminder.issued events are written only by the reminder service" "$T/err" ||
    fail "forged reminder: $(cat "$T/err")"
echo expect_refused_ok >>"$T/checks"
expect_eq "$(ctl head)" "1" "head after the refused inputs"
grep -q '"written_by":"writer"' <(ctl get 1 --json) || fail "event 1 not attributed to the writer role: $(ctl get 1 --json)"
refused=$(grep -c "expect_refused_ok" "$T/checks" || true)
figure it_import "kinds of bad file refused by opcatctl import (directory, 150 MB line, binary garbage, NUL line, reused id in a file and against the store, forged reminder)" "$refused"
figure it_import "events stored from them" "$(($(ctl head) - 1))"
stop "$store_PID"
echo "it_import: 1 passed, 0 failed"
