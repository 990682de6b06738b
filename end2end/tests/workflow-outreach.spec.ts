import type { BrowserContext, Page } from '@playwright/test';
import {
  test,
  expect,
  USERS,
  signIn,
  liveConnection,
  expectNoSeriousA11yViolations,
  scrollWidth,
  main,
  uniqueSubject,
  person,
  openLive,
} from './support';

/**
 * An outreach request (依頼) from drafting to its outcome, with everyone on it at once:
 * - 弘前市 drafts a request; a phone number typed into it is named before anything is
 *   saved and blocks saving until it is removed; the draft is then saved and submitted;
 * - the secretariat sees it arrive live (list, 要対応, the header's count), finds it with
 *   the list's search and routes it to 青森県経営者協会;
 * - the association sees it arrive live on its open list, acknowledges it and answers
 *   with two companies; every open page follows each step live;
 * - 弘前市 sees the answer live on its open request page and closes the request with an
 *   outcome (1 placement and a note); the timeline lists every step and who took it;
 * - 青森県商工会連合会, signed in all along, never sees the request: not on its list, and
 *   its address answers 404 (page and API).
 * Also axe scans of the list, the drafting form (with its warning), the answer form and
 * the request page with every panel, and the request page at 360 px.
 * Users: hirosaki@ (staff of Hirosaki: the requester), coordinator@ (coordinator of
 * Aomori: the secretariat), keieisha@ (responder of 一般社団法人 青森県経営者協会) and
 * shokokai@ (responder of 青森県商工会連合会, never routed the request).
 * The header counts are exact: each run starts from a fresh database and no spec before
 * this one writes outreach requests.
 */

/** How long another person's open page may take to show a step: the step goes through
 * the taker's outbox, then the feed, and an open list asks the server again on top. */
const LIVE_MS = 5_000;

const HIROSAKI_NAME = '弘前市 福祉と就労の担当';
const COORDINATOR_NAME = '青森労働局 事務局（主担当）';
const KEIEISHA_NAME = '青森県経営者協会 回答担当';
const KEIEISHA_ORG = '一般社団法人 青森県経営者協会';
const SHOKOKAI_ORG = '青森県商工会連合会';

/** A date `days` from now as the date input takes it (YYYY-MM-DD). */
function inDays(days: number) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A section of the page by its heading. Exact, because 回答 is also the start of 回答する. */
function region(page: Page, name: string) {
  return main(page).getByRole('region', { name, exact: true });
}

/** The state badge in the meta line under the request's title. */
function stateBadge(page: Page) {
  return main(page).locator('h1 + p.meta > .badge').first();
}

/** The header's link to /outreach, which carries the count of requests waiting for the
 * person as a badge. */
function outreachLink(page: Page) {
  return page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: /^依頼/ });
}

function listed(page: Page, title: string) {
  return region(page, '依頼一覧').getByRole('link', { name: title, exact: true });
}

function listItem(page: Page, title: string) {
  return region(page, '依頼一覧')
    .getByRole('listitem')
    .filter({ has: page.getByRole('link', { name: title, exact: true }) });
}

/** The association's status in 依頼先の状況 (the row's first cell; its name is the row header). */
function keieishaStatus(page: Page) {
  return region(page, '依頼先の状況')
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: KEIEISHA_ORG, exact: true }) })
    .getByRole('cell')
    .first();
}

/** The association's answer in 回答. */
function keieishaAnswer(page: Page) {
  return region(page, '回答')
    .getByRole('article')
    .filter({ has: page.getByRole('heading', { level: 3, name: KEIEISHA_ORG, exact: true }) });
}

/** The buttons of the steps the person may take now, in the page's order. */
function stepButtons(page: Page) {
  return region(page, '操作').getByRole('button');
}

/** Nothing left in the outbox: the server has taken the step. */
async function expectSent(page: Page) {
  await expect(main(page).locator('.pending-writes')).toHaveCount(0);
}

/** A timeline entry: the step, who took it and, for organisations' steps, which one. */
function timelineEntry(step: string, who: string, organisation?: string) {
  const words = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  const to = organisation ? `\\s*→\\s*${words(organisation)}` : '';
  return new RegExp(`^\\s*${words(step)}\\s*·\\s*${words(who)}${to}\\s*·`);
}

