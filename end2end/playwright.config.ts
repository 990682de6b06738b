import { defineConfig } from '@playwright/test';

/**
 * Browser tests of Kakehashi. `global-setup.ts` seeds a fresh demo database in a temp
 * directory, starts `kakehashi serve` (the binary KAKEHASHI_BIN names) on a free port and hands its
 * URL to the tests as KAKEHASHI_BASE_URL (see tests/fixtures.ts). The browser is
 * Debian's Chromium: Playwright never downloads one here.
 */
export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  // Every test signs in with its own demo user, but they share one server and its
  // database, so they run one at a time in a stable order.
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  // A workflow drives two or three signed-in browsers through a debug server, with axe
  // scans between the steps: 40–70 s on CI's two cores. 60 s made the longest of them
  // fail now and then (the plan workflow in the CI run of 9e06008), so every test gets
  // 120 s; the few that wait on reconnects set more themselves.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  use: {
    browserName: 'chromium',
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
