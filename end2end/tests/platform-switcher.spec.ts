import { test, expect, USERS, AOMORI, AOMORI_CITY, HACHINOHE, HIROSAKI, signIn, proveHydrated, main } from './support';

/**
 * A user with roles on several platforms switches between them. User: kenko-fukushi@
 * (staff of the prefectural platform and the three municipal ones).
 */
test('the platform switcher lists the four platforms and opens 八戸市', async ({ page }) => {
  await signIn(page, USERS.kenkoFukushi);
  // The prefectural platform comes first.
  await expect(page).toHaveURL(/\/p\/aomori$/);
  await expect(page.getByRole('heading', { level: 1, name: AOMORI })).toBeVisible();

  const switcher = page.getByRole('navigation', { name: 'プラットフォームの切り替え' });
  await expect(switcher.getByRole('link')).toHaveText([AOMORI, AOMORI_CITY, HACHINOHE, HIROSAKI]);
  await expect(switcher.getByRole('link', { name: AOMORI })).toHaveAttribute('aria-current', 'page');
  await expect(switcher.getByRole('link', { name: HACHINOHE })).not.toHaveAttribute('aria-current', /.*/);
  // Staff cannot invite.
  await expect(page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '招待' })).toHaveCount(0);

  // After hydration the click is a client-side navigation; the result must be the same.
  await proveHydrated(page);
  await switcher.getByRole('link', { name: HACHINOHE }).click();

  const checkHachinohe = async () => {
    await expect(page).toHaveURL(/\/p\/hachinohe$/);
    await expect(page.getByRole('heading', { level: 1, name: HACHINOHE })).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
    await expect(main(page).getByText('市町村プラットフォーム')).toBeVisible();
    await expect(main(page).getByText(`上位のプラットフォーム: ${AOMORI}`)).toBeVisible();
    await expect(main(page).getByRole('region', { name: '事務局', exact: true }).getByRole('listitem')).toHaveText([
      /^八戸市\s*事務局（主担当）$/,
    ]);
    await expect(
      main(page).getByRole('region', { name: '構成員', exact: true }).getByRole('region', { name: '行政', exact: true }).getByRole('listitem'),
    ).toHaveText(['八戸市', '青森県 健康福祉部']);
    await expect(main(page).getByRole('region', { name: 'オブザーバー', exact: true }).getByRole('listitem')).toHaveCount(0);
    await expect(main(page).getByText('2 件を表示')).toBeVisible();
    await expect(switcher.getByRole('link', { name: HACHINOHE })).toHaveAttribute('aria-current', 'page');
    await expect(switcher.getByRole('link', { name: AOMORI })).not.toHaveAttribute('aria-current', /.*/);
    await expect(page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: 'ホーム' })).toHaveAttribute(
      'href',
      '/p/hachinohe',
    );
  };
  await checkHachinohe();

  // The same page rendered by the server.
  await page.reload();
  await checkHachinohe();
});
