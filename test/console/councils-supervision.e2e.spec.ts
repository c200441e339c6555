import type { Browser, Page } from 'playwright-core';
import { buttonNamed, expectVisible, horizontalOverflow, launchChromium, newConsoleContext, saveScreenshot, seriousAccessibilityViolations, signIn } from '../support/browser';
import { CaseFixtures, FAST_ESCALATION_POLICY, XIANGYUAN } from '../support/case-fixtures';
import { startE2eApp, type E2eApp } from '../support/e2e-app';
import { eventually } from '../support/harness';

// The browser's globals, for the functions evaluated in the page (the tests' own compilation has no DOM library).
declare const window: { stillTheSamePage?: boolean };

const STAFF = XIANGYUAN.users.staff;
const PROPERTY_COUNCIL = XIANGYUAN.users.councils.property_council;
const STREET_OFFICER = 'street.officer';

/**
 * 联席会议程 and 督办队列, driven in Chromium through the screens only: the property council's
 * secretary convenes a session and records a decision with its vote; a street officer sees a case
 * escalated to the street appear in the queue while looking at it, and closes it with a ruling.
 * Elevator cases escalate within seconds (FAST_ESCALATION_POLICY).
 */
// A real browser and a case climbing tiers in real time, on a machine that other suites share.
jest.setTimeout(240_000);

/** Every test signs in through the page, all from 127.0.0.1: more than the login limit's default ten a minute. */
const SIGN_INS_OF_ONE_SUITE = { RATE_LIMIT_LOGINS_PER_MINUTE: '1000', RATE_LIMIT_LOGINS_PER_USERNAME_PER_MINUTE: '1000' };

