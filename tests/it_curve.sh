#!/usr/bin/env bash
# Integration: CurveZMQ on TCP.  A store with a server key lets a writer
# key APPEND and a reader key read, refuses every other key (and logs the
# refusal with the key's fingerprint), and the public stream takes any key.
# A client key file that is wrong stops a process at start, naming its
# variable.  Binding a non-loopback address without keys is refused with
# a message that says how to make them.  Loopback TCP only, on ports the
# kernel said were free, then checked to be the store's.
source "$(dirname "$0")/lib.sh"
cd "$T"
for k in store writer reader reminder stranger; do ctl keygen "$k" >/dev/null; done
[ "$(stat -c %a store.key)" = 600 ] || fail "secret key file is not 0600"
if ctl keygen store 2>/dev/null; then fail "keygen overwrote a key"; fi

mapfile -t ports < <(free_ports 7)
export OPCAT_APPEND=tcp://127.0.0.1:${ports[0]} OPCAT_PUBLISH=tcp://127.0.0.1:${ports[1]}
export OPCAT_REPLAY=tcp://127.0.0.1:${ports[2]} OPCAT_PUBLIC=tcp://127.0.0.1:${ports[3]}
export OPCAT_PUBLIC_REPLAY=tcp://127.0.0.1:${ports[4]}
export OPCAT_APPEND_REMINDERS=tcp://127.0.0.1:${ports[6]}
OPCAT_CURVE_KEY=store.key OPCAT_WRITERS=writer.pub OPCAT_READERS=reader.pub \
    OPCAT_REMINDER_KEYS=reminder.pub start store opcat-stored
export OPCAT_CURVE_SERVER=store.pub

as() { OPCAT_CURVE_CLIENT_KEY=$1.key "${@:2}"; }
wait_for as reader ctl --timeout 500 ping
grep -q "CURVE on" store.log || fail "the store did not say CURVE is on"
# the ports are the store's (not another process's that took one meanwhile)
for p in "${ports[@]:0:5}"; do
    listening "$store_PID" "$p" || fail "the store does not listen on 127.0.0.1:$p"
done

echo '{"type":"state.signed","occurred_on":"2025-01-01","state":"AGO"}' >one.jsonl
as writer ctl --timeout 3000 import one.jsonl >/dev/null || fail "writer could not append"
expect_eq "$(as reader ctl head)" 1 "reader reads the head"
if as reader ctl --timeout 1500 import one.jsonl 2>/dev/null; then fail "a reader key appended"; fi
if as stranger ctl --timeout 1500 head 2>/dev/null; then fail "an unknown key read the log"; fi
if OPCAT_CURVE_SERVER= ctl --timeout 1500 head 2>/dev/null; then fail "a plain client read the log"; fi
fp=$(head -c 8 stranger.pub)
grep -qF "refused CURVE key $fp" store.log || fail "no refusal with the fingerprint $fp"

# reminder.* only with the reminder service's key, on its endpoint
echo '{"type":"reminder.issued","occurred_on":"2026-03-01","state":"PER","rule":"art12.state_reply","subject":"S-1","due_on":"2026-02-28","stage":"overdue"}' >rem.jsonl
if as writer ctl --timeout 3000 import rem.jsonl 2>err.txt; then fail "a writer key appended a reminder"; fi
grep -q "written only by the reminder service" err.txt || fail "forged reminder: $(cat err.txt)"
if OPCAT_APPEND=$OPCAT_APPEND_REMINDERS as writer ctl --timeout 1500 import rem.jsonl 2>/dev/null; then
    fail "a writer key used the reminder endpoint"
fi
if as reminder ctl --timeout 1500 import one.jsonl 2>/dev/null; then fail "the reminder key used APPEND"; fi
OPCAT_APPEND=$OPCAT_APPEND_REMINDERS as reminder ctl --timeout 3000 import rem.jsonl >/dev/null ||
    fail "the reminder key could not append a reminder"
expect_eq "$(as reader ctl get 2 --json | jq -r '[.type, .written_by] | join(" ")')" \
    "reminder.issued reminder" "the reminder and its role"
expect_eq "$(as reader ctl get 1 --json | jq -r .written_by)" "writer" "the writer's event's role"

# the public stream: any key, and no plain client
OPCAT_REPLAY=$OPCAT_PUBLIC_REPLAY as stranger ctl --timeout 3000 head >/dev/null ||
    fail "the public stream refused a key"

# a client key file that is wrong is an error at start naming its variable:
# the gateway (which connects only when asked) exits before it serves,
# opcatctl before it sends; keygen still writes the file a variable names
echo "not a key" >bad.key
if as bad timeout 20 "$OPCAT_BIN/opcat-gatewayd" --http "127.0.0.1:${ports[5]}" 2>gw.err; then
    fail "the gateway started with a wrong key file"
fi
grep -q "OPCAT_CURVE_CLIENT_KEY=bad.key" gw.err || fail "the gateway's refusal: $(cat gw.err)"
if as bad timeout 20 "$OPCAT_BIN/opcat-aggregated" --rebuild 2>agg.err; then
    fail "the aggregation service started with a wrong key file"
fi
grep -q "OPCAT_CURVE_CLIENT_KEY=bad.key" agg.err || fail "the aggregator's refusal: $(cat agg.err)"
[ ! -e "$OPCAT_DATA/aggregated" ] || fail "the aggregator opened its state before its keys"
if as bad ctl --timeout 1500 head 2>err.txt; then fail "opcatctl ran with a wrong key file"; fi
grep -q "OPCAT_CURVE_CLIENT_KEY=bad.key" err.txt || fail "opcatctl's refusal: $(cat err.txt)"
as bad ctl head --help >/dev/null 2>err.txt || fail "a command's --help needed the keys: $(cat err.txt)"
as later ctl keygen later >/dev/null || fail "keygen refused while its variable names a file to be"

# binding beyond loopback without keys is refused before anything listens
if OPCAT_APPEND=tcp://0.0.0.0:${ports[5]} OPCAT_CURVE_KEY= "$OPCAT_BIN/opcat-stored" \
    -D "$T/other" 2>err.log; then fail "plain bind on 0.0.0.0 accepted"; fi
grep -q "opcatctl keygen" err.log || fail "the refusal does not say how to make keys: $(cat err.log)"
stop "$store_PID"
figure it_curve "keys refused (stranger, reader appending, plain client, writer on the reminder endpoint, reminder key on APPEND)" 5
echo "it_curve: 1 passed, 0 failed"
