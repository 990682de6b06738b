import {
  test,
  expect,
  USERS,
  expectNoSeriousA11yViolations,
  main,
  uniqueSubject,
  person,
  openLive,
  scrollWidth,
} from './support';

/**
 * The implementation plan end to end (issue: plan, KPIs, inquiries):
 * - the secretariat (the deputy, shoko-rodo@) drafts a plan in the editor, adds an item
 *   八戸市 is responsible for, and publishes it as revision 1;
 * - 八戸市 keeps the plan open; the secretariat rewrites a section and publishes revision
 *   2 with a note, which 八戸市's open page shows live;
 * - 八戸市 reports the item's progress with the keyboard only, compares the two
 *   revisions side by side and opens the print view.
 * Axe scans of the list, the editor, the plan, the comparison and the print view; the
 * plan at 360 px.
 */

const LIVE_MS = 10_000;

test('a plan is drafted, published, revised and compared, its progress reported live', async ({ browser, baseURL }, testInfo) => {
  const errors: string[] = [];
  const title = uniqueSubject('事業実施計画');
  const secretariat = await person(browser, baseURL, USERS.shokoRodo, errors);
  const city = await person(browser, baseURL, USERS.hachinohe, errors);

  // The secretariat finds the plans in the navigation and drafts one.
  const s = secretariat.page;
  await s.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '事業実施計画', exact: true }).click();
  await expect(main(s).getByRole('heading', { level: 1, name: '事業実施計画' })).toBeVisible();
  await expectNoSeriousA11yViolations(s, testInfo, 'plan list');
  await main(s).getByRole('link', { name: '計画を作成する' }).click();
  await expect(main(s).getByRole('heading', { level: 1, name: '計画を作成する' })).toBeVisible();
  await main(s).getByLabel('計画の名称', { exact: true }).fill(title);
  await main(s).getByLabel('趣旨', { exact: true }).fill('一人ひとりに応じた切れ目のない支援を行う。');
  await main(s).getByLabel('計画期間', { exact: true }).first().fill('3年間とする。');
  await main(s).getByRole('button', { name: '保存', exact: true }).first().click();
  await expect(main(s).getByRole('heading', { level: 1, name: '計画を編集する' })).toBeVisible();
  await expect(main(s).getByText('保存しました。')).toBeVisible();
  await expectNoSeriousA11yViolations(s, testInfo, 'plan editor');

  // An item 八戸市 is responsible for.
  const items = main(s).getByRole('region', { name: '実施事業' });
  await items.getByLabel('対象', { exact: true }).selectOption({ label: '長期にわたり無業の状態にある方' });
  await items.getByLabel('事業名', { exact: true }).fill('職場体験と就労準備支援');
  await items.getByLabel('八戸市', { exact: true }).check();
  await items.getByLabel('予算（千円）', { exact: true }).fill('8,600');
  await items.getByRole('button', { name: '保存', exact: true }).click();
  await expect(main(s).getByText('保存しました。')).toBeVisible();
  await expect(items.getByText('職場体験と就労準備支援 — 長期にわたり無業の状態にある方')).toBeVisible();

  // Published as revision 1 from the plan's page.
  await main(s).getByRole('link', { name: '計画へ戻る' }).click();
  await expect(main(s).getByRole('heading', { level: 1, name: title })).toBeVisible();
  await main(s).getByRole('button', { name: '公開する', exact: true }).click();
  await expect(main(s).getByText('保存しました。')).toBeVisible();
  await expect(main(s).getByRole('link', { name: '第1版' })).toBeVisible();
  const planPath = new URL(s.url()).pathname;

  // 八戸市 keeps it open.
  const c = city.page;
  await openLive(c, planPath);
  await expect(main(c).getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expectNoSeriousA11yViolations(c, testInfo, 'plan page');

  // The secretariat revises a section and publishes revision 2 with a note.
  await s.goto(`${planPath}/edit`);
  await main(s).getByLabel('計画期間', { exact: true }).first().fill('3年間とし、\n令和8年度まで延長する。');
  await main(s).getByRole('button', { name: '保存', exact: true }).first().click();
  await expect(main(s).getByText('保存しました。')).toBeVisible();
  await s.goto(planPath);
  await main(s).getByLabel(/改訂の内容と承認した会議/).fill('第2回協議会で期間の延長を承認');
  await main(s).getByRole('button', { name: '公開する', exact: true }).click();
  await expect(main(s).getByText('保存しました。')).toBeVisible();

  // 八戸市's open page shows revision 2 without a reload.
  await expect(main(c).getByText('令和8年度まで延長する。')).toBeVisible({ timeout: LIVE_MS });
  await expect(main(c).getByText('第2回協議会で期間の延長を承認')).toBeVisible();

  // 八戸市 reports the item's progress, with the keyboard only.
  await main(c).getByLabel('進捗', { exact: true }).focus();
  await c.keyboard.press('ArrowDown');
  await c.keyboard.press('Tab');
  await c.keyboard.type('参加者21人、うち就職9人');
  await c.keyboard.press('Enter');
  await expect(main(c).getByText('保存しました。')).toBeVisible();
  await expect(main(c).getByText('参加者21人、うち就職9人').first()).toBeVisible();

  // The two revisions side by side.
  await main(c).getByLabel('比較元', { exact: true }).selectOption({ label: '第1版' });
  await main(c).getByLabel('比較先', { exact: true }).selectOption({ label: '第2版' });
  await main(c).getByRole('button', { name: '版を比較する' }).click();
  await expect(main(c).getByRole('heading', { level: 1, name: '版の比較' })).toBeVisible();
  const compared = main(c).getByRole('table', { name: '版の比較' });
  await expect(compared.locator('ins', { hasText: '令和8年度まで延長する。' })).toBeVisible();
  await expect(compared.locator('del', { hasText: '3年間とする。' })).toBeVisible();
  await expectNoSeriousA11yViolations(c, testInfo, 'plan comparison');

  // The print view, in the official section order.
  await c.goto(`${planPath}/print`);
  const headings = await main(c).getByRole('heading', { level: 2 }).allTextContents();
  expect(headings.slice(0, 3)).toEqual(['1 趣旨', '2 計画期間', '3 現状と課題']);
  await expectNoSeriousA11yViolations(c, testInfo, 'plan print view');

  await c.goto(planPath);
  await c.setViewportSize({ width: 360, height: 740 });
  const { scrollWidth: width, clientWidth, widest } = await scrollWidth(c);
  expect(width, `the plan fits 360 px (widest: ${widest})`).toBeLessThanOrEqual(clientWidth);
  expect(errors).toEqual([]);
  await secretariat.context.close();
  await city.context.close();
});
