#!/usr/bin/env bash
# Installs what is missing, builds MSP Hub in release mode and serves it on the embedded
# SQLite database with demo data. Extra arguments go to `msp-hub serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"

cargo leptos build --release --split --precompress
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
exec "$TARGET_DIR/release/msp-hub" serve --demo "$@"
