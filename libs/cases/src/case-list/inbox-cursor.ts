import { AFTER_EVERY_DEADLINE } from './case-list.projection';

/** Where a row stands in an inbox: its key in the order of case_list_inbox, the case id breaking ties. */
export interface InboxPosition {
  inboxOrder: string;
  filedAt: string;
  caseId: string;
}

/** An opaque token for a client: base64url of the position as JSON. */
export function encodeInboxCursor(position: InboxPosition): string {
  return Buffer.from(JSON.stringify([position.inboxOrder, position.filedAt, position.caseId])).toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]{1,512}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const CASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isInstant = (value: unknown): value is string => typeof value === 'string' && INSTANT.test(value) && !Number.isNaN(Date.parse(value));

/** The position a cursor of encodeInboxCursor holds; undefined for anything else, such as a cursor cut short or edited. */
export function decodeInboxCursor(cursor: string): InboxPosition | undefined {
  if (!BASE64URL.test(cursor)) return undefined;
  const bytes = Buffer.from(cursor, 'base64url');
  // Base64 decoders skip what they cannot read; only the cursor's own spelling is accepted.
  if (bytes.toString('base64url') !== cursor) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(key) || key.length !== 3) return undefined;
  const [inboxOrder, filedAt, caseId] = key as unknown[];
  if (inboxOrder !== AFTER_EVERY_DEADLINE && !isInstant(inboxOrder)) return undefined;
  if (!isInstant(filedAt) || typeof caseId !== 'string' || !CASE_ID.test(caseId)) return undefined;
  return { inboxOrder, filedAt, caseId };
}
