import { CommandBus } from '@nestjs/cqrs';
import { createHash, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { crc32, deflateSync } from 'node:zlib';
import { AttachmentStore } from '@yixin/attachments';
import { readCaseStream } from '@yixin/case-stream';
import { ExecuteCaseCommand } from '@yixin/cases';
import { type YixinConfig } from '@yixin/config';
import { type SqlDatabase } from '@yixin/stores';
import { systemActor } from '@yixin/domain';
import type { EventStore } from '@yixin/event-store';
import { startE2eApp, type E2eApp } from '@yixin/testing';
import { E2E_BACKENDS, caseLogLength, sampleComplaint, type ApiClient, type HttpResult } from '@yixin/testing';

const MAX_BYTES = 4096;

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, checksum]);
}

/** A real PNG of one pixel: another colour, another photo. `padding` bytes of text make it as large as a test needs. */
function onePixelPng(rgb: [number, number, number], padding = 0): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // truecolour
  const chunks = [pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(Buffer.from([0, ...rgb])))];
  if (padding > 0) chunks.push(pngChunk('tEXt', Buffer.from(`Comment\0${'x'.repeat(padding)}`, 'latin1')));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks, pngChunk('IEND', Buffer.alloc(0))]);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Photos of one size, told apart by their colour: the quotas below count them. */
const quotaPhoto = (shade: number) => onePixelPng([shade, shade, shade], 3000);
const QUOTA_PHOTO_BYTES = quotaPhoto(1).length;
const PHOTOS_PER_CASE = 4;
/** Five photos of quotaPhoto's size a day. */
const BYTES_PER_DAY = 5 * QUOTA_PHOTO_BYTES;
const GRACE_HOURS = 48;

