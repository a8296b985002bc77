#!/usr/bin/env bash
# The project's test command (README, .ci/run): unit, property and end-to-end CLI tests, a
# check that the benchmarks build, and the HTML report rendered in headless Chromium
# (tests/browser/check_html.sh, which installs Debian's chromium package when it is missing),
# and the count/merge/mark flow run as Ray tasks on a local Ray cluster, checked against one
# scan (tests/ray/check.sh, which pip-installs ray into target/venv-ray when it is missing:
# about 30 s the first time, 10 s after), and the pipeline checks against the real tools, each
# installing into its own venv under target/ when it is missing: Parquet read back by
# pyarrow (tests/parquet), dolma mix applying --attributes (tests/dolma), the distributed
# passes as datatrove steps (tests/datatrove), the maturin wheel installed and run
# (tests/wheel). Everything else comes from Cargo.lock.
set -euo pipefail
cd "$(dirname "$0")"
cargo test --release --all-targets
cargo test --release --doc
cargo build --release --quiet
tests/browser/check_html.sh
tests/ray/check.sh
tests/parquet/check.sh
tests/dolma/check.sh
tests/datatrove/check.sh
tests/wheel/check.sh
