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
 * KPIs end to end (issue: plan, KPIs, inquiries):
 * - the secretariat (the deputy, shoko-rodo@) defines a KPI in the editor that 八戸市
 *   reports to, and publishes it to the network;
 * - 八戸市 opens it from the list and reports its figure for the year;
 * - the secretariat, with the KPI's page open, sees the new figure arrive live in the
 *   shares and in the chart's table, then publishes the year, which 八戸市 sees live.
 * Also axe scans of the list, the editor and a KPI's page, the chart as an image with a
 * description, keyboard-only use of the report form, and the KPI's page at 360 px.
 */

const LIVE_MS = 10_000;

test('a KPI is defined, published, reported to and its figure published, live', async ({ browser, baseURL }, testInfo) => {
  const errors: string[] = [];
  const name = uniqueSubject('就労体験の受入事業所数');
  const secretariat = await person(browser, baseURL, USERS.shokoRodo, errors);
  const city = await person(browser, baseURL, USERS.hachinohe, errors);

  // The secretariat finds KPIs in the navigation and defines one.
  const s = secretariat.page;
  await s.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: 'KPI', exact: true }).click();
  await expect(main(s).getByRole('heading', { level: 1, name: 'KPI・進捗管理' })).toBeVisible();
  await expectNoSeriousA11yViolations(s, testInfo, 'KPI list');
  await main(s).getByRole('link', { name: 'KPIを設定する' }).click();
  await expect(main(s).getByRole('heading', { level: 1, name: 'KPIを設定する' })).toBeVisible();
  await expectNoSeriousA11yViolations(s, testInfo, 'KPI editor');
  const form = main(s);
  await form.getByLabel('KPI名', { exact: true }).fill(name);
  await form.getByLabel('単位', { exact: true }).fill('事業所');
  await form.getByLabel('期間の目標値', { exact: true }).fill('300');
  await form.getByLabel('八戸市', { exact: true }).check();
  await form.getByRole('button', { name: '保存', exact: true }).click();
  await expect(main(s).getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(main(s).getByText('保存しました。')).toBeVisible();
  await main(s).getByRole('button', { name: 'ネットワークに公開する' }).click();
  await expect(main(s).getByText('保存しました。')).toBeVisible();
  await expect(main(s).getByRole('button', { name: 'ネットワークに公開する' })).toHaveCount(0);
  const kpiUrl = new URL(s.url());
  kpiUrl.search = '';
  await openLive(s, kpiUrl.pathname);
  await expect(main(s).getByRole('img', { name: /目標と実績の推移/ })).toBeVisible();
  await expectNoSeriousA11yViolations(s, testInfo, 'KPI page');

  // 八戸市 opens it from the list and reports its figure, with the keyboard only.
  const c = city.page;
  await openLive(c, '/kpis');
  await main(c).getByRole('link', { name }).click();
  await expect(main(c).getByRole('heading', { level: 1, name })).toBeVisible();
  await main(c).getByLabel('実績値', { exact: true }).focus();
  await c.keyboard.type('42');
  await c.keyboard.press('Tab');
  await c.keyboard.type('上半期の速報値');
  await c.keyboard.press('Tab');
  await c.keyboard.press('Enter');
  await expect(main(c).getByText('保存しました。')).toBeVisible();
  const shares = (page: typeof c) => main(page).getByRole('region', { name: '団体別の実績' });
  await expect(shares(c).getByRole('cell', { name: '42事業所' })).toBeVisible();

  // The secretariat's open page shows it without a reload: in the shares, unpublished,
  // and in the table of the chart's numbers.
  await expect(shares(s).getByRole('cell', { name: '42事業所' })).toBeVisible({ timeout: LIVE_MS });
  await expect(shares(s).getByText('未公表（事務局と報告団体のみ）')).toBeVisible();
  const table = main(s).getByRole('table', { name: /年度別の実績と目標/ });
  await expect(table.getByRole('cell', { name: /^42事業所/ })).toBeVisible();
  await expect(table.getByText('= 42 ÷ 100 × 100')).toBeVisible();

  // Publishing the year reaches 八戸市's open page live.
  await openLive(c, kpiUrl.pathname);
  await main(s).getByRole('button', { name: /の実績を公表する/ }).click();
  await expect(main(s).getByText('保存しました。')).toBeVisible();
  await expect(shares(c).getByText('公表済み')).toBeVisible({ timeout: LIVE_MS });

  await c.setViewportSize({ width: 360, height: 740 });
  const { scrollWidth: width, clientWidth, widest } = await scrollWidth(c);
  expect(width, `the KPI page fits 360 px (widest: ${widest})`).toBeLessThanOrEqual(clientWidth);
  expect(errors).toEqual([]);
  await secretariat.context.close();
  await city.context.close();
});
