#!/usr/bin/env bash
# `make bench`: the release build's wasm size (raw, gzip -9, brotli -q 11) and the server's
# time to first byte for the sign-in page and the signed-in home page (p50 / p95 over N
# sequential requests from curl on loopback). Run after `make build`.
set -euo pipefail
N="${N:-200}"
bin=target/release/kakehashi
wasm=$(ls target/site/pkg/*.wasm | grep -v '\.br$\|\.gz$' | head -1)

raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
br=$(stat -c %s "$wasm.br")
js=$(ls target/site/pkg/*.js | head -1)
echo "wasm: ${raw} B raw, ${gz} B gzip -9, ${br} B brotli -q 11 ($(basename "$wasm"))"
echo "js:   $(stat -c %s "$js") B raw, $(stat -c %s "$js.br") B brotli"

tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
KAKEHASHI_DATA_DIR="$tmp" RUST_LOG=warn "$bin" seed --demo >/dev/null
KAKEHASHI_DATA_DIR="$tmp" KAKEHASHI_ADDR=127.0.0.1:0 RUST_LOG=warn "$bin" serve >"$tmp/out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$tmp/out" && break; sleep 0.1; done
base=$(grep -o 'http://[0-9.:]*' "$tmp/out" | head -1)

jar="$tmp/jar"
csrf=$(curl -s -c "$jar" -H 'content-type: application/json' \
  -d '{"email":"coordinator@aomori.example","password":"kakehashi-demo"}' \
  "$base/api/v1/session" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
curl -s -b "$jar" -c "$jar" -X POST -H "X-CSRF-Token: $csrf" "$base/api/v1/me/pledge" >/dev/null

ttfb() { # path, cookie jar or empty
  local path=$1 jar=${2:-}
  for _ in $(seq 1 "$N"); do
    if [ -n "$jar" ]; then
      curl -s -o /dev/null -b "$jar" -w '%{time_starttransfer}\n' "$base$path"
    else
      curl -s -o /dev/null -w '%{time_starttransfer}\n' "$base$path"
    fi
  done | sort -n | awk -v n="$N" '{a[NR]=$1} END {printf "p50 %.1f ms, p95 %.1f ms\n", a[int(n*0.5)]*1000, a[int(n*0.95)]*1000}'
}
echo "TTFB /sign-in (anonymous, $N requests): $(ttfb /sign-in)"
echo "TTFB /p/aomori (signed in, $N requests): $(ttfb /p/aomori "$jar")"
