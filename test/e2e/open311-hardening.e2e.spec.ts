import { request as httpRequest } from 'node:http';
import { PROJECTIONS } from '@yixin/platform';
import { rebuildProjections } from '@yixin/projections';
import { type SqlDatabase } from '@yixin/stores';
import { CATEGORY_CODES } from '@yixin/domain';
import { startE2eApp, type E2eApp } from '@yixin/testing';
import { E2E_BACKENDS, caseLogLength } from '@yixin/testing';

const XIANGYUAN_KEY = 'open311-demo-xiangyuan';
const HUSHAN_KEY = 'open311-demo-hushan';
const MAX_SERVICE_REQUESTS = 1000;

/** A valid Open311 form for 湘源社区's key, in a building of its own so that no two are linked as duplicates. */
let buildings = 0;
function filingForm(apiKey: string, description = '楼道灯不亮'): Record<string, string> {
  return {
    api_key: apiKey,
    service_code: 'sanitation',
    address_id: apiKey === HUSHAN_KEY ? 'hushan-huayuan' : 'beichen-aoyuan',
    'attribute[building]': `${++buildings}幢`,
    first_name: '阿姨',
    last_name: '王',
    phone: '13900001111',
    description,
  };
}

async function open311(e2e: E2eApp, method: string, resource: string, form?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${e2e.api.baseUrl}/open311/v2/${resource}`, {
    method,
    headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  return { status: response.status, body: JSON.parse(await response.text()), headers: response.headers };
}

function expectOpen311Errors(answer: { status: number; body: any }, status: number, description: RegExp): void {
  expect(answer.status).toBe(status);
  expect(answer.body).toEqual([{ code: status, description: expect.stringMatching(description) }]);
}

interface ListedCase {
  caseId: string;
  category: string;
  status: 'closed' | 'awaiting_sign_for';
  filedAt: string;
}

/** Rows of the case list as the projection writes them: what lists and the public search read, the rest filler. */
async function insertCaseListRows(db: SqlDatabase, cases: readonly ListedCase[]): Promise<void> {
  await db.batch(
    cases.map(({ caseId, category, status, filedAt }) => ({
      sql: `INSERT INTO case_list (case_id, community_id, compound_id, building, category, urgency, description, search_text, status, tier,
              filed_at, updated_at, revision, changed_position, state_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      params: [caseId, 'xiangyuan', 'beichen-aoyuan', '1幢', category, 'normal', '灯不亮', '灯不亮 1幢', status, 'community', filedAt, filedAt, 1, 1,
        JSON.stringify({ status, tier: 'community', redoCount: 0 })],
    })),
  );
}

