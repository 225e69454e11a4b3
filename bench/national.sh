#!/usr/bin/env bash
# Latency at national size (a benchmark, not a test): the release server on a database made by
# `portsignal demo --scale national` (made first into DATA if it holds no calls), then N
# requests one after another to every page and API read, for the largest and the smallest
# port; prints a Markdown table of p50 and p95 per path (the issue's aim: p95 < 50 ms),
# pages both as anonymous visitors get them (kept) and rendered for every request.
# Usage: bench/national.sh [DATA_DIR] [N]. With DATABASE_URL=postgres://host/database (a plain
# URL, that psql reads too) it measures PostgreSQL: the demo is made into that database if it
# holds no calls, and DATA_DIR keeps only the logs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
data=${1:-target/national}
n=${2:-40}
[ -x target/release/portsignal ] && [ -f target/site/pkg/portsignal.wasm ] || cargo leptos build --release
mkdir -p "$data"
if [ -n "${DATABASE_URL:-}" ]; then
  store=(--database-url "$DATABASE_URL")
  empty=$([ "$(psql -tAc 'SELECT count(*) FROM port_calls' "$DATABASE_URL" 2> /dev/null || echo 0)" = 0 ] && echo yes || true)
else
  store=(--data-dir "$data")
  empty=$(ls "$data"/*.db > /dev/null 2>&1 || echo yes)
fi
if [ -n "$empty" ]; then
  step "generating the national demo (SQLite: about 4 minutes, 5 GB; PostgreSQL: about 13)"
  target/release/portsignal demo --scale national "${store[@]}" --as-of "$(date -u +%Y-%m-%dT%H:00:00Z)"
fi
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
base_port=3197
# Two servers on the one database: one keeping public pages for anonymous visitors (the
# default), one rendering every request (--page-cache false). API reads are never kept.
for cache in true false; do
  port=$((base_port + ${#cache}))
  target/release/portsignal serve "${store[@]}" --site-addr "127.0.0.1:$port" --site-root target/site \
    --rate-limit-per-minute 0 --demo-record-days 0 --page-cache "$cache" --log-filter warn > "$data/serve-$cache.log" 2>&1 &
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.2; done
done
kept="http://127.0.0.1:$((base_port + 4))"
rendered="http://127.0.0.1:$((base_port + 5))"

# p50 and p95 in ms of N requests to URL, one after another, after one uncounted request.
timing() {
  curl -fs -o /dev/null "$1"  # the first request may fill a cache; it is not counted
  times=$(for _ in $(seq 1 "$n"); do curl -s -o /dev/null -w '%{time_total}\n' "$1"; done | sort -n)
  p50=$(sed -n "$(( (n + 1) / 2 ))p" <<< "$times")
  p95=$(sed -n "$(( (n * 95 + 99) / 100 ))p" <<< "$times")
  awk -v a="$p50" -v b="$p95" 'BEGIN { printf "%.0f ms | %.0f ms", a * 1000, b * 1000 }'
}

echo "| path | p50 | p95 | p50 rendered | p95 rendered |"
echo "|---|---|---|---|---|"
for locode in USLAX USBOS; do
  for path in "/api/v1/ports" "/?port=$locode" "/outlook?port=$locode" "/arrivals?port=$locode" "/balance?port=$locode" \
    "/reliability?port=$locode" "/congestion?port=$locode" "/accuracy?port=$locode" \
    "/api/v1/ports/$locode" "/api/v1/ports/$locode/port-calls" "/api/v1/ports/$locode/port-calls?status=at_anchor" \
    "/api/v1/ports/$locode/statistics/monthly" "/api/v1/ports/$locode/balance" \
    "/api/v1/ports/$locode/outlook/weekly" "/api/v1/ports/$locode/forecast/monthly" \
    "/api/v1/ports/$locode/accuracy" "/api/v1/ports/$locode/reliability" "/api/v1/ports/$locode/congestion"; do
    if [[ $path == /api/* ]]; then
      echo "| \`$path\` | $(timing "$kept$path") | – | – |"
    else
      echo "| \`$path\` | $(timing "$kept$path") | $(timing "$rendered$path") |"
    fi
  done
done
