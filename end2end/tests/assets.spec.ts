import { test, expect } from './support';

/** For slow municipal networks: the release site's assets go out compressed (brotli or
 * gzip, precompressed at build time) under content-hashed names cached for a year. */
test('static assets are compressed and cached for a year', async ({ page, request }) => {
  await page.goto('/sign-in');
  const html = await page.content();
  const assets = [...html.matchAll(/\/pkg\/kakehashi\.[A-Za-z0-9_-]+\.(?:js|wasm|css)/g)].map((m) => m[0]);
  expect(assets.some((a) => a.endsWith('.wasm')), `the page names the hashed wasm: ${assets}`).toBeTruthy();
  expect(assets.some((a) => a.endsWith('.css'))).toBeTruthy();
  for (const asset of new Set(assets)) {
    for (const encoding of ['br', 'gzip']) {
      const response = await request.get(asset, { headers: { 'Accept-Encoding': encoding } });
      expect(response.status(), asset).toBe(200);
      const headers = response.headers();
      expect(headers['content-encoding'], `${asset} with ${encoding}`).toBe(encoding);
      expect(headers['cache-control'], asset).toContain('max-age=31536000');
      expect(headers['cache-control'], asset).toContain('immutable');
    }
  }
});
