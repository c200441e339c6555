import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { citedPhotos, foldCase, refuse, type Actor, type CaseEvent, type CaseState } from '@yixin/domain';
import type { EventStore } from '@yixin/event-store';
import { mayReadCase } from '@yixin/directory';
import { readCaseStream, toCaseEvent } from '@yixin/case-stream';
import { DirectoryService } from '@yixin/directory';
import { YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import type { SqlDatabase } from '@yixin/stores';
import { EVENT_STORE, RECORD_STORE } from '@yixin/stores';

export const ATTACHMENT_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type AttachmentContentType = (typeof ATTACHMENT_CONTENT_TYPES)[number];

const ascii = (text: string) => [...text].map((character) => character.charCodeAt(0));
const PNG_SIGNATURE = [0x89, ...ascii('PNG'), 0x0d, 0x0a, 0x1a, 0x0a];

/** The image type the bytes themselves announce, whatever the sender declared; undefined if none we accept. */
export function imageTypeOf(bytes: Uint8Array): AttachmentContentType | undefined {
  const startsWith = (signature: number[], offset = 0) => signature.every((byte, index) => bytes[offset + index] === byte);
  if (startsWith([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(PNG_SIGNATURE)) return 'image/png';
  if (startsWith(ascii('RIFF')) && startsWith(ascii('WEBP'), 8)) return 'image/webp';
  return undefined;
}

/**
 * Photos live in the record store, keyed by the SHA-256 of their bytes, so that every API process
 * of a deployment reads the same ones (SQLite file or PostgreSQL server) and a photo sent twice is
 * kept once. An upload row says for which case and by which organisation a photo was sent; a
 * citation row, that an event of that case cites it, as found by the sweep of uncited uploads.
 */
export function attachmentSchema(dialect: SqlDatabase['dialect']): string {
  const bytes = dialect === 'postgres' ? 'BYTEA' : 'BLOB';
  return `
    CREATE TABLE IF NOT EXISTS attachments (
      hash TEXT PRIMARY KEY, content_type TEXT NOT NULL, size BIGINT NOT NULL,
      content ${bytes} NOT NULL, stored_at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS attachment_uploads (
      hash TEXT NOT NULL REFERENCES attachments(hash), case_id TEXT NOT NULL, organisation_id TEXT NOT NULL,
      uploaded_by TEXT NOT NULL, uploaded_at TEXT NOT NULL,
      PRIMARY KEY (hash, case_id, organisation_id));
    CREATE INDEX IF NOT EXISTS attachment_uploads_case ON attachment_uploads (case_id);
    CREATE INDEX IF NOT EXISTS attachment_uploads_organisation ON attachment_uploads (organisation_id, uploaded_at);
    CREATE INDEX IF NOT EXISTS attachment_uploads_uploaded ON attachment_uploads (uploaded_at);
    CREATE TABLE IF NOT EXISTS attachment_citations (
      hash TEXT NOT NULL, case_id TEXT NOT NULL, PRIMARY KEY (hash, case_id))`;
}

export interface StoredAttachment {
  hash: string;
  size: number;
  contentType: AttachmentContentType;
}

interface AttachmentRow {
  content_type: AttachmentContentType;
  size: number;
  content: Buffer;
}

/** The photos a case's events cite, each once, in the order first cited. */
export function evidenceOf(events: readonly CaseEvent[]): string[] {
  return [...new Set(events.flatMap(citedPhotos))];
}

/** An organisation's uploads of the last 24 hours reached ATTACHMENT_MAX_BYTES_PER_ORGANISATION_PER_DAY. */
export class UploadQuotaExceeded extends Error {
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

const DAY_MS = 24 * 3_600_000;
/** Uploads looked at per step of a sweep, so that a first sweep of a large store does not hold it long. */
const SWEEP_BATCH = 200;

/** Those who may back a case's handling with photos: its community's staff and whoever holds its task. */
function mayAttach(actor: Actor, state: CaseState): boolean {
  if (actor.role === 'community_staff') return actor.organisationId === state.communityId;
  return actor.role === state.task?.assigneeKind && actor.organisationId === state.task.assigneeOrganisationId;
}

/**
 * Evidence photos: stored for a case by those who may add to it, cited by hash in its events, shown
 * to the uploader's organisation and to anyone who may read a case citing them.
 */
@Injectable()
export class AttachmentStore {
  private readonly quotas: YixinConfig['attachmentQuotas'];

  constructor(
    @Inject(RECORD_STORE) private readonly db: SqlDatabase,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    private readonly directory: DirectoryService,
    @Inject(YIXIN_CONFIG) config: YixinConfig,
  ) {
    this.quotas = config.attachmentQuotas;
  }

  /**
   * Refuses as `store` would, before the photo's bytes are read: a case the uploader may not add to,
   * a closed case, a case with all its photos, an organisation with none of its day's bytes left.
   */
  async requireMayUpload(uploader: Actor, caseId: string): Promise<void> {
    await this.requireOpenCaseFor(uploader, caseId);
    await this.requireRoomForPhoto(caseId);
    await this.requireDailyAllowance(uploader.organisationId, 1);
  }

  /** `contentType` is what the bytes were found to be (imageTypeOf), not what the sender declared. */
  async store(uploader: Actor, caseId: string, bytes: Buffer, contentType: AttachmentContentType): Promise<StoredAttachment> {
    await this.requireOpenCaseFor(uploader, caseId);
    const hash = createHash('sha256').update(bytes).digest('hex');
    const [uploadedBefore] = await this.db.query<{ hash: string }>(
      'SELECT hash FROM attachment_uploads WHERE case_id = ? AND organisation_id = ? AND hash = ?',
      [caseId, uploader.organisationId, hash],
    );
    const answer = { hash, size: bytes.length, contentType };
    // The same photo again adds nothing to the case nor to the day's bytes.
    if (uploadedBefore) return answer;
    await this.requireRoomForPhoto(caseId, hash);
    await this.requireDailyAllowance(uploader.organisationId, bytes.length);
    const storedAt = new Date().toISOString();
    const upload = {
      sql: `INSERT INTO attachment_uploads (hash, case_id, organisation_id, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (hash, case_id, organisation_id) DO NOTHING`,
      params: [hash, caseId, uploader.organisationId, uploader.userId, storedAt],
    };
    const [known] = await this.db.query<{ hash: string }>('SELECT hash FROM attachments WHERE hash = ?', [hash]);
    if (known) {
      // A photo already kept is not sent to the database again; unless the sweep removed it since
      // the look, when the upload's reference to it fails and it is stored anew below.
      try {
        await this.db.batch([upload]);
        return answer;
      } catch {}
    }
    await this.db.batch([
      {
        sql: `INSERT INTO attachments (hash, content_type, size, content, stored_at) VALUES (?, ?, ?, ?, ?)
              ON CONFLICT (hash) DO NOTHING`,
        params: [hash, contentType, bytes.length, bytes, storedAt],
      },
      upload,
    ]);
    return answer;
  }

  /**
   * Removes the uploads that no event of their case cites once they are older than
   * ATTACHMENT_UNCITED_GRACE_HOURS, and the photos no upload is left for. Cited uploads are
   * remembered, so that each upload's case is read once. Safe to run in several processes at once.
   */
  async removeUncited(now = Date.now()): Promise<{ uploadsRemoved: number; photosRemoved: number }> {
    const before = new Date(now - this.quotas.uncitedGraceHours * 3_600_000).toISOString();
    let uploadsRemoved = 0;
    let photosRemoved = 0;
    for (;;) {
      const candidates = await this.db.query<{ hash: string; case_id: string; organisation_id: string }>(
        `SELECT u.hash, u.case_id, u.organisation_id FROM attachment_uploads u
         WHERE u.uploaded_at < ? AND NOT EXISTS (SELECT 1 FROM attachment_citations c WHERE c.hash = u.hash AND c.case_id = u.case_id)
         ORDER BY u.uploaded_at LIMIT ?`,
        [before, SWEEP_BATCH],
      );
      if (candidates.length === 0) return { uploadsRemoved, photosRemoved };
      const cited = new Map<string, Set<string>>();
      for (const caseId of new Set(candidates.map((upload) => upload.case_id))) {
        cited.set(caseId, new Set(evidenceOf((await readCaseStream(this.eventStore, caseId)).map(toCaseEvent))));
      }
      const isCited = (upload: { hash: string; case_id: string }) => cited.get(upload.case_id)!.has(upload.hash);
      const kept = candidates.filter(isCited);
      const removed = candidates.filter((upload) => !isCited(upload));
      const orphans = [...new Set(removed.map((upload) => upload.hash))];
      await this.db.batch([
        ...kept.map((upload) => ({
          sql: 'INSERT INTO attachment_citations (hash, case_id) VALUES (?, ?) ON CONFLICT (hash, case_id) DO NOTHING',
          params: [upload.hash, upload.case_id],
        })),
        ...removed.map((upload) => ({
          sql: 'DELETE FROM attachment_uploads WHERE hash = ? AND case_id = ? AND organisation_id = ?',
          params: [upload.hash, upload.case_id, upload.organisation_id],
        })),
        ...orphans.map((hash) => ({
          sql: 'DELETE FROM attachments WHERE hash = ? AND NOT EXISTS (SELECT 1 FROM attachment_uploads WHERE hash = ?)',
          params: [hash, hash],
        })),
      ]);
      uploadsRemoved += removed.length;
      if (orphans.length > 0) {
        const remaining = await this.db.query<{ hash: string }>(`SELECT hash FROM attachments WHERE hash IN (${orphans.map(() => '?').join(', ')})`, orphans);
        photosRemoved += orphans.length - remaining.length;
      }
    }
  }

  private async requireOpenCaseFor(uploader: Actor, caseId: string): Promise<void> {
    const state = foldCase((await readCaseStream(this.eventStore, caseId)).map(toCaseEvent));
    if (state.status === 'not_filed' || !mayReadCase(uploader, state, this.directory)) refuse('not_found', `case ${caseId} not found`);
    if (!mayAttach(uploader, state)) {
      refuse('forbidden', `only staff of community ${state.communityId} and the organisation holding the task add photos to case ${caseId}`);
    }
    if (state.status === 'closed') refuse('conflict', `case ${caseId} is closed; no evidence can be added to it`);
  }

  /** Room for one more photo on the case; a photo already uploaded for it (`hash`) takes none. */
  private async requireRoomForPhoto(caseId: string, hash?: string): Promise<void> {
    const [row] = await this.db.query<{ photos: number; this_one: number }>(
      'SELECT COUNT(DISTINCT hash) AS photos, SUM(CASE WHEN hash = ? THEN 1 ELSE 0 END) AS this_one FROM attachment_uploads WHERE case_id = ?',
      [hash ?? '', caseId],
    );
    if (Number(row?.this_one ?? 0) > 0) return;
    if (Number(row?.photos ?? 0) >= this.quotas.photosPerCase) {
      refuse('conflict', `case ${caseId} has its ${this.quotas.photosPerCase} photos (ATTACHMENT_MAX_PER_CASE); cite those it has`);
    }
  }

  /** Room for `bytes` more in what the organisation uploaded within the last 24 hours. */
  private async requireDailyAllowance(organisationId: string, bytes: number): Promise<void> {
    const now = Date.now();
    const [row] = await this.db.query<{ bytes: number | string | null; oldest: string | null }>(
      `SELECT SUM(a.size) AS bytes, MIN(u.uploaded_at) AS oldest FROM attachment_uploads u JOIN attachments a ON a.hash = u.hash
       WHERE u.organisation_id = ? AND u.uploaded_at > ?`,
      [organisationId, new Date(now - DAY_MS).toISOString()],
    );
    const used = Number(row?.bytes ?? 0);
    const quota = this.quotas.bytesPerOrganisationPerDay;
    if (used + bytes <= quota) return;
    // The earliest the window frees anything: when its oldest upload leaves it.
    const retryAfterSeconds = row?.oldest ? Math.max(1, Math.ceil((Date.parse(row.oldest) + DAY_MS - now) / 1000)) : 1;
    throw new UploadQuotaExceeded(
      `organisation ${organisationId} uploaded ${used} bytes of photos in the last 24 hours; ${quota} are allowed (ATTACHMENT_MAX_BYTES_PER_ORGANISATION_PER_DAY)`,
      retryAfterSeconds,
    );
  }

  /** Evidence must have been uploaded for the case it backs (its shape and number are the domain's to check). */
  async requireUploadedFor(caseId: string, hashes: readonly string[]): Promise<void> {
    if (hashes.length === 0) return;
    const rows = await this.db.query<{ hash: string }>(
      `SELECT DISTINCT hash FROM attachment_uploads WHERE case_id = ? AND hash IN (${hashes.map(() => '?').join(', ')})`,
      [caseId, ...hashes],
    );
    const uploaded = new Set(rows.map((row) => row.hash));
    const missing = hashes.filter((hash) => !uploaded.has(hash));
    if (missing.length > 0) refuse('invalid', `no photo ${missing.join(', ')} was uploaded for case ${caseId}; upload it first`);
  }

  /** Not found for whoever may not see it, so that its existence is not given away. */
  async read(viewer: Actor, hash: string): Promise<StoredAttachment & { content: Buffer }> {
    if (!(await this.mayView(viewer, hash))) refuse('not_found', `photo ${hash} not found`);
    const [row] = await this.db.query<AttachmentRow>('SELECT content_type, size, content FROM attachments WHERE hash = ?', [hash]);
    if (!row) refuse('not_found', `photo ${hash} not found`);
    return { hash, size: Number(row.size), contentType: row.content_type, content: row.content };
  }

  /** The cases are read from the log, so a photo is visible as soon as the event citing it is appended. */
  private async mayView(viewer: Actor, hash: string): Promise<boolean> {
    const uploads = await this.db.query<{ case_id: string; organisation_id: string }>(
      'SELECT case_id, organisation_id FROM attachment_uploads WHERE hash = ?',
      [hash],
    );
    if (uploads.some((upload) => upload.organisation_id === viewer.organisationId)) return true;
    for (const caseId of new Set(uploads.map((upload) => upload.case_id))) {
      const events = (await readCaseStream(this.eventStore, caseId)).map(toCaseEvent);
      if (evidenceOf(events).includes(hash) && mayReadCase(viewer, foldCase(events), this.directory)) return true;
    }
    return false;
  }
}
