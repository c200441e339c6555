import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { foldCase, refuse, type Actor, type CaseEvent, type CaseState } from '../../../domain/src';
import type { EventStore } from '../../../event-store/src';
import { mayReadCase } from '../cases/case-access';
import { readCaseStream, toCaseEvent } from '../cases/case-stream';
import { DirectoryService } from '../directory/directory.service';
import type { SqlDatabase } from '../read-store/sql-database';
import { EVENT_STORE, RECORD_STORE } from '../store.tokens';

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
 * kept once. An upload row says for which case and by which organisation a photo was sent.
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
    CREATE INDEX IF NOT EXISTS attachment_uploads_case ON attachment_uploads (case_id)`;
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

/** The photos a case's progress reports and resolutions cite, each once, in the order first cited. */
export function evidenceOf(events: readonly CaseEvent[]): string[] {
  const hashes = events.flatMap((event) => (event.type === 'TaskResolved' || event.type === 'ProgressReported' ? event.data.evidence : []));
  return [...new Set(hashes)];
}

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
  constructor(
    @Inject(RECORD_STORE) private readonly db: SqlDatabase,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    private readonly directory: DirectoryService,
  ) {}

  /** `contentType` is what the bytes were found to be (imageTypeOf), not what the sender declared. */
  async store(uploader: Actor, caseId: string, bytes: Buffer, contentType: AttachmentContentType): Promise<StoredAttachment> {
    const state = foldCase((await readCaseStream(this.eventStore, caseId)).map(toCaseEvent));
    if (state.status === 'not_filed' || !mayReadCase(uploader, state, this.directory)) refuse('not_found', `case ${caseId} not found`);
    if (!mayAttach(uploader, state)) {
      refuse('forbidden', `only staff of community ${state.communityId} and the organisation holding the task add photos to case ${caseId}`);
    }
    if (state.status === 'closed') refuse('conflict', `case ${caseId} is closed; no evidence can be added to it`);
    const hash = createHash('sha256').update(bytes).digest('hex');
    const storedAt = new Date().toISOString();
    // A photo already kept is not sent to the database again.
    const [known] = await this.db.query<{ hash: string }>('SELECT hash FROM attachments WHERE hash = ?', [hash]);
    await this.db.batch([
      ...(known
        ? []
        : [
            {
              sql: `INSERT INTO attachments (hash, content_type, size, content, stored_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (hash) DO NOTHING`,
              params: [hash, contentType, bytes.length, bytes, storedAt],
            },
          ]),
      {
        sql: `INSERT INTO attachment_uploads (hash, case_id, organisation_id, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?)
              ON CONFLICT (hash, case_id, organisation_id) DO NOTHING`,
        params: [hash, caseId, uploader.organisationId, uploader.userId, storedAt],
      },
    ]);
    return { hash, size: bytes.length, contentType };
  }

  /** Evidence must have been uploaded for the case it backs (the domain checked its shape and number). */
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
