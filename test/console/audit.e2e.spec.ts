import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectVisible, launchChromium, newConsoleContext, saveScreenshot, seriousAccessibilityViolations, signIn, type ViewportName } from '../support/browser';
import { startE2eApp, type E2eApp } from '../support/e2e-app';
import { eventually, sampleComplaint } from '../support/harness';

const STAFF = 'staff.xiangyuan';
const COMPANY = 'pc.beichen-aoyuan';

interface HistoryEvent {
  eventId: string;
  revision: number;
  type: string;
  hash: string;
  previousHash: string;
}

/** The auditor's screens, driven in Chromium: a case's history, its state as of a moment, who saw its resident, the log's verification and export, and a tampered event. */
describe('the console: the auditor', () => {
  let system: E2eApp;
  let browser: Browser;
  let caseId: string;
  let events: HistoryEvent[];

  beforeAll(async () => {
    [system, browser] = await Promise.all([startE2eApp({ users: [STAFF, COMPANY, 'auditor'] }), launchChromium()]);
    caseId = await caseThroughFewSteps(system);
    const history = () => system.api.request('GET', `/audit/cases/${caseId}/history`, system.tokens.auditor);
    events = (await history()).body.events;
    // The resident's receipt goes out on the worker's time: the page shows the history as it stands when it opens.
    await eventually(
      async () => ((await history()).body.notifications.events as Array<{ type: string; data: { template: string } }>).find((event) => event.type === 'NotificationSent' && event.data.template === 'resident_receipt'),
      'the receipt sent',
      60_000,
    );
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function auditorPage(viewport: ViewportName = 'desk'): Promise<{ context: BrowserContext; page: Page }> {
    const context = await newConsoleContext(browser, system.api.baseUrl, viewport);
    const page = await context.newPage();
    await signIn(page, 'auditor');
    await page.waitForURL(/#\/audit$/);
    return { context, page };
  }

  it('finds a case in the list, sees every event with its hashes and a verified chain, goes back in time and sees who saw the resident', async () => {
    const { context, page } = await auditorPage();
    await expectVisible(page.getByRole('heading', { name: '审计', exact: true }));
    await expectVisible(page.locator('.ant-table-row').first());
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'audit', 'desk');

    await page.getByRole('link', { name: `审计案件 ${caseId}` }).click();
    await page.waitForURL(new RegExp(`#/audit/cases/${caseId}$`));
    await expectVisible(page.getByText('哈希链完整'));
    expect(await page.getByTestId('chain-verdict').getAttribute('data-intact')).toBe('true');
    const rows = page.locator('tr[data-broken]');
    expect(await rows.count()).toBe(events.length);
    expect(await page.locator('tr[data-broken="true"]').count()).toBe(0);
    for (const event of events) {
      const row = rows.nth(event.revision);
      await expectVisible(row.getByText(`${event.hash.slice(0, 8)}…${event.hash.slice(-6)}`));
      await expectVisible(row.getByText(`${event.previousHash.slice(0, 8)}…${event.previousHash.slice(-6)}`));
      await expectVisible(row.getByText('✓ 已校验'));
    }
    await expectVisible(rows.nth(0).getByText('受理', { exact: true }));
    await expectVisible(rows.nth(0).getByText('社区工作人员 · 湘源社区'));
    await expectVisible(page.getByText('签收', { exact: true }));
    await expectVisible(page.getByText('答复办结', { exact: true }));

    // The case now: resolved; at its first event: just filed, no task yet.
    const state = page.getByTestId('case-state');
    await expectVisible(state.getByText('已办结待回访'));
    await page.getByRole('slider', { name: '回溯到的事件' }).focus();
    await page.keyboard.press('Home');
    await expectVisible(page.getByTestId('as-of').getByText(/截至 #0 受理/));
    await expectVisible(state.getByText('已受理', { exact: true }));
    await expectVisible(state.getByText('无进行中的任务'));
    await page.keyboard.press('ArrowRight');
    await expectVisible(page.getByTestId('as-of').getByText(/截至 #1 派单/));
    await expectVisible(state.getByText('待签收', { exact: true }).first());

    // What the resident and the company were told: the receipt went to the resident's phone (the local outbox).
    const told = page.locator('.ant-card').filter({ hasText: '通知记录' });
    await expectVisible(told.getByText('链完整'));
    const receipt = told.locator('.ant-table-row').filter({ hasText: '受理回执' });
    await expectVisible(receipt.getByText('已发送'));
    await expectVisible(receipt.getByText('居民'));
    await expectVisible(receipt.getByText('短信 · 本地发件箱'));

    // Who saw the resident: staff, the company, and the notifications as each SMS went out.
    const reads = page.locator('.ant-card').filter({ hasText: '居民个人信息查看记录' });
    await expectVisible(reads.getByText('user-staff-xiangyuan'));
    await expectVisible(reads.getByText('湘源社区'));
    await expectVisible(reads.getByText('user-pc-beichen-aoyuan'));
    await expectVisible(reads.getByText('notifications').first());
    expect(await reads.locator('.ant-table-row').filter({ hasNotText: 'notifications' }).count()).toBe(2);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'case-audit', 'desk');
    await context.close();
  });

  it('opens a case by its id, verifies the whole log green, and downloads it as JSON Lines and CSV', async () => {
    const { context, page } = await auditorPage();
    await page.getByLabel('案件编号或关键词').fill(caseId);
    await page.getByRole('button', { name: '查找' }).click();
    await page.waitForURL(new RegExp(`#/audit/cases/${caseId}$`));
    await page.getByRole('link', { name: '返回审计' }).click();

    await page.getByRole('button', { name: '校验全部日志' }).click();
    await expectVisible(page.getByText('日志完整，未被篡改'));
    expect(await page.getByTestId('log-verdict').getAttribute('data-intact')).toBe('true');

    const jsonl = await download(page, async () => {
      await page.getByRole('button', { name: '下载导出文件' }).click();
    });
    expect(jsonl.name).toMatch(/^yixin-audit-log-\d{8}-\d{6}\.jsonl$/);
    const exported = jsonl.text.trim().split('\n').map((line) => JSON.parse(line) as { streamId: string; hash: string; type: string });
    const ofCase = exported.filter((event) => event.streamId === `case-${caseId}`);
    expect(ofCase.map((event) => event.hash)).toEqual(events.map((event) => event.hash));

    await page.locator('label').filter({ hasText: /^CSV$/ }).click();
    await page.getByLabel('案件编号（可选）').fill(caseId);
    const csv = await download(page, async () => {
      await page.getByRole('button', { name: '下载导出文件' }).click();
    });
    expect(csv.name).toMatch(new RegExp(`^yixin-audit-case-${caseId}-\\d{8}-\\d{6}\\.csv$`));
    const [header, ...lines] = csv.text.trim().split('\n');
    expect(header.split(',')).toEqual(expect.arrayContaining(['stream_id', 'revision', 'type', 'previous_hash', 'hash']));
    expect(lines).toHaveLength(events.length);
    events.forEach((event, index) => expect(lines[index]).toContain(event.hash));
    await expectVisible(page.getByText(`已下载 ${csv.name}`));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await context.close();
  });

  it('shows the API’s refusal of a malformed case id, downloads nothing, and keeps what was typed', async () => {
    const { context, page } = await auditorPage();
    let downloads = 0;
    page.on('download', () => downloads++);
    await page.getByLabel('案件编号（可选）').fill('not-a-case-id');
    await page.getByRole('button', { name: '下载导出文件' }).click();
    await expectVisible(page.getByRole('alert').getByText('caseId must be a UUID'));
    expect(downloads).toBe(0);
    expect(await page.getByLabel('案件编号（可选）').inputValue()).toBe('not-a-case-id');

    await page.goto('/#/audit/cases/00000000-0000-4000-8000-000000000000');
    await expectVisible(page.getByText('未找到该案件'));
    await context.close();
  });

  it('works at phone size', async () => {
    const { context, page } = await auditorPage('phone');
    await expectVisible(page.locator('.ant-table-row').first());
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'audit', 'phone');
    await page.goto(`/#/audit/cases/${caseId}`);
    await expectVisible(page.getByText('哈希链完整'));
    // The pointer stays where sign-in was tapped, over the export button now: its hover colour is not what axe should judge.
    await page.mouse.move(0, 0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'case-audit', 'phone');
    await context.close();
  });

  // Last: the log stays tampered with for the rest of the suite.
  it('marks a tampered event as where the chain breaks, and the whole log’s verification turns red', async () => {
    const resolved = events.find((event) => event.type === 'TaskResolved')!;
    const [stored] = await system.recordStore.query<{ data: string }>('SELECT data FROM events WHERE event_id = ?', [resolved.eventId]);
    await system.recordStore.batch([{ sql: 'UPDATE events SET data = ? WHERE event_id = ?', params: [stored.data.replace('已修复', '未修复'), resolved.eventId] }]);

    const { context, page } = await auditorPage();
    await page.goto(`/#/audit/cases/${caseId}`);
    await expectVisible(page.getByText(`哈希链断裂：第 ${resolved.revision} 号事件`));
    expect(await page.getByTestId('chain-verdict').getAttribute('data-intact')).toBe('false');
    const broken = page.locator('tr[data-broken="true"]');
    expect(await broken.count()).toBe(1);
    await expectVisible(broken.getByText('链在此断裂'));
    await expectVisible(broken.getByText('内容与哈希不符：该事件被篡改'));
    await expectVisible(broken.getByText('答复办结'));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'case-audit-tampered', 'desk');

    await page.getByRole('link', { name: '返回审计' }).click();
    await page.getByRole('button', { name: '校验全部日志' }).click();
    await expectVisible(page.getByText('日志校验失败：发现篡改或缺失'));
    expect(await page.getByTestId('log-verdict').getAttribute('data-intact')).toBe('false');
    const problem = page.locator('.ant-table-row').filter({ hasText: '内容与哈希不符' });
    await expectVisible(problem.getByRole('link', { name: caseId }));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'audit-tampered', 'desk');
    await context.close();
  });
});

/** Filed, dispatched, signed for and resolved, through the API; the staff and the company each read the resident in full. */
async function caseThroughFewSteps(system: E2eApp): Promise<string> {
  const { api, tokens } = system;
  const filed = await api.request('POST', '/cases', tokens[STAFF], sampleComplaint());
  expect(filed.status).toBe(201);
  const caseId: string = filed.body.caseId;
  // Watched as the auditor, who is shown the resident masked: each of the staff's reads would be recorded.
  await eventually(async () => ((await api.request('GET', `/cases/${caseId}`, tokens.auditor)).body.status === 'awaiting_sign_for' ? true : undefined), 'the dispatch');
  expect((await api.request('GET', `/cases/${caseId}`, tokens[STAFF])).status).toBe(200);
  expect((await api.request('GET', `/cases/${caseId}`, tokens[COMPANY])).status).toBe(200);
  expect((await api.request('POST', `/cases/${caseId}/task/sign-for`, tokens[COMPANY])).status).toBeLessThan(300);
  expect((await api.request('POST', `/cases/${caseId}/task/resolve`, tokens[COMPANY], { note: '已修复，电梯恢复运行' })).status).toBeLessThan(300);
  return caseId;
}

async function download(page: Page, start: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), start()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

