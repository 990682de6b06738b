import type { BrowserContext, Page } from '@playwright/test';
import {
  test,
  expect,
  USERS,
  AOMORI,
  AOMORI_CITY,
  signIn,
  liveConnection,
  expectNoSeriousA11yViolations,
  scrollWidth,
  main,
  uniqueSubject,
  person,
  openLive,
} from './support';

/**
 * Liaison threads, end to end: the prefectural coordinator starts a thread with the
 * Aomori City platform, both sides have the thread open at the same time, and each one's
 * message reaches the other's page through the event stream, without a reload. Hachinohe,
 * signed in at the same time but not a participant, neither finds the thread nor can open
 * it. Also axe scans of both pages and the thread page at 360 px.
 * Users: coordinator@, aomori-city@, hachinohe@ (their pledges were taken in earlier
 * specs of the run, or are taken here: `signIn` copes with both).
 */

/** Live updates must arrive within a second, as the sync issue asks. */
const LIVE_MS = 1_000;

/** The thread page's parts. */
function threadPage(page: Page) {
  const messages = main(page).getByRole('region', { name: 'メッセージ', exact: true });
  return {
    messages,
    items: messages.getByRole('listitem'),
    message: (body: string) => messages.getByRole('listitem').filter({ hasText: body }),
    composer: main(page).getByRole('textbox', { name: 'メッセージ', exact: true }),
    send: main(page).getByRole('button', { name: '送信', exact: true }),
  };
}

/** Writes from the composer. After hydration the write goes through the outbox: the
 * message shows at once as pending (送信待ち), the composer empties, and once the server
 * has it the badge goes — all without a navigation. */
async function postMessage(page: Page, body: string) {
  const { composer, send } = threadPage(page);
  const at = page.url();
  await composer.fill(body);
  await expect(composer).toHaveValue(body);
  await send.click();
  await expect(composer).toHaveValue('');
  const mine = threadPage(page).message(body);
  await expect(mine).toHaveCount(1);
  await expect(mine).not.toContainText('送信待ち');
  await expect(mine).toContainText(/既読 \d+\/\d+/);
  expect(page.url(), 'writing a message does not navigate').toBe(at);
}

/**
 * Marks the page's window and counts main-frame navigations, to prove afterwards that
 * something appeared without a reload or any navigation.
 */
async function watchForReloads(page: Page) {
  const marker = `still-here-${Math.random()}`;
  await page.evaluate((m) => {
    (window as unknown as { __e2eMarker: string }).__e2eMarker = m;
  }, marker);
  const url = page.url();
  let navigations = 0;
  const onNavigated = (frame: { parentFrame(): unknown }) => {
    if (frame.parentFrame() === null) navigations += 1;
  };
  page.on('framenavigated', onNavigated);
  return async (what: string) => {
    page.off('framenavigated', onNavigated);
    expect(navigations, `${what}: the page navigated`).toBe(0);
    expect(page.url(), `${what}: the URL changed`).toBe(url);
    const still = await page.evaluate(() => (window as unknown as { __e2eMarker?: string }).__e2eMarker);
    expect(still, `${what}: the page was reloaded (its window lost the marker)`).toBe(marker);
  };
}