const caseIdOf = (n: number) => `00000000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

describe.each(E2E_BACKENDS)('the public Open311 search on %s', (backend) => {
  let e2e: E2eApp;
  const cases: ListedCase[] = [];
  /** Rows the read store handed to the API, summed over every query since the last reset. */
  let rowsRead = 0;

  beforeAll(async () => {
    e2e = await startE2eApp({ backend, process: 'api' });
    const now = Date.now();
    // Many open cases filed in the last day, and a few closed ones filed 25 years ago, two at the same instant.
    for (let n = 0; n < 1500; n++) {
      cases.push({ caseId: caseIdOf(n), category: CATEGORY_CODES[n % CATEGORY_CODES.length], status: 'awaiting_sign_for', filedAt: new Date(now - n * 60_000).toISOString() });
    }
    for (let n = 0; n < 30; n++) {
      const filedAt = new Date(Date.UTC(2001, 0, 1 + Math.min(n, 28))).toISOString();
      cases.push({ caseId: caseIdOf(10_000 + n), category: CATEGORY_CODES[n % 3], status: 'closed', filedAt });
    }
    await insertCaseListRows(e2e.readStore, cases);
    const query = e2e.readStore.query.bind(e2e.readStore);
    jest.spyOn(e2e.readStore, 'query').mockImplementation(async <Row>(sql: string, params?: readonly unknown[]) => {
      const rows = await query<Row>(sql, params);
      rowsRead += rows.length;
      return rows;
    });
  }, 120_000);

  afterAll(() => e2e?.stop());

  /** What a walk of every case would answer: newest first, the case id descending breaking ties, at most 1000. */
  function expected(filter: { from: string; to?: string; categories?: string[]; closed?: boolean }): string[] {
    const to = filter.to ?? new Date().toISOString();
    return cases
      .filter((listed) => listed.filedAt >= filter.from && listed.filedAt <= to)
      .filter((listed) => filter.categories === undefined || filter.categories.includes(listed.category))
      .filter((listed) => filter.closed === undefined || (listed.status === 'closed') === filter.closed)
      .sort((a, b) => b.filedAt.localeCompare(a.filedAt) || b.caseId.localeCompare(a.caseId))
      .slice(0, MAX_SERVICE_REQUESTS)
      .map((listed) => listed.caseId);
  }

  async function search(query: string): Promise<string[]> {
    rowsRead = 0;
    const answer = await open311(e2e, 'GET', `requests.json?${query}`);
    expect(answer.status).toBe(200);
    return answer.body.map((request: { service_request_id: string }) => request.service_request_id);
  }

  it('answers the closed cases of 25 years from the index, reading no more rows than it answers', async () => {
    const found = await search('status=closed&start_date=2000-01-01T00:00:00Z');
    expect(found).toHaveLength(30);
    // The walk it replaces read every case of the list, open ones included, in pages of 500, each with a count.
    expect(rowsRead).toBeLessThanOrEqual(found.length);
    expect(found).toEqual(expected({ from: '2000-01-01T00:00:00.000Z', closed: true }));
  });

  it.each([
    ['the last 90 days by default', '', { from: new Date(Date.now() - 90 * 86_400_000).toISOString() }],
    ['open cases of two services', 'status=open&service_code=elevator,parking&start_date=2000-01-01T00:00:00Z', { from: '2000-01-01T00:00:00.000Z', categories: ['elevator', 'parking'], closed: false }],
    ['both states in a window', 'status=open,closed&start_date=2000-12-31T00:00:00Z&end_date=2001-01-20T00:00:00Z', { from: '2000-12-31T00:00:00.000Z', to: '2001-01-20T00:00:00.000Z' }],
    ['a window reaching both ends', `start_date=2000-01-01T00:00:00Z&end_date=${new Date(Date.now() - 1000 * 60_000).toISOString()}`, { from: '2000-01-01T00:00:00.000Z', to: new Date(Date.now() - 1000 * 60_000).toISOString() }],
  ])('finds %s as a walk of every case would, reading at most one page', async (_what, query, filter) => {
    const found = await search(query);
    expect(found).toEqual(expected(filter));
    expect(rowsRead).toBeLessThanOrEqual(MAX_SERVICE_REQUESTS);
  });

  it('answers named requests from one read of the case list, not a read of each case’s log', async () => {
    // As many ids as fit in a URL under Node's 16 KiB of headers.
    const named = cases.slice(0, 300).map((listed) => listed.caseId);
    const streamReads = jest.spyOn(e2e.store, 'readStream');
    try {
      const found = await search(`service_request_id=${[...named].reverse().join(',')},not-a-case`);
      expect(streamReads).not.toHaveBeenCalled();
      expect(found).toEqual(named);
    } finally {
      streamReads.mockRestore();
    }
  });
});

describe('limits on unauthenticated clients (SQLite)', () => {
  it('limits reads without a token per client address, in Open311’s format on its paths and the API’s elsewhere', async () => {
    const e2e = await startE2eApp({ process: 'api', env: { RATE_LIMIT_PUBLIC_READS_PER_MINUTE: '5' }, users: ['staff.xiangyuan'] });
    try {
      for (let n = 0; n < 5; n++) expect((await open311(e2e, 'GET', 'requests.json?status=closed&start_date=2000-01-01T00:00:00Z')).status).toBe(200);
      const refused = await open311(e2e, 'GET', 'requests.json?status=closed&start_date=2000-01-01T00:00:00Z');
      expectOpen311Errors(refused, 429, /^rate limit of 5 per minute exceeded; retry in \d+ s$/);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      const health = await e2e.api.request('GET', '/health');
      expect(health).toMatchObject({ status: 429, body: { statusCode: 429, error: 'Too Many Requests' } });
      // Signed-in users are counted by what they write, not by this.
      expect((await e2e.api.request('GET', '/cases', e2e.tokens['staff.xiangyuan'])).status).toBe(200);
    } finally {
      await e2e.stop();
    }
  });

  it('refuses a client guessing api_keys, even its right guess, and files nothing', async () => {
    const e2e = await startE2eApp({ process: 'api', env: { RATE_LIMIT_API_KEY_FAILURES_PER_MINUTE: '3' } });
    try {
      const before = await caseLogLength(e2e.store);
      for (let n = 0; n < 3; n++) expectOpen311Errors(await open311(e2e, 'POST', 'requests.json', filingForm(`guess-${n}`)), 403, /^api_key is missing or invalid$/);
      for (const apiKey of ['guess-3', XIANGYUAN_KEY]) {
        const refused = await open311(e2e, 'POST', 'requests.json', filingForm(apiKey));
        expectOpen311Errors(refused, 429, /^too many wrong api_keys from this address: the limit is 3 per minute; retry in \d+ s$/);
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(await caseLogLength(e2e.store)).toBe(before);
    } finally {
      await e2e.stop();
    }
  });

  it('limits filings per api_key, each key on its own', async () => {
    const e2e = await startE2eApp({ process: 'api', env: { RATE_LIMIT_FILINGS_PER_API_KEY_PER_MINUTE: '2' } });
    try {
      for (let n = 0; n < 2; n++) expect((await open311(e2e, 'POST', 'requests.json', filingForm(XIANGYUAN_KEY))).status).toBe(201);
      const before = await caseLogLength(e2e.store);
      const refused = await open311(e2e, 'POST', 'requests.json', filingForm(XIANGYUAN_KEY));
      expectOpen311Errors(refused, 429, /^too many requests filed with this api_key: the limit is 2 per minute; retry in \d+ s$/);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await caseLogLength(e2e.store)).toBe(before);
      expect((await open311(e2e, 'POST', 'requests.json', filingForm(HUSHAN_KEY))).status).toBe(201);
    } finally {
      await e2e.stop();
    }
  });
});

describe('what Open311 publishes and answers (SQLite)', () => {
  let e2e: E2eApp;

  beforeAll(async () => {
    e2e = await startE2eApp({ process: 'api', env: { PUBLIC_BASE_URL: 'https://yixin.example.gov.cn/' }, users: ['staff.xiangyuan'] });
  }, 60_000);

  afterAll(() => e2e?.stop());

  it('masks the phone and ID card numbers staff typed into the description, by id and in searches, and only there', async () => {
    const typed = '王阿姨（13812345678，身份证33010919900101123X）反映楼道灯不亮，物业电话0571-82345678';
    const published = '王阿姨（***********，身份证******************）反映楼道灯不亮，物业电话****-********';
    const filed = await open311(e2e, 'POST', 'requests.json', filingForm(XIANGYUAN_KEY, typed));
    expect(filed.status).toBe(201);
    const caseId = filed.body[0].service_request_id as string;

    expect((await open311(e2e, 'GET', `requests/${caseId}.json`)).body[0].description).toBe(published);
    await rebuildProjections(e2e.store, e2e.readStore, PROJECTIONS);
    const searched = (await open311(e2e, 'GET', 'requests.json')).body.find((request: { service_request_id: string }) => request.service_request_id === caseId);
    expect(searched.description).toBe(published);
    const xml = await fetch(`${e2e.api.baseUrl}/open311/v2/requests/${caseId}.xml`).then((response) => response.text());
    expect(xml).not.toContain('13812345678');
    expect(xml).not.toContain('82345678');

    // The community's staff still read what they typed.
    expect((await e2e.api.request('GET', `/cases/${caseId}`, e2e.tokens['staff.xiangyuan'])).body.description).toBe(typed);
  });

  it.each([
    ['a form', 'application/x-www-form-urlencoded', 'api_key=open311-demo-xiangyuan&constructor[prototype][polluted]=1'],
    ['a JSON body', 'application/json', '{"api_key": "open311-demo-xiangyuan", "constructor": {"prototype": {"polluted": 1}}}'],
  ])('says which key of %s it refuses, in Open311’s format', async (_what, contentType, body) => {
    const before = await caseLogLength(e2e.store);
    const response = await fetch(`${e2e.api.baseUrl}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': contentType }, body });
    expectOpen311Errors({ status: response.status, body: await response.json() }, 400, /^property constructor should not exist$/);
    expect(await caseLogLength(e2e.store)).toBe(before);
  });

  it('announces the configured public address in discovery, whatever Host the client sends', async () => {
    for (const format of ['json', 'xml']) {
      const { port } = new URL(e2e.api.baseUrl);
      const text = await new Promise<string>((resolve, reject) => {
        const request = httpRequest({ host: '127.0.0.1', port, path: `/open311/v2/discovery.${format}`, headers: { host: 'attacker.example' } }, (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve(body));
        });
        request.on('error', reject);
        request.end();
      });
      expect(text).toContain('https://yixin.example.gov.cn/open311/v2');
      expect(text).not.toContain('attacker.example');
    }
  });
});
