#!/usr/bin/env bash
# The sync engine's load benchmark (docs/benchmarks.md): for each database and each N, a
# fresh demo server, N readers that hold an event stream and apply what it carries (pulling
# only after a gap),
# steady writes; the time from each write to the poke and to the message in the reader's
# hands, lost and duplicated deliveries, server CPU per delivery, memory per idle stream;
# then a client catching up a long feed.
#   scripts/bench-sync.sh                    SQLite and PostgreSQL, N = 100 1000 5000
#   DBS=sqlite NS="100 1000" scripts/bench-sync.sh
#   DBS=postgres2 ...                         two instances on one PostgreSQL: readers on one,
#                                             the writer on the other
# PostgreSQL: PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/test) must be able
# to create a database; the run uses a database of its own, dropped afterwards.
set -euo pipefail
DBS="${DBS:-sqlite postgres}"
NS="${NS:-100 1000 5000}"
WRITES="${WRITES:-100}"
RATE="${RATE:-10}"
CATCH_UP="${CATCH_UP:-10000}"
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/test}"
# 5,000 streams are 5,000 sockets at each end.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# The server as `make build` builds it (the same binary `make run` serves), or another
# build to compare with (KAKEHASHI_BIN=/tmp/kakehashi-before scripts/bench-sync.sh).
# Both in one invocation: built apart, cargo unifies the dependencies' features
# differently for each and builds most of the tree twice.
bin="${KAKEHASHI_BIN:-target/release/kakehashi}"
cargo build --release -p server --bin kakehashi -p kakehashi-bench --bin kakehashi-bench
bench=target/release/kakehashi-bench

run() { # database (sqlite, postgres, or postgres2: two instances), clients, extra bench arguments...
  local db=$1 n=$2; shift 2
  local tmp; tmp=$(mktemp -d)
  local env=(KAKEHASHI_DATA_DIR="$tmp" RUST_LOG=warn)
  if [ "$db" != sqlite ]; then
    local name="kakehashi_bench_$$"
    psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
    env+=(DATABASE_URL="${PG_ADMIN_URL%/*}/$name")
  fi
  env "${env[@]}" "$bin" seed --demo >/dev/null
  env "${env[@]}" KAKEHASHI_ADDR=127.0.0.1:0 "$bin" serve >"$tmp/out" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do grep -q 'listening on' "$tmp/out" && break; sleep 0.1; done
  local base; base=$(grep -o 'http://[0-9.:]*' "$tmp/out" | head -1)
  local extra=() watched=$pid pid2=
  if [ "$db" = postgres2 ]; then
    # The readers' instance: it takes no write, so everything it delivers came through
    # PostgreSQL from the other one. Its CPU and memory are the ones reported.
    env "${env[@]}" KAKEHASHI_ADDR=127.0.0.1:0 "$bin" serve >"$tmp/out2" 2>&1 &
    pid2=$!
    for _ in $(seq 1 100); do grep -q 'listening on' "$tmp/out2" && break; sleep 0.1; done
    extra=(--readers-url "$(grep -o 'http://[0-9.:]*' "$tmp/out2" | head -1)")
    watched=$pid2
  fi
  echo "== $db, $n clients"
  "$bench" --url "$base" --clients "$n" --writes "$WRITES" --rate "$RATE" --server-pid "$watched" "${extra[@]}" "$@" || true
  kill "$pid" $pid2; wait "$pid" $pid2 2>/dev/null || true
  if [ "$db" != sqlite ]; then
    psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $name" >/dev/null
  fi
  rm -rf "$tmp"
}

for db in $DBS; do
  for n in $NS; do run "$db" "$n"; done
  if [ "$CATCH_UP" -gt 0 ]; then WRITES=10 run "$db" 10 --catch-up "$CATCH_UP"; fi
done
