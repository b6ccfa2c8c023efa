#!/usr/bin/env bash
# it_report: the annual report in each format, through the real daemons.
#
# On the embedded dataset, as of 2025-12-31:
#   1. opcatctl report writes Markdown to stdout and to -o FILE, the same;
#   2. --format html writes a whole document in each language, Arabic
#      with dir="rtl", holding the report's figures;
#   3. --format docx (pandoc) writes a DOCX file in each language: a zip
#      whose word/document.xml holds a known figure, Arabic right to left;
#   4. pandoc missing: a clear error naming it and how to install it, exit
#      1, no file left; pandoc failing: its exit status and standard error
#      reported, exit 1; --format pdf refused with the reason;
#   5. the gateway's /api/report?format=md|html|docx: the types, the HTML
#      fragment, the DOCX file, X-Report-Formats; without pandoc at start
#      the gateway refuses docx with a 400 and says so; a pandoc found in
#      the current directory (an empty $PATH entry) that fails is a 503.
# Without pandoc, parts 1, 2 and the missing-pandoc checks run, then the
# test exits 77 (skipped): scripts/install-deps installs pandoc.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_gateway.sh"

AS_OF=2025-12-31
LANGS="en zh fr es ru ar"
HAVE_PANDOC=1
command -v pandoc >/dev/null || HAVE_PANDOC=0

start_pipeline
import_dataset

# 1. Markdown, to stdout and to a file
ctl report --as-of $AS_OF >"$T/stdout.md"
ctl report --as-of $AS_OF -o "$T/file.md"
cmp -s "$T/stdout.md" "$T/file.md" || fail "-o FILE differs from stdout"
grep -qF "| African States | 25 |" "$T/file.md" || fail "md: no table row"

# 2. HTML documents
for lang in $LANGS; do
    ctl report --as-of $AS_OF --lang "$lang" --format html -o "$T/$lang.html"
    head -c 15 "$T/$lang.html" | grep -qF "<!DOCTYPE html>" ||
        fail "html $lang: not a document"
    dir=ltr
    [ "$lang" = ar ] && dir=rtl
    grep -qF "<html lang=\"$lang\" dir=\"$dir\">" "$T/$lang.html" ||
        fail "html $lang: no lang/dir"
    grep -qF '<td class="align-right">25' "$T/$lang.html" ||
        fail "html $lang: the African States parties (25) are missing"
    grep -qF '<li id="report-fn-signatories">' "$T/$lang.html" ||
        fail "html $lang: no footnote"
done
grep -qF '$423,926' "$T/en.html" || fail "html en: the grants total is missing"

# 4. pandoc missing, failing; pdf
rc=0
env PATH=/nonexistent "$OPCAT_BIN/opcatctl" report --as-of $AS_OF \
    --format docx -o "$T/none.docx" 2>"$T/err" || rc=$?
expect_eq "$rc" 1 "docx without pandoc: exit status"
grep -qF "DOCX needs pandoc, which is not installed" "$T/err" ||
    fail "docx without pandoc: $(cat "$T/err")"
grep -qF "apt-get install pandoc" "$T/err" || fail "no install hint"
[ ! -e "$T/none.docx" ] || fail "docx without pandoc left a file"

mkdir -p "$T/fakebin"
printf '#!/bin/sh\necho "first complaint" >&2\necho "last complaint" >&2\nexit 3\n' \
    >"$T/fakebin/pandoc"
chmod +x "$T/fakebin/pandoc"
rc=0
PATH="$T/fakebin:$PATH" ctl report --as-of $AS_OF --format docx \
    -o "$T/bad.docx" 2>"$T/err" || rc=$?
expect_eq "$rc" 1 "pandoc failing: exit status"
grep -qF "pandoc exited with status 3: last complaint" "$T/err" ||
    fail "pandoc failing: $(cat "$T/err")"
grep -qF "pandoc: first complaint" "$T/err" || fail "pandoc's stderr not logged"
[ ! -e "$T/bad.docx" ] || fail "a failed conversion left a file"

rc=0
ctl report --format pdf -o "$T/r.pdf" 2>"$T/err" || rc=$?
expect_eq "$rc" 2 "--format pdf: exit status"
grep -qF "not offered" "$T/err" || fail "--format pdf: $(cat "$T/err")"

