import type { Browser } from 'playwright-core';
import { buttonNamed, expectVisible, horizontalOverflow, launchChromium, newConsoleContext, saveScreenshot, seriousAccessibilityViolations, signIn, solidPng, type ViewportName } from '../support/browser';
import { CaseFixtures, XIANGYUAN, type CaseSpec } from '../support/case-fixtures';
import { startE2eApp, type E2eApp } from '../support/e2e-app';

// The browser's globals, for the functions evaluated in the page (the tests' own compilation has no DOM library).

const STAFF = XIANGYUAN.users.staff;
const STREET_OFFICER = 'street.officer';

/**
 * 案件详情, driven in Chromium through the screens only: community staff call back, pause and resume
 * the clock, reject a return, refer to a council, merge and unmerge; a street officer reopens a closed
 * case. Cases are put in their states through the API first; refused input shows the API's own
 * message and leaves the case's revision as it was.
 */
/** Every test signs in through the page, all from 127.0.0.1: more than the login limit's default ten a minute. */
const SIGN_INS_OF_ONE_SUITE = { RATE_LIMIT_LOGINS_PER_MINUTE: '1000', RATE_LIMIT_LOGINS_PER_USERNAME_PER_MINUTE: '1000' };

describe('the console: a case’s page', () => {
  let system: E2eApp;
  let browser: Browser;
  let fixtures: CaseFixtures;

  beforeAll(async () => {
    [system, browser] = await Promise.all([
      startE2eApp({ env: SIGN_INS_OF_ONE_SUITE, users: [STAFF, XIANGYUAN.users.company, XIANGYUAN.users.councils.property_council, STREET_OFFICER] }),
      launchChromium(),
    ]);
    fixtures = new CaseFixtures(system.api, (username) => system.tokens[username]);
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  const caseOf = async (caseId: string, username = STAFF) => (await system.api.request('GET', `/cases/${caseId}`, system.tokens[username])).body;
  const revisionOf = async (caseId: string) => (await caseOf(caseId)).revision as number;

  async function openCase(username: string, spec: CaseSpec, viewport: ViewportName = 'desk') {
    const fixture = await fixtures.fresh(XIANGYUAN, spec);
    const context = await newConsoleContext(browser, system.api.baseUrl, viewport);
    const page = await context.newPage();
    await signIn(page, username);
    await page.goto(`/#/cases/${fixture.caseId}`);
    await expectVisible(page.getByText('办理过程'));
    return { page, context, fixture };
  }

  /** A case its company resolved with a photo a browser can show, uploaded and cited over HTTP. */
  async function resolvedWithRealPhoto() {
    const fixture = await fixtures.fresh(XIANGYUAN, { state: 'in_progress' });
    const company = system.tokens[XIANGYUAN.users.company];
    const form = new FormData();
    form.append('file', new Blob([solidPng([64, 140, 96], 160, 120)], { type: 'image/png' }), 'after-repair.png');
    const uploaded = await fetch(`${system.api.baseUrl}/cases/${fixture.caseId}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${company}` }, body: form });
    const { hash } = (await uploaded.json()) as { hash: string };
    expect(uploaded.status).toBe(201);
    const resolved = await system.api.request('POST', `/cases/${fixture.caseId}/task/resolve`, company, { note: '已更换阀门，照片为证', evidence: [hash] });
    expect(resolved.status).toBe(200);
    return fixture;
  }

  it('shows staff the resident in full, the photos enlarged, and closes the case on a satisfied call-back', async () => {
    const fixture = await resolvedWithRealPhoto();
    const context = await newConsoleContext(browser, system.api.baseUrl);
    const page = await context.newPage();
    await signIn(page, STAFF);
    await page.goto(`/#/cases/${fixture.caseId}`);
    await expectVisible(page.getByText('已办结待回访'));
    await expectVisible(page.getByText('矩阵测试'));
    await expectVisible(page.getByText('1单元101室'));
    const photo = page.getByRole('img', { name: '证据照片 1' });
    await expectVisible(photo);
    // The thumbnail's mask ("预览") takes the click, as it does a finger's.
    await page.locator('.ant-image', { has: photo }).click();
    await expectVisible(page.locator('.ant-image-preview-img'));
    await page.keyboard.press('Escape');
    await page.mouse.move(1, 1);
    await expectVisible(page.locator('[data-event="TaskResolved"]'));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'case-page', 'desk');

    await buttonNamed(page, '回访').click();
    const dialog = page.getByRole('dialog', { name: '回访' });
    await dialog.getByText('满意', { exact: true }).click();
    await dialog.locator('.ant-rate-star').nth(4).click();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await buttonNamed(dialog, '提交').click();
    await expectVisible(page.getByText('已结案：居民满意'));
    await expectVisible(page.locator('[data-event="CallBackRecorded"]'));
    expect(await caseOf(fixture.caseId)).toMatchObject({ status: 'closed', closedReason: 'resident_satisfied' });
    await context.close();
  });

  it('refuses a blank or oversized reason to pause with the API’s message and appends nothing; then pauses and resumes the clock', async () => {
    const { page, context, fixture } = await openCase(STAFF, { state: 'in_progress' });
    await expectVisible(page.locator('[data-deadline="resolve"]'));
    const before = await revisionOf(fixture.caseId);

    await buttonNamed(page, '暂停计时').click();
    const dialog = page.getByRole('dialog', { name: '暂停计时' });
    const reason = dialog.getByLabel('暂停原因');
    await reason.fill('   ');
    await buttonNamed(dialog, '提交').click();
    await expectVisible(dialog.getByRole('alert').getByText('reason must not be blank'));
    await reason.fill('等'.repeat(2001));
    await buttonNamed(dialog, '提交').click();
    await expectVisible(dialog.getByRole('alert').getByText('reason must be shorter than or equal to 2000 characters'));
    expect(await reason.inputValue()).toHaveLength(2001);
    expect(await revisionOf(fixture.caseId)).toBe(before);

    await reason.fill('居民出差，约定下周一入户');
    await buttonNamed(dialog, '提交').click();
    await expectVisible(page.getByText('计时自').first());
    await expectVisible(page.locator('[data-countdown="paused"]'));
    expect((await caseOf(fixture.caseId)).paused).toMatchObject({ reason: '居民出差，约定下周一入户' });

    await buttonNamed(page, '恢复计时').click();
    await buttonNamed(page.getByRole('dialog', { name: '恢复计时' }), '提交').click();
    await expectVisible(page.locator('[data-event="ClockResumed"]'));
    await expectVisible(buttonNamed(page, '暂停计时'));
    expect((await caseOf(fixture.caseId)).paused).toBeNull();
    await context.close();
  });

  it('lets staff reject an unjustified return', async () => {
    const { page, context, fixture } = await openCase(STAFF, { state: 'returned' });
    await expectVisible(page.getByText('退单：派单错误'));
    await buttonNamed(page, '驳回退单').click();
    const dialog = page.getByRole('dialog', { name: '驳回退单' });
    await dialog.getByLabel('驳回理由').fill('经核实属贵单位管理范围，请继续办理');
    await buttonNamed(dialog, '提交').click();
    await expectVisible(page.locator('[data-event="ReturnRejected"]'));
    expect((await caseOf(fixture.caseId)).status).not.toBe('returned');
    await context.close();
  });

  it('lets staff refer a case to the property council', async () => {
    const { page, context, fixture } = await openCase(STAFF, { state: 'running' });
    await buttonNamed(page, '提交联席会').click();
    const dialog = page.getByRole('dialog', { name: '提交联席会' });
    await dialog.getByLabel('议题').fill('外墙渗水责任在物业还是开发商？');
    await buttonNamed(dialog, '提交').click();
    await expectVisible(page.getByText('联席会议事中').first());
    await expectVisible(page.getByText('物业联席会议题：外墙渗水责任在物业还是开发商？'));
    expect(await caseOf(fixture.caseId)).toMatchObject({ status: 'before_council', council: { kind: 'property_council' } });
    await context.close();
  });

  it('lets staff grant an extension the company asked for, and re-dispatch a task to the owners’ committee', async () => {
    const { page, context, fixture } = await openCase(STAFF, { state: 'extension_requested' });
    await expectVisible(page.getByText('承办单位申请延期 4 小时'));
    await buttonNamed(page, '同意延期').click();
    await buttonNamed(page.getByRole('dialog', { name: '同意延期' }), '提交').click();
    await expectVisible(page.locator('[data-event="DeadlineExtended"]'));
    expect((await caseOf(fixture.caseId)).task.extensionRequest).toBeUndefined();

    await buttonNamed(page, '改派').click();
    const dialog = page.getByRole('dialog', { name: '改派' });
    await dialog.getByLabel('承办单位').click();
    await page.locator('.ant-select-item-option', { hasText: '业主委员会' }).click();
    await dialog.getByLabel('改派原因').fill('涉及维修基金，须业委会决定');
    await buttonNamed(dialog, '提交').click();
    // The dialog closes once the command is answered; its own field shows the committee before that.
    await dialog.waitFor({ state: 'hidden' });
    await expectVisible(page.getByText('（业主委员会）'));
    expect((await caseOf(fixture.caseId)).task).toMatchObject({ assigneeOrganisationId: XIANGYUAN.ownersCommitteeId, origin: 'redispatch' });
    await context.close();
  });

  it('lets staff merge a case into another open case of the compound, and unmerge it', async () => {
    const primary = await fixtures.fresh(XIANGYUAN, { state: 'running' });
    const { page, context, fixture } = await openCase(STAFF, { state: 'awaiting_sign_for' });
    await buttonNamed(page, '并案').click();
    const dialog = page.getByRole('dialog', { name: '并案' });
    await dialog.getByLabel('并入的案件').click();
    await dialog.getByLabel('并入的案件').fill(primary.marker);
    await page.locator('.ant-select-item-option', { hasText: primary.marker }).click();
    await buttonNamed(dialog, '提交').click();
    await expectVisible(page.getByText('本案已并入'));
    expect(await caseOf(fixture.caseId)).toMatchObject({ status: 'duplicate', duplicateOf: primary.caseId });

    await buttonNamed(page, '取消并案').click();
    await buttonNamed(page.getByRole('dialog', { name: '取消并案' }), '提交').click();
    await expectVisible(page.locator('[data-event="CaseUnlinked"]'));
    expect((await caseOf(fixture.caseId)).duplicateOf).toBeNull();
    await context.close();
  });

  it('lets a street officer reopen a closed case, refusing a missing reason with the API’s message', async () => {
    const { page, context, fixture } = await openCase(STREET_OFFICER, { state: 'closed' });
    await expectVisible(page.getByText('已结案：居民撤回'));
    await expectVisible(page.getByText('已隐藏（仅社区与承办单位可见）'));
    const before = await revisionOf(fixture.caseId);
    await buttonNamed(page, '重新开启').click();
    const dialog = page.getByRole('dialog', { name: '重新开启' });
    await buttonNamed(dialog, '提交').click();
    await expectVisible(dialog.getByRole('alert').getByText('reason must not be blank'));
    expect(await revisionOf(fixture.caseId)).toBe(before);
    await dialog.getByLabel('重新开启的理由').fill('居民反映问题复发，重新办理');
    await buttonNamed(dialog, '提交').click();
    await expectVisible(page.locator('[data-event="CaseReopened"]'));
    expect((await caseOf(fixture.caseId)).status).not.toBe('closed');
    await context.close();
  });

  it('fits a phone: the deadlines, the actions and the course in one column', async () => {
    const { page, context } = await openCase(STAFF, { state: 'in_progress', photo: true }, 'phone');
    await expectVisible(page.locator('[data-deadline="resolve"]'));
    await expectVisible(page.getByRole('img', { name: '证据照片 1' }));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    const overflow = await horizontalOverflow(page);
    expect(overflow).toBeLessThanOrEqual(0);
    await saveScreenshot(page, 'case-page', 'phone');
    await context.close();
  });
});

