#!/usr/bin/env bash
# The project's test command (README, .ci/run): unit, property and end-to-end CLI tests, plus
# a check that the benchmarks build. Installs nothing today: everything comes from Cargo.lock.
set -euo pipefail
cd "$(dirname "$0")"
cargo test --release --all-targets
cargo test --release --doc
