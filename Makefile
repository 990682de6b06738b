# Kakehashi: two commands for a fresh machine.
#   make run    install what is missing, build, serve on SQLite with the Aomori demo data
#   make test   install what is missing, then fmt, clippy, unit + integration tests
#               (SQLite; PostgreSQL too when KAKEHASHI_TEST_POSTGRES_URL is set), browser tests

SHELL := /bin/bash
TOOLS_DIR ?= $(HOME)/.cache/kakehashi-tools
# Our tools first: cargo-leptos, wasm-bindgen, and binaryen's wasm-opt from end2end's npm packages.
export PATH := $(TOOLS_DIR)/bin:$(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export KAKEHASHI_DATA_DIR ?= $(CURDIR)/data
export LEPTOS_SITE_ROOT ?= $(CURDIR)/target/site
export LEPTOS_OUTPUT_NAME ?= kakehashi
export CARGO_TERM_COLOR ?= never

.PHONY: run test tools build lint unit-test postgres-test e2e bench

tools:
	@scripts/setup-tools.sh

build: tools
	cargo leptos build --release
	node scripts/precompress.mjs target/site/pkg

run: build
	@target/release/kakehashi seed --demo --if-empty
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

postgres-test: tools
	@if [ -n "$$KAKEHASHI_TEST_POSTGRES_URL" ]; then \
	  echo "Integration suite on PostgreSQL ($$KAKEHASHI_TEST_POSTGRES_URL)"; \
	  KAKEHASHI_TEST_DATABASE=postgres cargo nextest run -p server --test api; \
	else \
	  echo "KAKEHASHI_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run"; \
	fi

e2e: build
	cd end2end && npx playwright test

test: lint unit-test postgres-test e2e

bench: build
	scripts/bench.sh
