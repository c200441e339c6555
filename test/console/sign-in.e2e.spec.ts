import type { Browser } from 'playwright-core';
import { expectVisible, launchChromium, newConsoleContext, saveScreenshot, seriousAccessibilityViolations, sessionToken, signIn } from '../support/browser';
import { startE2eApp, type E2eApp } from '../support/e2e-app';

/** Sign-in, the language, sign-out and an expired session, driven in Chromium through the console's screens only. */
describe('the console: signing in and out', () => {
  let system: E2eApp;
  let browser: Browser;

  beforeAll(async () => {
    [system, browser] = await Promise.all([startE2eApp({ process: 'api' }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('lists the demo users, refuses a wrong password with the API’s message and keeps what was typed', async () => {
    const context = await newConsoleContext(browser, system.api.baseUrl);
    const page = await context.newPage();
    await page.goto('/');
    await page.waitForURL(/#\/login/);
    await expectVisible(page.getByText('演示账号'));
    await expectVisible(page.getByText('staff.xiangyuan', { exact: true }));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'sign-in', 'desk');

    await page.getByLabel('用户名').fill('staff.xiangyuan');
    await page.getByLabel('密码').fill('not-the-password');
    await page.getByRole('button', { name: '登 录' }).click();
    await expectVisible(page.getByRole('alert').getByText('unknown user or wrong password'));
    expect(await page.getByLabel('用户名').inputValue()).toBe('staff.xiangyuan');
    await context.close();
  });

  it('signs staff in to their case list, remembers English, and signs out by revoking the token', async () => {
    const context = await newConsoleContext(browser, system.api.baseUrl);
    const page = await context.newPage();
    await signIn(page, 'staff.xiangyuan');
    await page.waitForURL(/#\/cases$/);
    const token = await sessionToken(page);
    expect(token).toBeTruthy();

    await page.getByText('EN', { exact: true }).click();
    await expectVisible(page.getByRole('button', { name: 'Sign out' }));
    await page.reload();
    await expectVisible(page.getByRole('button', { name: 'Sign out' }));
    await page.getByText('中文', { exact: true }).click();

    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/#\/login/);
    expect((await system.api.request('GET', '/cases', token)).status).toBe(401);
    await context.close();
  });

  it('returns to sign-in when the API answers 401, and back to the screen asked for after signing in', async () => {
    const context = await newConsoleContext(browser, system.api.baseUrl, 'phone');
    const page = await context.newPage();
    await signIn(page, 'auditor');
    // The auditor's first screen has loaded what it asks for: a request of its own still on its way after the
    // sign-out would be answered 401 before the case list is asked for, and lead back to it instead.
    await expectVisible(page.getByRole('heading', { name: '审计', exact: true }));
    await page.waitForLoadState('networkidle');
    const token = await sessionToken(page);
    expect((await system.api.request('POST', '/auth/logout', token)).status).toBe(204);
    await page.goto('/#/cases');
    await page.waitForURL(/#\/login/, { waitUntil: 'commit' });
    await saveScreenshot(page, 'sign-in', 'phone');
    await signIn(page, 'auditor');
    await page.waitForURL(/#\/cases$/);
    await context.close();
  });
});

