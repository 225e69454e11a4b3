#!/usr/bin/env bash
# Ingestion benchmark (not a test): imports N generated DCSA JIT timestamps with
# `portsignal import events` into SQLite and into PostgreSQL, then posts a part of them over
# HTTP in batches of 1,000, to a server on each. Prints events/s for each. Usage: bench/ingest.sh [N] [HTTP_N]
set -euo pipefail
shopt -s inherit_errexit # a failed import stops the script instead of being timed
cd "$(dirname "$0")/.."
unset DATABASE_URL # the SQLite runs must not follow one set in the environment
n=${1:-1000000}
http_n=${2:-200000}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
# PORTSIGNAL_BENCH_BIN measures another build (say an earlier commit's) on the same machine.
bin=${PORTSIGNAL_BENCH_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release --features ssr --bin portsignal
  bin=target/release/portsignal
fi
python3 bench/jit_events.py "$n" > "$work/events.jsonl"
head -n "$http_n" "$work/events.jsonl" > "$work/http.jsonl"

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%d events in %.2f s: %.0f events/s\n", n, s, n / s }'; }
timed() { local start end; start=$(date +%s.%N); "$@" > /dev/null 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc; }

echo "== SQLite: portsignal import events"
"$bin" port add USLAX --name "Los Angeles" --tz America/Los_Angeles --data-dir "$work/sqlite" > /dev/null 2>&1
s=$(timed "$bin" import events "$work/events.jsonl" --data-dir "$work/sqlite")
rate "$n" "$s"

echo "== PostgreSQL: portsignal import events"
pg=${PORTSIGNAL_BENCH_PG:-postgres://postgres@127.0.0.1:5432/test}
schema="bench_$$"
psql -q "$pg" -c "CREATE SCHEMA $schema"
url="$pg?options[search_path]=$schema"
"$bin" port add USLAX --name "Los Angeles" --tz America/Los_Angeles --database-url "$url" > /dev/null 2>&1
s=$(timed "$bin" import events "$work/events.jsonl" --database-url "$url")
rate "$n" "$s"
PGOPTIONS="-c client_min_messages=warning" psql -q "$pg" -c "DROP SCHEMA $schema CASCADE"

# Posts the HTTP part to a server on the store that "$@" names (--data-dir or --database-url).
http() {
  "$bin" port add USLAX --name "Los Angeles" --tz America/Los_Angeles "$@" > /dev/null 2>&1
  local token
  token=$("$bin" token create --role provider --port USLAX "$@" 2> /dev/null)
  "$bin" serve "$@" --site-addr 127.0.0.1:3199 --demo-on-empty false > "$(mktemp "$work/serve-XXXX.log")" 2>&1 &
  local server=$!
  for _ in $(seq 1 50); do curl -fs http://127.0.0.1:3199/healthz > /dev/null && break; sleep 0.2; done
  python3 bench/post_batches.py "$work/http.jsonl" http://127.0.0.1:3199/dcsa/jit/v1/timestamps "$token" 1000 4
  kill "$server"
  wait "$server" 2> /dev/null || true
}

echo "== HTTP: POST /dcsa/jit/v1/timestamps in batches of 1,000 (SQLite)"
http --data-dir "$work/http"

echo "== HTTP: the same into PostgreSQL"
psql -q "$pg" -c "CREATE SCHEMA ${schema}_http"
http --database-url "$pg?options[search_path]=${schema}_http"
PGOPTIONS="-c client_min_messages=warning" psql -q "$pg" -c "DROP SCHEMA ${schema}_http CASCADE"
