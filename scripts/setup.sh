#!/usr/bin/env bash
# Installs what building (and, with `test`, testing) MSP Hub needs; skips what is there.
#   scripts/setup.sh        tools to build and run
#   scripts/setup.sh test   the same plus Chromium, Playwright and cargo-nextest
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.11
say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

# Tools cargo installs land here; make sure this shell (and the caller's) finds them.
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION"; then
  # cargo-leptos 0.3.11's dependencies need Rust 1.96+, newer than stable here: build it
  # with nightly. `no_downloads` makes it use the wasm-bindgen and wasm-opt on PATH instead
  # of downloading its own (this machine reaches only package registries).
  if ! rustup toolchain list | grep -q '^nightly'; then
    say "installing the nightly toolchain (needed only to build cargo-leptos)"
    rustup toolchain install nightly --profile minimal
  fi
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (first time only: about 20 minutes on 2 cores)"
  cargo +nightly install --locked --features no_downloads cargo-leptos --version "$CARGO_LEPTOS_VERSION"
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: its lock file names a crate version the registry no longer has.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# wasm-opt (binaryen) and Playwright come from npm, pinned in end2end/package-lock.json.
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -d end2end/node_modules/@playwright/test ] \
   || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing npm packages (wasm-opt, Playwright)"
  (cd end2end && npm ci --no-audit --no-fund)
fi

if [ "${1:-}" = "test" ]; then
  # The test command also checks formatting and lints.
  for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$component"; then
      say "adding the $component component"
      rustup component add "$component"
    fi
  done
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Chromium (Debian package)"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  fi
  if ! command -v cargo-nextest >/dev/null 2>&1; then
    say "installing cargo-nextest"
    cargo install --locked cargo-nextest
  fi
fi
