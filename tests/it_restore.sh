#!/usr/bin/env bash
# Integration: `opcatctl restore --from-jetstream` when the NATS side
# cannot answer, against a one-node nats-server on 127.0.0.1 (no root):
#   1. --wait is checked (a whole number of seconds, 1 to a week);
#   2. a server without JetStream leaves every request unanswered: the
#      restore says it is waiting, gives up after --wait seconds, prints
#      what it restored as "(incomplete)" and exits 1;
#   3. a JetStream server without the stream: named at once, not waited
#      for.
# The cluster case (no leader for a while, then an answer) is in
# it_jetstream.sh.
source "$(dirname "$0")/lib.sh"
command -v nats-server >/dev/null || { echo "it_restore: skipped: no nats-server"; exit 77; }

# nats_up NAME PORT [jetstream]: a server on 127.0.0.1:PORT
nats_up() {
    local name=$1 port=$2 js=${3:-}
    {
        echo "listen: 127.0.0.1:$port"
        [ -z "$js" ] || echo "jetstream { store_dir: \"$T/$name-js\" }"
    } >"$T/$name.conf"
    nats-server -c "$T/$name.conf" >>"$T/$name.log" 2>&1 &
    PIDS+=("$!")
    wait_for listening "$!" "$port"
}

# restore URL ARGS...: rc, stdout in $T/out, stderr in $T/err
restore() {
    local url=$1 rc=0
    shift
    "$OPCAT_BIN/opcatctl" restore --from-jetstream --nats "$url" \
        --data "$T/data" "$@" >"$T/out" 2>"$T/err" || rc=$?
    echo "$rc"
}

# 1. the option
for bad in 0 x -1 604801 18446744073709551616; do
    expect_eq "$(restore nats://127.0.0.1:1 --wait "$bad")" 2 "exit status for --wait $bad"
    grep -q -- "--wait" "$T/err" || fail "--wait $bad: the error does not name --wait: $(cat "$T/err")"
done
grep -q "is too large" "$T/err" || fail "--wait beyond the integers: $(cat "$T/err")"

mapfile -t ports < <(free_ports 2)
plain=${ports[0]} js=${ports[1]}
# 2. no JetStream: nothing answers
nats_up plain "$plain"
expect_eq "$(restore "nats://127.0.0.1:$plain" --wait 1)" 1 "exit status without JetStream"
grep -q "stream OPCAT: .*asking again for up to 1 s" "$T/err" ||
    fail "no word of the wait: $(cat "$T/err")"
grep -q "^restored 0, skipped 0, head 0 (incomplete)$" "$T/out" ||
    fail "no incomplete summary: $(cat "$T/out")"

# 3. JetStream without the stream: not waited for
nats_up js "$js" jetstream
expect_eq "$(restore "nats://127.0.0.1:$js" --wait 60 --stream NOPE)" 1 "exit status for a missing stream"
grep -q "stream NOPE: .*10059" "$T/err" || fail "the missing stream is not named: $(cat "$T/err")"
if grep -q "asking again" "$T/err"; then fail "a missing stream was waited for: $(cat "$T/err")"; fi
echo "it_restore: 3 passed, 0 failed"
