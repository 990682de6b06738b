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
 * Inquiries (照会) end to end (issue: plan, KPIs, inquiries):
 * - the secretariat (the deputy, shoko-rodo@) writes an inquiry to 八戸市 with a
 *   required number question and sends it;
 * - 八戸市 finds it in its to-do list, saves a draft without the figure, then fills the
 *   figure with the keyboard only and submits it;
 * - the secretariat, with the inquiry's page open, sees the answer arrive live and
 *   returns it with a comment, which 八戸市's open page shows live; 八戸市 corrects and
 *   resubmits; the secretariat accepts.
 * Also axe scans of the list, the form and both sides of an inquiry's page, and the page
 * at 360 px.
 */

const LIVE_MS = 10_000;

test('an inquiry is sent, answered, returned, corrected and accepted, live', async ({ browser, baseURL }, testInfo) => {
  const errors: string[] = [];
  const title = uniqueSubject('相談窓口の開設状況');
  const secretariat = await person(browser, baseURL, USERS.shokoRodo, errors);
  const city = await person(browser, baseURL, USERS.hachinohe, errors);

  // The secretariat finds inquiries in the navigation and writes one.
  const s = secretariat.page;
  await s.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '照会' }).click();
  await expect(main(s).getByRole('heading', { level: 1, name: '照会' })).toBeVisible();
  await expectNoSeriousA11yViolations(s, testInfo, 'inquiry list');
  await main(s).getByRole('link', { name: '照会を作成する' }).click();
  await expect(main(s).getByRole('heading', { level: 1, name: '照会を作成する' })).toBeVisible();
  await expectNoSeriousA11yViolations(s, testInfo, 'inquiry form');
  const form = main(s);
  await form.getByLabel('件名', { exact: true }).fill(title);
  await form.getByLabel('依頼内容・記入要領', { exact: true }).fill('開設している窓口の数をご回答ください。');
  const first = form.getByRole('group', { name: '設問 1' });
  await first.getByLabel('設問', { exact: true }).fill('相談窓口の数');
  await first.getByLabel('回答の形式', { exact: true }).selectOption('number');
  await first.getByLabel('単位（数値のみ）', { exact: true }).fill('か所');
  await first.getByLabel('必須', { exact: true }).check();
  await form.getByLabel('八戸市', { exact: true }).check();
  await form.getByRole('button', { name: '下書きとして保存' }).click();
  await expect(main(s).getByRole('heading', { level: 1, name: title })).toBeVisible();
  await main(s).getByRole('button', { name: '照会先に送付する' }).click();
  await expect(main(s).getByText('保存しました。')).toBeVisible();
  const inquiryUrl = new URL(s.url());
  inquiryUrl.search = '';
  await openLive(s, inquiryUrl.pathname);
  await expectNoSeriousA11yViolations(s, testInfo, 'inquiry page, sender');
  const answers = main(s).getByRole('table', { name: '団体ごとの回答' });

  // 八戸市 finds it in its list and opens it; the sender sees it opened, live.
  const c = city.page;
  await openLive(c, '/inquiries');
  await main(c).getByRole('link', { name: title }).click();
  await expect(main(c).getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(answers.getByText('開封済み')).toBeVisible({ timeout: LIVE_MS });
  await expectNoSeriousA11yViolations(c, testInfo, 'inquiry page, addressee');
  // Submitting without the required figure is refused with the reason; a draft saves.
  await main(c).getByRole('button', { name: '回答を提出する' }).click();
  await expect(main(c).getByText('必須の設問に回答してから提出してください。')).toBeVisible();
  await main(c).getByRole('button', { name: '下書き保存' }).click();
  await expect(main(c).getByText('保存しました。')).toBeVisible();
  await expect(answers.getByText('下書き')).toBeVisible({ timeout: LIVE_MS });
  // The figure, with the keyboard only: focus the field, type, Tab to "save draft",
  // Tab to "submit", Enter.
  await main(c).getByLabel(/相談窓口の数/).focus();
  await c.keyboard.type('４');
  await c.keyboard.press('Tab');
  await c.keyboard.press('Tab');
  await c.keyboard.press('Enter');
  await expect(main(c).getByText('保存しました。')).toBeVisible();

  // The sender's open page shows the answer without a reload, and returns it.
  await expect(answers.getByRole('cell', { name: '4 か所' })).toBeVisible({ timeout: LIVE_MS });
  await openLive(c, inquiryUrl.pathname);
  await answers.getByLabel('差戻しの理由').fill('出張相談の窓口も含めてください。');
  await answers.getByRole('button', { name: '差し戻す' }).click();
  await expect(main(s).getByText('保存しました。')).toBeVisible();
  await expect(main(c).getByText('出張相談の窓口も含めてください。')).toBeVisible({ timeout: LIVE_MS });

  // 八戸市 corrects and resubmits; the secretariat accepts.
  await main(c).getByLabel(/相談窓口の数/).fill('6');
  await main(c).getByRole('button', { name: '回答を提出する' }).click();
  await expect(main(c).getByText('保存しました。')).toBeVisible();
  await openLive(s, inquiryUrl.pathname);
  await expect(answers.getByRole('cell', { name: '6 か所' })).toBeVisible();
  await answers.getByRole('button', { name: '受理する' }).click();
  await expect(main(s).getByText('保存しました。')).toBeVisible();
  await expect(main(c).getByText('受理')).toBeVisible({ timeout: LIVE_MS });

  await c.setViewportSize({ width: 360, height: 740 });
  const { scrollWidth: width, clientWidth, widest } = await scrollWidth(c);
  expect(width, `the inquiry page fits 360 px (widest: ${widest})`).toBeLessThanOrEqual(clientWidth);
  expect(errors).toEqual([]);
  await secretariat.context.close();
  await city.context.close();
});
