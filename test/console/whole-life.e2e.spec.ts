import type { Browser, Page } from 'playwright-core';
import {
  buttonNamed,
  chooseOption,
  expectVisible,
  launchChromium,
  newConsoleContext,
  seriousAccessibilityViolations,
  signIn,
  solidPng,
  type ViewportName,
} from '../support/browser';
import { startE2eApp, type E2eApp } from '../support/e2e-app';

/** Every browser context signs in from 127.0.0.1: more than the ten sign-ins a minute one address is allowed. */
const MANY_SIGN_INS = { RATE_LIMIT_LOGINS_PER_MINUTE: '1000' };

/**
 * One case from filing to the auditor's proof, each role in a browser of its own and through the
 * screens only: staff file it, the company signs for it and resolves it with a photo on a phone,
 * staff call the resident back, the auditor finds its history intact.
 */
describe('the console: one case’s whole life across roles', () => {
  let system: E2eApp;
  let browser: Browser;

  beforeAll(async () => {
    [system, browser] = await Promise.all([startE2eApp({ users: ['auditor'], env: MANY_SIGN_INS }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function signedIn(username: string, viewport: ViewportName): Promise<Page> {
    const page = await (await newConsoleContext(browser, system.api.baseUrl, viewport)).newPage();
    await signIn(page, username);
    return page;
  }

  it('staff file a complaint, the company resolves it with a photo, staff call back, and the auditor sees the verified history', async () => {
    const staff = await signedIn('staff.xiangyuan', 'desk');
    await staff.goto('/#/cases/new');
    await chooseOption(staff, '小区', '北辰奥园');
    await chooseOption(staff, '问题类别', '电梯故障');
    await staff.getByLabel('居民姓名').fill('王阿姨');
    await staff.getByLabel('联系电话').fill('13800000188');
    await staff.getByLabel('楼幢').fill('3幢');
    await staff.getByLabel('问题描述').fill('[一生] 3幢电梯停运两天，老人上下楼困难');
    await staff.getByRole('button', { name: '提交受理' }).click();
    await expectVisible(staff.getByText('已受理', { exact: true }));
    const caseId = (await staff.getByTestId('filed-case-id').first().innerText()).trim();

    const company = await signedIn('pc.beichen-aoyuan', 'phone');
    const task = company.locator(`[data-case-id="${caseId}"]`);
    await expectVisible(task.getByText('待签收'));
    await task.getByRole('button', { name: /签\s*收/ }).click();
    await expectVisible(task.getByText('办理中'));
    await task.getByRole('button', { name: '办结答复' }).click();
    const resolution = company.getByRole('dialog', { name: '办结答复' });
    await resolution.getByLabel('办结情况说明').fill('已更换主板，电梯恢复运行');
    await resolution.locator('input[type=file]').setInputFiles({ name: 'after-repair.png', mimeType: 'image/png', buffer: solidPng([30, 140, 90]) });
    await expectVisible(resolution.locator('.ant-upload-list-item-done'));
    await resolution.getByRole('button', { name: '提交办结' }).click();
    await task.waitFor({ state: 'detached' });

    await staff.goto(`/#/cases/${caseId}`);
    await expectVisible(staff.getByText('已办结待回访'));
    await expectVisible(staff.locator('[data-event="TaskResolved"]'));
    await buttonNamed(staff, '回访').click();
    const callBack = staff.getByRole('dialog', { name: '回访' });
    await callBack.getByText('满意', { exact: true }).click();
    await callBack.locator('.ant-rate-star').nth(4).click();
    await buttonNamed(callBack, '提交').click();
    await expectVisible(staff.getByText('已结案：居民满意'));

    const history = (await system.api.request('GET', `/audit/cases/${caseId}/history`, system.tokens.auditor)).body;
    expect(history.events.map((event: { type: string }) => event.type)).toEqual(
      expect.arrayContaining(['ComplaintFiled', 'TaskDispatched', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded', 'CaseClosed']),
    );
    expect(history.events.find((event: { type: string }) => event.type === 'TaskResolved').data.evidence).toHaveLength(1);

    const auditor = await signedIn('auditor', 'desk');
    await auditor.goto(`/#/audit/cases/${caseId}`);
    await expectVisible(auditor.getByText('哈希链完整'));
    expect(await auditor.getByTestId('chain-verdict').getAttribute('data-intact')).toBe('true');
    await expectVisible(auditor.locator('tr[data-broken]').nth(history.events.length - 1));
    expect(await auditor.locator('tr[data-broken]').count()).toBe(history.events.length);
    expect(await auditor.locator('tr[data-broken="true"]').count()).toBe(0);
    expect(await seriousAccessibilityViolations(auditor)).toEqual([]);
    await auditor.goto('/#/audit');
    await auditor.getByRole('button', { name: '校验全部日志' }).click();
    await expectVisible(auditor.getByTestId('log-verdict'));
    expect(await auditor.getByTestId('log-verdict').getAttribute('data-intact')).toBe('true');
  });
});
