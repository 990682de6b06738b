#!/usr/bin/env bash
# Installs the tools Kakehashi needs, at pinned versions, outside the checkout.
#   scripts/setup-tools.sh build   what building and running need (`make run`)
#   scripts/setup-tools.sh test    that, and what the tests need (`make test`)
# Each step is skipped when the right version is already present, so a second run costs
# seconds. The build itself is driven by the workspace (`cargo xtask`, xtask/), so no build
# tool of its own is compiled here. Safe to run by hand.
set -euo pipefail
WANT="${1:-test}"

TOOLS_DIR="${KAKEHASHI_TOOLS_DIR:-$HOME/.cache/kakehashi-tools}"
# Must equal the wasm-bindgen version in Cargo.lock (the workspace pins it with "=").
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' Cargo.lock 2>/dev/null || true)"
WASM_BINDGEN_VERSION="${WASM_BINDGEN_VERSION:-0.2.130}"

mkdir -p "$TOOLS_DIR/bin"
export PATH="$TOOLS_DIR/bin:$PATH"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# The pinned toolchain: RUSTUP_AUTO_INSTALL=0 on these machines, so install it explicitly.
if ! rustup run "$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)" rustc --version >/dev/null 2>&1; then
  say "installing the Rust toolchain from rust-toolchain.toml"
fi
rustup toolchain install >/dev/null

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "building wasm-bindgen-cli $WASM_BINDGEN_VERSION (~3 min once per machine)"
  # Not --locked: its lock file pins a webpki-roots release the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --root "$TOOLS_DIR"
fi

# binaryen's wasm-opt (a Node build from npm: seconds, where building binaryen takes ten
# minutes; Debian's is too old, see BUILD-NOTES), pinned by xtask/package-lock.json.
if [ ! -x xtask/node_modules/.bin/wasm-opt ] || [ xtask/package-lock.json -nt xtask/node_modules/.package-lock.json ]; then
  say "installing binaryen (wasm-opt) from npm"
  (cd xtask && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ "$WANT" = build ]; then
  say "build tools ready in $TOOLS_DIR"
  exit 0
fi

# The test runner (each test in its own process). Debian images of this project's kind
# carry it; build it only where missing.
if ! command -v cargo-nextest >/dev/null 2>&1; then
  say "building cargo-nextest (~5 min once per machine)"
  cargo install cargo-nextest --locked --root "$TOOLS_DIR"
fi

# Chromium from Debian for the browser tests (Playwright must never download a browser).
if ! command -v chromium >/dev/null 2>&1; then
  say "installing Debian's chromium"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# npm packages of end2end/ (Playwright and axe), from the lock file.
if [ ! -x end2end/node_modules/.bin/playwright ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing end2end npm packages"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

say "tools ready in $TOOLS_DIR"
