#!/usr/bin/env bash
# Integration: CurveZMQ on TCP.  A store with a server key lets a writer
# key APPEND and a reader key read, refuses every other key (and logs the
# refusal with the key's fingerprint), and the public stream takes any key.
# Binding a non-loopback address without keys is refused with a message
# that says how to make them.  Loopback TCP only, on ports the kernel said
# were free, then checked to be the store's.
source "$(dirname "$0")/lib.sh"
cd "$T"
for k in store writer reader stranger; do ctl keygen "$k" >/dev/null; done
[ "$(stat -c %a store.key)" = 600 ] || fail "secret key file is not 0600"
if ctl keygen store 2>/dev/null; then fail "keygen overwrote a key"; fi

mapfile -t ports < <(free_ports 6)
export OPCAT_APPEND=tcp://127.0.0.1:${ports[0]} OPCAT_PUBLISH=tcp://127.0.0.1:${ports[1]}
export OPCAT_REPLAY=tcp://127.0.0.1:${ports[2]} OPCAT_PUBLIC=tcp://127.0.0.1:${ports[3]}
export OPCAT_PUBLIC_REPLAY=tcp://127.0.0.1:${ports[4]}
OPCAT_CURVE_KEY=store.key OPCAT_WRITERS=writer.pub OPCAT_READERS=reader.pub \
    start store opcat-stored
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

# the public stream: any key, and no plain client
OPCAT_REPLAY=$OPCAT_PUBLIC_REPLAY as stranger ctl --timeout 3000 head >/dev/null ||
    fail "the public stream refused a key"

# binding beyond loopback without keys is refused before anything listens
if OPCAT_APPEND=tcp://0.0.0.0:${ports[5]} OPCAT_CURVE_KEY= "$OPCAT_BIN/opcat-stored" \
    -D "$T/other" 2>err.log; then fail "plain bind on 0.0.0.0 accepted"; fi
grep -q "opcatctl keygen" err.log || fail "the refusal does not say how to make keys: $(cat err.log)"
stop "$store_PID"
figure it_curve "keys refused (stranger, reader appending, plain client)" 3
echo "it_curve: 1 passed, 0 failed"
