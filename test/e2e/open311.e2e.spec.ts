import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { randomUUID } from 'node:crypto';
import { CATEGORIES, CATEGORY_CODES } from '@yixin/domain';
import type { EventStore } from '@yixin/event-store';
import { startE2eApp, type E2eApp } from '@yixin/testing';
import { eventually, caseLogLength, type ApiClient } from '@yixin/testing';

const FORMATS = ['json', 'xml'] as const;
type Format = (typeof FORMATS)[number];

const XIANGYUAN_KEY = 'open311-demo-xiangyuan';
const RESIDENT = { first_name: '阿姨', last_name: '王', phone: '13900001111' };
const UNIT = '4单元702室';
const HUSHAN_UNIT = '3单元301室';
/** Markup characters and quotes, to see both serializers carry them through. */
const DESCRIPTION = '3幢电梯停运 <困人> & "异响" \'夜间\'';
const SERVICE_REQUEST_FIELDS = [
  'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible',
  'service_notice', 'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'media_url',
];

/** GeoReport v2's element names for the items of each list in XML. */
const LIST_ITEMS: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  attributes: 'attribute',
  values: 'value',
  errors: 'error',
  endpoints: 'endpoint',
  formats: 'format',
};
const xmlParser = new XMLParser({
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => Object.values(LIST_ITEMS).includes(name),
});

interface Open311Answer {
  status: number;
  contentType: string;
  /** The XML root element's name; the JSON answers have none. */
  root?: string;
  /** The body in JSON's shape whichever the format: XML lists unwrapped, XML leaves still text. */
  body: any;
}

/** XML parsed into the JSON answer's shape: `<services><service>…` → `[…]`. */
function fromXml(node: any, name: string): any {
  const itemName = LIST_ITEMS[name];
  if (itemName) return node === '' ? [] : node[itemName].map((item: any) => fromXml(item, itemName));
  if (typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([child, value]) => [child, fromXml(value, child)]));
  return node;
}

type FieldKind = 'text' | 'text or empty' | 'boolean' | 'integer' | 'datetime' | 'datetime or empty';

/** Presence and type of a field as each format writes it: JSON's own types, XML's text. */
function expectField(format: Format, record: Record<string, unknown>, name: string, kind: FieldKind): void {
  expect(record).toHaveProperty([name]);
  const value = record[name];
  const asText = format === 'xml' || kind.startsWith('text') || kind.startsWith('datetime');
  if (asText) expect(typeof value).toBe('string');
  const text = String(value);
  switch (kind) {
    case 'text':
      expect(text.trim()).not.toBe('');
      break;
    case 'boolean':
      if (format === 'json') expect(typeof value).toBe('boolean');
      else expect(['true', 'false']).toContain(text);
      break;
    case 'integer':
      if (format === 'json') expect(Number.isInteger(value)).toBe(true);
      else expect(text).toMatch(/^\d+$/);
      break;
    case 'datetime':
      expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
      break;
    case 'datetime or empty':
      if (text !== '') expectField(format, record, name, 'datetime');
      break;
    case 'text or empty':
      break;
  }
}

function expectServiceRequest(format: Format, request: Record<string, unknown>): void {
  expect(Object.keys(request).sort()).toEqual([...SERVICE_REQUEST_FIELDS].sort());
  for (const name of ['service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice', 'address', 'address_id']) {
    expectField(format, request, name, 'text');
  }
  for (const name of ['requested_datetime', 'updated_datetime']) expectField(format, request, name, 'datetime');
  expectField(format, request, 'expected_datetime', 'datetime or empty');
  expect(request.zipcode).toBe('');
  expect(request.media_url).toBe('');
  expect(['open', 'closed']).toContain(request.status);
}

