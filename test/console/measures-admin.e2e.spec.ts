import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectVisible, launchChromium, newConsoleContext, saveScreenshot, seriousAccessibilityViolations, signIn, type ViewportName } from '../support/browser';
import { startE2eApp, type E2eApp } from '../support/e2e-app';
import { eventually, sampleComplaint } from '../support/harness';

const STAFF = 'staff.xiangyuan';
/** Every browser context signs in from 127.0.0.1: more than the ten sign-ins a minute one address is allowed. */
const MANY_SIGN_INS = { RATE_LIMIT_LOGINS_PER_MINUTE: '1000' };
const COMPANY = 'pc.beichen-aoyuan';

/** The three rates, the 红黑榜 and the case charts; then user administration, driven in Chromium. */
describe('the console: measures and user administration', () => {
  let system: E2eApp;
  let browser: Browser;

  beforeAll(async () => {
    [system, browser] = await Promise.all([startE2eApp({ users: [STAFF, COMPANY, 'auditor', 'admin.xiangyuan'], env: MANY_SIGN_INS }), launchChromium()]);
    // Set-up over the API: a case signed for, resolved and called back satisfied, and two more filed, so that every rate and chart has figures.
    const act = async (user: string, method: string, path: string, body?: unknown) => {
      const answer = await system.api.request(method, path, system.tokens[user], body);
      expect({ path, status: answer.status }).toEqual({ path, status: method === 'POST' && path === '/cases' ? 201 : 200 });
      return answer.body;
    };
    const caseIds: string[] = [];
    for (const category of ['elevator', 'water_leak', 'parking']) caseIds.push((await act(STAFF, 'POST', '/cases', { ...sampleComplaint(), category })).caseId);
    const dispatched = async (caseId: string) =>
      eventually(async () => ((await system.api.request('GET', `/cases/${caseId}`, system.tokens[STAFF])).body.status === 'awaiting_sign_for' ? true : undefined), 'the dispatch');
    await Promise.all(caseIds.map(dispatched));
    await act(COMPANY, 'POST', `/cases/${caseIds[0]}/task/sign-for`);
    await act(COMPANY, 'POST', `/cases/${caseIds[0]}/task/resolve`, { note: '已修复' });
    await act(STAFF, 'POST', `/cases/${caseIds[0]}/call-back`, { outcome: 'satisfied', rating: 5 });
    const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
    let seen: unknown;
    await eventually(async () => {
      const rates = await system.api.request('GET', `/rates?month=${month}&level=property_company`, system.tokens.auditor);
      seen = rates.body;
      const company = rates.body.units?.find((unit: { unitId: string }) => unit.unitId === 'pc-beichen-aoyuan');
      return company?.callBacksSatisfied === 1 ? true : undefined;
    }, 'the rates counted', 60_000).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(seen)}`);
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function open(username: string, path: string, viewport: ViewportName = 'desk'): Promise<{ context: BrowserContext; page: Page }> {
    const context = await newConsoleContext(browser, system.api.baseUrl, viewport);
    const page = await context.newPage();
    await signIn(page, username);
    await page.goto(`/#${path}`);
    return { context, page };
  }

  it('shows an auditor the three rates, the red and black lists and the case charts, at desk and phone size', async () => {
    for (const viewport of ['desk', 'phone'] as const) {
      const { context, page } = await open('auditor', '/measures', viewport);
      await expectVisible(page.getByRole('heading', { name: '三率与红黑榜' }));
      const row = page.locator('tr', { hasText: '北辰奥园' }).first();
      await expectVisible(row);
      expect(await row.textContent()).toContain('100.0%');
      await expectVisible(page.locator('[data-ranking="red"]').getByText('北辰奥园', { exact: false }));
      await expectVisible(page.locator('[data-ranking="black"]'));
      const charts = page.locator('[role="img"][data-chart-ready="true"]');
      await eventually(async () => ((await charts.count()) === 4 ? true : undefined), 'four charts drawn', 15_000);
      expect(await page.getByRole('img', { name: '按类别统计的案件数饼图' }).locator('canvas').count()).toBe(1);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await page.waitForTimeout(600); // the charts' opening animation
      await saveScreenshot(page, 'measures', viewport);
      await context.close();
    }
  });

  it('shows a property company its own rates, without the lists or the case charts', async () => {
    const { context, page } = await open(COMPANY, '/measures', 'phone');
    await expectVisible(page.getByText('响应率').first());
    await expectVisible(page.getByText('100.0%').first());
    expect(await page.locator('[data-ranking]').count()).toBe(0);
    expect(await page.getByRole('img', { name: '按类别统计的案件数饼图' }).count()).toBe(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await context.close();
  });

  it('lets an administrator add a user, who then signs in, and disable them, who then cannot', async () => {
    const { context, page } = await open('admin.xiangyuan', '/admin/users');
    await expectVisible(page.getByRole('heading', { name: '用户管理' }));
    await expectVisible(page.getByRole('cell', { name: 'staff.xiangyuan' }));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'users', 'desk');

    await page.getByRole('button', { name: '新增用户' }).click();
    const dialog = page.getByRole('dialog', { name: /新增用户/ });
    await dialog.getByRole('button', { name: /新\s*增/ }).click();
    await expectVisible(dialog.getByText('请输入用户名'));
    await dialog.getByLabel('用户名').fill('wang.gridworker');
    await dialog.getByLabel('姓名').fill('王网格员');
    await dialog.getByLabel('初始密码').fill('abcdefghijkl');
    await dialog.getByRole('button', { name: /新\s*增/ }).click();
    await expectVisible(dialog.getByRole('alert').getByText('a password needs at least two of letters, digits and other characters'));
    expect(await dialog.getByLabel('姓名').inputValue()).toBe('王网格员');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'users-add-refused', 'desk');
    const users = async () => (await system.api.request('GET', '/admin/users', system.tokens['admin.xiangyuan'])).body as Array<{ username: string; disabled: boolean }>;
    expect((await users()).some((user) => user.username === 'wang.gridworker')).toBe(false);

    await dialog.getByLabel('初始密码').fill('Xiangyuan-2026');
    await dialog.getByRole('button', { name: /新\s*增/ }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.locator('tr', { hasText: 'wang.gridworker' });
    await expectVisible(row.getByText('启用'));

    const newcomer = await newConsoleContext(browser, system.api.baseUrl, 'phone');
    const newcomerPage = await newcomer.newPage();
    await signIn(newcomerPage, 'wang.gridworker', 'Xiangyuan-2026');
    await newcomerPage.waitForURL(/#\/cases$/);

    await row.getByRole('button', { name: '停用 wang.gridworker' }).click();
    await page.getByRole('button', { name: /停\s*用/ }).last().click();
    await expectVisible(row.getByText('已停用'));
    expect((await users()).find((user) => user.username === 'wang.gridworker')?.disabled).toBe(true);

    // Their open session ends at the next request, and signing in again is refused with the API's words.
    await newcomerPage.goto('/#/measures');
    await newcomerPage.waitForURL(/#\/login/);
    await newcomerPage.getByLabel('用户名').fill('wang.gridworker');
    await newcomerPage.getByLabel('密码').fill('Xiangyuan-2026');
    await newcomerPage.getByRole('button', { name: /登\s*录/ }).first().click();
    await expectVisible(newcomerPage.getByRole('alert').getByText('this account is disabled; ask an administrator of your organisation'));
    await newcomer.close();

    await row.getByRole('button', { name: '重置密码 wang.gridworker' }).click();
    const reset = page.getByRole('dialog', { name: /重置密码/ });
    await reset.getByLabel('新密码').fill('Another-pass-2026');
    await reset.getByRole('button', { name: /重\s*置/ }).click();
    await reset.waitFor({ state: 'detached' });
    await context.close();
  });

  it('lets the district administrator pick an organisation under the district, at phone size', async () => {
    const { context, page } = await open('admin.district', '/admin/users', 'phone');
    await expectVisible(page.getByRole('heading', { name: '用户管理' }));
    await page.getByRole('combobox', { name: '组织' }).fill('湘源');
    await page.locator('.ant-select-item-option', { hasText: '湘源社区' }).click();
    await expectVisible(page.locator('[data-username="staff.xiangyuan"]').getByRole('button', { name: '停用 staff.xiangyuan' }));
    await expectVisible(page.locator('[data-username="admin.xiangyuan"]'));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'users', 'phone');
    await context.close();
  });
});

