import type { BrowserContext, Page } from '@playwright/test';
import {
  test,
  expect,
  USERS,
  AOMORI,
  AOMORI_CITY,
  signIn,
  liveConnection,
  main,
  uniqueSubject,
  person,
  openLive,
} from './support';

/**
 * The client half of the sync engine: the local store (IndexedDB), the outbox and the
 * polling fallback, end to end.
 * - Two people on one thread see each other's messages live, within a second.
 * - One goes offline, writes, reloads (the service worker's kept copy of the page opens),
 *   sees the write still pending, comes back online: it is sent by itself and arrives
 *   exactly once, at both ends.
 * - A write the server refuses is rolled back with the server's reason.
 * - Where the event stream cannot get through (a buffering proxy, simulated by aborting
 *   it), the page says so and still gets the messages by polling.
 * - Signing out deletes the local store and the kept pages.
 * Users: shoko-rodo@ (coordinator of Aomori), kenko-fukushi@ (staff on Aomori) and
 * aomori-city@ (whose pledge accessibility.spec.ts, earlier in the run, asserts).
 */

const LIVE_MS = 1_000;

function messages(page: Page) {
  return main(page).getByRole('region', { name: 'メッセージ', exact: true });
}

function message(page: Page, body: string) {
  return messages(page).getByRole('listitem').filter({ hasText: body });
}

function composer(page: Page) {
  return main(page).getByRole('textbox', { name: 'メッセージ', exact: true });
}

async function write(page: Page, body: string) {
  await composer(page).fill(body);
  await main(page).getByRole('button', { name: '送信', exact: true }).click();
  await expect(composer(page)).toHaveValue('');
}

/** The names of the origin's IndexedDB databases. */
async function databases(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
}

