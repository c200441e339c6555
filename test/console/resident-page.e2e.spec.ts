import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { caseNumberOf, residentLinkOf } from '@yixin/resident-access';
import { buttonNamed, expectVisible, horizontalOverflow, launchChromium, newConsoleContext, saveScreenshot, seriousAccessibilityViolations, type ViewportName } from '../support/browser';
import { CaseFixtures, XIANGYUAN, type CaseFixture } from '../support/case-fixtures';
import { startE2eApp, type E2eApp } from '../support/e2e-app';
import { eventually } from '../support/harness';

const STAFF = XIANGYUAN.users.staff;
const COMPANY = XIANGYUAN.users.company;
const SECRET = randomBytes(32).toString('base64');
const WRONG = '案件编号或查询码不正确';

/**
 * 居民查询页, in Chromium, on the real system: a resident follows the link of their SMS at phone
 * size, sees where their case stands and nothing of anyone's personal data, rates it, and the case
 * closes. A wrong code, a guessed number and a case whose resident's data was erased all get the
 * same words, as the API gives them the same answer. Cases are put in their states through the API.
 */
describe('the console: the resident’s own page', () => {
  let system: E2eApp;
  let browser: Browser;
  let fixtures: CaseFixtures;

  beforeAll(async () => {
    [system, browser] = await Promise.all([startE2eApp({ env: { YIXIN_RESIDENT_LINK_SECRET: SECRET }, users: [STAFF, COMPANY] }), launchChromium()]);
    fixtures = new CaseFixtures(system.api, (username) => system.tokens[username]);
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  const pageUrl = () => `${system.api.baseUrl}/r`;
  const caseOf = async (caseId: string) => (await system.api.request('GET', `/cases/${caseId}`, system.tokens[STAFF])).body;

  /** A case its company resolved with a note that gives a phone number, and listed by the read model the page finds cases in. */
  async function resolvedCase(): Promise<CaseFixture> {
    const fixture = await fixtures.fresh(XIANGYUAN, { state: 'in_progress' });
    const resolved = await system.api.request('POST', `/cases/${fixture.caseId}/task/resolve`, system.tokens[COMPANY], { note: '已更换渗漏的水管阀门，不再漏水。如有问题请致电王师傅 13912345678' });
    expect(resolved.status).toBe(200);
    await eventually(
      async () => ((await system.readStore.query('SELECT status FROM case_list WHERE case_id = ?', [fixture.caseId]))[0] as { status: string } | undefined)?.status === 'resolved' || undefined,
      'the case list to show the case resolved',
    );
    return fixture;
  }

  async function openPage(url: string, viewport: ViewportName): Promise<Page> {
    const context = await newConsoleContext(browser, system.api.baseUrl, viewport);
    const page = await context.newPage();
    await page.goto(url);
    return page;
  }

  /** Saved with the other suites' screens. */
  async function screenshot(page: Page, name: string, viewport: ViewportName): Promise<void> {
    await saveScreenshot(page, `resident-${name}`, viewport);
  }

  it('shows the resident following their link where the case stands, takes their rating, and the case closes', async () => {
    const fixture = await resolvedCase();
    const page = await openPage(residentLinkOf(pageUrl(), SECRET, fixture.caseId), 'phone');
    await expectVisible(page.getByTestId('resident-status').getByText('已处理完毕，请您评价'));
    expect(new URL(page.url()).hash).toMatch(/^#\/r\/[0-9a-f]{8}\/[0-9]{6}$/);
    await expectVisible(page.getByText('北辰奥园物业服务中心').first());
    await expectVisible(page.getByText('湘源社区').first());
    await expectVisible(page.getByText('如有问题请致电王师傅 ***********'));
    const text = await page.locator('main').innerText();
    for (const personal of ['矩阵测试', fixture.phone, '1单元101室', '13912345678', fixture.marker]) expect(text).not.toContain(personal);
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'resolved', 'phone');

    const rating = page.getByTestId('resident-rating');
    await rating.getByText('满意', { exact: true }).click();
    await rating.locator('.ant-rate-star').nth(4).click();
    await rating.getByLabel('意见（选填）').fill('维修师傅很及时');
    await buttonNamed(rating, '提交评价').click();
    await expectVisible(page.getByText('感谢您的评价'));
    await expectVisible(page.getByTestId('resident-status').getByText('已结案'));
    await screenshot(page, 'thanked', 'phone');

    expect(await caseOf(fixture.caseId)).toMatchObject({ status: 'closed', closedReason: 'resident_satisfied' });
    const timeline = (await system.api.request('GET', `/cases/${fixture.caseId}/timeline`, system.tokens[STAFF])).body as Array<{ type: string; actorRole: string }>;
    expect(timeline.find((entry) => entry.type === 'CallBackRecorded')).toMatchObject({ actorRole: 'resident' });
    await page.context().close();
  });

  it('looks a case up from the form at a desk, and says the same of a wrong code, a guessed number and an erased resident’s case', async () => {
    const [known, erased] = await Promise.all([resolvedCase(), resolvedCase()]);
    const erasure = await system.api.request('POST', '/privacy/erasure', system.tokens[STAFF], { phone: erased.phone });
    expect(erasure.status).toBe(200);
    const rightLink = new URL(residentLinkOf(pageUrl(), SECRET, known.caseId));
    const [, , caseNumber, checkCode] = rightLink.pathname.split('/');
    const wrongCode = String((Number(checkCode) + 1) % 1_000_000).padStart(6, '0');
    const guessed = randomBytes(4).toString('hex');
    const erasedLink = new URL(residentLinkOf(pageUrl(), SECRET, erased.caseId));
    const [, , erasedNumber, erasedCode] = erasedLink.pathname.split('/');

    const page = await openPage('/#/r', 'desk');
    const lookUp = async (number: string, code: string) => {
      if (await page.getByTestId('resident-case').count()) await buttonNamed(page, '查询其他案件').click();
      await page.getByLabel('案件编号').fill(number);
      await page.getByLabel('查询码').fill(code);
      await buttonNamed(page, '查询').click();
    };
    await lookUp(caseNumber.toUpperCase(), checkCode);
    await expectVisible(page.getByTestId('resident-status').getByText('已处理完毕，请您评价'));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'resolved', 'desk');

    for (const [number, code] of [
      [caseNumber, wrongCode],
      [guessed, checkCode],
      [erasedNumber, erasedCode],
    ]) {
      await lookUp(number, code);
      await expectVisible(page.getByRole('alert').getByText(WRONG));
      await expect(page.getByTestId('resident-case').count()).resolves.toBe(0);
    }
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'wrong', 'desk');
    await page.context().close();

    const phone = await openPage(erasedLink.toString(), 'phone');
    await expectVisible(phone.getByRole('alert').getByText(WRONG));
    await screenshot(phone, 'wrong', 'phone');
    await phone.context().close();

    const answers = await Promise.all(
      [
        [caseNumber, wrongCode],
        [guessed, checkCode],
        [erasedNumber, erasedCode],
      ].map(([number, code]) => system.api.request('POST', '/resident/case', undefined, { caseNumber: number, checkCode: code })),
    );
    expect(answers.map((answer) => [answer.status, answer.body])).toEqual(Array(3).fill([404, answers[0].body]));
    expect(caseNumberOf(erased.caseId)).toBe(erasedNumber);
    expect(await caseOf(known.caseId)).toMatchObject({ status: 'resolved' });
  });
});
