# Kakehashi: two commands for a fresh machine.
#   make run    install what is missing, build, serve on SQLite with the Aomori demo data
#   make test   install what is missing, then fmt, clippy, unit + integration tests
#               (SQLite; PostgreSQL too when KAKEHASHI_TEST_POSTGRES_URL is set), browser tests

SHELL := /bin/bash
TOOLS_DIR ?= $(HOME)/.cache/kakehashi-tools
# Our tools first: wasm-bindgen, binaryen's wasm-opt (xtask's npm package), Playwright.
export PATH := $(TOOLS_DIR)/bin:$(CURDIR)/xtask/node_modules/.bin:$(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export KAKEHASHI_DATA_DIR ?= $(CURDIR)/data
export LEPTOS_SITE_ROOT ?= $(CURDIR)/target/site
export LEPTOS_OUTPUT_NAME ?= kakehashi
export CARGO_TERM_COLOR ?= never

.PHONY: run test tools build-tools build site lint unit-test postgres-test e2e bench watch

# What building and running need; `tools` adds what the tests need.
build-tools:
	@scripts/setup-tools.sh build

tools:
	@scripts/setup-tools.sh test

# The release site (hashed, precompressed, first page's wasm within its budget) and the
# release server. xtask/ drives it: see its doc comment and the README.
build: build-tools
	cargo xtask build

# The release site alone: what the browser tests need beside the debug server.
site: build-tools
	cargo xtask site

# Development: rebuild and restart on every change.
watch: build-tools
	cargo xtask watch

run: build
	@target/release/kakehashi seed --demo --mid-year --if-empty
	@echo
	@echo "Kakehashi: http://$${KAKEHASHI_ADDR:-127.0.0.1:3000}  (Ctrl-C to stop)"
	@echo "Demo sign-ins, password kakehashi-demo: coordinator@aomori.example,"
	@echo "  aomori-city@, hachinohe@, hirosaki@, keieisha@, shokokai@, shoko-rodo@, kenko-fukushi@aomori.example"
	@target/release/kakehashi serve

lint: tools
	cargo fmt --all --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

# nextest runs each test in its own process (see .config/nextest.toml).
unit-test: tools
	cargo nextest run

# The same build as `unit-test` (a filter, not `-p server --test api`, whose narrower
# feature resolution rebuilt sqlx, sea-orm and the server: minutes of every CI run).
postgres-test: tools
	@if [ -n "$$KAKEHASHI_TEST_POSTGRES_URL" ]; then \
	  echo "Integration suite on PostgreSQL ($$KAKEHASHI_TEST_POSTGRES_URL)"; \
	  KAKEHASHI_TEST_DATABASE=postgres cargo nextest run -E 'binary_id(server::api)'; \
	else \
	  echo "KAKEHASHI_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run"; \
	fi

# The browser tests run the release site against the debug server the integration tests
# built: the same code, without a second (release) compile of the whole server. The same
# invocation as `unit-test` (nothing to do after it): a plain `cargo build` of the binary
# would resolve the dependencies' features without the dev-dependencies and rebuild them.
e2e: tools site
	cargo nextest run --no-run
	cd end2end && KAKEHASHI_BIN=target/debug/kakehashi npx playwright test

test: lint unit-test postgres-test e2e

bench: build
	scripts/bench.sh