describe('the console: the councils’ agenda and the supervision queues', () => {
  let system: E2eApp;
  let browser: Browser;
  let fixtures: CaseFixtures;

  beforeAll(async () => {
    [system, browser] = await Promise.all([
      startE2eApp({ env: SIGN_INS_OF_ONE_SUITE, deadlinePolicy: FAST_ESCALATION_POLICY, users: [STAFF, XIANGYUAN.users.company, PROPERTY_COUNCIL, STREET_OFFICER] }),
      launchChromium(),
    ]);
    fixtures = new CaseFixtures(system.api, (username) => system.tokens[username]);
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  const caseOf = async (caseId: string) => (await system.api.request('GET', `/cases/${caseId}`, system.tokens[STAFF])).body;

  it('lets the council’s secretary convene a session and record a decision with its vote, refusing a blank decision', async () => {
    const { caseId } = await fixtures.fresh(XIANGYUAN, { state: 'before_council' });
    const { building } = (await caseOf(caseId)).location;
    const context = await newConsoleContext(browser, system.api.baseUrl);
    const page = await context.newPage();
    await signIn(page, PROPERTY_COUNCIL);
    await page.waitForURL(/#\/councils$/);
    const row = page.locator('tr', { hasText: `北辰奥园 ${building}` });
    await expectVisible(row.getByText('由谁承担维修责任？'));
    await expectVisible(row.getByText('尚未召开'));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'council-agenda', 'desk');

    await buttonNamed(row, '召开联席会').click();
    const convene = page.getByRole('dialog', { name: '召开联席会' });
    await convene.getByLabel('会议时间').click();
    await convene.getByLabel('会议时间').fill(chinaTime(Date.now() + 3 * 86_400_000));
    await confirmPicker(page);
    await buttonNamed(convene, '提交').click();
    await expectVisible(row.getByText('名成员'));
    expect((await caseOf(caseId)).council.sessionId).toEqual(expect.any(String));

    await buttonNamed(row, '记录决议').click();
    const decide = page.getByRole('dialog', { name: '记录决议' });
    const before = (await caseOf(caseId)).revision;
    await decide.getByLabel('决议内容（由谁做什么）').fill('  ');
    await decide.getByLabel('承办单位').click();
    await page.locator('.ant-select-item-option', { hasText: '物业公司' }).click();
    await decide.getByLabel('完成期限').click();
    await decide.getByLabel('完成期限').fill(chinaTime(Date.now() + 10 * 86_400_000));
    await confirmPicker(page);
    await decide.getByLabel('赞成').fill('5');
    await decide.getByLabel('反对').fill('1');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await buttonNamed(decide, '提交').click();
    await expectVisible(decide.getByRole('alert').getByText('decision must not be blank'));
    expect((await caseOf(caseId)).revision).toBe(before);

    await decide.getByLabel('决议内容（由谁做什么）').fill('由北辰奥园物业牵头维修外墙，费用先行垫付');
    await buttonNamed(decide, '提交').click();
    await expectVisible(page.getByText('记录决议：已完成'));
    const decided = await caseOf(caseId);
    expect(decided.council.decision).toMatchObject({ text: '由北辰奥园物业牵头维修外墙，费用先行垫付', assignee: { organisationId: XIANGYUAN.companyId } });
    await context.close();

    // The decided case left the agenda once dispatched: another, convened, for the phone.
    const convened = await fixtures.fresh(XIANGYUAN, { state: 'convened' });
    const phone = await newConsoleContext(browser, system.api.baseUrl, 'phone');
    const onPhone = await phone.newPage();
    await signIn(onPhone, PROPERTY_COUNCIL);
    await expectVisible(onPhone.getByText(`北辰奥园 ${(await caseOf(convened.caseId)).location.building}`));
    await expectVisible(buttonNamed(onPhone, '记录决议'));
    expect(await horizontalOverflow(onPhone)).toBeLessThanOrEqual(0);
    expect(await seriousAccessibilityViolations(onPhone)).toEqual([]);
    await saveScreenshot(onPhone, 'council-agenda', 'phone');
    await phone.close();
  });

  it('shows a street officer a case escalated to the street as it happens, and closes it with a ruling', async () => {
    const context = await newConsoleContext(browser, system.api.baseUrl);
    const page = await context.newPage();
    await signIn(page, STREET_OFFICER);
    await page.waitForURL(/#\/supervision$/);
    await expectVisible(page.getByText('实时更新'));
    // Survives only if the page is never loaded again: the row must come by the live stream.
    await page.evaluate(() => {
      window.stillTheSamePage = true;
    });

    const { caseId } = await fixtures.fresh(XIANGYUAN, { state: 'running', tier: 'street' });
    const { building } = (await caseOf(caseId)).location;
    const row = page.locator('tr', { hasText: `北辰奥园 ${building}` });
    await expectVisible(row);
    expect(await page.evaluate(() => window.stillTheSamePage)).toBe(true);
    await expectVisible(row.getByText('升级督办'));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'supervision', 'desk');

    await row.getByRole('button', { name: /^督办 / }).click();
    const drawer = page.getByRole('dialog', { name: '督办案件' });
    await expectVisible(drawer.getByText('已升级至街道督办'));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await buttonNamed(drawer, '裁定结案').click();
    const ruling = page.getByRole('dialog', { name: '裁定结案' });
    const before = (await caseOf(caseId)).revision;
    await ruling.getByLabel('裁定内容').fill('\n\n');
    await buttonNamed(ruling, '提交').click();
    await expectVisible(ruling.getByRole('alert').getByText('ruling must not be blank'));
    expect((await caseOf(caseId)).revision).toBe(before);
    await ruling.getByLabel('裁定内容').fill('经街道调查，由物业承担维修责任，即日办结');
    await buttonNamed(ruling, '提交').click();
    await expectVisible(drawer.getByText('已结案：上级裁定'));
    expect(await caseOf(caseId)).toMatchObject({ status: 'closed', closedReason: 'ruling' });
    await drawer.getByRole('button', { name: 'Close' }).or(drawer.getByRole('button', { name: '关闭' })).first().click();
    await eventually(async () => ((await row.count()) === 0 ? true : undefined), 'the ruled case leaving the escalated queue', 15_000);
    await context.close();

    await fixtures.fresh(XIANGYUAN, { state: 'returned' });
    const phone = await newConsoleContext(browser, system.api.baseUrl, 'phone');
    const onPhone = await phone.newPage();
    await signIn(onPhone, STREET_OFFICER);
    await onPhone.getByText('退单与联席会').click();
    await expectVisible(onPhone.getByRole('button', { name: /^督办 / }));
    expect(await horizontalOverflow(onPhone)).toBeLessThanOrEqual(0);
    expect(await seriousAccessibilityViolations(onPhone)).toEqual([]);
    await saveScreenshot(onPhone, 'supervision', 'phone');
    await phone.close();
  });
});

/** 2026-12-09 10:00 in China time, as the date pickers take it. */
function chinaTime(ms: number): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** The date picker's own OK: Enter in its field would send the whole form. */
async function confirmPicker(page: Page): Promise<void> {
  await page.locator('.ant-picker-dropdown:not(.ant-picker-dropdown-hidden) .ant-picker-ok button').click();
}

