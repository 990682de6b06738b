import type { APIRequestContext, BrowserContext, Page } from '@playwright/test';
import { test, expect, USERS, signIn, openLive, person, main, uniqueSubject, expectNoSeriousA11yViolations } from './support';

/**
 * The home page leads with what needs the signed-in person now, and follows the work
 * live: a city's draft waits on the city's home; once sent it waits on the secretariat's
 * home instead; once routed, on the association's. A mention waits on the mentioned
 * person's home until they open the thread. Another organisation's home never shows
 * any of it. Each home is open all along: nothing is reloaded.
 * Users: hirosaki@ (a city), coordinator@ (the secretariat), keieisha@ (an economic
 * organisation), shokokai@ (never routed). Sorts after workflow-outreach.spec.ts, whose
 * header counts assume no request was written before it.
 */

const LIVE_MS = 10_000;

/** Calls the API as the page's signed-in person (the session cookie and its CSRF token). */
async function api(page: Page) {
  const request: APIRequestContext = page.request;
  const me = await (await request.get('/api/v1/me')).json();
  const csrf: string = me.csrf_token;
  return async (path: string, data: unknown) => {
    const response = await request.post(path, { data, headers: { 'X-CSRF-Token': csrf } });
    expect(response.status(), `POST ${path}: ${await response.text()}`).toBeLessThan(300);
    return response.json();
  };
}

function toDo(page: Page) {
  return main(page).getByRole('region', { name: 'いま対応が必要なこと' });
}

function awaiting(page: Page) {
  return toDo(page).getByRole('region', { name: /^あなたの対応を待っている依頼/ });
}

test('each person’s home shows what waits for their step, live, and nothing of others', async ({ page: hirosaki, browser, baseURL }, testInfo) => {
  const title = uniqueSubject('E2E ホーム 受け入れ先の相談');
  const subject = uniqueSubject('E2E ホーム 連絡');
  const errors: string[] = [];
  const others: BrowserContext[] = [];
  try {
    await signIn(hirosaki, USERS.hirosaki);
    const coordinator = await person(browser, baseURL, USERS.coordinator, errors);
    others.push(coordinator.context);
    const keieisha = await person(browser, baseURL, USERS.keieisha, errors);
    others.push(keieisha.context);
    const shokokai = await person(browser, baseURL, USERS.shokokai, errors);
    others.push(shokokai.context);

    await openLive(hirosaki, '/p/hirosaki');
    await openLive(coordinator.page, '/p/aomori');
    await openLive(keieisha.page, '/p/aomori');
    await openLive(shokokai.page, '/p/aomori');
    await expect(toDo(hirosaki)).toBeVisible();

    const asHirosaki = await api(hirosaki);
    const asCoordinator = await api(coordinator.page);
    const deadline = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    const request = await asHirosaki('/api/v1/outreach-requests', {
      kind: 'placement_development',
      title,
      description: '事務補助の受け入れ先を探しています。',
      target_groups: ['long_term_unemployed'],
      area: '弘前市',
      profile: { age_band: '45-49', desired_work: '事務補助', hours: '週20時間', accommodations: [], people: 1 },
      deadline,
    });

    await test.step('a draft waits on the city’s own home', async () => {
      await expect(awaiting(hirosaki).getByRole('link', { name: title })).toBeVisible({ timeout: LIVE_MS });
      await expect(awaiting(hirosaki).getByRole('link', { name: title })).toHaveAttribute('href', `/outreach/${request.id}`);
      await expectNoSeriousA11yViolations(hirosaki, testInfo, 'home-to-do');
    });

    await test.step('sent, it moves to the secretariat’s home', async () => {
      await asHirosaki(`/api/v1/outreach-requests/${request.id}/transitions`, { action: 'submit' });
      await expect(awaiting(coordinator.page).getByRole('link', { name: title })).toBeVisible({ timeout: LIVE_MS });
      await expect(toDo(hirosaki).getByRole('link', { name: title })).toHaveCount(0, { timeout: LIVE_MS });
    });

    await test.step('routed, it moves to the association’s home and to no other organisation’s', async () => {
      const organisations = await (await coordinator.page.request.get('/api/v1/organisations')).json();
      const association = organisations.find((o: { name: string }) => o.name === '一般社団法人 青森県経営者協会');
      await asCoordinator(`/api/v1/outreach-requests/${request.id}/transitions`, { action: 'route', organisation_ids: [association.id] });
      await expect(awaiting(keieisha.page).getByRole('link', { name: title })).toBeVisible({ timeout: LIVE_MS });
      await expect(toDo(coordinator.page).getByRole('link', { name: title })).toHaveCount(0, { timeout: LIVE_MS });
      await expect(main(shokokai.page).getByText(title)).toHaveCount(0);
    });

    await test.step('a mention waits on the mentioned person’s home until they open the thread', async () => {
      const platforms = await (await coordinator.page.request.get('/api/v1/platforms')).json();
      const ids = platforms.filter((p: { slug: string }) => p.slug === 'aomori' || p.slug === 'hirosaki').map((p: { id: string }) => p.id);
      const thread = await asCoordinator('/api/v1/threads', { platform_ids: ids, subject });
      await asCoordinator(`/api/v1/threads/${thread.id}/messages`, { body: '@hirosaki 来月の面接会の件、ご確認ください。' });
      const mentions = toDo(hirosaki).getByRole('region', { name: /^未読のメンション/ });
      const link = mentions.getByRole('link', { name: subject });
      await expect(link).toBeVisible({ timeout: LIVE_MS });
      await link.click();
      await hirosaki.waitForURL(new RegExp(`/threads/${thread.id}`));
      await hirosaki.goBack();
      await expect(toDo(hirosaki).getByRole('link', { name: subject })).toHaveCount(0, { timeout: LIVE_MS });
      await expect(main(shokokai.page).getByText(subject)).toHaveCount(0);
    });

    expect(errors, 'uncaught errors in the other people’s pages').toEqual([]);
  } finally {
    for (const context of others) await context.close();
  }
});
