import { LocalOutbox, OutboxChannel, type OutgoingMessage } from '@yixin/notifications';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  expectVisible,
  horizontalOverflow,
  launchChromium,
  motionSettled,
  newConsoleContext,
  saveScreenshot,
  seriousAccessibilityViolations,
  signIn,
  type ViewportName,
} from '../support/browser';
import { startE2eApp, type E2eApp } from '../support/e2e-app';

/** Every browser context signs in from 127.0.0.1: more than the ten sign-ins a minute one address is allowed. */
const MANY_SIGN_INS = { RATE_LIMIT_LOGINS_PER_MINUTE: '1000' };
const DISTRICT_ADMINISTRATOR = 'admin.district';
const COMPANY_ADMINISTRATOR = 'admin.pc.beichen-aoyuan';

const RECEIPT: OutgoingMessage = {
  deliveryKey: 'e2e-case/1/resident_receipt/resident',
  template: 'resident_receipt',
  variables: {},
  text: '【一心】您反映的北辰奥园3幢电梯故障已受理，案件编号 YX-20261206-0001，查询码 4827。查看进度、办结后评价：https://yixin.example/r/YX-20261206-0001/4827',
  subject: '已受理',
};
const TASK: OutgoingMessage = {
  deliveryKey: 'e2e-case/2/task_dispatched/pc-beichen-aoyuan',
  template: 'task_dispatched',
  variables: {},
  text: '【一心】新任务：北辰奥园3幢电梯故障（YX-20261206-0001），请于2小时内签收，48小时内办结。居民反映：3幢2单元电梯停在8楼不动，门打不开，老人上下楼困难，请尽快派人查看并告知处理结果。',
  subject: '新任务',
};

