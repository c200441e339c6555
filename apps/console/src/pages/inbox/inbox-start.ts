import { api, liveStream, unwrap, type Schemas } from '../../api/client';

export type InboxRow = Schemas['CaseListRowDto'];
export type InboxAnswer = Schemas['InboxPageDto'];

/** Rows per request: a screenful or two; more as the clerk scrolls, never the whole inbox. */
export const INBOX_PAGE_SIZE = 30;

export function fetchInboxPage(cursor: string | null): Promise<InboxAnswer> {
  return api.GET('/tasks/inbox', { params: { query: { limit: INBOX_PAGE_SIZE, ...(cursor ? { cursor } : {}) } } }).then(unwrap);
}

export interface InboxChanges {
  changed(row: InboxRow): void;
  removed(caseId: string): void;
}

/** The inbox's live stream, opened before its screen is there: what it says meanwhile is kept, then given to the screen in order. */
function heldStream(): { attach(on: InboxChanges): () => void; close(): void } {
  const held: ((on: InboxChanges) => void)[] = [];
  let target: InboxChanges | undefined;
  const close = liveStream<InboxRow>('/tasks/inbox/stream', {
    changed: (row) => (target ? target.changed(row) : held.push((on) => on.changed(row))),
    removed: (caseId) => (target ? target.removed(caseId) : held.push((on) => on.removed(caseId))),
  });
  return {
    attach(on) {
      target = on;
      for (const give of held.splice(0)) give(on);
      return close;
    },
    close,
  };
}

export interface EarlyInbox {
  /** The first page, asked for at start-up. */
  page: Promise<InboxAnswer>;
  /** The first page once it came, so that the screen's first render shows its rows. */
  answer?: InboxAnswer;
  stream: ReturnType<typeof heldStream>;
}

let early: EarlyInbox | undefined;
/** Not taken by then (the user went elsewhere, or the session had expired): the stream is closed and the page dropped. */
const UNTAKEN_MS = 30_000;

/**
 * Asks for the inbox's first page and opens its live stream as the console starts on the inbox,
 * while the layout's and the screen's code still load: the rows are there when the screen first
 * renders. The stream opens with it, so that no change between the two is missed.
 */
export function startInboxEarly(): void {
  if (early) return;
  const started: EarlyInbox = { page: fetchInboxPage(null), stream: heldStream() };
  started.page.then(
    (answer) => (started.answer = answer),
    () => undefined,
  );
  early = started;
  setTimeout(() => {
    if (early !== started) return;
    early = undefined;
    started.stream.close();
  }, UNTAKEN_MS);
}

/** The first page already here, if the inbox was started early and not yet taken. */
export function earlyInboxAnswer(): InboxAnswer | undefined {
  return early?.answer;
}

/** The early start, once: the screen that takes it owns its stream. */
export function takeEarlyInbox(): EarlyInbox | undefined {
  const taken = early;
  early = undefined;
  return taken;
}
