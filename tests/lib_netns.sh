# tests/lib_netns.sh: hosts for the multi-host tests (sourced after lib.sh).
#
# Each "host" is a network namespace with its own address in
# 10.77.0.0/24, joined to the others by a bridge that lives in a hub
# namespace of its own (veth pairs): nothing is added to the machine's
# own namespace but the namespaces' names, which carry this test's pid so
# that two runs at once do not meet.  The test removes them at exit.
# Needs root; a test sources this and skips (exit 77) when it cannot.
#
#   netns_init                      the hub and its bridge
#   netns_host NAME N               host NAME at 10.77.0.N
#   on NAME CMD...                  runs CMD on host NAME
#   start_on NAME LABEL PROG ARGS   a daemon on host NAME (lib.sh's start)
#   netns_kill_host NAME            kill -9 of every process of host NAME
#   fault_loss NAME PCT             drops PCT% of NAME's packets (nft)
#   fault_cut NAME ADDR             drops everything between NAME and ADDR
#   fault_clear NAME                removes NAME's faults
NETNS_P="op$$"
NETNS_HOSTS=()

netns_ok() {
    [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null && command -v nft >/dev/null &&
        ip netns add "${NETNS_P}probe" 2>/dev/null && ip netns del "${NETNS_P}probe"
}

netns_cleanup() {
    local h
    for h in "${NETNS_HOSTS[@]:-}"; do
        [ -n "$h" ] || continue
        ip netns pids "${NETNS_P}$h" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
        ip netns del "${NETNS_P}$h" 2>/dev/null || true
    done
    ip netns del "${NETNS_P}hub" 2>/dev/null || true
}

netns_init() {
    AT_EXIT+=("netns_cleanup")
    ip netns add "${NETNS_P}hub"
    ip -n "${NETNS_P}hub" link add br0 type bridge
    ip -n "${NETNS_P}hub" link set br0 up
}

netns_host() {
    local name=$1 n=$2 ns="${NETNS_P}$1"
    ip netns add "$ns"
    NETNS_HOSTS+=("$name")
    ip link add "v$$-$n" type veth peer name eth0 netns "$ns"
    ip link set "v$$-$n" netns "${NETNS_P}hub"
    ip -n "${NETNS_P}hub" link set "v$$-$n" master br0 up
    ip -n "$ns" addr add "10.77.0.$n/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    ip netns exec "$ns" nft add table inet fault
    ip netns exec "$ns" nft add chain inet fault in \
        '{ type filter hook input priority 0; policy accept; }'
    ip netns exec "$ns" nft add chain inet fault out \
        '{ type filter hook output priority 0; policy accept; }'
}

on() { ip netns exec "${NETNS_P}$1" "${@:2}"; }

# start_on HOST LABEL PROGRAM ARGS...: like lib.sh's start, on HOST.
# `ip netns exec` execs the program, so the pid is the daemon's.
start_on() {
    local host=$1 name=$2; shift 2
    ip netns exec "${NETNS_P}$host" $WRAP "$OPCAT_BIN/$1" "${@:2}" >>"$T/$name.log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    printf -v "${name}_PID" '%s' "$pid"
}

netns_kill_host() {
    ip netns pids "${NETNS_P}$1" | xargs -r kill -9
    local pid
    for pid in $(ip netns pids "${NETNS_P}$1"); do
        while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    done
}

fault_loss() {
    on "$1" nft add rule inet fault in numgen random mod 100 '<' "$2" drop
    on "$1" nft add rule inet fault out numgen random mod 100 '<' "$2" drop
}

fault_cut() {
    on "$1" nft add rule inet fault in ip saddr "$2" drop
    on "$1" nft add rule inet fault out ip daddr "$2" drop
}

fault_clear() {
    on "$1" nft flush chain inet fault in
    on "$1" nft flush chain inet fault out
}

# load_run HOST RATE SECONDS TAG: writers on HOST append about RATE
# events a second (report.transmitted, ids "TAG-k-j") for SECONDS, in
# atomic requests of RATE/10 events; a request that times out is sent
# again until answered (the ids make a resend a duplicate, never a second
# copy).  Acknowledged ids go to $T/acked-TAG; $T/load-TAG.sent gets the
# count sent.  Run it in the background.
load_run() {
    local host=$1 rate=$2 secs=$3 tag=$4 per=$(($2 / 10)) k=0 sent=0
    local end=$((SECONDS + secs)) states=(PER FRA MEX BRA ARG GBR DEU ITA ESP NZL)
    while [ "$SECONDS" -lt "$end" ]; do
        local f="$T/load-$tag-$k.jsonl" j
        : >"$f"
        for ((j = 0; j < per; j++)); do
            printf '{"type":"report.transmitted","id":"%s-%d-%d","occurred_on":"2024-%02d-%02d","state":"%s","report_id":"%s-%d-%d","recipient":"state"}\n' \
                "$tag" "$k" "$j" $((1 + j % 12)) $((1 + k % 28)) "${states[$((j % 10))]}" "$tag" "$k" "$j" >>"$f"
        done
        until on "$host" "$OPCAT_BIN/opcatctl" --timeout 2000 import --batch "$per" \
            --acked "$T/acked-$tag" "$f" >/dev/null 2>>"$T/load-$tag.err"; do
            sleep 0.2
        done
        sent=$((sent + per))
        echo "$sent" >"$T/load-$tag.sent"
        k=$((k + 1))
        sleep 0.1
    done
}

# store_ids HOST: every id in the store's log, one a line, in log order.
store_ids() {
    on "$1" "$OPCAT_BIN/opcatctl" --timeout 60000 tail --from 1 --until-head --json |
        jq -r .id
}

# lost_and_doubled HOST TAG: "LOST DOUBLED": acknowledged ids of TAG
# missing from the store, and ids stored more than once.
lost_and_doubled() {
    store_ids "$1" >"$T/ids-$2"
    local lost doubled
    lost=$(awk '{print $1}' "$T/acked-$2" | sort -u | comm -23 - <(sort -u "$T/ids-$2") | wc -l)
    doubled=$(sort "$T/ids-$2" | uniq -d | wc -l)
    echo "$lost $doubled"
}

# netns_reboot_host NAME N: the host's kernel state is lost, as in a
# reboot: its processes killed -9, its namespace (and every TCP connection
# in it, with no FIN or RST sent) deleted and made again at 10.77.0.N.
# Its peers keep their side of each connection, half-open.
netns_reboot_host() {
    netns_kill_host "$1"
    ip netns del "${NETNS_P}$1"
    while ip link show "v$$-$2" >/dev/null 2>&1 ||
        ip -n "${NETNS_P}hub" link show "v$$-$2" >/dev/null 2>&1; do sleep 0.05; done
    netns_host "$1" "$2"
}
