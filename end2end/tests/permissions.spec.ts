import { test, expect, USERS, AOMORI, HACHINOHE, signIn, main } from './support';

/** What a municipal staff member sees and may not do. User: hachinohe@. */
test('municipal staff land on their platform and cannot manage others', async ({ page }) => {
  await signIn(page, USERS.hachinohe);
  await expect(page).toHaveURL(/\/p\/hachinohe$/);
  await expect(page.getByRole('heading', { level: 1, name: HACHINOHE })).toBeVisible();
  // One platform: no switcher; staff: no invitations.
  await expect(page.getByRole('navigation', { name: 'プラットフォームの切り替え' })).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '招待' })).toHaveCount(0);

  await test.step('the invitations page of their own platform is refused', async () => {
    await page.goto('/p/hachinohe/invitations');
    await expect(main(page).getByRole('alert')).toHaveText('この操作を行う権限がありません。');
    await expect(main(page).getByRole('heading', { name: /招待/ })).toHaveCount(0);
  });

  await test.step('the prefectural platform of their network can be read', async () => {
    await page.goto('/p/aomori');
    await expect(page.getByRole('heading', { level: 1, name: AOMORI })).toBeVisible();
    await page.goto('/p/aomori/invitations');
    await expect(main(page).getByRole('alert')).toHaveText('この操作を行う権限がありません。');
  });

  await test.step('an unknown platform is not found', async () => {
    await page.goto('/p/no-such-platform');
    await expect(main(page).getByRole('alert')).toHaveText('ページが見つかりません。');
  });

  await test.step('an unknown page is a 404', async () => {
    const response = await page.goto('/no-such-page');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1, name: 'ページが見つかりません。' })).toBeVisible();
  });
});