test('offline writes survive a reload and arrive once; refusals roll back; polling where streams are blocked', async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const subject = uniqueSubject('E2E オフライン 送信待ちの確認');
  const errors: string[] = [];
  const others: BrowserContext[] = [];
  page.on('pageerror', (error) => errors.push(`shoko-rodo: ${error.name}: ${error.message}`));

  try {
    await signIn(page, USERS.shokoRodo);
    const staff = await person(browser, baseURL, USERS.kenkoFukushi, errors);
    others.push(staff.context);
    let threadPath = '';

    await test.step('the coordinator starts a thread with Aomori and Aomori City', async () => {
      await page.goto('/threads');
      const form = main(page).getByRole('region', { name: '新しいスレッドを作成' });
      await form.getByLabel('件名', { exact: true }).fill(subject);
      const platforms = form.getByRole('group', { name: '参加するプラットフォーム' });
      await platforms.getByRole('checkbox', { name: AOMORI, exact: true }).check();
      await platforms.getByRole('checkbox', { name: AOMORI_CITY, exact: true }).check();
      const live = liveConnection(page);
      await form.getByRole('button', { name: 'スレッドを作成' }).click();
      await page.waitForURL(/\/threads\/[0-9a-f-]{36}$/);
      threadPath = new URL(page.url()).pathname;
      await live;
      await openLive(staff.page, threadPath);
    });

    await test.step('each sees the other’s message live, within a second', async () => {
      const ping = `オンラインで送信 ${Date.now()}`;
      await write(page, ping);
      await expect(message(page, ping)).not.toContainText('送信待ち');
      await expect(message(staff.page, ping)).toHaveCount(1, { timeout: LIVE_MS });

      const pong = `返信します ${Date.now()}`;
      await write(staff.page, pong);
      await expect(message(staff.page, pong)).not.toContainText('送信待ち');
      await expect(message(page, pong)).toHaveCount(1, { timeout: LIVE_MS });
    });

    const offline = `オフライン中に書いたメッセージ ${Date.now()}`;
    await test.step('pages visited online are kept for offline use (service worker)', async () => {
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      // Visited once under the service worker's control, the page is kept.
      await page.reload();
      await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
      await expect.poll(() => page.evaluate(async () => (await caches.keys()).length)).toBeGreaterThan(0);
    });

    await test.step('offline: the page says so and the write waits on the device', async () => {
      await page.context().setOffline(true);
      await expect(main(page).getByText('オフラインです。', { exact: false })).toBeVisible();
      await write(page, offline);
      await expect(message(page, offline)).toContainText('送信待ち');
      const pending = main(page).locator('.pending-writes');
      await expect(pending).toContainText('送信待ち');
      await expect(pending).toContainText(offline);
      // Nothing has reached the server: the other person has not got it.
      await expect(message(staff.page, offline)).toHaveCount(0);
    });

    await test.step('a reload while offline opens the kept page, with the write still pending', async () => {
      await page.reload();
      await expect(main(page).getByRole('heading', { level: 1 })).toHaveText(subject);
      await expect(message(page, offline)).toContainText('送信待ち');
      await expect(main(page).getByText('オフラインです。', { exact: false })).toBeVisible();
      await expect(message(staff.page, offline)).toHaveCount(0);
    });

    await test.step('back online it is sent by itself, and arrives once', async () => {
      await page.context().setOffline(false);
      await expect(message(staff.page, offline)).toHaveCount(1, { timeout: 15_000 });
      const live = liveConnection(page);
      await page.goto(threadPath);
      await live;
      await expect(message(page, offline)).toHaveCount(1);
      await expect(message(page, offline)).not.toContainText('送信待ち', { timeout: 10_000 });
      await expect(message(staff.page, offline)).toHaveCount(1, { timeout: 5_000 });
      await expect(main(page).locator('.pending-writes')).toHaveCount(0);
      // Exactly once on the server too: the API lists it one time.
      const id = threadPath.split('/').pop();
      const listed = await page.evaluate(async (thread) => {
        const response = await fetch(`/api/v1/threads/${thread}/messages`);
        return (await response.json()) as { body: string }[];
      }, id);
      expect(listed.filter((m) => m.body === offline)).toHaveLength(1);
      // And still once after the other side reloads.
      await staff.page.reload();
      await expect(message(staff.page, offline)).toHaveCount(1);
    });

    await test.step('a write the server refuses is rolled back with the reason', async () => {
      await composer(page).fill('   ');
      await main(page).getByRole('button', { name: '送信', exact: true }).click();
      const refusal = main(page).getByRole('alert').filter({ hasText: '送信できませんでした' });
      await expect(refusal).toContainText('メッセージを入力してください');
      await expect(main(page).locator('.message.pending')).toHaveCount(0);
      await refusal.getByRole('button', { name: '閉じる' }).click();
      await expect(main(page).getByText('送信できませんでした')).toHaveCount(0);
    });

    await test.step('where the event stream is held back, the page polls and says so', async () => {
      const city = await person(browser, baseURL, USERS.aomoriCity, errors);
      others.push(city.context);
      await city.page.route('**/api/v1/events', (route) => route.abort());
      await city.page.goto(threadPath);
      await expect(main(city.page).getByText('10秒ごとに更新を確認しています', { exact: false })).toBeVisible({
        timeout: 15_000,
      });
      const news = `ポーリングで届くメッセージ ${Date.now()}`;
      await write(page, news);
      await expect(message(city.page, news)).toHaveCount(1, { timeout: 15_000 });
    });

    await test.step('signing out deletes the local store', async () => {
      expect(await databases(page)).toContain('kakehashi');
      await page.getByRole('button', { name: 'ログアウト' }).click();
      await page.waitForURL(/\/sign-in/);
      await expect.poll(() => databases(page)).not.toContain('kakehashi');
      // The kept pages go too: nothing of the session stays on the device.
      await expect.poll(() => page.evaluate(async () => (await caches.keys()).length)).toBe(0);
    });

    expect(errors, 'uncaught errors in the pages (a wasm panic?)').toEqual([]);
  } finally {
    for (const context of others) await context.close();
  }
});
