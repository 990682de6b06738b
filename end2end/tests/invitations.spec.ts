import { test, expect, USERS, AOMORI, signIn, submitSignIn, acceptPledge, main } from './support';

/**
 * A coordinator invites a person, who registers through the link, signs in and pledges.
 * Users: shoko-rodo@ (coordinator of Aomori) and a new address made up here.
 */
function reiwaDate(date: Date): string {
  return `令和${date.getUTCFullYear() - 2018}年${date.getUTCMonth() + 1}月${date.getUTCDate()}日`;
}

test('a coordinator invites a person who registers, signs in and pledges', async ({ page, browser, baseURL }) => {
  const invitee = `new-staff-${Date.now()}@aomori.example`;
  const newPassword = 'a-long-enough-password';
  let link = '';

  await test.step('the coordinator opens the invitations page from the menu', async () => {
    await signIn(page, USERS.shokoRodo);
    await expect(page).toHaveURL(/\/p\/aomori$/);
    await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '招待' }).click();
    await expect(page).toHaveURL(/\/p\/aomori\/invitations$/);
    await expect(page.getByRole('heading', { level: 1, name: `招待 — ${AOMORI}` })).toBeVisible();
    await expect(main(page).getByRole('heading', { level: 2 })).toHaveText(['新しい利用者を招待', '招待の一覧']);
  });

  await test.step('creates an invitation link', async () => {
    await page.getByLabel('招待する人のメールアドレス').fill(invitee);
    await page.getByLabel('役割').selectOption({ label: '担当職員' });
    await page.getByLabel('所属する機関・団体').selectOption({ label: '青森県商工会議所連合会' });
    await page.getByRole('button', { name: '招待リンクを作成' }).click();
    await expect(page).toHaveURL(/\/p\/aomori\/invitations\?created=/);
    const notice = main(page).getByRole('status');
    await expect(notice).toContainText('招待リンクを作成しました。7日間、1回だけ使えます。');
    const anchor = notice.getByRole('link', { name: /^\/invitations\// });
    link = (await anchor.getAttribute('href')) ?? '';
    expect(link).toMatch(/^\/invitations\/[^/]+$/);
    await expect(anchor).toHaveText(link);

    const row = main(page).getByRole('row').filter({ hasText: invitee });
    await expect(row.getByRole('cell')).toHaveText([
      invitee,
      '青森県商工会議所連合会',
      '担当職員',
      '未使用',
      reiwaDate(new Date(Date.now() + 7 * 24 * 3600 * 1000)),
    ]);
  });

  const guest = await browser.newContext({ baseURL });
  const invited = await guest.newPage();
  try {
    await test.step('the invitee sees what they are invited to', async () => {
      await invited.goto(link);
      await expect(invited.getByRole('heading', { level: 1, name: 'Kakehashiへの招待' })).toBeVisible();
      await expect(main(invited).getByRole('definition')).toHaveText([invitee, AOMORI, '青森県商工会議所連合会', '担当職員']);
    });

    await test.step('passwords that differ are refused', async () => {
      await invited.getByLabel('表示名（氏名または担当名）').fill('商工会議所 新任担当');
      await invited.getByLabel('パスワード（12文字以上）').fill(newPassword);
      await invited.getByLabel('パスワード（確認）').fill(`${newPassword}-typo`);
      await invited.getByRole('button', { name: '登録する' }).click();
      await expect(invited).toHaveURL(/\?error=passwords_differ$/);
      await expect(main(invited).getByRole('alert')).toHaveText('確認用のパスワードが一致しません。');
    });

    await test.step('registers, signs in and pledges', async () => {
      await invited.getByLabel('表示名（氏名または担当名）').fill('商工会議所 新任担当');
      await invited.getByLabel('パスワード（12文字以上）').fill(newPassword);
      await invited.getByLabel('パスワード（確認）').fill(newPassword);
      await invited.getByRole('button', { name: '登録する' }).click();
      await expect(invited).toHaveURL(/\/sign-in\?notice=invited$/);
      await expect(invited.getByRole('status')).toHaveText('登録が完了しました。設定したパスワードでログインしてください。');
      await submitSignIn(invited, invitee, newPassword);
      await expect(invited).toHaveURL(/\/pledge$/);
      await acceptPledge(invited);
      await expect(invited).toHaveURL(/\/p\/aomori$/);
      await expect(invited.getByRole('banner')).toContainText('商工会議所 新任担当');
      await expect(invited.getByRole('banner')).toContainText('青森県商工会議所連合会');
    });

    await test.step('the link works only once', async () => {
      await invited.goto(link);
      await expect(main(invited).getByRole('alert')).toHaveText('この招待リンクは無効か、期限切れか、すでに使われています。');
    });
  } finally {
    await guest.close();
  }

  await test.step('the coordinator sees the invitation accepted', async () => {
    await page.goto('/p/aomori/invitations');
    await expect(main(page).getByRole('row').filter({ hasText: invitee }).getByRole('cell').nth(3)).toHaveText('登録済み');
  });
});
