import { AttachmentStore } from '@yixin/attachments';
import { randomUUID } from 'node:crypto';
import { setUpControllerUnderTest } from '@yixin/testing';
import { AuthGuard } from '../auth/auth.guard';
import { configureHttpApp } from '../http-app';
import { AttachmentsController, PhotoUpload } from './attachments.controller';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cf00000301010018dd8db40000000049454e44ae426082', 'hex');

describe('AttachmentsController in isolation: what it refuses before storing (a fake AttachmentStore)', () => {
  const stored: unknown[] = [];
  const read: unknown[] = [];
  const store: Partial<AttachmentStore> = {
    requireMayUpload: async () => undefined,
    store: async (...args) => (stored.push(args), { hash: 'h', contentType: 'image/png', size: PNG.length } as never),
    read: async (...args) => (read.push(args), { content: PNG, contentType: 'image/png', size: PNG.length } as never),
  };
  const under = setUpControllerUnderTest({
    controllers: [AttachmentsController],
    guards: [AuthGuard],
    providers: [{ provide: AttachmentStore, useValue: store }, PhotoUpload],
    env: { ATTACHMENT_MAX_BYTES: '1024' },
    configure: configureHttpApp,
    beforeEach: () => {
      stored.length = 0;
      read.length = 0;
    },
  });

  async function upload(caseId: string, parts: Array<[string, Blob, string?]>): Promise<{ status: number; body: any }> {
    const form = new FormData();
    for (const [name, blob, filename] of parts) form.append(name, blob, filename);
    const token = await under.tokenFor('community_staff');
    const response = await fetch(`${await under.app.getUrl()}/cases/${caseId}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    return { status: response.status, body: await response.json() };
  }

  it('stores a PNG sent as the field "file"', async () => {
    expect(await upload(randomUUID(), [['file', new Blob([PNG], { type: 'image/png' }), 'dot.png']])).toMatchObject({ status: 201 });
    expect(stored).toHaveLength(1);
  });

  it('refuses a malformed case id, no photo, an empty photo, a text file and a photo too large, storing nothing', async () => {
    const caseId = randomUUID();
    expect(await upload('42', [['file', new Blob([PNG], { type: 'image/png' }), 'dot.png']])).toEqual({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: 'caseId must be a UUID' } });
    expect(await upload(caseId, [])).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: ['a photo is required, as the multipart/form-data field "file"'] } });
    expect(await upload(caseId, [['file', new Blob([]), 'empty.png']])).toMatchObject({ status: 400, body: { message: ['the photo is empty'] } });
    expect(await upload(caseId, [['file', new Blob(['hello'], { type: 'text/plain' }), 'note.txt']])).toMatchObject({
      status: 415,
      body: { statusCode: 415, message: 'the file is not a JPEG, PNG or WebP image by its content (declared text/plain)' },
    });
    expect(await upload(caseId, [['file', new Blob([PNG, Buffer.alloc(2048)], { type: 'image/png' }), 'big.png']])).toMatchObject({
      status: 413,
      body: { statusCode: 413, message: 'the photo is larger than 1024 bytes (ATTACHMENT_MAX_BYTES)' },
    });
    expect(stored).toEqual([]);
  });

  it('refuses an upload by roles that add no evidence, and a download of a malformed hash', async () => {
    const answer = await under.request('POST', `/cases/${randomUUID()}/attachments`, await under.tokenFor('auditor'));
    expect(answer.status).toBe(403);
    const badHash = await under.request('GET', '/attachments/not-a-hash', await under.tokenFor('auditor'));
    expect(badHash.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'hash must be the lowercase hex SHA-256 of a photo' });
    expect((await under.request('GET', `/attachments/${'a'.repeat(64)}`)).status).toBe(401);
    expect(read).toEqual([]);
  });
});