# 3. DOCX
if [ $HAVE_PANDOC = 1 ]; then
    for lang in $LANGS; do
        ctl report --as-of $AS_OF --lang "$lang" --format docx -o "$T/$lang.docx"
        unzip -p "$T/$lang.docx" word/document.xml >"$T/$lang.xml" ||
            fail "docx $lang: no word/document.xml"
        grep -qF "25" "$T/$lang.xml" || fail "docx $lang: no figure"
    done
    for lang in en zh ar; do
        grep -qF "423,926" "$T/$lang.xml" ||
            fail "docx $lang: the grants total 423,926 is missing"
    done
    grep -qF "<w:bidi" "$T/ar.xml" || fail "docx ar: not right to left"
    if grep -qF "<w:bidi" "$T/en.xml"; then fail "docx en: right to left"; fi
fi

# 5. the gateway
start_gateway
get "/api/report?as_of=$AS_OF&lang=ar&format=html" -D "$T/headers" >"$T/frag"
expect_eq "$(cat "$T/status")" 200 "format=html status"
grep -qi '^content-type: text/html; charset=utf-8' "$T/headers" ||
    fail "format=html: $(cat "$T/headers")"
head -c 60 "$T/frag" | grep -qF '<article class="report" lang="ar" dir="rtl">' ||
    fail "format=html: not the fragment: $(head -c 200 "$T/frag")"
get "/api/report?as_of=$AS_OF" -D "$T/headers" >"$T/gw.md"
grep -qi '^content-type: text/markdown; charset=utf-8' "$T/headers" ||
    fail "default format: $(cat "$T/headers")"
cmp -s "$T/gw.md" "$T/stdout.md" || fail "the gateway's Markdown differs"
get "/api/report?format=pdf" >/dev/null
expect_eq "$(cat "$T/status")" 400 "format=pdf status"
if [ $HAVE_PANDOC = 1 ]; then
    grep -qi '^x-report-formats: md, html, docx' "$T/headers" ||
        fail "X-Report-Formats: $(cat "$T/headers")"
    get "/api/report?as_of=$AS_OF&lang=en&format=docx" -D "$T/headers" \
        >/dev/null
    expect_eq "$(cat "$T/status")" 200 "format=docx status"
    grep -qi '^content-disposition: attachment; filename="opcat-report-en.docx"' \
        "$T/headers" || fail "format=docx: $(cat "$T/headers")"
    grep -qF "423,926" <(unzip -p "$T/body" word/document.xml) ||
        fail "format=docx: the figure is missing"
fi

# start_gateway_in DIR PATH: a gateway run from DIR with $PATH set to PATH
# (plainly: no wrapper would be found on that PATH); sets GW.
start_gateway_in() {
    local port
    port=$(free_port)
    (cd "$1" && exec env PATH="$2" "$OPCAT_BIN/opcat-gatewayd" \
        --http "127.0.0.1:$port") >>"$T/gw-$port.log" 2>&1 &
    PIDS+=("$!")
    GW="http://127.0.0.1:$port"
    wait_for curl -s -o /dev/null "$GW/healthz"
}

# a gateway started where pandoc is not: docx refused, the others served
start_gateway_in "$T" /nonexistent
get "/api/report?as_of=$AS_OF&format=docx" >"$T/problem"
expect_eq "$(cat "$T/status")" 400 "docx without pandoc: status"
grep -qF "docx is not served here" "$T/problem" ||
    fail "docx without pandoc: $(cat "$T/problem")"
get "/api/report?as_of=$AS_OF&format=html" -D "$T/headers" >/dev/null
expect_eq "$(cat "$T/status")" 200 "html without pandoc: status"
grep -qi '^x-report-formats: md, html.$' "$T/headers" ||
    fail "X-Report-Formats without pandoc: $(cat "$T/headers")"

# an empty $PATH entry is the current directory: the failing pandoc there
# is found, and its failure is a 503 that says why
start_gateway_in "$T/fakebin" ":/nonexistent"
get "/api/report?as_of=$AS_OF&format=docx" >"$T/problem"
expect_eq "$(cat "$T/status")" 503 "a failing pandoc: status"
grep -qF "pandoc exited with status 3: last complaint" "$T/problem" ||
    fail "a failing pandoc: $(cat "$T/problem")"

if [ $HAVE_PANDOC = 0 ]; then
    echo "it_report: pandoc is not installed: DOCX not checked (skipped)"
    exit 77
fi
echo "it_report: ok"
