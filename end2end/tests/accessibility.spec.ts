import {
  test,
  expect,
  USERS,
  AOMORI,
  submitSignIn,
  acceptPledge,
  signIn,
  proveHydrated,
  expectNoSeriousA11yViolations,
  scrollWidth,
  main,
} from './support';

/**
 * axe scans (WCAG 2.1 A and AA) of every page, failing on serious or critical findings,
 * and the narrow-screen check. Users: aomori-city@ (asserts its pledge), shoko-rodo@
 * (coordinator, for the invitations page), kenko-fukushi@ (the widest header: four
 * platforms in the switcher).
 */

test('sign-in page', async ({ page }, testInfo) => {
  await page.goto('/sign-in');
  await expect(page.getByRole('heading', { level: 1, name: 'ログイン' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, testInfo, 'sign-in');
});

test('sign-in page with an error', async ({ page }, testInfo) => {
  await page.goto('/sign-in?error=invalid');
  await expect(page.getByRole('alert')).toBeVisible();
  await expectNoSeriousA11yViolations(page, testInfo, 'sign-in-error');
});

test('pledge page and home page', async ({ page }, testInfo) => {
  await page.goto('/sign-in');
  await submitSignIn(page, USERS.aomoriCity);
  await expect(page).toHaveURL(/\/pledge$/);
  await expect(page.getByRole('heading', { level: 1, name: '秘密の保持に関する誓約' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, testInfo, 'pledge');

  await acceptPledge(page);
  await expect(page).toHaveURL(/\/p\/aomori-city$/);
  await expectNoSeriousA11yViolations(page, testInfo, 'home-aomori-city');

  await page.goto('/p/aomori');
  await expect(page.getByRole('heading', { level: 1, name: AOMORI })).toBeVisible();
  await proveHydrated(page);
  await expectNoSeriousA11yViolations(page, testInfo, 'home-aomori');

  await page.getByLabel('機関・団体名で絞り込み').fill('該当なしの名前');
  await expect(main(page).getByText('条件に一致する機関・団体はありません。')).toBeVisible();
  await expectNoSeriousA11yViolations(page, testInfo, 'home-aomori-filtered-empty');

  await page.getByLabel('機関・団体名で絞り込み').fill('');
  await page.getByRole('link', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(main(page).getByRole('heading', { level: 2, name: 'Members' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, testInfo, 'home-aomori-english');
});

test('invitations page, as coordinator, and the invitation page', async ({ page, browser, baseURL }, testInfo) => {
  await signIn(page, USERS.shokoRodo);
  await page.goto('/p/aomori/invitations');
  await expect(page.getByRole('heading', { level: 1, name: `招待 — ${AOMORI}` })).toBeVisible();
  await expectNoSeriousA11yViolations(page, testInfo, 'invitations');

  // With a created link and a row in the table.
  await page.getByLabel('招待する人のメールアドレス').fill(`a11y-${Date.now()}@aomori.example`);
  await page.getByRole('button', { name: '招待リンクを作成' }).click();
  await expect(page).toHaveURL(/\?created=/);
  await expect(main(page).getByRole('table')).toBeVisible();
  await expectNoSeriousA11yViolations(page, testInfo, 'invitations-created');

  const link = await main(page).getByRole('status').getByRole('link').getAttribute('href');
  const guest = await browser.newContext({ baseURL });
  try {
    const invited = await guest.newPage();
    await invited.goto(link!);
    await expect(invited.getByRole('heading', { level: 1, name: 'Kakehashiへの招待' })).toBeVisible();
    await expect(invited.getByLabel('表示名（氏名または担当名）')).toBeVisible();
    await expectNoSeriousA11yViolations(invited, testInfo, 'accept-invitation');
  } finally {
    await guest.close();
  }
});

test.describe('at 360 px wide', () => {
  test.use({ viewport: { width: 360, height: 780 } });

  test('the home page does not scroll sideways, in Japanese and English', async ({ page }) => {
    await signIn(page, USERS.kenkoFukushi);
    await expect(page).toHaveURL(/\/p\/aomori$/);
    await proveHydrated(page);
    const ja = await scrollWidth(page);
    expect(ja.scrollWidth, `horizontal scroll at 360 px (Japanese); widest: ${ja.widest}`).toBeLessThanOrEqual(360);

    await page.getByRole('link', { name: 'English' }).click();
    await expect(main(page).getByRole('heading', { level: 2, name: 'Members' })).toBeVisible();
    const en = await scrollWidth(page);
    expect(en.scrollWidth, `horizontal scroll at 360 px (English); widest: ${en.widest}`).toBeLessThanOrEqual(360);
  });

  test('the sign-in and invitations pages do not scroll sideways', async ({ page }) => {
    await page.goto('/sign-in');
    const signInWidth = await scrollWidth(page);
    expect(signInWidth.scrollWidth, `sign-in; widest: ${signInWidth.widest}`).toBeLessThanOrEqual(360);

    await signIn(page, USERS.shokoRodo);
    await page.goto('/p/aomori/invitations');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const invitations = await scrollWidth(page);
    expect(invitations.scrollWidth, `invitations; widest: ${invitations.widest}`).toBeLessThanOrEqual(360);
  });
});
