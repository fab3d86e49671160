#!/usr/bin/env bash
# Reproduces BENCHMARKS.md: bundle sizes, server-side render latency, sign-in latency,
# keep-alive throughput, server memory, and the tenant list at 10,000 tenants on both
# databases, against the release build on loopback. Bounded loops; stops by itself.
#   scripts/bench.sh                   build, then measure
#   SKIP_BUILD=1 scripts/bench.sh      measure the existing build
#   HUB_BIN=path/to/msp-hub            measure another build of the server (e.g. before a change)
#   BENCH_SECTIONS="keepalive"         only some of: bundle latency keepalive tenants queue
#   HUB_WORKERS=1                      serving threads of the measured server (default: one per core)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
PORT="${BENCH_PORT:-3300}"
PAGES="${BENCH_PAGES:-300}"
LOGINS="${BENCH_LOGINS:-20}"
SECONDS_EACH="${BENCH_SECONDS:-5}"
BIN="${HUB_BIN:-$TARGET_DIR/release/msp-hub}"
SECTIONS="${BENCH_SECTIONS:-bundle latency keepalive tenants queue}"
section() { case " $SECTIONS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

if [ -z "${SKIP_BUILD:-}" ]; then
  scripts/setup.sh
  cargo leptos build --release --split --precompress
fi

pkg=target/site/pkg
size() { wc -c < "$1" | tr -d ' '; }
gz() { gzip -9 -c "$1" | wc -c | tr -d ' '; }
br_size() { if [ -f "$1.br" ]; then size "$1.br"; else echo -; fi; }
# The bundle's files: hashed names (msp-hub.<hash>.wasm) in a `hash-files` build, plain otherwise.
asset() { ls "$pkg"/msp-hub*."$1" 2>/dev/null | grep -v -e '\.gz$' -e '\.br$' | head -n 1; }
if section bundle; then
  echo "## Bundle (target/site/pkg)"
  printf '%-28s %10s %10s %10s\n' file bytes gzip-9 brotli
  for ext in wasm js css; do
    f=$(asset "$ext")
    printf '%-28s %10s %10s %10s\n' "$(basename "$f")" "$(size "$f")" "$(gz "$f")" "$(br_size "$f")"
  done
  chunks=$(find "$pkg" -name '*.wasm' ! -name 'msp-hub*' | sort)
  if [ -n "$chunks" ]; then
    total=0; total_gz=0
    for f in $chunks; do total=$((total + $(size "$f"))); total_gz=$((total_gz + $(gz "$f"))); done
    printf '%-28s %10s %10s\n' "$(echo "$chunks" | wc -l) lazy chunks (.wasm)" "$total" "$total_gz"
  fi
  printf '%-28s %10s\n' "server binary" "$(size "$BIN")"
fi

data=$(mktemp -d)
HUB_DATA_DIR="$data" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" RUST_LOG=warn \
  "$BIN" serve --demo > "$data/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  kill -0 "$pid" 2>/dev/null || { echo "error: the server exited:" >&2; cat "$data/server.log" >&2; exit 1; }
  curl -fs -m 2 "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.1
done

# Prints p50 and p95 in milliseconds of N sequential requests.
measure() {
  local n=$1; shift
  for _ in $(seq 1 "$n"); do curl -s -m 10 -o /dev/null -w '%{time_total}\n' "$@"; done \
    | sort -n | awk '{ v[NR] = $1 * 1000 } END { printf "p50 %.2f ms   p95 %.2f ms   (n=%d)\n", v[int(NR*0.5)], v[int(NR*0.95)], NR }'
}

jar="$data/cookies"
curl -s -o /dev/null -c "$jar" -X POST "http://127.0.0.1:$PORT/api/login" \
  --data 'email=admin%40northwind-msp.example&password=northwind-demo-admin'

if section latency; then
  echo
  echo "## Latency (sequential, loopback, release build, SQLite)"
  printf '%-34s ' "GET /login (anonymous SSR)";   measure "$PAGES" "http://127.0.0.1:$PORT/login"
  printf '%-34s ' "GET / (signed-in SSR, DB checks)"; measure "$PAGES" -b "$jar" "http://127.0.0.1:$PORT/"
  printf '%-34s ' "POST /api/workspaces (server fn)"; measure "$PAGES" -b "$jar" -X POST "http://127.0.0.1:$PORT/api/workspaces"
  printf '%-34s ' "GET /tenants (signed-in SSR, list)"; measure "$PAGES" -b "$jar" "http://127.0.0.1:$PORT/tenants"
  printf '%-34s ' "POST /api/login (argon2id)";   measure "$LOGINS" -X POST "http://127.0.0.1:$PORT/api/login" \
    --data 'email=admin%40northwind-msp.example&password=northwind-demo-admin'
fi

# One row: requests per second, p50 and p99 over keep-alive connections (wrk reuses each).
wrk_row() {
  local label=$1 clients=$2; shift 2
  local threads=1
  [ "$clients" -gt 1 ] && threads=2
  wrk -t"$threads" -c"$clients" -d"${SECONDS_EACH}s" --latency "$@" | awk -v label="$label" -v clients="$clients" '
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = $2 }
    $1 == "99%" { p99 = $2 }
    END { printf "%-34s %8s %12s %10s %10s\n", label, clients, rps, p50, p99 }'
}

if section keepalive; then
  if ! command -v wrk >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  fi
  session=$(awk '$6 == "hub_session" { print $7 }' "$jar")
  echo
  echo "## Keep-alive connections (wrk, ${SECONDS_EACH} s each, loopback, release build, SQLite)"
  printf '%-34s %8s %12s %10s %10s\n' request clients "requests/s" p50 p99
  for clients in 1 16; do
    wrk_row "GET /pkg/msp-hub.css (static)" "$clients" "http://127.0.0.1:$PORT/pkg/$(basename "$(asset css)")"
    wrk_row "GET /login (anonymous SSR)" "$clients" "http://127.0.0.1:$PORT/login"
    wrk_row "GET /t/adatum-corporation/users" "$clients" -H "Cookie: hub_session=$session" \
      "http://127.0.0.1:$PORT/t/adatum-corporation/users"
  done
fi

echo
echo "## Server memory after the run"
grep -E 'VmRSS|VmHWM' "/proc/$pid/status"

kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true

if section tenants; then
  echo
  echo "## Tenant list at ${BENCH_TENANTS:-10000} tenants (SQLite and PostgreSQL)"
  # Needs PostgreSQL like the tests (HUB_TEST_POSTGRES_URL); seeds through create_tenant.
  cargo run --quiet --release -p hub-core --features testing --example tenant_list -- "${BENCH_TENANTS:-10000}"
fi

if section queue; then
  echo
  echo "## Run queue and scheduler (SQLite and PostgreSQL)"
  # Needs PostgreSQL like the tests. Claim-and-complete with 1, 4 and 16 runners over
  # ${BENCH_RUNS:-2000} runs each; ${BENCH_SCHEDULES:-10000} schedules due in one minute.
  cargo run --quiet --release -p hub-core --features testing --example run_queue -- \
    "${BENCH_RUNS:-2000}" "${BENCH_SCHEDULES:-10000}"
fi