/** Photos as evidence over real HTTP: stored by content, checked by their bytes, cited by a resolution. Without Temporal: the test dispatches as the workflow would. */
describe.each(E2E_BACKENDS)('evidence photos on %s', (backend) => {
  let e2e: E2eApp;
  let config: YixinConfig;
  let api: ApiClient;
  let store: EventStore;
  let recordStore: SqlDatabase;
  let staff: string;
  let company: string;
  let foreignCompany: string;
  let streetOfficer: string;
  let auditor: string;

  beforeAll(async () => {
    e2e = await startE2eApp({
      process: 'api',
      backend,
      env: {
        ATTACHMENT_MAX_BYTES: String(MAX_BYTES),
        ATTACHMENT_MAX_PER_CASE: String(PHOTOS_PER_CASE),
        ATTACHMENT_MAX_BYTES_PER_ORGANISATION_PER_DAY: String(BYTES_PER_DAY),
        ATTACHMENT_UNCITED_GRACE_HOURS: String(GRACE_HOURS),
      },
      users: { staff: 'staff.xiangyuan', company: 'pc.beichen-aoyuan', foreignCompany: 'pc.wocheng-yinxiang', streetOfficer: 'street.officer', auditor: 'auditor' },
    });
    ({ config, api, store, recordStore } = e2e);
    ({ staff, company, foreignCompany, streetOfficer, auditor } = e2e.tokens);
  });

  afterAll(() => e2e?.stop());

  async function upload(token: string, caseId: string, bytes: Buffer, type = 'image/png', field = 'file'): Promise<HttpResult> {
    const form = new FormData();
    form.append(field, new Blob([bytes], { type }), 'photo.png');
    const response = await fetch(`${api.baseUrl}/cases/${caseId}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  async function download(token: string, hash: string) {
    const response = await fetch(`${api.baseUrl}/attachments/${hash}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
  }

  /** Filed by the community's staff and dispatched to 北辰奥园's company, as the case workflow does; signed for if asked. */
  async function caseWithTask({ signedFor }: { signedFor: boolean }): Promise<string> {
    const filed = await api.request('POST', '/cases', staff, sampleComplaint());
    expect(filed.status).toBe(201);
    const caseId: string = filed.body.caseId;
    const dispatch = { type: 'DispatchTask' as const, caseId, actor: systemActor(config.centerOrganisationId), at: new Date().toISOString(), taskId: randomUUID() };
    await e2e.app.get(CommandBus).execute(new ExecuteCaseCommand(dispatch));
    if (signedFor) expect((await api.request('POST', `/cases/${caseId}/task/sign-for`, company)).status).toBe(200);
    return caseId;
  }

  const storedCopies = async (hash: string) =>
    Number((await recordStore.query<{ copies: number }>('SELECT COUNT(*) AS copies FROM attachments WHERE hash = ?', [hash]))[0].copies);

  it('stores a photo by the SHA-256 of its bytes, once however often and by whomever it is sent', async () => {
    const caseId = await caseWithTask({ signedFor: false });
    const photo = onePixelPng([200, 30, 30]);
    const first = await upload(company, caseId, photo);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ hash: sha256(photo), size: photo.length, contentType: 'image/png' });
    const again = await upload(company, caseId, photo);
    const byStaff = await upload(staff, caseId, photo, 'application/octet-stream');
    expect([again.status, byStaff.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    expect(byStaff.body).toEqual(first.body);
    expect(await storedCopies(first.body.hash)).toBe(1);
  });

  it('refuses a file whose bytes are no JPEG, PNG or WebP with 415, whatever type it declares', async () => {
    const caseId = await caseWithTask({ signedFor: false });
    const fake = Buffer.from('GIF89a… or a script; it says it is a PNG');
    const refused = await upload(company, caseId, fake, 'image/png');
    expect(refused.status).toBe(415);
    expect(refused.body.message).toMatch(/not a JPEG, PNG or WebP image by its content \(declared image\/png\)/);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF')]);
    const mislabelled = await upload(company, caseId, jpeg, 'image/png');
    expect(mislabelled.status).toBe(415);
    expect(mislabelled.body.message).toMatch(/declared image\/png but its content is image\/jpeg/);
    expect(await storedCopies(sha256(fake))).toBe(0);
  });

  it('refuses a photo larger than ATTACHMENT_MAX_BYTES with 413, and stores nothing of it', async () => {
    const caseId = await caseWithTask({ signedFor: false });
    const large = onePixelPng([1, 2, 3], MAX_BYTES);
    const refused = await upload(company, caseId, large);
    expect(refused.status).toBe(413);
    expect(refused.body.message).toBe(`the photo is larger than ${MAX_BYTES} bytes (ATTACHMENT_MAX_BYTES)`);
    expect(await storedCopies(sha256(large))).toBe(0);
    expect((await upload(company, caseId, onePixelPng([1, 2, 3], MAX_BYTES - 200))).status).toBe(201);
  });

  it('takes photos only from the community’s staff and the organisation holding the task, as the field "file"', async () => {
    const caseId = await caseWithTask({ signedFor: false });
    const photo = onePixelPng([10, 20, 30]);
    expect((await upload(foreignCompany, caseId, photo)).status).toBe(404);
    expect((await upload(streetOfficer, caseId, photo)).status).toBe(403);
    expect((await upload(await api.login('staff.hushan'), caseId, photo)).status).toBe(404);
    const wrongField = await upload(company, caseId, photo, 'image/png', 'photo');
    expect(wrongField.status).toBe(400);
    const none = await api.request('POST', `/cases/${caseId}/attachments`, company, {});
    expect(none.status).toBe(400);
    expect(none.body.message).toEqual(['a photo is required, as the multipart/form-data field "file"']);
    expect((await upload(company, randomUUID(), photo)).status).toBe(404);
    expect(await storedCopies(sha256(photo))).toBe(0);
  });

  it('resolves a task with photos as evidence: TaskResolved cites them, the community’s staff see them, another company does not', async () => {
    const caseId = await caseWithTask({ signedFor: true });
    const [before, after] = [onePixelPng([90, 90, 90]), onePixelPng([0, 160, 60])];
    const [beforeHash, afterHash] = [sha256(before), sha256(after)];
    expect((await upload(company, caseId, before)).status).toBe(201);
    expect((await upload(company, caseId, after)).status).toBe(201);

    // Not cited yet: only the company that uploaded the photos sees them.
    expect((await download(company, afterHash)).status).toBe(200);
    expect((await download(staff, afterHash)).status).toBe(404);

    const progress = await api.request('POST', `/cases/${caseId}/task/progress`, company, { note: '已拆下故障主板', evidence: [beforeHash] });
    expect(progress.status).toBe(200);
    const resolved = await api.request('POST', `/cases/${caseId}/task/resolve`, company, { note: '已更换主板，恢复运行', evidence: [beforeHash, afterHash] });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', appended: ['TaskResolved'] });

    const events = await readCaseStream(store, caseId);
    const [reported, resolution] = [events.find((event) => event.type === 'ProgressReported')!, events.find((event) => event.type === 'TaskResolved')!];
    expect([reported.schemaVersion, reported.data.evidence]).toEqual([2, [beforeHash]]);
    expect([resolution.schemaVersion, resolution.data.evidence]).toEqual([2, [beforeHash, afterHash]]);
    expect((await api.request('GET', `/cases/${caseId}`, staff)).body.evidence).toEqual([beforeHash, afterHash]);

    const seenByStaff = await download(staff, afterHash);
    expect(seenByStaff).toEqual({ status: 200, type: 'image/png', bytes: after });
    expect((await download(auditor, afterHash)).status).toBe(200);
    expect((await download(foreignCompany, afterHash)).status).toBe(404);
    expect((await download(await api.login('staff.hushan'), afterHash)).status).toBe(404);
    expect((await download(staff, 'not-a-hash')).status).toBe(400);
  });

  it('refuses evidence not uploaded for the case, or more than ten photos, and appends nothing', async () => {
    const caseId = await caseWithTask({ signedFor: true });
    const elsewhere = await caseWithTask({ signedFor: false });
    const photo = onePixelPng([5, 5, 250]);
    expect((await upload(company, elsewhere, photo)).status).toBe(201);
    const before = await caseLogLength(store);

    const foreignEvidence = await api.request('POST', `/cases/${caseId}/task/resolve`, company, { note: '已修复', evidence: [sha256(photo)] });
    expect(foreignEvidence.status).toBe(400);
    expect(foreignEvidence.body.message).toMatch(new RegExp(`no photo ${sha256(photo)} was uploaded for case ${caseId}`));
    const tooMany = await api.request('POST', `/cases/${caseId}/task/resolve`, company, { note: '已修复', evidence: Array.from({ length: 11 }, (_, i) => sha256(Buffer.from([i]))) });
    expect(tooMany.status).toBe(400);
    const malformed = await api.request('POST', `/cases/${caseId}/task/resolve`, company, { note: '已修复', evidence: ['photo.jpg'] });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toEqual(['each of evidence must be the lowercase hex SHA-256 of an uploaded photo']);
    expect(await caseLogLength(store)).toBe(before);
  });
  it('lets the community’s staff cite the photos of a complaint as its evidence: then the company holding the task sees them', async () => {
    const caseId = await caseWithTask({ signedFor: false });
    const photo = onePixelPng([240, 200, 10]);
    const hash = sha256(photo);
    expect((await upload(staff, caseId, photo)).status).toBe(201);
    expect((await download(company, hash)).status).toBe(404);

    const idempotencyKey = randomUUID();
    const attach = () => api.request('POST', `/cases/${caseId}/evidence`, staff, { evidence: [hash], note: '居民提供的漏水现场照片' }, { 'Idempotency-Key': idempotencyKey });
    const attached = await attach();
    expect([attached.status, attached.body]).toEqual([200, expect.objectContaining({ status: 'awaiting_sign_for', appended: ['EvidenceAttached'] })]);
    expect((await attach()).body).toEqual(attached.body);

    const events = (await readCaseStream(store, caseId)).filter((event) => event.type === 'EvidenceAttached');
    expect(events.map((event) => [event.schemaVersion, event.data])).toEqual([[1, { evidence: [hash], note: '居民提供的漏水现场照片', attachedAt: expect.any(String) }]]);
    expect((await api.request('GET', `/cases/${caseId}`, company)).body.evidence).toEqual([hash]);
    expect(await download(company, hash)).toEqual({ status: 200, type: 'image/png', bytes: photo });
    expect((await download(foreignCompany, hash)).status).toBe(404);
    const history = await api.request('GET', `/audit/cases/${caseId}/history`, auditor);
    expect(history.body.events.find((event: { type: string }) => event.type === 'EvidenceAttached').data.evidence).toEqual([hash]);
  });

  it('refuses evidence from staff of another community (404) or the company, photos not uploaded for the case (400), a closed case (409), and appends nothing', async () => {
    const caseId = await caseWithTask({ signedFor: false });
    const photo = onePixelPng([250, 5, 5]);
    const hash = sha256(photo);
    expect((await upload(staff, caseId, photo)).status).toBe(201);
    const before = await caseLogLength(store);
    const attach = (token: string, evidence: string[]) => api.request('POST', `/cases/${caseId}/evidence`, token, { evidence });

    expect((await attach(await api.login('staff.hushan'), [hash])).status).toBe(404);
    expect((await attach(company, [hash])).status).toBe(403);
    const neverUploaded = sha256(onePixelPng([251, 6, 6]));
    const missing = await attach(staff, [hash, neverUploaded]);
    expect([missing.status, missing.body.message]).toEqual([400, `no photo ${neverUploaded} was uploaded for case ${caseId}; upload it first`]);
    expect((await attach(staff, [])).status).toBe(400);
    const twice = await attach(staff, [hash, hash]);
    expect([twice.status, twice.body.message]).toEqual([400, expect.stringMatching(`names photo ${hash} twice`)]);
    expect(await caseLogLength(store)).toBe(before);

    expect((await api.request('POST', `/cases/${caseId}/withdraw`, staff, { note: '居民撤回' })).status).toBe(200);
    const afterClosing = await caseLogLength(store);
    const closed = await attach(staff, [hash]);
    expect([closed.status, closed.body.message]).toEqual([409, expect.stringMatching(/is closed/)]);
    expect(await caseLogLength(store)).toBe(afterClosing);
  });

  /** Sends a multipart request's headers and the start of its body, never the rest; what the server answers within 3 s, if anything. */
  function answerBeforeTheBody(token: string, caseIdInPath: string, declaredLength: number): Promise<string> {
    const { hostname, port } = new URL(api.baseUrl);
    return new Promise((resolve, reject) => {
      let answer = '';
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          `POST /cases/${caseIdInPath}/attachments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
            `Content-Type: multipart/form-data; boundary=b\r\nContent-Length: ${declaredLength}\r\n\r\n` +
            '--b\r\nContent-Disposition: form-data; name="file"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n',
        );
        socket.write(onePixelPng([7, 7, 7]).subarray(0, 16));
      });
      const giveUp = setTimeout(() => socket.destroy(), 3_000);
      socket.on('data', (chunk) => {
        answer += chunk.toString();
        if (answer.includes('\r\n\r\n')) socket.destroy();
      });
      socket.on('close', () => {
        clearTimeout(giveUp);
        resolve(answer.split('\r\n')[0]);
      });
      socket.on('error', reject);
    });
  }

  it('checks the case and the caller before reading a byte of the body: a stranger, a bad id and a body too large are answered at once', async () => {
    const caseId = await caseWithTask({ signedFor: false });
    const withinTheLimit = MAX_BYTES;
    expect(await answerBeforeTheBody(foreignCompany, caseId, withinTheLimit)).toBe('HTTP/1.1 404 Not Found');
    expect(await answerBeforeTheBody(company, randomUUID(), withinTheLimit)).toBe('HTTP/1.1 404 Not Found');
    expect(await answerBeforeTheBody(company, 'not-a-case-id', withinTheLimit)).toBe('HTTP/1.1 400 Bad Request');
    expect(await answerBeforeTheBody(streetOfficer, caseId, withinTheLimit)).toBe('HTTP/1.1 403 Forbidden');
    expect(await answerBeforeTheBody(company, caseId, 5_000_000)).toBe('HTTP/1.1 413 Payload Too Large');
  });

  it('takes no text field and no second part: a form padded with fields is refused, with 413 unread when larger than a photo, and nothing is stored', async () => {
    const caseId = await caseWithTask({ signedFor: false });
    const photo = onePixelPng([33, 66, 99]);
    const send = async (form: FormData) => {
      const response = await fetch(`${api.baseUrl}/cases/${caseId}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${company}` }, body: form });
      return { status: response.status, body: await response.json() };
    };
    const padded = (fieldBytes: number) => {
      const form = new FormData();
      for (let field = 0; field < 8; field++) form.append(`padding${field}`, 'x'.repeat(fieldBytes));
      form.append('file', new Blob([photo], { type: 'image/png' }), 'photo.png');
      return form;
    };
    expect((await send(padded(1024 * 1024))).status).toBe(413);
    const refused = await send(padded(100));
    expect(refused).toEqual({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: [expect.stringMatching(/^the upload is one photo in the multipart\/form-data field "file" and nothing else/)] },
    });
    const afterTheFile = new FormData();
    afterTheFile.append('file', new Blob([photo], { type: 'image/png' }), 'photo.png');
    afterTheFile.append('note', 'x');
    expect((await send(afterTheFile)).status).toBe(400);
    const twoFiles = new FormData();
    twoFiles.append('file', new Blob([photo], { type: 'image/png' }), 'photo.png');
    twoFiles.append('file', new Blob([photo], { type: 'image/png' }), 'again.png');
    expect((await send(twoFiles)).status).toBe(400);
    expect(await storedCopies(sha256(photo))).toBe(0);
  });

  it(`takes ${PHOTOS_PER_CASE} photos per case, and ${BYTES_PER_DAY} bytes per organisation in 24 hours, then 409 and 429 with Retry-After`, async () => {
    const hushanStaff = await api.login('staff.hushan');
    const fileHushanCase = async () =>
      (await api.request('POST', '/cases', hushanStaff, { ...sampleComplaint(), location: { communityId: 'hushan', compoundId: 'hushan-huayuan', building: `${randomUUID().slice(0, 8)}幢` } })).body
        .caseId as string;
    const [first, second] = [await fileHushanCase(), await fileHushanCase()];
    expect(new Set([1, 2, 3, 4, 5, 6].map((shade) => quotaPhoto(shade).length))).toEqual(new Set([QUOTA_PHOTO_BYTES]));
    // The same photo again takes no room; a fifth does not fit the case.
    for (const shade of [1, 1, 2, 3, 4]) expect((await upload(hushanStaff, first, quotaPhoto(shade))).status).toBe(201);
    const fifth = await upload(hushanStaff, first, quotaPhoto(5));
    expect(fifth.status).toBe(409);
    expect(fifth.body.message).toBe(`case ${first} has its ${PHOTOS_PER_CASE} photos (ATTACHMENT_MAX_PER_CASE); cite those it has`);
    // Four of the day's five photos are used: a larger one does not fit, one of the size does.
    const larger = onePixelPng([9, 9, 9], MAX_BYTES - 200);
    const over = await upload(hushanStaff, second, larger);
    expect(over.status).toBe(429);
    expect(over.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/^organisation hushan uploaded \d+ bytes of photos in the last 24 hours/) });
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter > 86_000 && retryAfter <= 86_400).toBe(true);
    expect((await upload(hushanStaff, second, quotaPhoto(5))).status).toBe(201);
    // The day is used up: refused before the body is read, however small the photo.
    expect((await upload(hushanStaff, second, onePixelPng([6, 6, 6]))).status).toBe(429);
    expect(await answerBeforeTheBody(hushanStaff, second, 200)).toBe('HTTP/1.1 429 Too Many Requests');
    expect(await storedCopies(sha256(larger))).toBe(0);
    // Another organisation's day is its own.
    expect((await upload(company, await caseWithTask({ signedFor: false }), quotaPhoto(6))).status).toBe(201);
  });

  // Last: the sweep removes every upload of the suite no event cites.
  it(`removes the uploads no event cites after ATTACHMENT_UNCITED_GRACE_HOURS, and the photos left without an upload; cited ones stay`, async () => {
    const caseId = await caseWithTask({ signedFor: true });
    const other = await caseWithTask({ signedFor: true });
    const [cited, uncited, shared, citedByStaff] = [onePixelPng([1, 99, 1]), onePixelPng([2, 99, 2]), onePixelPng([3, 99, 3]), onePixelPng([4, 99, 4])];
    for (const photo of [cited, uncited, shared]) expect((await upload(company, caseId, photo)).status).toBe(201);
    expect((await upload(company, other, shared)).status).toBe(201);
    expect((await upload(staff, caseId, citedByStaff)).status).toBe(201);
    expect((await api.request('POST', `/cases/${caseId}/evidence`, staff, { evidence: [sha256(citedByStaff)] })).status).toBe(200);
    const resolved = await api.request('POST', `/cases/${caseId}/task/resolve`, company, { note: '已修复', evidence: [sha256(cited), sha256(shared)] });
    expect(resolved.status).toBe(200);
    const sweep = e2e.app.get(AttachmentStore);

    // Within the grace period nothing goes.
    await sweep.removeUncited(Date.now() + (GRACE_HOURS - 1) * 3_600_000);
    expect((await download(company, sha256(uncited))).status).toBe(200);

    const removed = await sweep.removeUncited(Date.now() + (GRACE_HOURS + 1) * 3_600_000);
    expect(removed.uploadsRemoved).toBeGreaterThanOrEqual(2);
    expect((await download(company, sha256(uncited))).status).toBe(404);
    expect(await storedCopies(sha256(uncited))).toBe(0);
    expect((await download(staff, sha256(cited))).status).toBe(200);
    expect((await download(company, sha256(citedByStaff))).status).toBe(200);
    // Kept for the case citing it, gone from the case that never did.
    expect((await download(staff, sha256(shared))).status).toBe(200);
    const late = await api.request('POST', `/cases/${other}/task/progress`, company, { note: '进展', evidence: [sha256(shared)] });
    expect([late.status, late.body.message]).toEqual([400, `no photo ${sha256(shared)} was uploaded for case ${other}; upload it first`]);
    // Citations found once are remembered: the next sweep has nothing to read or remove.
    expect(await sweep.removeUncited(Date.now() + (GRACE_HOURS + 1) * 3_600_000)).toEqual({ uploadsRemoved: 0, photosRemoved: 0 });
  });
});
