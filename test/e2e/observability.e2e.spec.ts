import { readCaseStream } from '@yixin/case-stream';
import { JsonLogger } from '@yixin/observability';
import { startE2eApp, type E2eApp } from '@yixin/testing';
import { sampleComplaint, type ApiClient } from '@yixin/testing';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Logs, correlation ids and metrics of the API process over real HTTP, on SQLite. Its JSON log
 * lines are captured instead of written to stdout; Temporal is not running, so the health check
 * logs a warning inside a request.
 */
describe('structured logs, correlation ids and metrics', () => {
  const lines: string[] = [];
  let e2e: E2eApp;
  let api: ApiClient;
  let staff: string;

  const logged = () => lines.map((line) => JSON.parse(line) as Record<string, any>);

  beforeAll(async () => {
    e2e = await startE2eApp({ process: 'api', logger: new JsonLogger('info', (line) => lines.push(line)), users: { staff: 'staff.xiangyuan' } });
    api = e2e.api;
    staff = e2e.tokens.staff;
  });

  afterAll(() => e2e?.stop());

  it('writes one JSON object per line with time, level, context and message', () => {
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line.endsWith('\n')).toBe(true);
      expect(line.trim()).not.toContain('\n');
    }
    expect(logged()).toContainEqual(
      expect.objectContaining({ time: expect.any(String), level: 'info', context: 'NestApplication', message: 'Nest application successfully started' }),
    );
    expect(logged().every((entry) => !Number.isNaN(Date.parse(entry.time)))).toBe(true);
  });

  it('keeps a sane X-Correlation-Id, answers it, and logs the request once with method, route template, status and duration', async () => {
    const filed = await api.request('POST', '/cases', staff, sampleComplaint(), { 'X-Correlation-Id': 'intake-desk.42' });
    expect(filed.status).toBe(201);
    expect(filed.headers.get('x-correlation-id')).toBe('intake-desk.42');
    const read = await api.request('GET', `/cases/${filed.body.caseId}`, staff, undefined, { 'X-Correlation-Id': 'read-1' });
    expect(read.status).toBe(200);

    const requestLines = (correlationId: string) => logged().filter((entry) => entry.correlationId === correlationId && entry.context === 'Http');
    expect(requestLines('intake-desk.42')).toEqual([
      expect.objectContaining({ level: 'info', message: 'request', method: 'POST', route: '/cases', status: 201, durationMs: expect.any(Number), userId: expect.any(String) }),
    ]);
    expect(requestLines('read-1')).toEqual([expect.objectContaining({ method: 'GET', route: '/cases/:caseId', status: 200 })]);

    // The command the request executed is logged with the request's correlation id and its own id, which its events carry.
    const commandLines = logged().filter((entry) => entry.correlationId === 'intake-desk.42' && entry.context === 'Commands');
    expect(commandLines).toEqual([
      expect.objectContaining({ message: 'command executed', command: 'FileComplaint', outcome: 'ok', commandId: expect.any(String), durationMs: expect.any(Number) }),
    ]);
    const [complaintFiled] = await readCaseStream(e2e.store, filed.body.caseId);
    expect(complaintFiled.metadata.correlationId).toBe(commandLines[0].commandId);
  });

  it('replaces a missing or unsafe correlation id with a new UUID', async () => {
    for (const offered of [undefined, 'two words', 'x'.repeat(129), 'a\u00e9b']) {
      const answer = await api.request('GET', '/health/live', undefined, undefined, offered === undefined ? {} : { 'X-Correlation-Id': offered });
      expect(answer.headers.get('x-correlation-id')).toMatch(UUID);
    }
  });

  it('carries the correlation id on every line logged while serving the request', async () => {
    const health = await api.request('GET', '/health', undefined, undefined, { 'X-Correlation-Id': 'probe-7' });
    expect(health.status).toBe(503);
    const ofRequest = logged().filter((entry) => entry.correlationId === 'probe-7');
    expect(ofRequest).toEqual([
      expect.objectContaining({ level: 'warn', context: 'DependencyHealth', message: 'temporal is down', cause: expect.any(String) }),
      expect.objectContaining({ context: 'Http', route: '/health', status: 503 }),
    ]);
  });

  it('exposes Prometheus metrics: process defaults, requests by route template, commands by type and outcome, events appended', async () => {
    const filed = await api.request('POST', '/cases', staff, sampleComplaint());
    await api.request('GET', `/cases/${filed.body.caseId}`, staff);
    const unknownCompound = await api.request('POST', '/cases', staff, { ...sampleComplaint(), location: { ...sampleComplaint().location, compoundId: 'nowhere' } });
    expect(unknownCompound.status).toBe(400);
    const otherCommunity = await api.request('POST', '/cases', staff, {
      ...sampleComplaint(),
      location: { communityId: 'hushan', compoundId: 'hushan-huayuan', building: '1幢' },
    });
    expect(otherCommunity.status).toBe(403);
    // No worker runs here: the case is never dispatched, so its clock never ran and cannot resume.
    expect((await api.request('POST', `/cases/${filed.body.caseId}/clock/resume`, staff)).status).toBe(409);
    expect((await api.request('POST', '/cases', staff, { description: 'no command: refused by validation' })).status).toBe(400);

    const scrape = await api.request<string>('GET', '/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const metrics = scrape.body;
    expect(metrics).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(metrics).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(metrics).toMatch(/^http_request_duration_seconds_count\{method="POST",route="\/cases",status="201"\} 2$/m);
    expect(metrics).toMatch(/^http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/cases\/:caseId",status="200"\} 2$/m);
    expect(metrics).not.toContain(filed.body.caseId);
    expect(metrics).toMatch(/^yixin_commands_total\{command="FileComplaint",outcome="ok"\} 2$/m);
    expect(metrics).toMatch(/^yixin_commands_total\{command="FileComplaint",outcome="invalid"\} 1$/m);
    expect(metrics).toMatch(/^yixin_commands_total\{command="FileComplaint",outcome="forbidden"\} 1$/m);
    expect(metrics).toMatch(/^yixin_commands_total\{command="ResumeClock",outcome="conflict"\} 1$/m);
    expect(metrics).toMatch(/^yixin_events_appended_total\{type="ComplaintFiled"\} 2$/m);
    expect(metrics).not.toMatch(/^yixin_events_appended_total\{type="TaskSignedFor"\}/m);
  });
});
