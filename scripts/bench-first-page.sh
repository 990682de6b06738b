#!/usr/bin/env bash
# The first-page benchmark (issue 16): the signed-in home page under Chrome DevTools'
# network and CPU throttling, cold, through Playwright and Debian's Chromium.
#   make build && scripts/bench-first-page.sh         # ROUNDS=5 by default
# Prints one line per profile: the median time until the page has hydrated, the first
# paint and the wasm it fetched. Numbers go to docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${KAKEHASHI_TOOLS_DIR:-$HOME/.cache/kakehashi-tools}/bin:$PWD/end2end/node_modules/.bin:$PATH"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$PWD/target/site}" LEPTOS_OUTPUT_NAME=kakehashi
cd end2end
KAKEHASHI_BIN="${KAKEHASHI_BIN:-target/release/kakehashi}" npx playwright test -c bench.config.ts --reporter=line 2>&1 |
  grep -E '^first page \||passed|failed|Error' || true