/** W3C date-time at +08:00, as a client in China writes it. */
function chinaTime(instant: number): string {
  return new Date(instant + 8 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

describe('Open311 GeoReport v2 over HTTP (SQLite)', () => {
  let e2e: E2eApp;
  let api: ApiClient;
  let store: EventStore;
  let staff: string;
  let company: string;
  let auditor: string;
  /** Every answer to a GET, to look for residents' data in them at the end. */
  const publicAnswers: string[] = [];

  beforeAll(async () => {
    e2e = await startE2eApp({ backend: 'sqlite', users: { staff: 'staff.xiangyuan', company: 'pc.beichen-aoyuan', auditor: 'auditor' } });
    ({ api, store } = e2e);
    ({ staff, company, auditor } = e2e.tokens);
  });

  afterAll(() => e2e?.stop());

  /** `resource` without extension; a body of fields is sent form-encoded as the spec says, `{ json }` as JSON. */
  async function open311(
    format: Format | string,
    method: string,
    resource: string,
    body?: Record<string, string> | { json: unknown },
  ): Promise<Open311Answer> {
    const [path, query] = resource.split('?');
    const url = `${api.baseUrl}/open311/v2/${path}.${format}${query === undefined ? '' : `?${query}`}`;
    const encoded =
      body === undefined
        ? undefined
        : 'json' in body
          ? { type: 'application/json', text: JSON.stringify(body.json) }
          : { type: 'application/x-www-form-urlencoded', text: new URLSearchParams(body as Record<string, string>).toString() };
    const response = await fetch(url, { method, headers: encoded ? { 'content-type': encoded.type } : {}, body: encoded?.text });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    if (method === 'GET') publicAnswers.push(text);
    if (contentType.startsWith('text/xml')) {
      expect(text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
      expect(XMLValidator.validate(text)).toBe(true);
      const parsed = xmlParser.parse(text) as Record<string, unknown>;
      expect(Object.keys(parsed)).toHaveLength(1);
      const [root] = Object.keys(parsed);
      return { status: response.status, contentType, root, body: fromXml(parsed[root], root) };
    }
    return { status: response.status, contentType, body: JSON.parse(text) };
  }

  function expectContentType(format: Format, answer: Open311Answer): void {
    expect(answer.contentType).toBe(format === 'json' ? 'application/json; charset=utf-8' : 'text/xml; charset=utf-8');
  }

  function expectErrors(format: Format, answer: Open311Answer, status: number, ...descriptions: Array<string | RegExp>): void {
    expect(answer.status).toBe(status);
    expectContentType(format, answer);
    if (format === 'xml') expect(answer.root).toBe('errors');
    const errors = answer.body as Array<Record<string, unknown>>;
    expect(errors.length).toBeGreaterThanOrEqual(1);
    for (const error of errors) {
      expect(Object.keys(error).sort()).toEqual(['code', 'description']);
      expect(error.code).toBe(format === 'json' ? status : String(status));
      expectField(format, error, 'description', 'text');
    }
    const texts = errors.map((error) => error.description as string);
    for (const description of descriptions) {
      expect(texts).toContainEqual(typeof description === 'string' ? description : expect.stringMatching(description));
    }
  }

  async function inboxTask(caseId: string): Promise<{ resolveBy: string } | undefined> {
    const inbox = await api.request('GET', '/tasks/inbox', company);
    return (inbox.body.items as Array<{ caseId: string; resolveBy: string }>).find((task) => task.caseId === caseId);
  }

  /** Waits until the search sees (or no longer sees) the case: searches read the case list, a little behind the log. */
  async function searchUntil(format: Format, query: string, caseId: string, present: boolean): Promise<Array<Record<string, unknown>>> {
    return eventually(async () => {
      const found = await open311(format, 'GET', `requests?${query}`);
      expect(found.status).toBe(200);
      const requests = found.body as Array<Record<string, unknown>>;
      return requests.some((request) => request.service_request_id === caseId) === present ? requests : undefined;
    }, `requests?${query} ${present ? 'with' : 'without'} ${caseId}`);
  }

  describe.each(FORMATS)('in %s', (format) => {
    it('announces the endpoint and its formats in discovery', async () => {
      const answer = await open311(format, 'GET', 'discovery');
      expect(answer.status).toBe(200);
      expectContentType(format, answer);
      if (format === 'xml') expect(answer.root).toBe('discovery');
      expectField(format, answer.body, 'changeset', 'datetime');
      expectField(format, answer.body, 'contact', 'text');
      expectField(format, answer.body, 'key_service', 'text');
      expect(answer.body.endpoints).toEqual([
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: `${e2e.config.publicBaseUrl}/open311/v2`,
          changeset: answer.body.changeset,
          type: 'production',
          formats: ['application/json', 'text/xml'],
        },
      ]);
    });

    it('lists one service per category with the fields GeoReport defines', async () => {
      const answer = await open311(format, 'GET', 'services');
      expect(answer.status).toBe(200);
      expectContentType(format, answer);
      if (format === 'xml') expect(answer.root).toBe('services');
      const services = answer.body as Array<Record<string, unknown>>;
      expect(services.map((service) => service.service_code)).toEqual(CATEGORY_CODES);
      for (const service of services) {
        expect(Object.keys(service)).toEqual(['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group']);
        for (const name of ['service_code', 'service_name', 'description', 'keywords', 'group']) expectField(format, service, name, 'text');
        expectField(format, service, 'metadata', 'boolean');
        expect(String(service.metadata)).toBe('true');
        expect(service.type).toBe('realtime');
        expect(service.service_name).toBe(CATEGORIES[service.service_code as keyof typeof CATEGORIES]);
      }
    });

    it('defines the attributes a request needs: building required, unit optional, urgency from a list', async () => {
      const answer = await open311(format, 'GET', 'services/elevator');
      expect(answer.status).toBe(200);
      expectContentType(format, answer);
      if (format === 'xml') expect(answer.root).toBe('service_definition');
      expect(answer.body.service_code).toBe('elevator');
      const attributes = answer.body.attributes as Array<Record<string, unknown>>;
      for (const attribute of attributes) {
        expectField(format, attribute, 'variable', 'boolean');
        expectField(format, attribute, 'code', 'text');
        expectField(format, attribute, 'datatype', 'text');
        expectField(format, attribute, 'required', 'boolean');
        expectField(format, attribute, 'datatype_description', 'text or empty');
        expectField(format, attribute, 'order', 'integer');
        expectField(format, attribute, 'description', 'text');
      }
      expect(attributes.map((a) => [a.code, a.datatype, String(a.required), String(a.order)])).toEqual([
        ['building', 'string', 'true', '1'],
        ['unit', 'string', 'false', '2'],
        ['urgency', 'singlevaluelist', 'false', '3'],
      ]);
      const urgencyValues = attributes[2].values as Array<Record<string, unknown>>;
      expect(urgencyValues.map((value) => value.key)).toEqual(['normal', 'urgent']);
      for (const value of urgencyValues) expectField(format, value, 'name', 'text');
    });

    it('files a hotline transfer with the community’s key and shows it, without the resident, until it is closed', async () => {
      const posted = await open311(format, 'POST', 'requests', {
        api_key: XIANGYUAN_KEY,
        service_code: 'elevator',
        address_id: 'beichen-aoyuan',
        'attribute[building]': '3幢',
        'attribute[unit]': UNIT,
        'attribute[urgency]': 'urgent',
        ...RESIDENT,
        description: DESCRIPTION,
        lat: '30.16',
        long: '120.27',
        email: 'resident@example.com',
      });
      expect(posted.status).toBe(201);
      expectContentType(format, posted);
      if (format === 'xml') expect(posted.root).toBe('service_requests');
      expect(posted.body).toHaveLength(1);
      expect(Object.keys(posted.body[0]).sort()).toEqual(['service_notice', 'service_request_id']);
      expectField(format, posted.body[0], 'service_notice', 'text');
      const caseId = posted.body[0].service_request_id as string;
      expect(caseId).toMatch(/^[0-9a-f-]{36}$/);

      // Filed through the domain as the community's staff, with everything the form said.
      const filed = await api.request('GET', `/cases/${caseId}`, staff);
      expect(filed.body).toMatchObject({
        category: 'elevator',
        urgency: 'urgent',
        channel: 'hotline_transfer',
        description: DESCRIPTION,
        location: { communityId: 'xiangyuan', compoundId: 'beichen-aoyuan', building: '3幢', unit: UNIT },
        resident: { name: '王阿姨', phone: RESIDENT.phone, masked: false },
      });
      const history = await api.request('GET', `/audit/cases/${caseId}/history`, auditor);
      expect(history.body.events[0].actor).toEqual({ userId: 'api-key:hotline-12345-xiangyuan', role: 'community_staff', organisationId: 'xiangyuan' });

      // By id at once: read from the case's stream.
      const byId = await open311(format, 'GET', `requests/${caseId}`);
      expect(byId.status).toBe(200);
      expectContentType(format, byId);
      if (format === 'xml') expect(byId.root).toBe('service_requests');
      expect(byId.body).toHaveLength(1);
      expectServiceRequest(format, byId.body[0]);
      expect(byId.body[0]).toMatchObject({
        service_request_id: caseId,
        status: 'open',
        service_code: 'elevator',
        service_name: '电梯故障',
        description: DESCRIPTION,
        address: '北辰奥园 3幢',
        address_id: 'beichen-aoyuan',
      });

      // Dispatched: the company holds the task, due by its resolve deadline.
      const task = await eventually(() => inboxTask(caseId), 'the dispatch');
      const dispatched = await eventually(async () => {
        const [request] = (await open311(format, 'GET', `requests/${caseId}`)).body;
        return request.agency_responsible === '北辰奥园物业服务中心' ? request : undefined;
      }, 'the company as agency responsible');
      expect(dispatched).toMatchObject({ status: 'open', expected_datetime: task.resolveBy });
      expect(dispatched.status_notes).toMatch(/待物业签收/);

      // Searches, by service, status and time window (the window given at +08:00).
      const window = `start_date=${encodeURIComponent(chinaTime(Date.now() - 3_600_000))}&end_date=${encodeURIComponent(chinaTime(Date.now() + 3_600_000))}`;
      const openElevators = await searchUntil(format, `service_code=elevator,water_leak&status=open&${window}`, caseId, true);
      for (const request of openElevators) {
        expectServiceRequest(format, request);
        expect(request.status).toBe('open');
        expect(['elevator', 'water_leak']).toContain(request.service_code);
      }
      await searchUntil(format, 'service_code=parking', caseId, false);
      await searchUntil(format, `status=closed&${window}`, caseId, false);
      await searchUntil(format, `end_date=${encodeURIComponent(chinaTime(Date.now() - 3_600_000))}`, caseId, false);
      const recent = await searchUntil(format, '', caseId, true);
      const requested = recent.map((request) => Date.parse(request.requested_datetime as string));
      expect(requested).toEqual([...requested].sort((a, b) => b - a));
      const named = await open311(format, 'GET', `requests?service_request_id=${caseId},${randomUUID()},not-a-case&status=closed`);
      expect(named.body.map((request: Record<string, unknown>) => request.service_request_id)).toEqual([caseId]);

      // Signed for, resolved, and closed by a satisfied call-back: closed at last.
      expect((await api.request('POST', `/cases/${caseId}/task/sign-for`, company)).status).toBe(200);
      expect((await open311(format, 'GET', `requests/${caseId}`)).body[0]).toMatchObject({ status: 'open', status_notes: expect.stringMatching(/办理中/) });
      expect((await api.request('POST', `/cases/${caseId}/task/resolve`, company, { note: '已更换电梯主板' })).status).toBe(200);
      expect((await open311(format, 'GET', `requests/${caseId}`)).body[0]).toMatchObject({ status: 'open', status_notes: expect.stringMatching(/待回访/) });
      expect((await api.request('POST', `/cases/${caseId}/call-back`, staff, { outcome: 'satisfied', rating: 5 })).body.status).toBe('closed');
      const closed = (await open311(format, 'GET', `requests/${caseId}`)).body[0];
      expectServiceRequest(format, closed);
      expect(closed).toMatchObject({ status: 'closed', status_notes: '已办结 / closed' });
      expect(Date.parse(closed.updated_datetime)).toBeGreaterThan(Date.parse(closed.requested_datetime));
      await searchUntil(format, 'status=closed', caseId, true);
      await searchUntil(format, 'status=open', caseId, false);
    });

    it('answers every refusal in the spec’s error shape and status, and files nothing', async () => {
      const before = await caseLogLength(store);
      const valid = {
        api_key: XIANGYUAN_KEY,
        service_code: 'water_leak',
        address_id: 'wocheng-yinxiang',
        'attribute[building]': '5幢',
        ...RESIDENT,
        description: '楼上渗水',
      };

      expectErrors(format, await open311(format, 'GET', 'services/unicorns'), 404, 'service_code unicorns not found');
      const { api_key: _, ...withoutKey } = valid;
      expectErrors(format, await open311(format, 'POST', 'requests', withoutKey), 403, 'api_key is missing or invalid');
      expectErrors(format, await open311(format, 'POST', 'requests', { ...valid, api_key: 'open311-demo-nowhere' }), 403);
      expectErrors(format, await open311(format, 'POST', 'requests', { ...valid, api_key: '' }), 403);
      expectErrors(
        format,
        await open311(format, 'POST', 'requests', { ...valid, address_id: 'hushan-huayuan' }),
        400,
        /^address_id hushan-huayuan is not a compound of 湘源社区/,
      );
      expectErrors(format, await open311(format, 'POST', 'requests', { ...valid, address_id: 'nowhere' }), 400, /^address_id nowhere/);
      const manyProblems = await open311(format, 'POST', 'requests', {
        api_key: XIANGYUAN_KEY,
        service_code: 'unicorns',
        address_id: 'beichen-aoyuan',
        'attribute[urgency]': 'tomorrow',
        'attribute[colour]': 'red',
        phone: '12345',
        description: '   ',
      });
      expectErrors(
        format,
        manyProblems,
        400,
        /^service_code must be one of the following values/,
        'attribute[building] is required',
        /^attribute\[urgency\] must be one of the following values: normal, urgent/,
        /^attribute\[colour\] is not an attribute of this service/,
        /^first_name or last_name is required/,
        /^phone must be a mobile number/,
        'description is required',
      );
      expect(manyProblems.body).toHaveLength(7);

      expectErrors(format, await open311(format, 'GET', 'requests?start_date=yesterday'), 400, /^start_date must be one W3C date-time/);
      expectErrors(format, await open311(format, 'GET', 'requests?end_date=2026-02-30T00:00:00Z'), 400, /^end_date must be/);
      expectErrors(format, await open311(format, 'GET', 'requests?start_date=2026-11-01'), 400, /^start_date must be/);
      // An unencoded + arrives as a space.
      expectErrors(format, await open311(format, 'GET', 'requests?start_date=2026-11-01T00:00:00+08:00'), 400, /%2B/);
      expectErrors(
        format,
        await open311(format, 'GET', 'requests?start_date=2026-11-02T00:00:00Z&end_date=2026-11-01T00:00:00Z&status=pending&service_code=unicorns'),
        400,
        'start_date is after end_date',
        'status pending is neither open nor closed',
        /^service_code unicorns is not a service here/,
      );
      expectErrors(format, await open311(format, 'GET', `requests/${randomUUID()}`), 404, /not found$/);
      expectErrors(format, await open311(format, 'GET', 'requests/not-a-case'), 404);
      expectErrors(format, await open311(format, 'GET', 'nothing-here'), 404, /no Open311 resource answers GET/);
      expectErrors(format, await open311(format, 'DELETE', 'services'), 404);

      expect(await caseLogLength(store)).toBe(before);
    });
  });

  it('accepts a JSON body too, attributes nested or flat, urgency normal by default; other names than Chinese keep the given name first', async () => {
    const posted = await open311('json', 'POST', 'requests', {
      json: {
        api_key: 'open311-demo-hushan',
        service_code: 'water_leak',
        address_id: 'hushan-huayuan',
        attribute: { building: '5幢' },
        'attribute[unit]': HUSHAN_UNIT,
        first_name: 'Wei',
        last_name: 'Li',
        phone: '0571-12345678',
        description: '楼上渗水',
      },
    });
    expect(posted.status).toBe(201);
    const caseId = posted.body[0].service_request_id as string;
    const filed = await api.request('GET', `/cases/${caseId}`, await api.login('staff.hushan'));
    expect(filed.body).toMatchObject({
      category: 'water_leak',
      urgency: 'normal',
      channel: 'hotline_transfer',
      location: { communityId: 'hushan', compoundId: 'hushan-huayuan', building: '5幢', unit: HUSHAN_UNIT },
      resident: { name: 'Wei Li', phone: '0571-12345678' },
    });
  });

  it('answers a path with an unknown extension with a 404 in JSON', async () => {
    const answer = await open311('csv', 'GET', 'services');
    expectErrors('json', answer, 404, /end in \.json or \.xml$/);
  });

  it.each(FORMATS)('answers a body it cannot parse with a 400 in %s', async (format) => {
    const response = await fetch(`${api.baseUrl}/open311/v2/requests.${format}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"api_key": ',
    });
    const text = await response.text();
    const errors = format === 'json' ? JSON.parse(text) : fromXml(xmlParser.parse(text).errors, 'errors');
    expect(response.status).toBe(400);
    expect(errors).toEqual([{ code: format === 'json' ? 400 : '400', description: expect.any(String) }]);
  });

  it('leaves the rest of the API guarded and validated as before', async () => {
    expect((await api.request('GET', '/cases')).status).toBe(401);
    expect((await api.request('GET', '/tasks/inbox', 'forged.token.value')).status).toBe(401);
    const extra = await api.request('POST', '/cases', staff, { extra: true });
    expect(extra.status).toBe(400);
    expect(extra.body.message).toContain('property extra should not exist');
    const unreadable = await api.request('POST', '/cases', staff, '{not json');
    expect(unreadable).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: expect.any(String) } });
    const domainRefusal = await api.request('GET', `/cases/${randomUUID()}`, staff);
    expect(domainRefusal).toMatchObject({ status: 404, body: { statusCode: 404, error: 'not found' } });
  });

  it('never shows a resident’s name, phone or unit in what it answers to GET', async () => {
    for (const format of FORMATS) {
      const everything = await open311(format, 'GET', 'requests');
      const ids = (everything.body as Array<{ service_request_id: string }>).map((request) => request.service_request_id);
      expect(ids.length).toBeGreaterThan(0);
      await open311(format, 'GET', `requests?service_request_id=${ids.join(',')}`);
    }
    const residentData = ['王阿姨', '阿姨', RESIDENT.phone, UNIT, HUSHAN_UNIT, 'Wei Li', '0571-12345678', 'resident@example.com'];
    for (const answer of publicAnswers) {
      for (const secret of residentData) expect(answer).not.toContain(secret);
    }
  });
});
