#!/usr/bin/env bash
# Load benchmark (not a test): the release server on a fresh demo database, 64 connections for
# DURATION seconds each (default 10) with wrk, on `/`, `/arrivals`, one API read and the bytes
# of `/` served as a static file by the same binary (the ceiling); `/` and `/arrivals` also
# from a second server that renders every request (page cache off). Prints a Markdown table of
# requests/s and p50/p99 latency. wrk and the server share this machine's cores.
# Usage: bench/load.sh [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
duration=${1:-10}
if ! command -v wrk > /dev/null; then
  step "installing wrk from Debian"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk > /dev/null; else sudo apt-get install -y -qq wrk > /dev/null; fi
fi
[ -f target/site/pkg/portsignal.wasm ] && [ -x target/release/portsignal ] || cargo leptos build --release
work=$(mktemp -d)
port=3198
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work" target/site/bench-signal.html' EXIT
# One server keeps public pages for anonymous visitors (the default); a second, on the same
# database, renders every request (--page-cache false), to show what rendering costs.
for cache in true false; do
  p=$((port + ${#cache} - 4))
  target/release/portsignal serve --data-dir "$work" --site-addr "127.0.0.1:$p" --site-root target/site \
    --rate-limit-per-minute 0 --demo-record-days 0 --page-cache "$cache" --log-filter warn > "$work/serve-$cache.log" 2>&1 &
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$p/healthz" > /dev/null && break; sleep 0.2; done
done
base="http://127.0.0.1:$port"
rendered="http://127.0.0.1:$((port + 1))"
curl -fs "$base/" > target/site/bench-signal.html

echo "| what | requests/s | p50 | p99 |"
echo "|---|---|---|---|"
for url in "$base/" "$base/arrivals" "$rendered/" "$rendered/arrivals" "$base/api/v1/ports/USLAX/outlook/weekly" "$base/bench-signal.html"; do
  out=$(wrk -t2 -c64 -d"${duration}s" --timeout 30s --latency "$url")
  rps=$(awk '/^Requests\/sec/ { print $2 }' <<< "$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<< "$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<< "$out")
  errors=$(awk '/Non-2xx or 3xx responses/ { print " (" $NF " non-2xx)" }' <<< "$out")
  what="GET /${url#http://127.0.0.1:[0-9]*/}"
  [[ $url == "$rendered"* ]] && what="$what, rendered every time"
  echo "| \`$what\` | $rps$errors | $p50 | $p99 |"
done
