import type { CDPSession, Page } from '@playwright/test';
import { test, expect, signIn, USERS } from '../tests/support';

/**
 * How long a municipal PC on a slow line waits for the signed-in home page to answer
 * (issue 16). For each profile: a signed-in session (made unthrottled), then ROUNDS cold
 * loads of `/p/aomori` with the browser cache cleared and no service worker, under
 * Chrome DevTools' network and CPU throttling. Interactive = the app has hydrated
 * (`<html data-hydrated>`, set by `frontend` when hydration is done). Also printed: the
 * bytes of wasm the page fetched before then (as sent, compressed) and its first paint.
 * Targets: hydrated ≤ 2.0 s on Fast 3G with 4× CPU, ≤ 0.8 s on 10 Mbps / 40 ms with 4× CPU.
 */

const ROUNDS = Number(process.env.ROUNDS ?? 5);

const PROFILES = [
  // Chrome DevTools' "Fast 3G" preset: 1.6 Mbps × 0.9 down, 750 kbps × 0.9 up, 150 ms × 3.75.
  { name: 'Fast 3G, 4× CPU', download: (1.6e6 / 8) * 0.9, upload: (750e3 / 8) * 0.9, latency: 562.5, cpu: 4, target: 2000 },
  { name: '10 Mbps / 40 ms, 4× CPU', download: 10e6 / 8, upload: 10e6 / 8, latency: 40, cpu: 4, target: 800 },
] as const;

type Round = { hydrated: number; firstPaint: number; wasmBytes: number; wasmFiles: number };

async function throttle(cdp: CDPSession, profile: (typeof PROFILES)[number]) {
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: profile.latency,
    downloadThroughput: profile.download,
    uploadThroughput: profile.upload,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
}

async function coldLoad(page: Page, cdp: CDPSession): Promise<Round> {
  await cdp.send('Network.clearBrowserCache');
  let wasmBytes = 0;
  let wasmFiles = 0;
  const sizes = new Map<string, number>();
  const onResponse = (event: { requestId: string; encodedDataLength: number }) => {
    if (sizes.has(event.requestId)) {
      wasmBytes += event.encodedDataLength;
      wasmFiles += 1;
    }
  };
  const onRequest = (event: { requestId: string; request: { url: string } }) => {
    if (new URL(event.request.url).pathname.endsWith('.wasm')) sizes.set(event.requestId, 0);
  };
  cdp.on('Network.requestWillBeSent', onRequest);
  cdp.on('Network.loadingFinished', onResponse);
  const start = Date.now();
  await page.goto('/p/aomori', { waitUntil: 'commit' });
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached', timeout: 120_000 });
  const hydrated = Date.now() - start;
  const firstPaint = await page.evaluate(
    () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
  );
  cdp.off('Network.requestWillBeSent', onRequest);
  cdp.off('Network.loadingFinished', onResponse);
  return { hydrated, firstPaint, wasmBytes, wasmFiles };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

for (const profile of PROFILES) {
  test(`first page, ${profile.name}`, async ({ browser, baseURL }) => {
    const context = await browser.newContext({ baseURL, serviceWorkers: 'block' });
    const page = await context.newPage();
    await signIn(page, USERS.kenkoFukushi);
    const cdp = await context.newCDPSession(page);
    await throttle(cdp, profile);
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await coldLoad(page, cdp));
    const hydrated = median(rounds.map((r) => r.hydrated));
    const line =
      `first page | ${profile.name} | hydrated median ${hydrated} ms ` +
      `(${rounds.map((r) => r.hydrated).join(', ')}) | first paint median ${Math.round(median(rounds.map((r) => r.firstPaint)))} ms | ` +
      `wasm fetched ${(median(rounds.map((r) => r.wasmBytes)) / 1024).toFixed(1)} KB in ${median(rounds.map((r) => r.wasmFiles))} file(s) | target ${profile.target} ms`;
    console.log(line);
    test.info().annotations.push({ type: 'result', description: line });
    expect(rounds.length).toBe(ROUNDS);
    await context.close();
  });
}