/** The local outbox's screen: what the embedded default "sent" by SMS and WeCom, for administrators, in Chromium. */
describe('the console: the local outbox', () => {
  let system: E2eApp;
  let browser: Browser;

  beforeAll(async () => {
    [system, browser] = await Promise.all([startE2eApp({ process: 'api', env: MANY_SIGN_INS }), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function open(username: string, viewport: ViewportName = 'desk'): Promise<{ context: BrowserContext; page: Page }> {
    const context = await newConsoleContext(browser, system.api.baseUrl, viewport);
    const page = await context.newPage();
    await signIn(page, username);
    return { context, page };
  }

  it('tells the district administrator what an empty outbox is for', async () => {
    const { context, page } = await open(DISTRICT_ADMINISTRATOR);
    await page.goto('/#/outbox');
    await expectVisible(page.getByText('发件箱是空的：本地模式下，发给居民的短信和发给单位的企业微信消息会出现在这里'));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'outbox-empty', 'desk');
    await context.close();
  });

  it('shows the district administrator the messages sent through the outbox, filtered by channel, each whole in a drawer', async () => {
    const outbox = system.app.get(LocalOutbox);
    await new OutboxChannel('sms', outbox).send('13812345678', RECEIPT);
    await new OutboxChannel('wecom', outbox).send('pc-beichen-aoyuan', TASK);

    const { context, page } = await open(DISTRICT_ADMINISTRATOR);
    await page.getByRole('menuitem', { name: /消息发件箱/ }).click();
    await page.waitForURL(/#\/outbox$/);
    await expectVisible(page.getByRole('heading', { name: '消息发件箱' }));
    const smsRow = page.locator('tr', { hasText: '138****5678' });
    const wecomRow = page.locator('tr', { hasText: '北辰奥园物业服务中心' });
    await expectVisible(smsRow);
    await expectVisible(wecomRow);
    expect(await smsRow.textContent()).toContain('受理回执');
    expect(await wecomRow.textContent()).toContain('新任务派单');
    expect(await page.content()).not.toContain('13812345678');
    // Newest first.
    expect(await page.locator('tbody tr.ant-table-row').first().textContent()).toContain('北辰奥园物业服务中心');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'outbox', 'desk');

    // antd draws its radio buttons over hidden inputs: the label is what a user clicks.
    const chooseChannel = (name: string) => page.locator('.ant-radio-group').getByText(name, { exact: true }).click();
    await chooseChannel('短信');
    await wecomRow.waitFor({ state: 'detached' });
    await expectVisible(smsRow);
    await chooseChannel('企业微信');
    await smsRow.waitFor({ state: 'detached' });
    await expectVisible(wecomRow);
    await chooseChannel('全部');
    await expectVisible(smsRow);

    await wecomRow.getByRole('button', { name: /^查看全文/ }).click();
    const drawer = page.getByRole('dialog', { name: '新任务派单' });
    await expectVisible(drawer.getByText(TASK.text));
    await expectVisible(drawer.getByText(TASK.deliveryKey));
    await motionSettled(page);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'outbox-drawer', 'desk');
    await context.close();
  });

  it('fits a phone: the messages as cards, the drawer full width, nothing wider than the screen', async () => {
    const { context, page } = await open(DISTRICT_ADMINISTRATOR, 'phone');
    await page.goto('/#/outbox');
    const card = page.locator('[data-message-id]', { hasText: '138****5678' });
    await expectVisible(card);
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'outbox', 'phone');
    await card.getByRole('button', { name: /^查看全文/ }).click();
    const drawer = page.getByRole('dialog', { name: '受理回执' });
    await expectVisible(drawer.getByText('【一心】您反映的北辰奥园3幢电梯故障已受理'));
    // The resident's link can be followed from here, as from the phone.
    const link = drawer.getByRole('link', { name: 'https://yixin.example/r/YX-20261206-0001/4827' });
    expect(await link.getAttribute('href')).toBe('https://yixin.example/r/YX-20261206-0001/4827');
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'outbox-drawer', 'phone');
    await context.close();
  });

  it('shows a company’s administrator only the WeCom messages to the company, no resident’s text', async () => {
    const { context, page } = await open(COMPANY_ADMINISTRATOR);
    await page.goto('/#/outbox');
    await expectVisible(page.locator('tr', { hasText: '北辰奥园物业服务中心' }));
    expect(await page.getByText('138****5678').count()).toBe(0);
    expect(await page.locator('.ant-radio-group').count()).toBe(0);
    await context.close();
  });

  it('pages to older messages', async () => {
    const wecom = new OutboxChannel('wecom', system.app.get(LocalOutbox));
    for (let index = 1; index <= 20; index++) {
      await wecom.send('pc-hushan-huayuan', { ...TASK, deliveryKey: `e2e-case-${index}/2/task_dispatched/pc-hushan-huayuan`, text: `【一心】新任务 ${index}` });
    }
    const { context, page } = await open(DISTRICT_ADMINISTRATOR);
    await page.goto('/#/outbox');
    await expectVisible(page.locator('tr', { hasText: '【一心】新任务 20' }));
    expect(await page.locator('tr', { hasText: '138****5678' }).count()).toBe(0);
    await page.getByRole('button', { name: '加载更早的消息' }).click();
    await expectVisible(page.locator('tr', { hasText: '138****5678' }));
    expect(await page.locator('tbody tr.ant-table-row').count()).toBe(22);
    await page.getByRole('button', { name: '加载更早的消息' }).waitFor({ state: 'detached' });
    await context.close();
  });

  it('offers no outbox to a user who administers nothing', async () => {
    const { context, page } = await open('staff.xiangyuan');
    await expectVisible(page.getByRole('menuitem', { name: /案件列表/ }));
    expect(await page.getByRole('menuitem', { name: /消息发件箱/ }).count()).toBe(0);
    await page.goto('/#/outbox');
    await expectVisible(page.getByText('无权访问'));
    expect(await page.getByText('138****5678').count()).toBe(0);
    await context.close();
  });
});
