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
  proveHydrated,
  main,
} from './support';

/**
 * The foundation, end to end with JavaScript: sign in as the demo coordinator, accept
 * the confidentiality pledge, read the Aomori member list in Japanese, prove hydration
 * with the member filter, switch to English in place, and keep English across a reload.
 * User: coordinator@ (nobody else signs in as them, so the pledge is theirs to accept).
 */
test('coordinator signs in, pledges, reads the members, filters and switches to English', async ({ page, context }) => {
  await test.step('signed out, the app sends you to the sign-in page', async () => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(page).toHaveTitle('架け橋');
    await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
    await expect(page.getByRole('heading', { level: 1, name: 'ログイン' })).toBeVisible();
  });

  await test.step('sign in: first the confidentiality pledge', async () => {
    await submitSignIn(page, USERS.coordinator);
    await expect(page).toHaveURL(/\/pledge$/);
    await expect(page.getByRole('heading', { level: 1, name: '秘密の保持に関する誓約' })).toBeVisible();
    await expect(page.getByRole('listitem').filter({ hasText: '職務上知り得た秘密を漏らしません' })).toBeVisible();
    await acceptPledge(page);
    await expect(page).toHaveURL(/\/p\/aomori$/);
  });

  const members = main(page).getByRole('region', { name: '構成員', exact: true });
  const secretariat = main(page).getByRole('region', { name: '事務局', exact: true });
  const observers = main(page).getByRole('region', { name: 'オブザーバー', exact: true });

  await test.step('the Aomori platform in Japanese', async () => {
    await expect(page.getByRole('heading', { level: 1, name: AOMORI })).toBeVisible();
    await expect(main(page).getByText('都道府県プラットフォーム')).toBeVisible();
    await expect(main(page).getByText('今年度: 令和8年度（2026年度）')).toBeVisible();
    await expect(main(page).getByRole('heading', { level: 2 })).toHaveText(['いま対応が必要なこと', '事務局', '構成員', 'オブザーバー']);
    await expect(members.getByRole('heading', { level: 3 })).toHaveText(Object.keys(AOMORI_MEMBERS));
    for (const [category, names] of Object.entries(AOMORI_MEMBERS)) {
      await expect(members.getByRole('region', { name: category, exact: true }).getByRole('listitem')).toHaveText([...names]);
    }
    await expect(secretariat.getByRole('listitem')).toHaveText([
      /^青森労働局\s*事務局（主担当）$/,
      /^青森県 商工労働部\s*事務局（副担当）$/,
    ]);
    await expect(observers.getByRole('listitem')).toHaveText(AOMORI_OBSERVERS);
    await expect(main(page).getByText(`${AOMORI_TOTAL} 件を表示`)).toBeVisible();
  });

  await test.step('the header: who is signed in, invitations for coordinators, sign-out', async () => {
    const header = page.getByRole('banner');
    await expect(header).toContainText('青森労働局 事務局（主担当）');
    const nav = page.getByRole('navigation', { name: 'メインメニュー' });
    await expect(nav.getByRole('link', { name: 'ホーム' })).toHaveAttribute('href', '/p/aomori');
    await expect(nav.getByRole('link', { name: '招待' })).toHaveAttribute('href', '/p/aomori/invitations');
    await expect(header.getByRole('button', { name: 'ログアウト' })).toBeVisible();
    // One platform only: no switcher.
    await expect(page.getByRole('navigation', { name: 'プラットフォームの切り替え' })).toHaveCount(0);
  });

  await test.step('hydration: the filter narrows the list as you type', async () => {
    await proveHydrated(page);
    const filter = page.getByLabel('機関・団体名で絞り込み');
    await filter.fill('経営者');
    await expect(members.getByRole('heading', { level: 3 })).toHaveText(['経済団体']);
    await expect(secretariat.getByRole('listitem')).toHaveCount(0);
    await expect(observers.getByRole('listitem')).toHaveCount(0);
    await filter.fill('青森県');
    await expect(main(page).getByText(/^\d+ 件を表示$/)).toHaveText('11 件を表示');
    await filter.fill('該当なしの名前');
    await expect(main(page).getByText('条件に一致する機関・団体はありません。')).toBeVisible();
    await expect(main(page).getByText(/^\d+ 件を表示$/)).toHaveText('0 件を表示');
    await filter.fill('');
    await expect(main(page).getByText(`${AOMORI_TOTAL} 件を表示`)).toBeVisible();
    await expect(main(page).getByText('条件に一致する機関・団体はありません。')).toHaveCount(0);
  });

  await test.step('English, switched in place', async () => {
    // A marker that a full page load would wipe out.
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    await page.getByRole('link', { name: 'English' }).click();
    await expect(main(page).getByRole('heading', { level: 2 })).toHaveText(['What needs you now', 'Secretariat', 'Members', 'Observers']);
    await expect(page.getByRole('region', { name: 'Members', exact: true }).getByRole('heading', { level: 3 })).toHaveText([
      'Economic organisations',
      'Labour organisations',
      'Support institutions',
      'Municipalities',
      'Government',
    ]);
    await expect(page.getByLabel('Filter by organisation name')).toBeVisible();
    await expect(main(page).getByText(`${AOMORI_TOTAL} shown`)).toBeVisible();
    await expect(main(page).getByText('This fiscal year: FY2026 (Reiwa 8)')).toBeVisible();
    await expect(main(page).getByText('Prefectural platform')).toBeVisible();
    await expect(page.getByRole('region', { name: 'Secretariat', exact: true }).getByRole('listitem')).toHaveText([
      /^青森労働局\s*Secretariat \(lead\)$/,
      /^青森県 商工労働部\s*Secretariat \(deputy\)$/,
    ]);
    await expect(page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Invitations' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    await expect(page.getByRole('link', { name: '日本語' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page).toHaveTitle('Kakehashi');
    await expect(page).toHaveURL(/\/p\/aomori$/);
    expect(
      await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
      'the switch should happen in place, without loading a new page',
    ).toBe(true);
    const cookie = (await context.cookies()).find((c) => c.name === 'kakehashi_lang');
    expect(cookie?.value, 'the language cookie').toBe('en');
  });

  await test.step('a reload stays English, and hydrates in English', async () => {
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(main(page).getByRole('heading', { level: 2 })).toHaveText(['What needs you now', 'Secretariat', 'Members', 'Observers']);
    await expect(page.getByRole('heading', { level: 1, name: AOMORI })).toBeVisible();
    await proveHydrated(page, 'en');
  });

  await test.step('and back to Japanese', async () => {
    await page.getByRole('link', { name: '日本語' }).click();
    await expect(main(page).getByRole('heading', { level: 2 })).toHaveText(['いま対応が必要なこと', '事務局', '構成員', 'オブザーバー']);
    await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
    await page.reload();
    await expect(main(page).getByRole('heading', { level: 2 })).toHaveText(['いま対応が必要なこと', '事務局', '構成員', 'オブザーバー']);
  });
});
