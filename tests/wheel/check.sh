#!/usr/bin/env bash
# The pip wheel: built with maturin (pyproject.toml, `bindings = "bin"`), installed into a
# fresh virtualenv, and its `chaff` run on the sample crawl from that virtualenv's PATH.
#
#   tests/wheel/check.sh
#
# 1. Creates $CARGO_TARGET_DIR/venv-maturin (target/ by default) with
#    `pip install maturin==$MATURIN_VERSION` when it is missing (a prebuilt wheel, 2 s).
# 2. `maturin build --release`: cargo's release build in the same target folder, so after
#    ./test.sh's `cargo build --release` nothing is compiled again; maturin then zips the
#    binary (about 8 s: it carries the release profile's line tables, 33 MB).
# 3. A fresh virtualenv (in a temporary folder), `pip install` of the wheel, and
#    `chaff scan corpus/` run from it: the summary must be the release build's.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${CARGO_TARGET_DIR:-$PWD/target}
venv=$target/venv-maturin
MATURIN_VERSION=1.9.4

check_name="wheel check"
source tests/venv.sh
ensure_venv "$venv" maturin "$MATURIN_VERSION"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$SECONDS

# The README's example. --compatibility linux: a wheel for this machine, not checked
# against a manylinux policy (that needs the manylinux build images).
"$venv/bin/maturin" build --quiet --release --compatibility linux --skip-auditwheel \
    --out "$work/wheels" >"$work/maturin.log" 2>&1 || fail "maturin build failed: $(tail -20 "$work/maturin.log")"
wheels=("$work"/wheels/chaff-*.whl)
[[ -f ${wheels[0]} ]] || fail "no wheel in $work/wheels"

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check --no-index "${wheels[0]}"
[[ -x $work/venv/bin/chaff ]] || fail "the wheel put no chaff into the virtualenv's bin/"
# From the virtualenv's PATH, as a user who ran `pip install` gets it.
PATH=$work/venv/bin:$PATH chaff scan --quiet corpus/ >"$work/wheel.txt" ||
    fail "chaff from the wheel failed"
"$target/release/chaff" scan --quiet corpus/ >"$work/release.txt"
cmp -s "$work/wheel.txt" "$work/release.txt" ||
    fail "the wheel's chaff prints another summary than the release build's"
echo "wheel check: ok: $(basename "${wheels[0]}") installs chaff, whose scan of corpus/ is the release build's ($((SECONDS - start)) s)"
