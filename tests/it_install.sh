#!/usr/bin/env bash
# it_install: what `cmake --install` puts where, and the installed programs
# run from their installed paths.
#   1. every program (not the test or bench tools) in PREFIX/bin, each
#      answering --version and --help; the dataset and the dashboard in
#      PREFIX/share/opcat, docs, the license, man pages, systemd units;
#   2. the units pass systemd-analyze verify (with ExecStart= pointed at
#      the installed programs);
#   3. the installed daemons tell readiness through NOTIFY_SOCKET
#      (sd_notify), read regions.tsv, the dashboard and the State names
#      from PREFIX/share/opcat, not the checkout; the installed dataset
#      imports and the report prints.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_gateway.sh"

BUILD=$(cd "$OPCAT_BIN/.." && pwd)
P=$T/usr
cmake --install "$BUILD" --prefix "$P" >"$T/install.log" 2>&1 ||
    { cat "$T/install.log" >&2; fail "cmake --install"; }

# ------------------------------------------------------------- 1. files
programs="opcat-aggregated opcat-bridged opcat-gatewayd opcat-notifyd opcat-reminderd opcat-stored opcatctl"
expect_eq "$(ls "$P/bin" | tr '\n' ' ' | sed 's/ $//')" "$programs" "programs in PREFIX/bin"
for p in $programs; do
    out=$("$P/bin/$p" --version) || fail "$p --version exited $?"
    expect_eq "$out" "$p $("$OPCAT_BIN/opcatctl" --version | cut -d' ' -f2)" "$p --version"
    grep -q "^usage: $p" <("$P/bin/$p" --help) || fail "$p --help prints no usage"
done
for f in regions.tsv states.jsonl manifest state-names.tsv www/index.html; do
    [ -s "$P/share/opcat/$f" ] || fail "share/opcat/$f not installed"
done
while read -r f; do
    [ -s "$P/share/opcat/$f" ] || fail "share/opcat/$f (data/manifest) not installed"
done <"$P/share/opcat/manifest"
for f in LICENSE copyright README.md ARCHITECTURE.md; do
    [ -s "$P/share/doc/opcat/$f" ] || fail "share/doc/opcat/$f not installed"
done
grep -q "MIT License" "$P/share/doc/opcat/copyright" || fail "the license is not MIT's"
for m in man1/opcatctl.1 man8/opcat-stored.8 man8/opcat-reminderd.8 \
    man8/opcat-aggregated.8 man8/opcat-notifyd.8 man8/opcat-gatewayd.8; do
    grep -q '^\.TH' "$P/share/man/$m" || fail "man page $m not installed (or not roff)"
done

# ------------------------------------------------------------- 2. units
units=$P/lib/systemd/system
mkdir -p "$T/units"
for u in opcat.target opcat-stored.service opcat-reminderd.service \
    opcat-aggregated.service opcat-notifyd.service opcat-gatewayd.service; do
    [ -s "$units/$u" ] || fail "unit $u not installed"
    sed "s|^ExecStart=.*/|ExecStart=$P/bin/|" "$units/$u" >"$T/units/$u"
done
for u in "$T"/units/*.service; do
    for key in Type=notify StateDirectory=opcat User=opcat ProtectSystem=strict \
        NoNewPrivileges=yes Restart=on-failure EnvironmentFile=-/etc/default/opcat \
        WantedBy=opcat.target; do
        grep -qx "$key" "$u" || fail "$(basename "$u") lacks $key"
    done
done
# systemd-analyze warns (exit 0) on an unknown key: any output is a failure
verify=$(systemd-analyze verify --man=no "$T"/units/* 2>&1) ||
    fail "systemd-analyze verify: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify: $verify"

# ------------------------------------------------ 3. the installed programs
OPCAT_BIN=$P/bin
unset OPCAT_SHARE OPCAT_REGIONS OPCAT_WWW
# ready NAME: a NOTIFY_SOCKET for daemon NAME, whose listener writes what
# the daemon said to $T/NAME.ready (it gives up after 60 s)
ready() {
    python3 - "$T/sock/$1.notify" "$T/$1.ready" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(60)
got = s.recv(4096).decode()
open(sys.argv[2], "w").write(got)
PY
    LISTENER=$!
    for _ in $(seq 100); do [ -S "$T/sock/$1.notify" ] && return; sleep 0.1; done
    fail "the notify listener of $1 did not start"
}
waited_ready() {
    wait "$2" || fail "$1 never told its readiness (NOTIFY_SOCKET)"
    expect_eq "$(cat "$T/$1.ready")" "READY=1" "what $1 told NOTIFY_SOCKET"
}
ready store
NOTIFY_SOCKET=$T/sock/store.notify start store opcat-stored
waited_ready store "$LISTENER"
for d in agg:opcat-aggregated rem:opcat-reminderd ntf:opcat-notifyd; do
    ready "${d%%:*}"
    NOTIFY_SOCKET=$T/sock/${d%%:*}.notify start "${d%%:*}" "${d#*:}"
    waited_ready "${d%%:*}" "$LISTENER"
done
grep -q "regions: [0-9]* States from $P/share/opcat/regions.tsv" "$T/agg.log" ||
    fail "opcat-aggregated did not read the installed regions.tsv: $(grep regions: "$T/agg.log")"

# the installed State names, marked, so that the report shows whose it read
sed -i 's/^BGD\t\([^\t]*\)\t[^\t]*/BGD\t\1\t已安装的孟加拉国/' "$P/share/opcat/state-names.tsv"
(cd "$P/share/opcat" && while read -r f; do
    "$P/bin/opcatctl" --timeout 60000 import "$f" >/dev/null || exit 1
done <manifest) || fail "import of the installed dataset"
settle
report=$(ctl report --as-of 2025-12-31 --lang zh) || fail "opcatctl report --lang zh"
grep -q "已安装的孟加拉国" <<<"$report" ||
    fail "opcatctl report did not read PREFIX/share/opcat/state-names.tsv"
ctl report --as-of 2025-12-31 | grep -c . >"$T/report.lines"
[ "$(cat "$T/report.lines")" -gt 10 ] || fail "the report has $(cat "$T/report.lines") lines"

# the installed dashboard, marked, so that the page shows whose it served
echo "<!-- installed copy -->" >>"$P/share/opcat/www/index.html"
ready gw
NOTIFY_SOCKET=$T/sock/gw.notify start_gateway
waited_ready gw "$LISTENER"
grep -q "files $P/share/opcat/www" "$T/gw.log" ||
    fail "opcat-gatewayd did not serve PREFIX/share/opcat/www: $(grep files "$T/gw.log")"
grep -q "<!-- installed copy -->" <(curl -sf "$GW/") ||
    fail "the installed dashboard is not served"
echo "it_install: $(wc -w <<<"$programs") programs, share, docs, man pages and units installed; daemons ready from $P/bin"
