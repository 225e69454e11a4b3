#!/usr/bin/env python3
"""Posts JIT timestamps (JSON lines) to a running portsignal in batches, several at a time,
and prints events/s. Loopback only: the address must be 127.0.0.1 or localhost.

usage: post_batches.py FILE URL TOKEN [BATCH=1000] [CONCURRENCY=4]
"""
import json
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

def main():
    path, url, token = sys.argv[1:4]
    batch = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    workers = int(sys.argv[5]) if len(sys.argv) > 5 else 4
    if urlparse(url).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("this benchmark only talks to a server on this machine")
    with open(path) as f:
        lines = [l for l in f.read().splitlines() if l]
    bodies = ["[" + ",".join(lines[i:i + batch]) + "]" for i in range(0, len(lines), batch)]

    def post(body):
        req = urllib.request.Request(url, data=body.encode(), method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(req, timeout=120) as r:
            return json.load(r)["accepted"]

    started = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        accepted = sum(pool.map(post, bodies))
    elapsed = time.monotonic() - started
    print(f"{len(lines)} events in {len(bodies)} batches of {batch}, {workers} at a time: "
          f"{elapsed:.2f} s, {len(lines) / elapsed:,.0f} events/s, {accepted} accepted")

if __name__ == "__main__":
    main()
