import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * The first-page benchmark (issue 16), not a test: `bench/first-page.bench.ts` loads the
 * signed-in home page under network and CPU throttling and prints what it measured.
 * Run by `scripts/bench-first-page.sh` against the release server and site (see
 * docs/benchmarks.md). Same server set-up as the browser tests.
 */
export default defineConfig({
  ...base,
  testDir: './bench',
  testMatch: /.*\.bench\.ts$/,
  timeout: 600_000,
});
