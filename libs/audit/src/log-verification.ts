import { computeEventHash, GENESIS_HASH, type EventStore, type RecordedEvent } from '@yixin/event-store';

export interface LogProblem {
  globalPosition: number;
  streamId: string;
  revision: number;
  eventId: string;
  problem: string;
}

export interface LogVerification {
  intact: boolean;
  eventsChecked: number;
  streamsChecked: number;
  /** The first problems found (at most MAX_PROBLEMS). */
  problems: LogProblem[];
}

const MAX_PROBLEMS = 1000;
const READ_BATCH = 5000;

/**
 * Reads the whole global log once and checks what an auditor needs to trust it: every event's
 * hash matches its content, each stream's hashes chain and its revisions run 0, 1, 2 … without a
 * gap, and global positions only increase. A changed byte, a removed or reordered event shows up
 * as a problem at the place where it happened.
 */
export async function verifyLog(store: EventStore, onlyStreamId?: string): Promise<LogVerification> {
  const heads = new Map<string, { revision: number; hash: string }>();
  const problems: LogProblem[] = [];
  let eventsChecked = 0;
  let lastPosition = 0;
  const report = (event: RecordedEvent, problem: string) => {
    if (problems.length < MAX_PROBLEMS) {
      problems.push({ globalPosition: event.globalPosition, streamId: event.streamId, revision: event.revision, eventId: event.id, problem });
    }
  };

  for (;;) {
    const batch = await store.readAll(lastPosition, READ_BATCH);
    if (batch.length === 0) break;
    for (const event of batch) {
      if (event.globalPosition <= lastPosition) report(event, `global position ${event.globalPosition} does not follow ${lastPosition}`);
      lastPosition = Math.max(lastPosition, event.globalPosition);
      if (onlyStreamId !== undefined && event.streamId !== onlyStreamId) continue;
      eventsChecked++;
      const head = heads.get(event.streamId) ?? { revision: -1, hash: GENESIS_HASH };
      if (event.revision !== head.revision + 1) {
        report(event, `revision ${event.revision} follows revision ${head.revision}: ${event.revision > head.revision + 1 ? 'events are missing' : 'events are repeated or reordered'}`);
      }
      if (event.previousHash !== head.hash) report(event, 'previous hash does not match the hash of the stream’s previous event (an event was removed, reordered or altered)');
      if (computeEventHash(event) !== event.hash) report(event, 'content does not match its hash (the event was altered)');
      heads.set(event.streamId, { revision: event.revision, hash: event.hash });
    }
  }
  return { intact: problems.length === 0, eventsChecked, streamsChecked: heads.size, problems };
}
