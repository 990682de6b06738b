import { test, expect, USERS, AOMORI, HACHINOHE, submitSignIn, acceptPledge, main } from './support';

/** Signing in, out, and coming back where you were. User: shokokai@ (not yet pledged). */
test('sign-in returns to the page asked for; sign-out ends the session', async ({ page }) => {
  await test.step('first sign-in: the pledge, then the first platform', async () => {
    await page.goto('/p/aomori');
    await expect(page).toHaveURL(/\/sign-in\?next=\/p\/aomori$/);
    await submitSignIn(page, USERS.shokokai);
    await expect(page).toHaveURL(/\/pledge$/);
    await acceptPledge(page);
    await expect(page.getByRole('heading', { level: 1, name: AOMORI })).toBeVisible();
  });

  await test.step('once pledged, the pledge page sends you on', async () => {
    await page.goto('/pledge');
    await expect(page).toHaveURL(/\/p\/aomori$/);
  });

  await test.step('sign out', async () => {
    await page.getByRole('button', { name: 'ログアウト' }).click();
    await expect(page).toHaveURL(/\/sign-in\?notice=signed_out$/);
    await expect(page.getByRole('status')).toHaveText('ログアウトしました。');
    await page.goto('/p/hachinohe');
    await expect(page).toHaveURL(/\/sign-in\?next=\/p\/hachinohe$/);
  });

  await test.step('signing in again goes straight to the page asked for', async () => {
    await submitSignIn(page, USERS.shokokai);
    await expect(page).toHaveURL(/\/p\/hachinohe$/);
    await expect(main(page).getByRole('heading', { level: 1, name: HACHINOHE })).toBeVisible();
  });

  await test.step('a foreign next address is ignored', async () => {
    await page.getByRole('button', { name: 'ログアウト' }).click();
    await expect(page).toHaveURL(/\/sign-in\?notice=signed_out$/);
    await page.goto('/sign-in?next=//evil.example/');
    await submitSignIn(page, USERS.shokokai);
    await expect(page).toHaveURL(/\/p\/aomori$/);
  });
});
