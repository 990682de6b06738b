import type { Page } from '@playwright/test';
import {
  test,
  expect,
  USERS,
  HIROSAKI,
  HACHINOHE,
  expectNoSeriousA11yViolations,
  main,
  uniqueSubject,
  person,
  openLive,
  scrollWidth,
} from './support';

/**
 * The good-practice library (好事例) end to end, with everyone on it at once:
 * - 八戸市 writes a practice in the editor and publishes it to the network (through the
 *   outbox: the page says it is kept and sent);
 * - the secretariat (coordinator of Aomori) finds it in the library and features it
 *   (周知): it then leads the Aomori home page;
 * - 弘前市 finds it with a two-character Japanese word that is part of a longer compound
 *   (the hit is highlighted), opens it and marks 参考にした;
 * - 八戸市, with the practice's page open, sees 弘前市's adoption arrive live.
 * Also axe scans of the library (with results and facets), the editor and a practice's
 * page, and the library at 360 px.
 * Users: hachinohe@ (staff of Hachinohe, the author), coordinator@ (the secretariat) and
 * hirosaki@ (staff of Hirosaki). This spec sorts after every spec that asserts one of
 * their first pledges.
 */

/** How long another person's open page may take to show a change (outbox, feed, store). */
const LIVE_MS = 10_000;

function region(page: Page, name: string) {
  return main(page).getByRole('region', { name, exact: true });
}

/** Searches the library for words and waits for the answer. */
async function search(page: Page, words: string) {
  await page.goto('/practices');
  await main(page).getByLabel('キーワード').fill(words);
  await main(page).getByRole('button', { name: '検索', exact: true }).click();
  await page.waitForURL(/\/practices\?q=/);
}

test('a practice is published, featured, found in Japanese and adopted, live', async ({ browser, baseURL }, testInfo) => {
  const errors: string[] = [];
  // 農福連携 is the compound; the search below uses its first two characters only.
  const title = uniqueSubject('農福連携による就労体験の受け入れ');
  const author = await person(browser, baseURL, USERS.hachinohe, errors);
  const secretariat = await person(browser, baseURL, USERS.coordinator, errors);
  const reader = await person(browser, baseURL, USERS.hirosaki, errors);

  // 八戸市 writes and publishes it to the network.
  await openLive(author.page, '/practices/new');
  await expect(main(author.page).getByRole('heading', { level: 1, name: '好事例を書く' })).toBeVisible();
  await expectNoSeriousA11yViolations(author.page, testInfo, 'practice editor');
  const form = main(author.page);
  await form.getByLabel('件名').fill(title);
  await form.getByLabel('概要').fill('市内の農業法人と組み、週2日の就労体験から始めた取り組み。');
  await form
    .getByLabel('本文（Markdown で書けます）')
    .fill('## 取り組み\n\n- 農業法人での就労体験\n- 職場見学\n\n3か月で**正規雇用**につながった。');
  await form.getByLabel('タグ（読点・スペース区切り）').fill('農業、就労体験');
  await form.getByLabel('長期にわたり無業の状態にある方').check();
  await form.getByLabel('項目').first().fill('正規雇用');
  await form.getByLabel('数値').first().fill('3');
  await form.getByLabel('単位').first().fill('名');
  await form.getByLabel('県内のネットワーク').check();
  await form.getByLabel('公開', { exact: true }).check();
  await form.getByRole('button', { name: '保存する' }).click();
  await expect(main(author.page).getByText('送信待ちに保存しました', { exact: false })).toBeVisible();

  // The secretariat finds it and features it; it then leads the Aomori home page.
  await expect(async () => {
    await search(secretariat.page, title);
    await expect(main(secretariat.page).getByRole('link', { name: title, exact: true })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: LIVE_MS });
  await main(secretariat.page).getByRole('link', { name: title, exact: true }).click();
  await expect(main(secretariat.page).getByRole('heading', { level: 1, name: title })).toBeVisible();
  await main(secretariat.page).getByRole('button', { name: 'ネットワークに周知する' }).click();
  await expect(main(secretariat.page).getByRole('button', { name: '周知をやめる' })).toBeVisible();
  await expect(main(secretariat.page).getByText('周知中', { exact: true })).toBeVisible();
  await secretariat.page.goto('/p/aomori');
  await expect(region(secretariat.page, '県からの周知：好事例').getByRole('link', { name: title, exact: true })).toBeVisible();

  // 八戸市 opens its practice and keeps it open.
  await author.page.goto('/practices');
  await expect(main(author.page).getByRole('link', { name: title, exact: true })).toBeVisible({ timeout: LIVE_MS });
  await main(author.page).getByRole('link', { name: title, exact: true }).click();
  await expect(main(author.page).getByRole('heading', { level: 1, name: title })).toBeVisible();
  const adoptions = region(author.page, '参考にしたプラットフォーム');
  await expect(adoptions.locator('.adoption-count')).toHaveText('0');
  await expectNoSeriousA11yViolations(author.page, testInfo, 'practice page');

  // 弘前市 finds it by a two-character word of the compound, highlighted, and adopts it.
  await search(reader.page, '農福');
  const hit = main(reader.page).getByRole('listitem').filter({ has: reader.page.getByRole('link', { name: title, exact: true }) });
  await expect(hit).toBeVisible();
  await expect(main(reader.page).locator('mark').first()).toHaveText('農福');
  await expect(main(reader.page).getByRole('heading', { name: '絞り込み' })).toBeVisible();
  await expectNoSeriousA11yViolations(reader.page, testInfo, 'library with results');
  await reader.page.setViewportSize({ width: 360, height: 740 });
  const width = await scrollWidth(reader.page);
  expect(width.scrollWidth, `the library scrolls sideways at 360 px: ${width.widest}`).toBeLessThanOrEqual(width.clientWidth);
  await reader.page.setViewportSize({ width: 1280, height: 800 });
  await hit.getByRole('link', { name: title, exact: true }).click();
  await expect(main(reader.page).getByRole('heading', { level: 1, name: title })).toBeVisible();
  await main(reader.page).getByLabel('ひとこと（任意）').fill('来年度から試行します');
  await main(reader.page).getByRole('button', { name: '参考にした', exact: true }).click();
  await expect(main(reader.page).getByText('参考にしました', { exact: true })).toBeVisible({ timeout: LIVE_MS });

  // 八戸市 sees who adopted it, live, without reloading.
  await expect(adoptions.locator('.adoption-count')).toHaveText('1', { timeout: LIVE_MS });
  await expect(adoptions.getByText(HIROSAKI, { exact: false })).toBeVisible();
  await expect(adoptions.getByText('来年度から試行します', { exact: false })).toBeVisible();
  // The other platforms only see how many.
  await expect(region(reader.page, '参考にしたプラットフォーム').getByText(HACHINOHE)).toHaveCount(0);

  // A word nobody wrote: said so, with the offer to drop the other filter.
  await reader.page.goto(`/practices?q=${encodeURIComponent('存在しない言葉')}&tag=${encodeURIComponent('農業')}`);
  await expect(main(reader.page).getByText('該当する好事例はありません。')).toBeVisible();
  await expect(main(reader.page).getByText('次の条件を外すと見つかります：')).toBeVisible();

  for (const p of [author, secretariat, reader]) await p.context.close();
  expect(errors, 'no page error (wasm panic) in any of the three browsers').toEqual([]);
});