test('a thread between the coordinator and Aomori City updates live; Hachinohe cannot see it', async ({
  page: coordinator,
  browser,
  baseURL,
}, testInfo) => {
  test.setTimeout(180_000);
  const subject = uniqueSubject('E2E 連絡調整 青森市との調整');
  const first = `青森市さん、来月の合同相談会の会場について確認させてください。(${Date.now()})`;
  const answer = `承知しました。市民センター2階の研修室を仮押さえしています。(${Date.now()})`;
  const errors: string[] = [];
  const others: BrowserContext[] = [];

  try {
    // Three people signed in at once, each in their own browser context.
    await signIn(coordinator, USERS.coordinator);
    const city = await person(browser, baseURL, USERS.aomoriCity, errors);
    others.push(city.context);
    const hachinohe = await person(browser, baseURL, USERS.hachinohe, errors);
    others.push(hachinohe.context);

    let threadPath = '';

    await test.step('the coordinator opens 連絡調整 from the header and starts a thread', async () => {
      await coordinator.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '連絡調整' }).click();
      await expect(coordinator).toHaveURL(/\/threads$/);
      await expect(coordinator.getByRole('heading', { level: 1, name: '連絡調整' })).toBeVisible();
      await expect(main(coordinator).getByRole('search')).toBeVisible();
      await expect(main(coordinator).getByLabel('件名・本文を検索')).toBeVisible();
      await expect(main(coordinator).getByLabel('状態', { exact: true })).toBeVisible();
      await expect(main(coordinator).getByRole('heading', { level: 2, name: 'スレッド一覧' })).toBeVisible();

      const form = main(coordinator).getByRole('region', { name: '新しいスレッドを作成' });
      await form.getByLabel('件名', { exact: true }).fill(subject);
      const platforms = form.getByRole('group', { name: '参加するプラットフォーム' });
      await platforms.getByRole('checkbox', { name: AOMORI, exact: true }).check();
      await platforms.getByRole('checkbox', { name: AOMORI_CITY, exact: true }).check();
      await expect(form.getByLabel('最初のメッセージ（任意）')).toBeVisible();

      const live = liveConnection(coordinator);
      await form.getByRole('button', { name: 'スレッドを作成' }).click();
      await coordinator.waitForURL(/\/threads\/[0-9a-f-]{36}$/);
      threadPath = new URL(coordinator.url()).pathname;
      await expect(coordinator.getByRole('heading', { level: 1, name: subject })).toBeVisible();
      const participants = main(coordinator).getByText(/^参加者: /);
      await expect(participants).toContainText(AOMORI);
      await expect(participants).toContainText(AOMORI_CITY);
      await expect(main(coordinator).getByRole('heading', { level: 2, name: 'メッセージ', exact: true })).toBeVisible();
      await expect(main(coordinator).getByText('まだメッセージはありません。')).toBeVisible();
      await live;
    });

    await test.step('Aomori City finds the thread in its list and opens it', async () => {
      await openLive(city.page, `/threads?q=${encodeURIComponent(subject)}`);
      const list = main(city.page).getByRole('region', { name: 'スレッド一覧' });
      const link = list.getByRole('link', { name: subject, exact: true });
      await expect(link).toHaveCount(1);
      await expect(link).toHaveAttribute('href', threadPath);
      await expect(list.getByRole('listitem').filter({ hasText: subject })).toContainText('対応中');

      await openLive(city.page, threadPath);
      await expect(city.page.getByRole('heading', { level: 1, name: subject })).toBeVisible();
      await expect(main(city.page).getByText('まだメッセージはありません。')).toBeVisible();
    });

    await test.step('the coordinator writes; the message appears on Aomori City’s open page without a reload', async () => {
      const noReload = await watchForReloads(city.page);
      // 青森市 is half-way through a reply when the message comes in.
      const draft = main(city.page).getByRole('textbox', { name: 'メッセージ', exact: true });
      await draft.click();
      await draft.pressSequentially('下書き中');
      await postMessage(coordinator, first);
      const mine = threadPage(coordinator).message(first);
      await expect(mine).toContainText('青森労働局 事務局（主担当）');
      await expect(mine).toContainText('(青森労働局)');
      await expect(mine).toContainText(/既読 \d+\/\d+/);

      const arrived = threadPage(city.page).message(first);
      await expect(arrived).toBeVisible({ timeout: LIVE_MS });
      await expect(arrived).toContainText('青森労働局 事務局（主担当）');
      await expect(threadPage(city.page).items).toHaveCount(1);
      await expect(main(city.page).getByText('まだメッセージはありません。')).toHaveCount(0);
      // The live update leaves the composer alone: still focused, the draft kept.
      await expect(draft).toBeFocused();
      await expect(draft).toHaveValue('下書き中');
      await noReload('Aomori City, receiving the coordinator’s message');
    });

    await test.step('Aomori City answers; the coordinator sees the answer live', async () => {
      const noReload = await watchForReloads(coordinator);
      await postMessage(city.page, answer);
      await expect(threadPage(city.page).message(answer)).toContainText('青森市 福祉と就労の担当');

      const arrived = threadPage(coordinator).message(answer);
      await expect(arrived).toBeVisible({ timeout: LIVE_MS });
      await expect(arrived).toContainText('青森市 福祉と就労の担当');
      await expect(arrived).toContainText('(青森市)');
      await expect(threadPage(coordinator).items).toHaveCount(2);
      await expect(threadPage(coordinator).items.nth(0)).toContainText(first);
      await expect(threadPage(coordinator).items.nth(1)).toContainText(answer);
      await noReload('the coordinator, receiving Aomori City’s answer');
    });

    await test.step('Aomori City resolves the thread with a note; the coordinator sees it live', async () => {
      const noReload = await watchForReloads(coordinator);
      const status = main(city.page).getByRole('region', { name: '対応状況' });
      const note = `市民センター2階で確定しました (${Date.now()})`;
      await status.getByLabel('解決内容のメモ').fill(note);
      await status.getByRole('button', { name: '解決済みにする' }).click();
      await expect(main(city.page).getByText(note, { exact: true })).toBeVisible();
      await expect(status.getByRole('button', { name: '再開する' })).toBeVisible();

      await expect(main(coordinator).getByText(note, { exact: true })).toBeVisible({ timeout: LIVE_MS });
      await expect(main(coordinator).locator('p.meta .badge').first()).toHaveText('解決済み');
      const reopen = main(coordinator).getByRole('region', { name: '対応状況' }).getByRole('button', { name: '再開する' });
      await expect(reopen).toBeVisible();
      await reopen.click();
      await expect(main(city.page).locator('p.meta .badge').first()).toHaveText('再開', { timeout: LIVE_MS });
      await noReload('the coordinator, seeing the thread resolved and reopening it');
    });

    await test.step('Hachinohe, signed in meanwhile, does not find the thread', async () => {
      const page = hachinohe.page;
      await page.goto('/threads');
      await expect(page.getByRole('heading', { level: 1, name: '連絡調整' })).toBeVisible();
      await expect(main(page).getByRole('link', { name: subject })).toHaveCount(0);

      await page.goto(`/threads?q=${encodeURIComponent(subject)}`);
      await expect(main(page).getByLabel('件名・本文を検索')).toHaveValue(subject);
      await expect(main(page).getByText('該当するスレッドはありません。')).toBeVisible();
      await expect(main(page).getByRole('link', { name: subject })).toHaveCount(0);
      // Nor by the words of a message in it.
      await page.goto(`/threads?q=${encodeURIComponent(answer)}`);
      await expect(main(page).getByText('該当するスレッドはありません。')).toBeVisible();
    });

    await test.step('Hachinohe gets “not found” at the thread’s address', async () => {
      const page = hachinohe.page;
      const response = await page.goto(threadPath);
      expect(response?.status()).toBe(404);
      await expect(main(page).getByRole('alert')).toHaveText('ページが見つかりません。');
      await expect(page.getByRole('heading', { name: subject })).toHaveCount(0);
      await expect(page.getByText(first)).toHaveCount(0);
      await expect(page.getByText(answer)).toHaveCount(0);
    });

    await test.step('axe: the thread list and the thread page', async () => {
      await openLive(city.page, '/threads');
      await expect(main(city.page).getByRole('link', { name: subject, exact: true })).toBeVisible();
      await expectNoSeriousA11yViolations(city.page, testInfo, 'threads');

      await openLive(city.page, threadPath);
      await expect(threadPage(city.page).items).toHaveCount(2);
      await expectNoSeriousA11yViolations(city.page, testInfo, 'thread');
    });

    await test.step('the thread page does not scroll sideways at 360 px', async () => {
      await city.page.setViewportSize({ width: 360, height: 780 });
      await expect(threadPage(city.page).items).toHaveCount(2);
      await expect(threadPage(city.page).send).toBeVisible();
      const narrow = await scrollWidth(city.page);
      expect(narrow.scrollWidth, `horizontal scroll at 360 px on the thread page; widest: ${narrow.widest}`).toBeLessThanOrEqual(360);
    });

    expect(errors, 'uncaught errors in the other people’s pages (a wasm panic?)').toEqual([]);
  } finally {
    for (const context of others) await context.close();
  }
});
