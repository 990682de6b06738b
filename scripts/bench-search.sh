#!/usr/bin/env bash
# The good-practice library's search benchmark (docs/benchmarks.md): for each database and
# each N, a fresh demo database with N generated practices (`kakehashi seed --demo
# --practices N`, timed), the server's start timed until it listens (it builds the search
# index from every practice before listening; the start with an empty library, measured
# once per database, is taken off to give the indexing throughput), then search latency
# p50/p95/max over a fixed query mix (kakehashi-search-bench).
#   scripts/bench-search.sh                          SQLite and PostgreSQL, N = 1000 10000 100000
#   DBS=sqlite NS="1000 10000" ITERATIONS=20 scripts/bench-search.sh
# PostgreSQL: PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/test) must be able
# to create a database; the run uses a database of its own, dropped afterwards.
set -euo pipefail
DBS="${DBS:-sqlite postgres}"
NS="${NS:-1000 10000 100000}"
ITERATIONS="${ITERATIONS:-50}"
WARMUP="${WARMUP:-3}"
SEED="${SEED:-1}"
# Seconds to wait for a server to listen; 100,000 practices take a while to index.
START_TIMEOUT="${START_TIMEOUT:-1800}"
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/test}"

# The server as `make build` builds it (the same binary `make run` serves).
[ -x target/release/kakehashi ] || make build
cargo build --release -p kakehashi-bench
bin=target/release/kakehashi
bench=target/release/kakehashi-search-bench

# Microseconds since the epoch (bash 5's EPOCHREALTIME, whatever the locale's decimal mark).
now_us() {
  if [ -n "${EPOCHREALTIME:-}" ]; then echo "${EPOCHREALTIME//[!0-9]/}"; else date +%s%6N; fi
}
seconds() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1e6 }'; }

tmp="" pid="" pg_name=""
env_vars=()

fresh() { # database: an empty database of its own and the environment to reach it
  tmp=$(mktemp -d)
  env_vars=(KAKEHASHI_DATA_DIR="$tmp" RUST_LOG=warn)
  if [ "$1" = postgres ]; then
    pg_name="kakehashi_search_$$"
    psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $pg_name" -c "CREATE DATABASE $pg_name" >/dev/null
    env_vars+=(DATABASE_URL="${PG_ADMIN_URL%/*}/$pg_name")
  fi
}

stop() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
  fi
}

cleanup() {
  stop
  if [ -n "$pg_name" ]; then
    psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $pg_name" >/dev/null || true
    pg_name=""
  fi
  if [ -n "$tmp" ]; then rm -rf "$tmp"; tmp=""; fi
}
trap cleanup EXIT

start() { # sets pid, base, start_us (process start until the "listening on" line) and rss_mib
  local t0 deadline
  t0=$(now_us)
  deadline=$((t0 + START_TIMEOUT * 1000000))
  env "${env_vars[@]}" KAKEHASHI_ADDR=127.0.0.1:0 "$bin" serve >"$tmp/out" 2>&1 &
  pid=$!
  until grep -q 'listening on' "$tmp/out"; do
    if ! kill -0 "$pid" 2>/dev/null || [ "$(now_us)" -gt "$deadline" ]; then
      echo "the server did not start:" >&2
      cat "$tmp/out" >&2
      exit 1
    fi
    sleep 0.01
  done
  start_us=$(($(now_us) - t0))
  base=$(grep -o 'http://[0-9.:]*' "$tmp/out" | head -1)
  # The resident memory once the index is built (Linux).
  rss_mib=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || echo "?")
}

rows=()
for db in $DBS; do
  # The empty library's start: connecting, migrating and building the router.
  fresh "$db"
  env "${env_vars[@]}" "$bin" seed --demo >/dev/null
  start
  empty_us=$start_us
  stop
  cleanup
  echo "== $db: the server starts in $(seconds "$empty_us") s with an empty library"

  for n in $NS; do
    fresh "$db"
    t0=$(now_us)
    env "${env_vars[@]}" "$bin" seed --demo --practices "$n" --practice-seed "$SEED" >"$tmp/seed"
    seed_us=$(($(now_us) - t0))
    # The CLI's own timing of the inserts alone, without the demo data and migrations.
    insert_s=$(grep -o 'practices in [0-9.]* s' "$tmp/seed" | grep -o '[0-9.]*' || echo "?")
    start
    index_us=$((start_us - empty_us))
    if [ "$index_us" -gt 0 ]; then
      rate=$(awk -v n="$n" -v us="$index_us" 'BEGIN { printf "%.0f", n / (us / 1e6) }')
    else
      rate="n/a"
    fi
    echo
    echo "== $db, $n practices: seeded in $(seconds "$seed_us") s (inserts $insert_s s)," \
      "server up in $(seconds "$start_us") s (index $(seconds "$index_us") s, $rate practices/s), RSS $rss_mib MiB"
    row="$db | $n | $insert_s | $(seconds "$index_us") | $rate | $rss_mib"
    "$bench" --url "$base" --iterations "$ITERATIONS" --warmup "$WARMUP" --row "$row" | tee "$tmp/bench"
    rows+=("$(tail -n 1 "$tmp/bench")")
    cleanup
  done
done

echo
echo "| DB | practices | insert s | index s | indexed/s | RSS MiB | p50 ms | p95 ms | max ms |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
