import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chooseOption, expectVisible, launchChromium, newConsoleContext, saveScreenshot, seriousAccessibilityViolations, signIn, solidPng, type ViewportName } from '../support/browser';
import { startE2eApp, type E2eApp } from '../support/e2e-app';
import { caseEventTypes, eventually, sampleComplaint } from '../support/harness';

// The browser's globals, for the functions evaluated in the page (the tests' own compilation has no DOM library).
declare const document: { querySelector(selector: string): { textContent: string | null } | null };
declare function getComputedStyle(element: unknown): { color: string };

const STAFF = 'staff.xiangyuan';
/** Every browser context signs in from 127.0.0.1: more than the ten sign-ins a minute one address is allowed. */
const MANY_SIGN_INS = { RATE_LIMIT_LOGINS_PER_MINUTE: '1000' };
const COMPANY = 'pc.beichen-aoyuan';
const COMMITTEE = 'oc.beichen-aoyuan';

/** The assignee's inbox, driven in Chromium: sign-for, progress and resolve with photos on a phone, return, extension, live arrivals. */
describe('the console: the assignee’s inbox', () => {
  let system: E2eApp;
  let browser: Browser;

  beforeAll(async () => {
    [system, browser] = await Promise.all([startE2eApp({ users: [STAFF, COMPANY, COMMITTEE, 'auditor'], env: MANY_SIGN_INS }), launchChromium()]);
    // The worker's first workflow is slow to start (its code is bundled and loaded then): one case dispatched first, as on a system already running.
    await dispatchedCase('【预热】系统启动后的第一件');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  /** A complaint filed by staff over the API (set-up), once the workflow has dispatched it to the company. */
  async function dispatchedCase(description: string, routing?: 'owners_committee'): Promise<string> {
    const complaint = { ...sampleComplaint(), description };
    const body = routing
      ? { ...complaint, routingOverride: { organisationId: 'oc-beichen-aoyuan', kind: 'owners_committee', reason: '业主共有部分，由业委会处理' } }
      : complaint;
    const filed = await system.api.request('POST', '/cases', system.tokens[STAFF], body);
    expect(filed.status).toBe(201);
    const caseId = filed.body.caseId as string;
    await eventually(async () => ((await view(caseId)).status === 'awaiting_sign_for' ? true : undefined), `case ${caseId} dispatched`);
    return caseId;
  }

  async function view(caseId: string): Promise<any> {
    return (await system.api.request('GET', `/cases/${caseId}`, system.tokens[STAFF])).body;
  }

  async function inboxPage(username: string, viewport: ViewportName, options: { fakeClock?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await newConsoleContext(browser, system.api.baseUrl, viewport);
    const page = await context.newPage();
    // A clock that runs as the real one until the test moves it on, to see deadlines near and pass.
    if (options.fakeClock) await page.clock.install();
    await signIn(page, username);
    await page.waitForURL(/#\/inbox$/);
    await expectVisible(page.getByRole('heading', { name: '待办任务' }));
    return { context, page };
  }

  const cardOf = (page: Page, caseId: string) => page.locator(`[data-case-id="${caseId}"]`);

  it('on a phone, a company signs for a task, reports progress and resolves it with photos taken on the phone', async () => {
    const caseId = await dispatchedCase('【收件箱-手机】3幢电梯停运两天，老人上下楼困难');
    const { context, page } = await inboxPage(COMPANY, 'phone');
    const card = cardOf(page, caseId);
    await expectVisible(card);
    await expectVisible(card.getByText('待签收'));
    await expectVisible(card.locator('[data-countdown]').getByText(/剩余/));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'inbox', 'phone');

    await card.getByRole('button', { name: /签\s*收/ }).click();
    await expectVisible(card.getByText('办理中'));
    expect(await caseEventTypes(system.store, caseId)).toContain('TaskSignedFor');

    await card.getByRole('button', { name: '办理进展' }).click();
    const progress = page.getByRole('dialog', { name: '办理进展' });
    await progress.getByLabel('进展说明').fill('已联系维保单位，明日上午更换部件');
    await progress.locator('input[type=file]').setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: solidPng([200, 80, 40]) });
    await expectVisible(progress.locator('.ant-upload-list-item-done'));
    expect(await progress.locator('input[type=file]').getAttribute('capture')).toBe('environment');
    // The submit button, disabled while the photo uploaded, back to its colour, and not under the pointer (antd's hover blue is lighter) when axe measures it.
    await eventually(async () => ((await progress.getByRole('button', { name: '提交进展' }).isEnabled()) ? true : undefined), 'the submit button enabled');
    await page.mouse.move(0, 0);
    await page.waitForTimeout(400);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'inbox-progress', 'phone');
    await progress.getByRole('button', { name: '提交进展' }).click();
    await progress.waitFor({ state: 'detached' });
    const reported = await eventually(async () => (await view(caseId)).evidence.length === 1 ? await view(caseId) : undefined, 'the progress photo');

    await card.getByRole('button', { name: '办结答复' }).click();
    const resolve = page.getByRole('dialog', { name: '办结答复' });
    await resolve.getByLabel('办结情况说明').fill('已更换主板，电梯恢复运行');
    await resolve.locator('input[type=file]').setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: solidPng([40, 160, 60]) });
    await expectVisible(resolve.locator('.ant-upload-list-item-done'));
    await resolve.getByRole('button', { name: '提交办结' }).click();
    await card.waitFor({ state: 'detached', timeout: 10_000 });
    const resolved = await view(caseId);
    expect(resolved.status).toBe('resolved');
    expect(resolved.evidence).toHaveLength(2);
    expect(resolved.evidence).toContain(reported.evidence[0]);
    expect(await caseEventTypes(system.store, caseId)).toEqual(expect.arrayContaining(['ProgressReported', 'TaskResolved']));
    await context.close();
  });

  it('refuses a photo that is not an image with the API’s message and appends nothing; returns a task with a reason; asks for more time', async () => {
    const [toReport, toReturn, toExtend] = await Promise.all([
      dispatchedCase('【收件箱-照片】5幢楼道灯不亮'),
      dispatchedCase('【收件箱-退单】7幢外墙渗水'),
      dispatchedCase('【收件箱-延期】9幢电梯异响'),
    ]);
    expect((await system.api.request('POST', `/cases/${toReport}/task/sign-for`, system.tokens[COMPANY])).status).toBe(200);
    const { context, page } = await inboxPage(COMPANY, 'desk');
    const reportCard = cardOf(page, toReport);
    await expectVisible(reportCard.getByText('办理中'));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'inbox', 'desk');

    const before = await caseEventTypes(system.store, toReport);
    await reportCard.getByRole('button', { name: '办理进展' }).click();
    const progress = page.getByRole('dialog', { name: '办理进展' });
    await progress.getByRole('button', { name: '提交进展' }).click();
    await expectVisible(progress.getByText('请填写进展情况'));
    await progress.getByLabel('进展说明').fill('现场查看，照片见附件');
    await progress.locator('input[type=file]').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a photo at all') });
    await expectVisible(progress.getByRole('alert').getByText(/not a JPEG, PNG or WebP image by its content/));
    await expectVisible(progress.getByText('文件类型不支持（仅限 JPEG、PNG、WebP 照片）'));
    await progress.locator('.ant-upload-list-item').first().waitFor({ state: 'detached' });
    expect(await progress.getByLabel('进展说明').inputValue()).toBe('现场查看，照片见附件');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'inbox-photo-refused', 'desk');
    await progress.getByRole('button', { name: /取\s*消/ }).click();
    expect(await caseEventTypes(system.store, toReport)).toEqual(before);
    expect((await view(toReport)).evidence).toEqual([]);

    const returnCard = cardOf(page, toReturn);
    await returnCard.getByRole('button', { name: '退单' }).click();
    const returning = page.getByRole('dialog', { name: '退单' });
    await returning.getByLabel('职责有争议').check();
    await returning.getByLabel('退单说明').fill('外墙渗水属开发商保修范围，不属物业职责');
    await returning.getByRole('button', { name: '确认退单' }).click();
    await returnCard.waitFor({ state: 'detached', timeout: 10_000 });
    const returned = (await system.api.request('GET', `/audit/cases/${toReturn}/history`, system.tokens.auditor)).body.events.find(
      (event: { type: string }) => event.type === 'TaskReturned',
    );
    expect(returned).toBeDefined();
    // Disputed responsibility goes to the property council.
    expect(await eventually(async () => ((await view(toReturn)).status === 'before_council' ? true : undefined), 'the referral to the council')).toBe(true);

    const extendCard = cardOf(page, toExtend);
    await extendCard.getByRole('button', { name: '申请延期' }).click();
    const extension = page.getByRole('dialog', { name: '申请延期' });
    await extension.getByLabel('延长工作日数').fill('99');
    await extension.getByLabel('延期理由').fill('电梯配件需从厂家调货');
    await extension.getByRole('button', { name: '提交申请' }).click();
    await expectVisible(extension.getByText('1 至 60 个工作日的整数'));
    await extension.getByLabel('延长工作日数').fill('3');
    await extension.getByRole('button', { name: '提交申请' }).click();
    await extension.waitFor({ state: 'detached' });
    const extended = await eventually(async () => ((await view(toExtend)).task?.extensionRequest ? await view(toExtend) : undefined), 'the extension request');
    expect(extended.task.extensionRequest).toMatchObject({ extension: { workingDays: 3 }, reason: '电梯配件需从厂家调货' });

    // A second request while the first waits: the API refuses it, with its own words, and appends nothing.
    const events = await caseEventTypes(system.store, toExtend);
    await extendCard.getByRole('button', { name: '申请延期' }).click();
    const again = page.getByRole('dialog', { name: '申请延期' });
    await again.getByLabel('延长工作日数').fill('2');
    await again.getByLabel('延期理由').fill('再次申请');
    await again.getByRole('button', { name: '提交申请' }).click();
    await expectVisible(again.getByRole('alert').getByText(/already has an extension request/));
    expect(await again.getByLabel('延期理由').inputValue()).toBe('再次申请');
    expect(await caseEventTypes(system.store, toExtend)).toEqual(events);
    await context.close();
  });

  it('shows a case filed in another browser in the company’s inbox within 2 s, without a reload, its countdown ticking and turning orange, then red', async () => {
    const company = await inboxPage(COMPANY, 'desk', { fakeClock: true });
    const staffContext = await newConsoleContext(browser, system.api.baseUrl, 'desk');
    const staff = await staffContext.newPage();
    await signIn(staff, STAFF);
    await staff.goto('/#/cases/new');
    await expectVisible(staff.getByRole('heading', { name: '受理登记' }));

    let navigations = 0;
    company.page.on('framenavigated', () => navigations++);
    const description = `【实时】21幢水泵房漏水 ${Date.now()}`;
    await chooseOption(staff, '小区', '北辰奥园');
    await chooseOption(staff, '问题类别', '漏水渗水');
    await staff.getByLabel('居民姓名').fill('陈师傅');
    await staff.getByLabel('联系电话').fill('13800000221');
    await staff.getByLabel('楼幢').fill('21幢');
    await staff.getByLabel('问题描述').fill(description);
    const filedAt = Date.now();
    await staff.getByRole('button', { name: '提交受理' }).click();
    await expectVisible(staff.getByTestId('filed-case-id'));
    const filed = { caseId: (await staff.getByTestId('filed-case-id').first().innerText()).trim() };
    const card = cardOf(company.page, filed.caseId);
    // Within 2 s of the click that filed it: the filing, the workflow's dispatch, the projection and the stream together.
    await card.waitFor({ state: 'visible', timeout: Math.max(1, 2_000 - (Date.now() - filedAt)) });
    expect(Date.now() - filedAt).toBeLessThan(2_000);
    expect(navigations).toBe(0);
    await expectVisible(card.getByText(description));
    await expectVisible(card.getByText('新派单'));

    // Sign-for is due in 2 hours: near from the start (orange), with the seconds running in its last hour, then past (red).
    const countdown = card.locator('[data-countdown]');
    // The browser's fake clock can trail the server's by a few seconds on a loaded machine: 2小时0分钟 is then still right.
    expect(await countdown.textContent()).toMatch(/签收剩余 (1小时5\d分钟|2小时0分钟)/);
    await company.page.clock.fastForward('01:30:00');
    await expectVisible(countdown.getByText(/签收剩余 2\d分钟\d+秒/));
    expect(await countdown.getAttribute('data-countdown')).toBe('near');
    const shown = await countdown.textContent();
    await company.page.waitForFunction(
      ({ caseId, shown }) => document.querySelector(`[data-case-id="${caseId}"] [data-countdown]`)?.textContent !== shown,
      { caseId: filed.caseId, shown },
      { timeout: 3_000 },
    );
    expect(await countdown.evaluate((element) => getComputedStyle(element).color)).toBe('rgb(173, 78, 0)');
    await company.page.clock.fastForward('01:00:00');
    await expectVisible(countdown.getByText(/签收已超时 \d+分钟/));
    expect(await countdown.getAttribute('data-countdown')).toBe('passed');
    expect(await countdown.evaluate((element) => getComputedStyle(element).color)).toBe('rgb(207, 19, 34)');
    await staffContext.close();
    await company.context.close();
  });

  it('gives an owners’ committee its own inbox, without the return reason it cannot give', async () => {
    const caseId = await dispatchedCase('【收件箱-业委会】小区公共绿地被占用', 'owners_committee');
    const { context, page } = await inboxPage(COMMITTEE, 'phone');
    const card = cardOf(page, caseId);
    await expectVisible(card);
    await card.getByRole('button', { name: '退单' }).click();
    const returning = page.getByRole('dialog', { name: '退单' });
    await expectVisible(returning.getByLabel('派单错误'));
    expect(await returning.getByLabel('需业主决策').count()).toBe(0);
    await context.close();
  });
});