test('a request goes from 弘前市 through the secretariat to the association and back, live, and no one else sees it', async ({
  page: hirosaki,
  browser,
  baseURL,
}, testInfo) => {
  test.setTimeout(180_000);
  const title = uniqueSubject('E2E 依頼 事務補助の受け入れ先');
  const description = '弘前市内で事務補助または軽作業の受け入れ先を探しています。';
  const phone = '090-1234-5678';
  const routeComment = '弘前市内の事業所を中心にご検討ください。';
  const answerBody = '会員企業のうち二社が受け入れを検討しています。';
  const companies = [
    { name: '株式会社りんご食品', sector: '食品製造', area: '弘前市' },
    { name: '津軽ロジスティクス株式会社', sector: '物流', area: '平川市' },
  ];
  const outcomeNote = '一名が食品製造の事業所で就職しました。';
  const errors: string[] = [];
  const others: BrowserContext[] = [];

  try {
    await signIn(hirosaki, USERS.hirosaki);
    const coordinator = await person(browser, baseURL, USERS.coordinator, errors);
    others.push(coordinator.context);
    const keieisha = await person(browser, baseURL, USERS.keieisha, errors);
    others.push(keieisha.context);
    // Signed in from the start and kept so, to show that nothing reaches this
    // organisation, live or not.
    const shokokai = await person(browser, baseURL, USERS.shokokai, errors);
    others.push(shokokai.context);

    let requestPath = '';
    let requestId = '';

    await test.step('弘前市 drafts: a phone number is named and blocks saving until it is removed', async () => {
      await openLive(hirosaki, '/outreach');
      await expect(hirosaki.getByRole('heading', { level: 1, name: '働きかけ・受け入れ先開拓の依頼' })).toBeVisible();
      await expect(main(hirosaki).getByRole('search')).toBeVisible();
      // The counts by state are the secretariat's, not a municipality's.
      await expect(region(hirosaki, '状態別の件数')).toHaveCount(0);
      const create = main(hirosaki).getByRole('link', { name: '新しい依頼を作成' });
      await expect(create).toHaveAttribute('href', '/outreach/new');
      await create.click();
      await hirosaki.waitForURL(/\/outreach\/new$/);
      await expect(hirosaki.getByRole('heading', { level: 1, name: '新しい依頼を作成' })).toBeVisible();

      // Every required field is filled first, so that only the warning can stop the
      // form (and not the browser's own checks).
      const form = main(hirosaki);
      await form.getByLabel('依頼の種類', { exact: true }).selectOption({ label: '受け入れ先の開拓' });
      await form.getByLabel('件名', { exact: true }).fill(title);
      await form.getByRole('group', { name: '対象者', exact: true }).getByRole('checkbox', { name: '長期にわたり無業の状態にある方' }).check();
      await form.getByLabel('地域', { exact: true }).fill('弘前市');
      const profile = form.getByRole('group', { name: '対象となる方（個人を特定しない情報）' });
      await profile.getByLabel('年齢帯（例: 40-44）').fill('45-49');
      await profile.getByLabel('希望する仕事', { exact: true }).fill('事務補助');
      await profile.getByLabel('勤務時間（例: 週20時間）').fill('週20時間');
      const accommodations = profile.getByRole('group', { name: '必要な配慮', exact: true });
      await accommodations.getByRole('checkbox', { name: '短時間勤務', exact: true }).check();
      await accommodations.getByRole('checkbox', { name: '指示の文書化', exact: true }).check();
      await profile.getByLabel('その他の配慮', { exact: true }).fill('初めは午前中のみの勤務を希望');
      await profile.getByLabel('就労開始の時期', { exact: true }).fill('令和8年秋');
      await profile.getByLabel('人数', { exact: true }).fill('2');
      await form.getByLabel('回答期限', { exact: true }).fill(inDays(30));
      await form
        .getByRole('group', { name: '依頼先の希望（任意）' })
        .getByRole('checkbox', { name: KEIEISHA_ORG, exact: true })
        .check();

      // Every draft posted from here on; the blocked attempt must not be among them.
      const posted: string[] = [];
      hirosaki.on('request', (request) => {
        if (request.method() === 'POST' && new URL(request.url()).pathname === '/outreach') posted.push(request.url());
      });

      // The check runs in the browser once the page has hydrated; typing before that
      // does nothing, so it types again until the warning shows.
      const box = form.getByLabel('依頼の内容', { exact: true });
      const warning = main(hirosaki).getByRole('alert').filter({ hasText: '個人を特定できる情報が含まれているようです' });
      await expect(async () => {
        await box.fill('');
        await box.fill(`${description} 本人の連絡先は ${phone} です。`);
        await expect(warning).toBeVisible({ timeout: 1_000 });
      }, 'the personal-data warning never showed: the page did not hydrate?').toPass({ timeout: 30_000 });
      // It names the field by its label and what was found.
      await expect(warning.getByRole('listitem')).toHaveText([/^依頼の内容:\s*電話番号\s*\(090-1234-5678\)$/]);
      await expectNoSeriousA11yViolations(hirosaki, testInfo, 'outreach-form');

      await form.getByRole('button', { name: '下書きを保存' }).click();
      await expect(warning).toBeVisible();
      await expect(hirosaki).toHaveURL(/\/outreach\/new$/);

      await box.fill(description);
      await expect(warning).toHaveCount(0);
      const live = liveConnection(hirosaki);
      await form.getByRole('button', { name: '下書きを保存' }).click();
      await hirosaki.waitForURL(/\/outreach\/[0-9a-f-]{36}$/);
      requestPath = new URL(hirosaki.url()).pathname;
      requestId = requestPath.split('/').pop() ?? '';
      await live;
      // One post: the blocked click never left the browser (and the server, which
      // refuses personal data too, was not what stopped it).
      expect(posted, 'drafts posted').toHaveLength(1);
      await expect(hirosaki).not.toHaveURL(/error=/);

      await expect(hirosaki.getByRole('heading', { level: 1, name: title })).toBeVisible();
      await expect(stateBadge(hirosaki)).toHaveText('下書き');
      await expect(main(hirosaki).getByRole('link', { name: '依頼を編集' })).toHaveAttribute('href', `${requestPath}/edit`);
      const details = region(hirosaki, '依頼の内容');
      await expect(details).toContainText(description);
      await expect(details).not.toContainText(phone);
      for (const text of ['長期にわたり無業の状態にある方', '45-49', '事務補助', '週20時間', '短時間勤務', '指示の文書化', '令和8年秋']) {
        await expect(details).toContainText(text);
      }
      await expect(region(hirosaki, '依頼先の状況')).toContainText('まだ振り分けられていません。');
      await expect(region(hirosaki, '回答')).toContainText('まだ回答はありません。');
      await expect(stepButtons(hirosaki)).toHaveText(['提出する', '取り下げる']);
      // A draft waits for its requester to submit it.
      await expect(outreachLink(hirosaki).locator('.badge')).toHaveText(/^1\s*件の要対応$/);
    });

    await test.step('弘前市 submits; the secretariat’s open list and header show it live', async () => {
      await openLive(coordinator.page, '/outreach');
      // The secretariat routes requests; it does not draft them.
      await expect(main(coordinator.page).getByRole('link', { name: '新しい依頼を作成' })).toHaveCount(0);
      await expect(outreachLink(coordinator.page)).not.toContainText('件の要対応');

      await region(hirosaki, '操作').getByRole('button', { name: '提出する', exact: true }).click();
      await expectSent(hirosaki);
      await expect(stateBadge(hirosaki)).toHaveText('提出済み');
      // Through the outbox: still the same page, now without the edit link or a step waiting.
      await expect(hirosaki).toHaveURL(new RegExp(`${requestPath}$`));
      await expect(main(hirosaki).getByRole('link', { name: '依頼を編集' })).toHaveCount(0);
      await expect(stepButtons(hirosaki)).toHaveText(['取り下げる']);
      await expect(outreachLink(hirosaki)).not.toContainText('件の要対応');

      const item = listItem(coordinator.page, title);
      await expect(item).toContainText('提出済み', { timeout: LIVE_MS });
      await expect(item.getByText('要対応', { exact: true })).toBeVisible();
      await expect(item).toContainText('弘前市');
      await expect(outreachLink(coordinator.page).locator('.badge')).toHaveText(/^1\s*件の要対応$/, { timeout: LIVE_MS });
    });

    await test.step('the secretariat finds it by state; axe scans the list with its counts', async () => {
      const page = coordinator.page;
      const search = main(page).getByRole('search');
      await search.getByLabel('状態', { exact: true }).selectOption({ label: '提出済み' });
      await expect(search.getByLabel('期限超過のみ')).not.toBeChecked();
      await search.getByRole('button', { name: '検索', exact: true }).click();
      await page.waitForURL(/[?&]state=submitted(&|$)/);
      await expect(main(page).getByRole('heading', { level: 2, name: '依頼一覧' })).toBeVisible();
      await expect(listed(page, title)).toHaveAttribute('href', requestPath);
      await expect(listItem(page, title)).toContainText('提出済み');

      const counts = region(page, '状態別の件数');
      const submitted = counts.getByRole('link', { name: '提出済み', exact: true });
      await expect(submitted).toHaveAttribute('href', '/outreach?state=submitted');
      await expect(
        counts.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '提出済み', exact: true }) }).getByRole('cell'),
      ).toHaveText(/^[1-9]\d*$/);
      await expectNoSeriousA11yViolations(page, testInfo, 'outreach-list');
    });

    await test.step('before routing, the association does not see it', async () => {
      // Opened now, and kept open: the request must arrive on this list live.
      await openLive(keieisha.page, '/outreach');
      await expect(region(keieisha.page, '依頼一覧')).toBeVisible();
      await expect(listed(keieisha.page, title)).toHaveCount(0);
      await expect(outreachLink(keieisha.page)).not.toContainText('件の要対応');
      await openLive(shokokai.page, '/outreach');
      await expect(listed(shokokai.page, title)).toHaveCount(0);
      expect((await keieisha.page.request.get(`/api/v1/outreach-requests/${requestId}`)).status()).toBe(404);
    });

    await test.step('the secretariat routes it to 青森県経営者協会; the others follow live', async () => {
      const page = coordinator.page;
      // Opened after submitting: the organisations to route to come with the page.
      await openLive(page, requestPath);
      await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
      await expect(stateBadge(page)).toHaveText('提出済み');
      await expect(region(page, '依頼先の状況')).toContainText('まだ振り分けられていません。');
      await expect(stepButtons(page)).toHaveText(['振り分ける', '差し戻す']);
      const steps = region(page, '操作');
      const choices = steps.getByRole('group', { name: '振り分け先の団体' });
      await choices.getByRole('checkbox', { name: KEIEISHA_ORG, exact: true }).check();
      await expect(choices.getByRole('checkbox', { name: SHOKOKAI_ORG, exact: true })).not.toBeChecked();
      await steps.getByLabel('コメント', { exact: true }).fill(routeComment);
      await steps.getByRole('button', { name: '振り分ける', exact: true }).click();
      await expectSent(page);
      await expect(stateBadge(page)).toHaveText('振り分け済み');
      await expect(keieishaStatus(page)).toHaveText('未対応');

      // The requester's open page.
      await expect(stateBadge(hirosaki)).toHaveText('振り分け済み', { timeout: LIVE_MS });
      await expect(keieishaStatus(hirosaki)).toHaveText('未対応', { timeout: LIVE_MS });

      // The association's open list and header.
      const item = listItem(keieisha.page, title);
      await expect(item).toContainText('振り分け済み', { timeout: LIVE_MS });
      await expect(item.getByText('要対応', { exact: true })).toBeVisible();
      await expect(item).toContainText(`${KEIEISHA_ORG}: 未対応`);
      await expect(outreachLink(keieisha.page).locator('.badge')).toHaveText(/^1\s*件の要対応$/, { timeout: LIVE_MS });
    });

    await test.step('青森県商工会連合会, signed in all the while, does not see it', async () => {
      const page = shokokai.page;
      // The change reached the association's list above; this open list never got it.
      await expect(listed(page, title)).toHaveCount(0);
      await expect(outreachLink(page)).not.toContainText('件の要対応');
      // Nor does it after loading the list afresh.
      await openLive(page, '/outreach');
      await expect(region(page, '依頼一覧')).toBeVisible();
      await expect(listed(page, title)).toHaveCount(0);
      await expect(main(page).getByText(title)).toHaveCount(0);
      // Its address is unknown to this organisation, as a page and through the API.
      const response = await page.goto(requestPath);
      expect(response?.status(), `GET ${requestPath} as ${USERS.shokokai}`).toBe(404);
      await expect(page.getByRole('heading', { name: title })).toHaveCount(0);
      expect((await page.request.get(`/api/v1/outreach-requests/${requestId}`)).status()).toBe(404);
    });

    await test.step('the association acknowledges it; the requester and the secretariat see 対応中 live', async () => {
      const page = keieisha.page;
      await listed(page, title).click();
      await page.waitForURL((url) => url.pathname === requestPath);
      await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
      await expect(stateBadge(page)).toHaveText('振り分け済み');
      await expect(stepButtons(page)).toHaveText(['対応を開始する', '辞退する']);
      // The routing comment reaches the association with the request.
      await expect(region(page, '経過')).toContainText(routeComment);

      await region(page, '操作').getByRole('button', { name: '対応を開始する', exact: true }).click();
      await expectSent(page);
      await expect(keieishaStatus(page)).toHaveText('対応中');
      await expect(stepButtons(page)).toHaveText(['辞退する']);

      await expect(keieishaStatus(hirosaki)).toHaveText('対応中', { timeout: LIVE_MS });
      await expect(keieishaStatus(coordinator.page)).toHaveText('対応中', { timeout: LIVE_MS });
    });

    await test.step('the association answers with two companies', async () => {
      const page = keieisha.page;
      const form = region(page, '回答する');
      await expect(form.getByRole('group')).toHaveCount(3);
      await expectNoSeriousA11yViolations(page, testInfo, 'outreach-answer-form');

      await form.getByLabel('回答内容', { exact: true }).fill(answerBody);
      await form.getByLabel('受け入れ可能な人数', { exact: true }).fill('2');
      for (const [i, company] of companies.entries()) {
        const group = form.getByRole('group', { name: `紹介する企業 ${i + 1}`, exact: true });
        await group.getByLabel('企業名', { exact: true }).fill(company.name);
        await group.getByLabel('業種', { exact: true }).fill(company.sector);
        await group.getByLabel('所在地域', { exact: true }).fill(company.area);
      }
      await form.getByLabel('条件', { exact: true }).fill('週20時間から');
      await form.getByLabel('今後の進め方', { exact: true }).fill('面談の日程は事務局を通じて調整します。');
      await form.getByRole('button', { name: '回答を送信', exact: true }).click();
      await expectSent(page);
      // Through the outbox: the form is emptied on the same page.
      await expect(form.getByLabel('回答内容', { exact: true })).toHaveValue('');

      await expect(keieishaAnswer(page)).toContainText(answerBody);
      await expect(stateBadge(page)).toHaveText('回答あり');
      await expect(keieishaStatus(page)).toHaveText('回答済み');
      // Answered, nothing waits for the association any more.
      await expect(outreachLink(page)).not.toContainText('件の要対応');
    });

    await test.step('弘前市 sees the answer live; axe and 360 px on the request page', async () => {
      const answer = keieishaAnswer(hirosaki);
      await expect(answer).toContainText(answerBody, { timeout: LIVE_MS });
      await expect(answer).toContainText(KEIEISHA_NAME);
      await expect(answer).toContainText('受け入れ可能な人数: 2');
      const rows = answer.getByRole('table').getByRole('row');
      await expect(rows).toHaveCount(1 + companies.length);
      for (const [i, company] of companies.entries()) {
        await expect(rows.nth(i + 1).getByRole('cell')).toHaveText([company.name, company.sector, company.area]);
      }
      await expect(answer).toContainText('週20時間から');
      await expect(answer).toContainText('面談の日程は事務局を通じて調整します。');
      await expect(stateBadge(hirosaki)).toHaveText('回答あり');
      await expect(keieishaStatus(hirosaki)).toHaveText('回答済み');
      await expect(stepButtons(hirosaki)).toHaveText(['完了にする', '取り下げる']);
      // The answer waits for 弘前市 to close the request.
      await expect(outreachLink(hirosaki).locator('.badge')).toHaveText(/^1\s*件の要対応$/, { timeout: LIVE_MS });
      await expect(keieishaAnswer(coordinator.page)).toContainText(answerBody, { timeout: LIVE_MS });

      // Every panel is there: the request, the statuses, the answer with its table,
      // the steps (with the outcome fields) and the timeline.
      await expect(region(hirosaki, '経過').getByRole('listitem')).toHaveCount(5);
      await expectNoSeriousA11yViolations(hirosaki, testInfo, 'outreach-request');

      const wide = hirosaki.viewportSize();
      await hirosaki.setViewportSize({ width: 360, height: 780 });
      await expect(answer.getByRole('table')).toBeVisible();
      await expect(region(hirosaki, '操作').getByRole('button', { name: '完了にする' })).toBeVisible();
      const narrow = await scrollWidth(hirosaki);
      expect(narrow.scrollWidth, `horizontal scroll at 360 px on the request page; widest: ${narrow.widest}`).toBeLessThanOrEqual(360);
      if (wide) await hirosaki.setViewportSize(wide);
    });

    await test.step('弘前市 closes it with the outcome; every open page shows 完了 live', async () => {
      const steps = region(hirosaki, '操作');
      await steps.getByLabel('就職に至った人数', { exact: true }).fill('1');
      await steps.getByLabel('結果のメモ', { exact: true }).fill(outcomeNote);
      await steps.getByRole('button', { name: '完了にする', exact: true }).click();
      await expectSent(hirosaki);
      await expect(stateBadge(hirosaki)).toHaveText('完了');
      const details = region(hirosaki, '依頼の内容');
      await expect(details).toContainText('就職に至った人数: 1');
      await expect(details).toContainText(outcomeNote);
      // Closed: no step is left, for anyone.
      await expect(region(hirosaki, '操作')).toHaveCount(0);
      await expect(outreachLink(hirosaki)).not.toContainText('件の要対応');

      await expect(region(hirosaki, '経過').getByRole('listitem')).toHaveText([
        timelineEntry('作成', HIROSAKI_NAME),
        timelineEntry('提出', HIROSAKI_NAME),
        timelineEntry('振り分け', COORDINATOR_NAME, KEIEISHA_ORG),
        timelineEntry('対応開始', KEIEISHA_NAME, KEIEISHA_ORG),
        timelineEntry('回答', KEIEISHA_NAME, KEIEISHA_ORG),
        timelineEntry('完了', HIROSAKI_NAME),
      ]);

      for (const page of [coordinator.page, keieisha.page]) {
        await expect(stateBadge(page)).toHaveText('完了', { timeout: LIVE_MS });
        await expect(region(page, '依頼の内容')).toContainText('就職に至った人数: 1', { timeout: LIVE_MS });
        await expect(region(page, '操作')).toHaveCount(0);
      }
      // The secretariat has nothing left to route.
      await expect(outreachLink(coordinator.page)).not.toContainText('件の要対応', { timeout: LIVE_MS });
      // The association may no longer answer a closed request.
      await expect(region(keieisha.page, '回答する')).toHaveCount(0);
    });

    await test.step('青森県商工会連合会 still does not see it, closed', async () => {
      const page = shokokai.page;
      await openLive(page, '/outreach');
      await expect(listed(page, title)).toHaveCount(0);
      await expect(outreachLink(page)).not.toContainText('件の要対応');
      expect((await page.goto(requestPath))?.status()).toBe(404);
    });

    expect(errors, 'uncaught errors in the other people’s pages (a wasm panic?)').toEqual([]);
  } finally {
    for (const context of others) await context.close();
  }
});
