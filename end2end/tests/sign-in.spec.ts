import { test, expect, USERS, submitSignIn, DEMO_PASSWORD } from './support';

/** Sign-in errors. User: hirosaki@ (one failed attempt; the account limit is 5). */
test('a wrong password is refused with a message, then the right one works', async ({ page }) => {
  await page.goto('/sign-in');
  await submitSignIn(page, USERS.hirosaki, 'not-the-password');
  await expect(page).toHaveURL(/\/sign-in\?error=invalid/);
  await expect(page.getByRole('alert')).toHaveText('メールアドレスまたはパスワードが正しくありません。');
  await expect(page.getByLabel('メールアドレス', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('パスワード', { exact: true })).toHaveAttribute('aria-invalid', 'true');

  await submitSignIn(page, USERS.hirosaki, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/pledge$/);
});

test('an unknown address gets the same message (no account enumeration)', async ({ page }) => {
  await page.goto('/sign-in');
  await submitSignIn(page, 'nobody@aomori.example', 'whatever-password');
  await expect(page).toHaveURL(/\/sign-in\?error=invalid/);
  await expect(page.getByRole('alert')).toHaveText('メールアドレスまたはパスワードが正しくありません。');
});
