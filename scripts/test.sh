#!/usr/bin/env bash
# Installs what is missing, then runs every test: the Rust unit and integration tests (on
# SQLite and on PostgreSQL) and the end-to-end suite in headless Chromium.
# PostgreSQL: HUB_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres),
# a superuser; each test creates and drops its own database. PostgreSQL tests never skip:
# without a server they fail.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
PG_URL="${HUB_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

# Fail early and clearly when PostgreSQL is unreachable (the tests would fail anyway).
pg_hostport=${PG_URL#*@}; pg_hostport=${pg_hostport%%/*}
pg_host=${pg_hostport%%:*}; pg_port=${pg_hostport##*:}; [ "$pg_port" = "$pg_hostport" ] && pg_port=5432
if ! (exec 3<>"/dev/tcp/$pg_host/$pg_port") 2>/dev/null; then
  echo "error: PostgreSQL is not reachable at $pg_host:$pg_port (HUB_TEST_POSTGRES_URL)." >&2
  echo "       The PostgreSQL tests cannot run; they are never skipped." >&2
  exit 1
fi

say "Formatting and lints (every crate and feature set, as the README claims)"
cargo fmt --all --check
cargo clippy --workspace --exclude hub-frontend --all-targets -- -D warnings
# The browser half: hub-frontend with app/hydrate, for the WASM target.
cargo clippy -p hub-frontend --target wasm32-unknown-unknown -- -D warnings

say "Rust tests (SQLite and PostgreSQL)"
log=$(mktemp)
set +e
# hub-frontend (the WASM entry point, no tests) stays out: building it alongside the server
# would unify `app/hydrate` into the test server, which then panics on spawn_local.
cargo nextest run --workspace --exclude hub-frontend --no-fail-fast 2>&1 | tee "$log"
rust_status=${PIPESTATUS[0]}
set -e
pg_passed=$(grep -cE '^\s+PASS .*postgres' "$log" || true)
sqlite_passed=$(grep -cE '^\s+PASS .*sqlite' "$log" || true)
rm -f "$log"
say "PostgreSQL tests passed: $pg_passed; SQLite tests passed: $sqlite_passed"
if [ "$rust_status" -ne 0 ]; then
  echo "error: Rust tests failed" >&2
  exit "$rust_status"
fi
if [ "$pg_passed" -eq 0 ]; then
  echo "error: no PostgreSQL test ran" >&2
  exit 1
fi

say "Release build for the end-to-end suite"
cargo leptos build --release --split --precompress

say "End-to-end tests in headless Chromium"
(cd end2end && HUB_BIN="$(cd .. && realpath "$TARGET_DIR")/release/msp-hub" \
  LEPTOS_SITE_ROOT="$(cd .. && pwd)/target/site" npx playwright test)
