import { IdempotencyStore } from '@yixin/idempotency';
import type { EventStore } from '@yixin/event-store';
import { requestFingerprint } from '../../apps/api/src/idempotency/idempotency.guard';
import { startE2eApp, type E2eApp } from '@yixin/testing';
import { caseEventTypes, E2E_BACKENDS, caseLogLength, sampleComplaint, type ApiClient } from '@yixin/testing';

/** Idempotency-Key on writes, over real HTTP, with the keys in the record store of each backend. */
describe.each(E2E_BACKENDS)('Idempotency-Key on %s', (backend) => {
  let e2e: E2eApp;
  let api: ApiClient;
  let store: EventStore;
  let staff: { token: string; userId: string };
  let otherStaff: string;
  let communityAdmin: string;
  /** One complaint, sent again and again: the retries must be byte for byte the same request. */
  const complaint = sampleComplaint();

  const file = (key: string, body: unknown = complaint, token = staff.token) =>
    api.request('POST', '/cases', token, body, { 'Idempotency-Key': key });

  beforeAll(async () => {
    // No Temporal: filing only appends to the log.
    e2e = await startE2eApp({ process: 'api', backend, users: { otherStaff: 'staff.hushan', communityAdmin: 'admin.xiangyuan' } });
    ({ api, store } = e2e);
    ({ otherStaff, communityAdmin } = e2e.tokens);
    const login = await api.request('POST', '/auth/login', undefined, { username: 'staff.xiangyuan', password: 'yixin-demo' });
    staff = { token: login.body.accessToken, userId: login.body.userId };
  });

  afterAll(() => e2e?.stop());

  it('answers a retried filing with the stored answer, marked as replayed, and appends nothing', async () => {
    const first = await file('filing-0001');
    expect(first.status).toBe(201);
    expect(first.headers.has('idempotent-replayed')).toBe(false);
    const afterFirst = await caseLogLength(store);

    const retry = await file('filing-0001');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(await caseLogLength(store)).toBe(afterFirst);
    expect(await caseEventTypes(store, first.body.caseId)).toEqual(['ComplaintFiled']);

    // The same body with its keys in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(complaint).reverse());
    const reorderedRetry = await file('filing-0001', reordered);
    expect(reorderedRetry.status).toBe(201);
    expect(reorderedRetry.body.caseId).toBe(first.body.caseId);
    expect(await caseLogLength(store)).toBe(afterFirst);
  });

  it('replays the answers of other writes too, with a body or without (204)', async () => {
    const user = { username: 'grid.idempotent.xiangyuan', displayName: '网格员', role: 'community_staff', password: 'Grid-member-2026' };
    const created = await api.request('POST', '/admin/users', communityAdmin, user, { 'Idempotency-Key': 'new-grid-member' });
    const createdAgain = await api.request('POST', '/admin/users', communityAdmin, user, { 'Idempotency-Key': 'new-grid-member' });
    expect([created.status, createdAgain.status]).toEqual([201, 201]);
    expect(createdAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(createdAgain.body).toEqual(created.body);

    const reset = () =>
      api.request('POST', `/admin/users/${user.username}/password`, communityAdmin, { password: 'Grid-member-2027' }, { 'Idempotency-Key': 'reset-grid-member' });
    const first = await reset();
    const retry = await reset();
    expect([first.status, retry.status]).toEqual([204, 204]);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect((await api.request('POST', '/auth/login', undefined, { username: user.username, password: 'Grid-member-2027' })).status).toBe(200);
  });

  it('refuses the key sent with another body with 422 in the API’s error format, and appends nothing', async () => {
    expect((await file('filing-0002')).status).toBe(201);
    const before = await caseLogLength(store);
    const other = await file('filing-0002', { ...complaint, description: '另一件事：楼道灯不亮' });
    expect(other.status).toBe(422);
    expect(other.body).toEqual({ statusCode: 422, error: 'Unprocessable Entity', message: expect.stringMatching(/another request/) });
    expect(await caseLogLength(store)).toBe(before);
  });

  it('answers 409 while a request with the same key is still running, and appends nothing', async () => {
    // Another API process has claimed the key for this very request and not answered yet.
    const fingerprint = requestFingerprint({ method: 'POST', originalUrl: '/cases', body: complaint });
    expect(await e2e.app.get(IdempotencyStore).claim(staff.userId, 'filing-0003', fingerprint)).toEqual({ kind: 'claimed' });
    const before = await caseLogLength(store);
    const running = await file('filing-0003');
    expect(running.status).toBe(409);
    expect(running.body).toEqual({ statusCode: 409, error: 'Conflict', message: expect.stringMatching(/still running/) });
    expect(await caseLogLength(store)).toBe(before);
  });

  it('files one case when the same request is sent many times at once', async () => {
    const before = await caseLogLength(store);
    const answers = await Promise.all(Array.from({ length: 6 }, () => file('filing-0004')));
    const filed = answers.filter((answer) => answer.status === 201);
    expect(filed.length).toBeGreaterThanOrEqual(1);
    expect(new Set(filed.map((answer) => answer.body.caseId)).size).toBe(1);
    expect(answers.every((answer) => answer.status === 201 || answer.status === 409)).toBe(true);
    expect(await caseLogLength(store)).toBe(before + 1);
  });

  it('keeps keys per user: another user’s request with the same key runs', async () => {
    const mine = await file('shared-key');
    const hushanComplaint = { ...complaint, location: { communityId: 'hushan', compoundId: 'hushan-huayuan', building: '1幢' } };
    const theirs = await file('shared-key', hushanComplaint, otherStaff);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.headers.has('idempotent-replayed')).toBe(false);
    expect(theirs.body.caseId).not.toBe(mine.body.caseId);
  });

  it('stores no refusal: after a 400 the same key runs the corrected request', async () => {
    const invalid = await file('filing-0005', { ...complaint, category: 'unicorns' });
    expect(invalid.status).toBe(400);
    const corrected = await file('filing-0005');
    expect(corrected.status).toBe(201);
    expect(corrected.headers.has('idempotent-replayed')).toBe(false);
  });

  it('rejects a key that is empty, too long or not printable ASCII with 400', async () => {
    const before = await caseLogLength(store);
    for (const key of ['', 'k'.repeat(129), 'cl\u00e9']) {
      const answer = await file(key);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Idempotency-Key must be 1 to 128 printable ASCII characters' });
    }
    expect(await caseLogLength(store)).toBe(before);
  });
});
