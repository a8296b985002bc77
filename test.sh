#!/usr/bin/env bash
# The project's test command (README, .ci/run): unit, property and end-to-end CLI tests, a
# check that the benchmarks build, and the HTML report rendered in headless Chromium
# (tests/browser/check_html.sh, which installs Debian's chromium package when it is missing).
# Everything else comes from Cargo.lock.
set -euo pipefail
cd "$(dirname "$0")"
cargo test --release --all-targets
cargo test --release --doc
cargo build --release --quiet
tests/browser/check_html.sh
