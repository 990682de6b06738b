import { test as base, expect, type Browser, type Page, type TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/**
 * What every spec shares: the base URL of the server global-setup.ts started, a guard
 * that fails a test on an uncaught page error (a wasm panic during hydration shows up
 * as one), sign-in helpers and the axe check.
 */

export const DEMO_PASSWORD = 'kakehashi-demo';

/** The demo users (server/src/seed.rs). Each spec uses its own, because a user's
 * pledge persists for the whole run of the one server. Specs run in file-name order:
 * a spec that signs in a user whose first pledge another spec asserts must sort after
 * it (hence workflow-outreach.spec.ts, after session and sign-in). */
export const USERS = {
  coordinator: 'coordinator@aomori.example', // foundation.spec.ts (asserts the pledge)
  shokoRodo: 'shoko-rodo@aomori.example', // coordinator: invitations, accessibility
  kenkoFukushi: 'kenko-fukushi@aomori.example', // staff on 4 platforms: switcher
  aomoriCity: 'aomori-city@aomori.example', // accessibility.spec.ts (asserts the pledge)
  hachinohe: 'hachinohe@aomori.example', // staff of hachinohe only: permissions
  hirosaki: 'hirosaki@aomori.example', // sign-in.spec.ts (wrong password); outreach requester
  keieisha: 'keieisha@aomori.example', // no-javascript.spec.ts (asserts the pledge)
  shokokai: 'shokokai@aomori.example', // session.spec.ts (asserts the pledge); never routed
} as const;

export const AOMORI = 'あおもり就職氷河期世代活躍支援プラットフォーム';
export const AOMORI_CITY = '青森市 就職氷河期世代活躍支援プラットフォーム';
export const HACHINOHE = '八戸市 就職氷河期世代活躍支援プラットフォーム';
export const HIROSAKI = '弘前市 就職氷河期世代活躍支援プラットフォーム';

/** The Aomori member table of the guidelines, as seeded. */
export const AOMORI_MEMBERS = {
  経済団体: ['一般社団法人 青森県経営者協会', '青森県商工会議所連合会', '青森県中小企業団体中央会', '青森県商工会連合会'],
  労働団体: ['日本労働組合総連合会青森県連合会'],
  支援機関: ['独立行政法人 高齢・障害・求職者雇用支援機構青森支部', '社会福祉法人 青森県社会福祉協議会'],
  市町村: ['青森県市長会', '青森県町村会'],
  行政: ['東北経済産業局', '青森労働局', '青森県', '青森県 商工労働部', '青森県 健康福祉部'],
} as const;
export const AOMORI_OBSERVERS = ['青森市', '八戸市', '弘前市'];
export const AOMORI_TOTAL = 17;

export function baseURL(): string {
  const url = process.env.KAKEHASHI_BASE_URL;
  if (!url) throw new Error('KAKEHASHI_BASE_URL is not set: run the tests through `npx playwright test` (global-setup.ts starts the server).');
  return url;
}

export const test = base.extend<{ pageErrors: string[] }>({
  baseURL: async ({}, use) => {
    await use(baseURL());
  },
  pageErrors: [
    async ({ page }, use, testInfo) => {
      const errors: string[] = [];
      const consoleErrors: string[] = [];
      page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}\n${error.stack ?? ''}`));
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        // The browser reports a page's own 403/404 status as a console error; the tests
        // that open such pages expect them.
        if (message.text().startsWith('Failed to load resource') && message.location().url === page.url()) return;
        consoleErrors.push(`${page.url()}: ${message.text()}`);
      });
      await use(errors);
      if (consoleErrors.length > 0) {
        await testInfo.attach('browser-console-errors.txt', { body: consoleErrors.join('\n'), contentType: 'text/plain' });
        console.log(`[${testInfo.title}] console errors in the browser:\n  ${consoleErrors.join('\n  ')}`);
      }
      expect(errors, 'uncaught errors in the page (a wasm panic?)').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Fills and submits the sign-in form on the page shown (`/sign-in`). */
export async function submitSignIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await expect(page.getByRole('heading', { level: 1, name: 'ログイン' })).toBeVisible();
  await page.getByLabel('メールアドレス', { exact: true }).fill(email);
  await page.getByLabel('パスワード', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
}

/** On `/pledge`: ticks the box and accepts; the app then goes to the first platform. */
export async function acceptPledge(page: Page) {
  await expect(page.getByRole('heading', { level: 1, name: '秘密の保持に関する誓約' })).toBeVisible();
  await page.getByLabel('上記に同意します').check();
  await page.getByRole('button', { name: '誓約して始める' }).click();
  await page.waitForURL(/\/p\/[^/?#]+$/);
}

/** Signs in from `/sign-in` and accepts the pledge if asked, ending on a platform home.
 * For users whose pledge state this test does not care about. */
export async function signIn(page: Page, email: string) {
  await page.goto('/sign-in');
  await submitSignIn(page, email);
  await page.waitForURL(/\/(pledge|p\/[^/?#]+)$/);
  if (new URL(page.url()).pathname === '/pledge') await acceptPledge(page);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
}

/** The `main` landmark, where the page's own content is. */
export function main(page: Page) {
  return page.getByRole('main');
}

/**
 * Proof that the wasm has hydrated the Aomori home page: the member filter only works
 * once it has. Typing before hydration does nothing (and hydration may reset the box),
 * so it types again until the list reacts. Leaves the filter empty.
 */
export async function proveHydrated(page: Page, lang: 'ja' | 'en' = 'ja') {
  const filter = page.getByLabel(lang === 'ja' ? '機関・団体名で絞り込み' : 'Filter by organisation name');
  const count = (n: number) => (lang === 'ja' ? `${n} 件を表示` : `${n} shown`);
  const countText = main(page).getByText(lang === 'ja' ? /^\d+ 件を表示$/ : /^\d+ shown$/);
  await expect(countText).toHaveText(count(AOMORI_TOTAL));
  const dropped = main(page).getByText('青森県商工会議所連合会', { exact: true });
  const kept = main(page).getByText('一般社団法人 青森県経営者協会', { exact: true });
  await expect(async () => {
    await filter.fill('');
    await filter.fill('経営者');
    await expect(dropped).toHaveCount(0, { timeout: 1_000 });
  }, 'the member filter never reacted: the page did not hydrate').toPass({ timeout: 30_000 });
  await expect(kept).toBeVisible();
  await expect(countText).toHaveText(count(1));
  await filter.fill('');
  await expect(dropped).toBeVisible();
  await expect(countText).toHaveText(count(AOMORI_TOTAL));
}

/** Runs axe with the WCAG 2.1 A/AA rules and fails on serious or critical findings,
 * listing them readably. Lesser findings are attached to the report. */
export async function expectNoSeriousA11yViolations(page: Page, testInfo: TestInfo, what: string) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const describe = (violations: typeof results.violations) =>
    violations
      .map(
        (v) =>
          `[${v.impact}] ${v.id}: ${v.help}\n  ${v.helpUrl}\n` +
          v.nodes
            .map(
              (n) =>
                `  - at ${n.target.join(' ')}\n    ${n.html}\n    ${(n.failureSummary ?? '').replace(/\n/g, '\n    ')}`,
            )
            .join('\n'),
      )
      .join('\n\n');
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const lesser = results.violations.filter((v) => !serious.includes(v));
  if (lesser.length > 0) {
    await testInfo.attach(`axe-minor-${what}.txt`, { body: describe(lesser), contentType: 'text/plain' });
    console.log(`axe, ${what}: moderate or minor findings (not failing): ${lesser.map((v) => `${v.id} [${v.impact}]`).join(', ')}`);
  }
  if (serious.length > 0) {
    await testInfo.attach(`axe-serious-${what}.txt`, { body: describe(serious), contentType: 'text/plain' });
  }
  expect(serious.length, `axe: serious or critical WCAG violations on ${what} (${page.url()}):\n\n${describe(serious)}\n`).toBe(0);
}

/** Whether the page scrolls sideways at its current width. */
export async function scrollWidth(page: Page): Promise<{ scrollWidth: number; clientWidth: number; widest: string }> {
  return page.evaluate(() => {
    const root = document.documentElement;
    // Name the widest element, to say what overflows if anything does.
    let widest = '';
    let right = 0;
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (r.right > right) {
        right = r.right;
        widest = `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).replace(/\s+/g, '.') : ''} (right edge ${Math.round(r.right)} px): ${(el.textContent ?? '').trim().slice(0, 60)}`;
      }
    }
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, widest };
  });
}

/**
 * Resolves when the page has opened the event stream (`GET /api/v1/events` answered 200).
 * Live pages open it as they hydrate and the server subscribes the stream before it
 * answers, so from then on changes reach the page without a reload. Start waiting
 * before the navigation that loads the page, then await the result after it:
 *
 *   const live = liveConnection(page);
 *   await page.goto('/threads');
 *   await live;
 */
export function liveConnection(page: Page, timeout = 30_000): Promise<unknown> {
  return page.waitForResponse(
    (response) => new URL(response.url()).pathname === '/api/v1/events' && response.status() === 200,
    { timeout },
  );
}

/** A subject nobody else in this run (or a rerun against the same data) uses. */
export function uniqueSubject(what: string) {
  return `${what} ${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
}

/** A second signed-in person: their own context (cookies), Japanese, Tokyo time, and
 * uncaught page errors (a wasm panic) collected for the end of the test. */
export async function person(browser: Browser, baseURL: string | undefined, email: string, errors: string[]) {
  const context = await browser.newContext({ baseURL, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`${email}: ${error.name}: ${error.message}\n${error.stack ?? ''}`));
  await signIn(page, email);
  return { context, page };
}

/** Opens a page and waits until it has hydrated, caught up and listens to the event stream. */
export async function openLive(page: Page, url: string) {
  const live = liveConnection(page);
  const response = await page.goto(url);
  expect(response?.status(), `GET ${url}`).toBe(200);
  await live;
}
