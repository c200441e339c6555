import type { Browser, BrowserContext, Page } from 'playwright-core';
import { uniquePng } from '../support/case-fixtures';
import { chooseOption, expectVisible, launchChromium, newConsoleContext, saveScreenshot, seriousAccessibilityViolations, signIn, type ViewportName } from '../support/browser';
import { startE2eApp, type E2eApp } from '../support/e2e-app';
import { eventually } from '../support/harness';

const STAFF = 'staff.xiangyuan';
const PHONE_MESSAGE = 'phone must be a mobile number (11 digits starting with 1) or a landline with area code';

/** Community staff of 湘源社区: filing, a visit round, the case list and an erasure, driven in Chromium through the screens only. */
describe('the console: community staff', () => {
  let system: E2eApp;
  let browser: Browser;
  let token: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [system, browser] = await Promise.all([startE2eApp({ users: [STAFF] }), launchChromium()]);
    token = system.tokens[STAFF];
  }, 120_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await system?.stop();
  });

  async function staffPage(viewport: ViewportName = 'desk'): Promise<Page> {
    const context = await newConsoleContext(browser, system.api.baseUrl, viewport);
    contexts.push(context);
    const page = await context.newPage();
    await signIn(page, STAFF);
    return page;
  }

  /** The cases of the staff's community whose description or place has all these words, as the API's list finds them. */
  async function listed(q: string): Promise<{ total: number; items: Array<{ caseId: string }> }> {
    const { status, body } = await system.api.request('GET', `/cases?q=${encodeURIComponent(q)}&limit=200`, token);
    expect(status).toBe(200);
    return body;
  }

  /** POSTs of a path the page sends from now on. */
  function postsTo(page: Page, path: string): string[] {
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === path) sent.push(request.url());
    });
    return sent;
  }

  it('files a complaint through the form, with a photo cited as its evidence and a file that is not an image refused with the API’s message', async () => {
    const page = await staffPage('desk');
    await page.goto('/#/cases/new');
    await expectVisible(page.getByRole('heading', { name: '受理登记' }));
    await expectVisible(page.getByText('北辰奥园').or(page.getByLabel('小区')));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'file-complaint', 'desk');

    await chooseOption(page, '小区', '北辰奥园');
    await chooseOption(page, '问题类别', '电梯故障');
    await page.getByLabel('居民姓名').fill('王阿姨');
    await page.getByLabel('联系电话').fill('13800000101');
    await page.getByLabel('楼幢').fill('7幢');
    await page.getByLabel('单元室号（选填）').fill('2单元1502室');
    await page.getByText('紧急', { exact: true }).click();
    await page.getByLabel('问题描述').fill('[form-filed] 7幢电梯停运两天，老人上下楼困难');
    await page.locator('input[type=file]').first().setInputFiles([
      { name: 'elevator.png', mimeType: 'image/png', buffer: uniquePng() },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo at all') },
    ]);
    await page.getByRole('button', { name: '提交受理' }).click();

    await expectVisible(page.getByText('已受理', { exact: true }));
    const caseId = (await page.getByTestId('filed-case-id').first().innerText()).trim();
    expect(caseId).toMatch(/^[0-9a-f-]{36}$/);
    await saveScreenshot(page, 'file-complaint-filed', 'desk');
    await expectVisible(page.getByRole('listitem').filter({ hasText: 'elevator.png' }).filter({ hasText: '已上传，作为投诉证据' }));
    const refusedPhoto = page.getByRole('listitem').filter({ hasText: 'notes.txt' });
    await expectVisible(refusedPhoto.filter({ hasText: '文件类型不支持' }));
    await expectVisible(refusedPhoto.getByRole('alert').filter({ hasText: 'not a JPEG, PNG or WebP image by its content' }));
    expect(await page.getByRole('link', { name: '查看案件' }).getAttribute('href')).toBe(`#/cases/${caseId}`);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    const filed = await system.api.request('GET', `/cases/${caseId}`, token);
    expect(filed.status).toBe(200);
    expect(filed.body).toMatchObject({ category: 'elevator', urgency: 'urgent', channel: 'visit', location: { compoundId: 'beichen-aoyuan', building: '7幢' } });
    // Cited, the photo is evidence of the complaint: whoever handles the case sees it, and the sweep of uncited uploads keeps it.
    expect(filed.body.evidence).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);

    await page.getByRole('button', { name: '继续登记' }).click();
    await expectVisible(page.getByRole('button', { name: '提交受理' }));
    expect(await page.getByLabel('居民姓名').inputValue()).toBe('');
    await expectVisible(page.getByTitle('北辰奥园'));
  });

  it('refuses empty, oversized and wrong input with the form’s messages, keeps what was typed and files nothing', async () => {
    const page = await staffPage('phone');
    await page.goto('/#/cases/new');
    const posts = postsTo(page, '/cases');
    await page.getByRole('button', { name: '提交受理' }).click();
    for (const message of ['请选择小区', '请选择问题类别', '请填写居民姓名', '请填写联系电话', '请填写楼幢', '请填写问题描述']) await expectVisible(page.getByText(message));

    await chooseOption(page, '小区', '卧城印象');
    await chooseOption(page, '问题类别', '漏水渗水');
    await page.getByLabel('居民姓名').fill('李师傅');
    await page.getByLabel('联系电话').fill('1380000');
    await page.getByLabel('楼幢').fill('2幢');
    const oversized = `[form-refused] ${'漏'.repeat(2000)}`;
    await page.getByLabel('问题描述').fill(oversized);
    await page.getByRole('button', { name: '提交受理' }).click();
    await expectVisible(page.getByText('电话应为 11 位手机号'));
    await expectVisible(page.getByText('问题描述最多 2000 个字'));
    expect(await page.getByLabel('居民姓名').inputValue()).toBe('李师傅');
    expect(await page.getByLabel('问题描述').inputValue()).toBe(oversized);

    // The routing override needs its assignee and reason, as the API does.
    await page.getByLabel('指定承办单位').click();
    await page.getByRole('button', { name: '提交受理' }).click();
    await expectVisible(page.getByText('请选择承办单位'));
    await expectVisible(page.getByText('请填写指定理由'));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'file-complaint', 'phone');

    expect(posts).toEqual([]);
    expect((await listed('form-refused')).total).toBe(0);
  });

  it('files a visit round of several homes from a phone in one batch, each row with its answer, the bad one not filed', async () => {
    const page = await staffPage('phone');
    await page.goto('/#/visit-round');
    await expectVisible(page.getByRole('heading', { name: /认百家门/ }));
    await chooseOption(page, '走访小区', '北辰奥园');

    const homes = [
      { building: '11幢', name: '张大爷', phone: '13800000111', category: '楼道堆物', description: '[round-1] 楼道堆满纸箱，影响通行' },
      { building: '11幢', name: '赵阿姨', phone: '1380000', category: '环境卫生', description: '[round-2] 垃圾桶三天未清运' },
      { building: '12幢', name: '钱先生', phone: '0571-86001234', category: '停车管理', description: '[round-3] 消防通道被私家车占用' },
    ];
    for (const [index, home] of homes.entries()) {
      if (index > 0) await page.getByRole('button', { name: '再记一户' }).click();
      const row = page.getByTestId(`visit-row-${index + 1}`);
      await row.getByLabel('楼幢').fill(home.building);
      await row.getByLabel('居民姓名').fill(home.name);
      await row.getByLabel('联系电话').fill(home.phone);
      await chooseOption(page, row.getByLabel('问题类别'), home.category);
      await row.getByLabel('问题描述').fill(home.description);
    }
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'visit-round', 'phone');

    const posts = postsTo(page, '/cases/batch');
    await page.getByRole('button', { name: '提交本轮 3 户' }).click();
    await expectVisible(page.getByTestId('visit-row-1').getByText('已受理'));
    await expectVisible(page.getByTestId('visit-row-3').getByText('已受理'));
    const refused = page.getByTestId('visit-row-2');
    await expectVisible(refused.getByText('未受理'));
    await expectVisible(refused.getByRole('alert').getByText(PHONE_MESSAGE));
    expect(await refused.getByLabel('居民姓名').inputValue()).toBe('赵阿姨');
    expect(posts).toHaveLength(1);
    await saveScreenshot(page, 'visit-round-answered', 'phone');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    const caseIds = await Promise.all([1, 3].map(async (row) => (await page.getByTestId(`visit-row-${row}`).getByRole('link').innerText()).trim()));
    for (const caseId of caseIds) expect((await system.api.request('GET', `/cases/${caseId}`, token)).body.channel).toBe('visit');
    // Once the list shows the round's last filing, it would show the refused row too had it been filed.
    await eventually(async () => ((await listed('round-3')).total === 1 ? true : undefined), 'the round in the case list');
    expect((await listed('round-2')).total).toBe(0);

    // Fixed, the refused home is sent again on its own.
    await refused.getByLabel('联系电话').fill('13800000112');
    await page.getByRole('button', { name: '重新提交未受理的 1 户' }).click();
    await expectVisible(page.getByText('本轮 3 户已全部受理'));
    expect(posts).toHaveLength(2);

    // The compound is remembered for the next round.
    await page.reload();
    await expectVisible(page.getByText('提交本轮 1 户'));
    await expectVisible(page.getByText('北辰奥园', { exact: true }));

    const desk = await staffPage('desk');
    await desk.goto('/#/visit-round');
    // Another browser remembers its own compound.
    await expectVisible(desk.getByText('选择小区（会记住）'));
    await chooseOption(desk, '走访小区', '卧城印象');
    await desk.getByLabel('楼幢').fill('2幢');
    expect(await seriousAccessibilityViolations(desk)).toEqual([]);
    await saveScreenshot(desk, 'visit-round', 'desk');
  });

  it('lists the community’s cases: searched for 北辰 电梯, filtered and paged by the API', async () => {
    // Set-up through the API: enough cases for several pages, in both compounds.
    const complaint = (compoundId: string, building: string, category: string, description: string) => ({
      resident: { name: '列表测试', phone: '13800000200' },
      location: { communityId: 'xiangyuan', compoundId, building, unit: '1单元101室' },
      category,
      description,
      channel: 'visit',
    });
    const complaints = [
      ...Array.from({ length: 24 }, (_, n) => complaint('beichen-aoyuan', `L${n + 1}幢`, 'elevator', `[list] 电梯困人 第${n + 1}次`)),
      ...Array.from({ length: 8 }, (_, n) => complaint('wocheng-yinxiang', `L${n + 1}幢`, 'elevator', `[list] 电梯异响 第${n + 1}次`)),
      ...Array.from({ length: 6 }, (_, n) => complaint('beichen-aoyuan', `L${n + 1}幢`, 'water_leak', `[list] 顶楼漏水 第${n + 1}次`)),
    ];
    const batch = await system.api.request('POST', '/cases/batch', token, { complaints });
    expect(batch.body.every((answer: { caseId?: string }) => answer.caseId)).toBe(true);
    await eventually(async () => ((await listed('[list]')).total === complaints.length ? true : undefined), 'the set-up in the case list');
    const beichenElevators = await listed('北辰 电梯');

    const page = await staffPage('desk');
    await page.goto('/#/cases');
    await expectVisible(page.getByRole('heading', { name: '案件列表' }));
    await expectVisible(page.locator('.ant-table-row').first());

    await page.getByRole('searchbox', { name: '搜索案件' }).or(page.getByLabel('搜索案件')).first().fill('北辰 电梯');
    await page.getByRole('button', { name: /搜\s*索/ }).click();
    await expectVisible(page.getByText(`共 ${beichenElevators.total} 件`));
    const rows = page.locator('.ant-table-row');
    expect(await rows.count()).toBe(Math.min(20, beichenElevators.total));
    for (const text of await rows.allInnerTexts()) {
      expect(text).toContain('北辰奥园');
      expect(text).toContain('电梯故障');
    }
    const firstHref = await rows.first().getByRole('link').first().getAttribute('href');
    expect(firstHref).toBe(`#/cases/${beichenElevators.items[0].caseId}`);

    // Page 2 comes from the API, rows after the first 20.
    await page.locator('.ant-pagination-item-2').click();
    await page.waitForURL(/page=2/);
    await expectVisible(page.locator('.ant-table-row').first());
    await eventually(async () => ((await rows.first().getByRole('link').first().getAttribute('href')) === `#/cases/${beichenElevators.items[20].caseId}` ? true : undefined), 'page 2', 10_000);
    expect(await rows.count()).toBe(beichenElevators.total - 20);

    // A filter: the water leaks of the community, back on page 1, the search cleared.
    await page.getByLabel('搜索案件').first().fill('');
    await page.getByRole('button', { name: /搜\s*索/ }).click();
    await chooseOption(page, page.getByLabel('类别'), '漏水渗水');
    const leaks = (await system.api.request('GET', '/cases?category=water_leak&limit=1', token)).body.total as number;
    await expectVisible(page.getByText(`共 ${leaks} 件`));
    expect(page.url()).not.toMatch(/page=2/);
    for (const text of await rows.allInnerTexts()) expect(text).toContain('漏水渗水');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'case-list', 'desk');

    const phone = await staffPage('phone');
    await phone.goto('/#/cases?q=北辰');
    await expectVisible(phone.locator('.ant-table-row').first());
    expect(await seriousAccessibilityViolations(phone)).toEqual([]);
    await saveScreenshot(phone, 'case-list', 'phone');
  });

  it('erases a resident’s personal data by phone after a confirmation that says it cannot be undone', async () => {
    const residentPhone = '13900000321';
    const filing = await system.api.request('POST', '/cases', token, {
      resident: { name: '孙女士', phone: residentPhone },
      location: { communityId: 'xiangyuan', compoundId: 'wocheng-yinxiang', building: '5幢', unit: '3单元402室' },
      category: 'water_leak',
      description: '[erasure] 卫生间渗水到楼下',
      channel: 'phone',
    });
    expect(filing.status).toBe(201);
    const caseId: string = filing.body.caseId;

    const page = await staffPage('desk');
    await page.goto('/#/privacy');
    await expectVisible(page.getByRole('heading', { name: '个人信息删除' }));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'erasure', 'desk');

    const erasures = postsTo(page, '/privacy/erasure');
    const phoneField = page.getByLabel(/居民联系电话/);
    await page.getByRole('button', { name: /删除个人信息/ }).click();
    await expectVisible(page.getByText('请填写联系电话'));
    await phoneField.fill('12345');
    await page.getByRole('button', { name: /删除个人信息/ }).click();
    await expectVisible(page.getByText('电话应为 11 位手机号'));
    expect(erasures).toEqual([]);

    // A phone with no case of the community: the API's 404, nothing erased.
    await phoneField.fill('13900000999');
    await page.getByRole('button', { name: /删除个人信息/ }).click();
    await expectVisible(page.getByRole('dialog').getByText('此操作不可撤销'));
    await page.getByRole('button', { name: /确认删除/ }).click();
    await expectVisible(page.getByRole('alert').filter({ hasText: '未找到' }));
    expect(await phoneField.inputValue()).toBe('13900000999');

    // Cancelled: nothing sent.
    await phoneField.fill(residentPhone);
    await page.getByRole('button', { name: /删除个人信息/ }).click();
    await expectVisible(page.getByRole('dialog').getByText('此操作不可撤销'));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '取 消' }).or(page.getByRole('button', { name: '取消' })).first().click();
    expect(erasures).toHaveLength(1);
    expect((await system.api.request('GET', `/cases/${caseId}`, token)).body.resident).toMatchObject({ phone: residentPhone });

    await page.getByRole('button', { name: /删除个人信息/ }).click();
    await page.getByRole('button', { name: /确认删除/ }).click();
    await expectVisible(page.getByText('已删除该居民在湘源社区的个人信息'));
    await expectVisible(page.getByRole('row', { name: /涉及本社区案件\s*1/ }).or(page.getByText('涉及本社区案件')));
    expect(erasures).toHaveLength(2);
    expect((await system.api.request('GET', `/cases/${caseId}`, token)).body.resident).toMatchObject({ erased: true });
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    const phone = await staffPage('phone');
    await phone.goto('/#/privacy');
    await phone.getByLabel(/居民联系电话/).fill(residentPhone);
    await phone.getByRole('button', { name: /删除个人信息/ }).click();
    await expectVisible(phone.getByRole('dialog').getByText('此操作不可撤销'));
    await saveScreenshot(phone, 'erasure', 'phone');
  });
});

