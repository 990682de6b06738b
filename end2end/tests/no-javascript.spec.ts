import {
  test,
  expect,
  USERS,
  AOMORI,
  AOMORI_MEMBERS,
  AOMORI_OBSERVERS,
  AOMORI_TOTAL,
  submitSignIn,
  acceptPledge,
  main,
} from './support';

/**
 * Everything works without JavaScript: the pages render completely on the server and
 * every change is a plain form post or link. User: keieisha@ (a responder of the Aomori
 * platform who has not pledged yet).
 */
test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('sign in, pledge, read the members, switch language and sign out', async ({ page }) => {
    await test.step('a page asked for while signed out leads to sign-in, remembering where', async () => {
      await page.goto('/p/aomori');
      await expect(page).toHaveURL(/\/sign-in\?next=\/p\/aomori$/);
    });

    await test.step('the plain form post signs in and asks for the pledge', async () => {
      await submitSignIn(page, USERS.keieisha);
      await expect(page).toHaveURL(/\/pledge$/);
      await acceptPledge(page);
      await expect(page).toHaveURL(/\/p\/aomori$/);
    });

    await test.step('the member list is complete without JavaScript', async () => {
      await expect(page.getByRole('heading', { level: 1, name: AOMORI })).toBeVisible();
      await expect(main(page).getByText('今年度: 令和8年度（2026年度）')).toBeVisible();
      await expect(main(page).getByRole('heading', { level: 2 })).toHaveText(['いま対応が必要なこと', '事務局', '構成員', 'オブザーバー']);
      const members = main(page).getByRole('region', { name: '構成員', exact: true });
      await expect(members.getByRole('heading', { level: 3 })).toHaveText(Object.keys(AOMORI_MEMBERS));
      for (const [category, names] of Object.entries(AOMORI_MEMBERS)) {
        await expect(members.getByRole('region', { name: category, exact: true }).getByRole('listitem')).toHaveText([...names]);
      }
      await expect(main(page).getByRole('region', { name: '事務局', exact: true }).getByRole('listitem')).toHaveText([
        /^青森労働局\s*事務局（主担当）$/,
        /^青森県 商工労働部\s*事務局（副担当）$/,
      ]);
      await expect(main(page).getByRole('region', { name: 'オブザーバー', exact: true }).getByRole('listitem')).toHaveText(AOMORI_OBSERVERS);
      await expect(main(page).getByText(`${AOMORI_TOTAL} 件を表示`)).toBeVisible();
      // A responder cannot invite.
      await expect(page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '招待' })).toHaveCount(0);
    });

    await test.step('the language link goes through /lang/en and comes back in English', async () => {
      const english = page.getByRole('link', { name: 'English' });
      await expect(english).toHaveAttribute('href', '/lang/en?next=/p/aomori');
      await english.click();
      await expect(page).toHaveURL(/\/p\/aomori$/);
      await expect(page.locator('html')).toHaveAttribute('lang', 'en');
      await expect(main(page).getByRole('heading', { level: 2 })).toHaveText(['What needs you now', 'Secretariat', 'Members', 'Observers']);
      await expect(page.getByLabel('Filter by organisation name')).toBeVisible();
      await expect(main(page).getByText(`${AOMORI_TOTAL} shown`)).toBeVisible();
      await page.getByRole('link', { name: '日本語' }).click();
      await expect(page).toHaveURL(/\/p\/aomori$/);
      await expect(main(page).getByRole('heading', { level: 2 })).toHaveText(['いま対応が必要なこと', '事務局', '構成員', 'オブザーバー']);
    });

    await test.step('sign out is a form post too', async () => {
      await page.getByRole('button', { name: 'ログアウト' }).click();
      await expect(page).toHaveURL(/\/sign-in\?notice=signed_out$/);
      await expect(page.getByRole('status')).toHaveText('ログアウトしました。');
      await page.goto('/p/aomori');
      await expect(page).toHaveURL(/\/sign-in\?next=\/p\/aomori$/);
    });
  });
});
