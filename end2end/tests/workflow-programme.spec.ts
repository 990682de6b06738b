import { test, expect, USERS, expectNoSeriousA11yViolations, main, person, scrollWidth } from './support';

/**
 * The network's programme is data (issue: plan, KPIs, inquiries): the secretariat (the
 * deputy, shoko-rodo@) opens 事業名と誓約 from the home page (its chunk loads in place),
 * renames the programme and its age band with the keyboard, and a member of a municipal
 * platform (八戸市) sees the new name on its home page. An axe scan of the page, for the
 * secretariat (the forms) and for the member (reading only), and the page at 360 px.
 * The pledge itself is not revised here: every later spec's users would be asked again.
 */

test('the secretariat renames the programme and a municipal member sees it', async ({ browser, baseURL }, testInfo) => {
  const errors: string[] = [];
  const secretariat = await person(browser, baseURL, USERS.shokoRodo, errors);
  const city = await person(browser, baseURL, USERS.hachinohe, errors);
  const name = `中高年世代活躍応援 ${Date.now()}`;

  const s = secretariat.page;
  await s.goto('/p/aomori');
  await main(s).getByRole('link', { name: '事業名と誓約' }).click();
  await expect(main(s).getByRole('heading', { level: 1, name: '事業名と誓約' })).toBeVisible();
  await expect(main(s).getByRole('heading', { level: 2, name: '現在の誓約' })).toBeVisible();
  await expect(main(s).getByText('第1版', { exact: false }).first()).toBeVisible();
  await expectNoSeriousA11yViolations(s, testInfo, 'programme page (secretariat)');

  const field = main(s).getByLabel('事業名', { exact: true });
  await field.focus();
  await s.keyboard.press('ControlOrMeta+a');
  await s.keyboard.type(name);
  await s.keyboard.press('Tab');
  await s.keyboard.press('ControlOrMeta+a');
  await s.keyboard.type('35');
  await s.keyboard.press('Tab');
  await s.keyboard.press('ControlOrMeta+a');
  await s.keyboard.type('59');
  await s.keyboard.press('Tab');
  await s.keyboard.press('Enter');
  await expect(main(s).getByText('保存しました。')).toBeVisible();
  await expect(main(s).getByLabel('事業名', { exact: true })).toHaveValue(name);

  const c = city.page;
  await c.goto('/p/hachinohe');
  await expect(main(c).getByText(name)).toBeVisible();
  await expect(main(c).getByText('対象年齢 35〜59歳', { exact: false })).toBeVisible();
  await main(c).getByRole('link', { name: '事業名と誓約' }).click();
  await expect(main(c).getByRole('heading', { level: 1, name: '事業名と誓約' })).toBeVisible();
  await expect(main(c).getByRole('textbox')).toHaveCount(0);
  await expect(main(c).getByText(name)).toBeVisible();
  await expectNoSeriousA11yViolations(c, testInfo, 'programme page (member)');
  await c.setViewportSize({ width: 360, height: 800 });
  const { scrollWidth: wide, clientWidth, widest } = await scrollWidth(c);
  expect(wide, `nothing wider than the screen (${widest})`).toBeLessThanOrEqual(clientWidth);

  expect(errors).toEqual([]);
  await secretariat.context.close();
  await city.context.close();
});
