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
 * Policy proposals end to end (issue: meetings, proposals, needs):
 * - 青森市 (aomori-city@) finds 政策提案 in the navigation and submits a proposal;
 * - it keeps the proposal open while the secretariat (shoko-rodo@) takes it up, writes
 *   its own note and answers it (一部採用), publishing the answer to the network;
 * - 青森市's open page shows each step and the official answer live, never the note.
 * Axe scans of the list, the form and the proposal page (both sides); the page at 360 px.
 */

const LIVE_MS = 10_000;

test('a proposal is submitted, reviewed and answered, the proposer seeing each step live', async ({ browser, baseURL }, testInfo) => {
  const errors: string[] = [];
  const title = uniqueSubject('政策提案');
  const city = await person(browser, baseURL, USERS.aomoriCity, errors);
  const secretariat = await person(browser, baseURL, USERS.shokoRodo, errors);

  const c = city.page;
  await c.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '政策提案', exact: true }).click();
  await expect(main(c).getByRole('heading', { level: 1, name: '政策提案' })).toBeVisible();
  await expectNoSeriousA11yViolations(c, testInfo, 'proposal list');
  await main(c).getByRole('link', { name: '政策提案を提出する' }).click();
  await expect(main(c).getByRole('heading', { level: 1, name: '政策提案を提出する' })).toBeVisible();
  await expectNoSeriousA11yViolations(c, testInfo, 'proposal form');
  await main(c).getByLabel('件名', { exact: true }).fill(title);
  await main(c).getByLabel('背景・現状', { exact: true }).fill('市町村ごとに調査の項目が異なる。');
  await main(c).getByLabel('提案内容', { exact: true }).fill('県が民生委員調査の共通様式を示すこと。');
  await main(c).getByLabel('長期にわたり無業の状態にある方', { exact: true }).check();
  await main(c).getByRole('button', { name: '提出する', exact: true }).click();
  await expect(main(c).getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(main(c).getByText('提出済み', { exact: true })).toBeVisible();
  const path = new URL(c.url()).pathname;
  await openLive(c, path);
  await expect(main(c).getByRole('button', { name: 'この提案を取り下げる' })).toBeVisible();
  await expectNoSeriousA11yViolations(c, testInfo, 'proposal page (proposer)');

  // The secretariat takes it up, notes, and answers.
  const s = secretariat.page;
  await s.goto('/proposals');
  await main(s).getByRole('link', { name: title }).click();
  await expect(main(s).getByRole('heading', { level: 1, name: title })).toBeVisible();
  await main(s).getByRole('button', { name: '検討を始める' }).click();
  await expect(main(s).getByText('保存しました。')).toBeVisible();
  await expect(main(c).getByText('検討中', { exact: true }).first()).toBeVisible({ timeout: LIVE_MS });
  // Each form is a plain post that comes back to the same `?saved=1` address, so wait for
  // the post's answer and the page it leads to, not for a notice already on screen.
  const posted = (what: string) =>
    s.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith(what));
  const note = '予算要求の可否を確認する';
  await main(s).getByLabel(/事務局メモ/).fill(note);
  const noteSaved = posted('/note');
  await main(s).getByRole('button', { name: 'メモを保存する' }).click();
  await noteSaved;
  await s.waitForLoadState();
  await expect(main(s).getByLabel(/事務局メモ/)).toHaveValue(note);
  await expectNoSeriousA11yViolations(s, testInfo, 'proposal page (secretariat)');
  await main(s).getByLabel('回答区分', { exact: true }).selectOption({ label: '一部採用' });
  await main(s).getByLabel('回答（公式の回答文）', { exact: true }).fill('令和8年度の把握から共通様式を示します。');
  await main(s).getByLabel('回答を全構成員に公開する').check();
  const answered = posted('/steps');
  await main(s).getByRole('button', { name: '回答する', exact: true }).click();
  await answered;
  await s.waitForLoadState();
  await expect(main(s).getByText('回答済み', { exact: true }).first()).toBeVisible();

  // 青森市's open page shows the official answer without a reload, and never the note.
  await expect(main(c).getByText('令和8年度の把握から共通様式を示します。')).toBeVisible({ timeout: LIVE_MS });
  await expect(main(c).getByText('一部採用')).toBeVisible();
  await expect(main(c).getByText('回答はネットワークの全構成員に公開されています。')).toBeVisible();
  await expect(main(c).getByRole('button', { name: 'この提案を取り下げる' })).toHaveCount(0);
  await expect(main(c).getByText(note)).toHaveCount(0);

  await c.setViewportSize({ width: 360, height: 740 });
  const { scrollWidth: width, clientWidth, widest } = await scrollWidth(c);
  expect(width, `the proposal fits 360 px (widest: ${widest})`).toBeLessThanOrEqual(clientWidth);
  expect(errors).toEqual([]);
  await secretariat.context.close();
  await city.context.close();
});
