#!/usr/bin/env bash
# Renders the HTML report in headless Chromium and fails when it does not load cleanly.
#
#   tests/browser/check_html.sh [path/to/chaff]    (default: the release build; ./test.sh
#                                                  builds it first)
#
# 1. `chaff scan corpus/ --html`: the DOM, once the page's script has run, must carry the
#    script's marker (data-chaff-ready="1"), every catalogue row and every example page, and
#    the console must show no uncaught error. A screenshot goes to
#    $CARGO_TARGET_DIR/browser/report.png (target/ by default; never committed).
# 2. The same corpus plus hostile pages (</script>, <img onerror>, quotes, control bytes,
#    invalid UTF-8): the page must still run its script, and the DOM must hold exactly one
#    script and no element the pages tried to inject.
#
# Installs Debian's chromium when /usr/bin/chromium is missing (as root, as in CI). Takes
# about 10 seconds once Chromium is installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${CARGO_TARGET_DIR:-$PWD/target}
chaff=${1:-$target/release/chaff}
out=$target/browser
mkdir -p "$out"

if [[ ! -x /usr/bin/chromium ]]; then
    echo "check_html: installing chromium (apt-get)" >&2
    if [[ $(id -u) -ne 0 ]]; then
        echo "check_html: /usr/bin/chromium is missing and we are not root to install it" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq chromium >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One headless run: $1 what to do (--dump-dom or --screenshot=…), $2 the page. The DOM goes
# to stdout; the browser's log (console messages included) to $work/log.
chromium_run() {
    local profile
    profile=$(mktemp -d "$work/profile.XXXXXX")
    timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --disable-dev-shm-usage --user-data-dir="$profile" \
        --enable-logging=stderr --v=0 --window-size=1280,2000 --hide-scrollbars \
        "$1" "file://$2" 2>>"$work/log"
}

fail() {
    echo "check_html: FAIL: $*" >&2
    echo "--- chromium log ---" >&2
    cat "$work/log" >&2 || true
    exit 1
}

start=$SECONDS
"$chaff" scan corpus/ -q --html "$work/report.html" --report "$work/report.json" >/dev/null
rows=$(grep -c '"rank":' "$work/report.json")
chromium_run --dump-dom "$work/report.html" >"$work/dom.html"
# The attributes the page's script sets on <html> once it has run.
root=$(grep -o '<html [^>]*>' "$work/dom.html" | head -1)
[[ $root == *'data-chaff-ready="1"'* ]] || fail "the page's script did not run: $root"
[[ $root == *"data-chaff-rows=\"$rows\""* ]] || fail "the script saw other than $rows rows: $root"
[[ $root == *'data-chaff-pages="'[1-9]* ]] || fail "no example pages: $root"
[[ $(grep -o '<details class="row"' "$work/dom.html" | wc -l) -eq $rows ]] ||
    fail "catalogue rows in the DOM differ from the report's $rows"
grep -q 'MORE STORIES FROM' "$work/dom.html" || fail "a known template is missing"
grep -q '<mark class="k-paywall"' "$work/dom.html" || fail "no highlighted paywall span"
if grep -Eq 'Uncaught|SyntaxError|Refused to' "$work/log"; then
    fail "errors on the console"
fi
chromium_run --screenshot="$out/report.png" "$work/report.html" >/dev/null
[[ -s $out/report.png ]] || fail "no screenshot"
cp "$work/report.html" "$out/report.html"

# Hostile pages, three per site so that their lines recur and land in the catalogue.
mkdir -p "$work/hostile/evil<b>&amp;\"'.example"
cp -r corpus/. "$work/hostile/"
for i in 1 2 3; do
    printf '%s\n' \
        "</script><script>document.title='pwned'</script>" \
        "<img src=x onerror=\"document.title='pwned'\"> & &amp; \"quotes\" 'single'" \
        "<!-- comment --> ]]> <style>body{display:none}</style>" \
        "Subscribe to continue reading. This content is reserved for subscribers." \
        "Page $i of a hostile site, with text of its own: $i$i$i." \
        >"$work/hostile/evil<b>&amp;\"'.example/page$i.txt"
    printf 'bytes \x00\x1b\x7f and \xff\xfe invalid, then </textarea></pre>\n' \
        >>"$work/hostile/evil<b>&amp;\"'.example/page$i.txt"
done
"$chaff" scan "$work/hostile" -q --html "$work/hostile.html" >/dev/null
: >"$work/log"
chromium_run --dump-dom "$work/hostile.html" >"$work/hostile-dom.html"
grep -o '<html [^>]*>' "$work/hostile-dom.html" | grep -q 'data-chaff-ready="1"' ||
    fail "hostile: the script did not run"
[[ $(grep -o '<script' "$work/hostile-dom.html" | wc -l) -eq 1 ]] || fail "hostile: a script was injected"
! grep -q '<img' "$work/hostile-dom.html" || fail "hostile: an <img> was injected"
! grep -q '<style>body' "$work/hostile-dom.html" || fail "hostile: a <style> was injected"
! grep -q 'pwned' <(grep -o '<title>[^<]*' "$work/hostile-dom.html") || fail "hostile: the title changed"
grep -q '&lt;/script&gt;&lt;script&gt;' "$work/hostile-dom.html" || fail "hostile: text not shown escaped"
if grep -Eq 'Uncaught|SyntaxError' "$work/log"; then
    fail "hostile: errors on the console"
fi
echo "check_html: ok in $((SECONDS - start))s; screenshot: $out/report.png" >&2
