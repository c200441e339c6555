import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import {
  type EventMetadata,
  IdempotencyConflictError,
  type NewEvent,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from '../event-store';
import { GENESIS_HASH, verifyStreamChain } from '../hash-chain';
import { openSqliteDatabase } from './sqlite-database';
import { ensureCheckpointTable, saveCheckpointSync, SqliteCheckpointStore, SqliteEventStore } from './sqlite-event-store';

const metadata: EventMetadata = {
  actor: { userId: 'staff-7', role: 'community_staff', organisationId: '幸福里社区' },
  tier: 'community',
  correlationId: 'command-1',
  causationId: 'request-1',
};

function event(id: string, data: Record<string, unknown> = { id }, type = 'NoteAdded'): NewEvent {
  return { id, type, data, metadata };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Resolves once `condition` holds, checking every few milliseconds; fails after `timeoutMs` so a hang shows as an error. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

let dir: string;
let filename: string;
let db: Database.Database;
let store: SqliteEventStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'yixin-event-store-'));
  filename = join(dir, 'log.sqlite');
  db = openSqliteDatabase(filename);
  store = new SqliteEventStore(db);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function countEvents(): number {
  return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
}

describe('append and read', () => {
  it('round-trips Chinese text, emoji and a 1 MB event with a full envelope', async () => {
    const large = { attachmentText: '物业公司未按时维修电梯。'.repeat(30_000), emoji: '🛗😡🏠' };
    const batch: NewEvent[] = [
      event('e-1', { title: '小区电梯停运三天 🛗', reporter: { name: '王女士', phone: null } }, 'CaseFiled'),
      { ...event('e-2', large, 'EvidenceAttached'), schemaVersion: 2 },
      event('e-3', { nested: [1, '二', { three: '😀' }] }),
    ];
    expect(Buffer.byteLength(JSON.stringify(large))).toBeGreaterThan(1_000_000);

    const result = await store.append('case-1', batch, 'no_stream');

    expect(result).toEqual({ written: true, nextExpectedRevision: 2, lastGlobalPosition: 3 });
    const stream = await store.readStream('case-1');
    expect(stream.map(({ id, type, data, metadata: m }) => ({ id, type, data, metadata: m }))).toEqual(
      batch.map(({ id, type, data, metadata: m }) => ({ id, type, data, metadata: m })),
    );
    expect(stream.map((e) => [e.streamId, e.revision, e.globalPosition, e.schemaVersion])).toEqual([
      ['case-1', 0, 1, 1],
      ['case-1', 1, 2, 2],
      ['case-1', 2, 3, 1],
    ]);
    expect(new Date(stream[0].recordedAt).toISOString()).toBe(stream[0].recordedAt);
    expect(stream[0].previousHash).toBe(GENESIS_HASH);
    expect(stream[1].previousHash).toBe(stream[0].hash);
    expect(await store.findEvent('e-2')).toEqual(stream[1]);
  });

  it('reads a stream from a revision, and nothing for an unknown stream or event', async () => {
    await store.append('case-1', [event('a'), event('b'), event('c')], 'no_stream');
    expect((await store.readStream('case-1', 1)).map((e) => e.id)).toEqual(['b', 'c']);
    expect(await store.readStream('case-unknown')).toEqual([]);
    expect(await store.findEvent('missing')).toBeUndefined();
  });

  it('chains hashes across appends to the same stream', async () => {
    await store.append('case-1', [event('a')], 'no_stream');
    await store.append('case-2', [event('x')], 'no_stream');
    await store.append('case-1', [event('b'), event('c')], 0);
    const stream = await store.readStream('case-1');
    expect(stream[1].previousHash).toBe(stream[0].hash);
    expect(verifyStreamChain(stream)).toEqual({ intact: true, eventCount: 3, problems: [] });
  });

  it('rejects an empty append and a batch repeating an event id, writing nothing', async () => {
    await expect(store.append('case-1', [], 'any')).rejects.toThrow(/at least one event/);
    await expect(store.append('case-1', [event('a'), event('a')], 'any')).rejects.toThrow(/twice/);
    expect(countEvents()).toBe(0);
  });
});

describe('expected revision', () => {
  it("'no_stream' succeeds only on a new stream", async () => {
    await store.append('case-1', [event('a')], 'no_stream');
    const error = await rejectionOf(store.append('case-1', [event('b')], 'no_stream'));
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ streamId: 'case-1', expected: 'no_stream', actual: 0 });
  });

  it("'stream_exists' fails on a new stream with actual -1", async () => {
    const error = await rejectionOf(store.append('case-1', [event('a')], 'stream_exists'));
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ expected: 'stream_exists', actual: -1 });
    await store.append('case-1', [event('a')], 'no_stream');
    expect(await store.append('case-1', [event('b')], 'stream_exists')).toMatchObject({ nextExpectedRevision: 1 });
  });

  it('an exact revision must equal the last revision, neither stale nor ahead', async () => {
    await store.append('case-1', [event('a'), event('b')], 'no_stream');
    expect(await store.append('case-1', [event('c')], 1)).toMatchObject({ written: true, nextExpectedRevision: 2 });
    for (const expected of [1, 5]) {
      const error = await rejectionOf(store.append('case-1', [event(`stale-${expected}`)], expected));
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error).toMatchObject({ expected, actual: 2 });
    }
    expect(countEvents()).toBe(3);
  });

  it("'any' appends to a new or an existing stream", async () => {
    expect(await store.append('case-1', [event('a')], 'any')).toMatchObject({ nextExpectedRevision: 0 });
    expect(await store.append('case-1', [event('b')], 'any')).toMatchObject({ nextExpectedRevision: 1 });
  });
});

describe('idempotency by event id', () => {
  it('a retried append writes nothing and returns the first positions, whatever the expected revision', async () => {
    await store.append('case-0', [event('other')], 'no_stream');
    const first = await store.append('case-1', [event('a'), event('b')], 'no_stream');
    await store.append('case-1', [event('c')], 1);

    const retry = await store.append('case-1', [event('a'), event('b')], 'no_stream');

    expect(retry).toEqual({ written: false, nextExpectedRevision: 1, lastGlobalPosition: first.lastGlobalPosition });
    expect(first.lastGlobalPosition).toBe(3);
    expect(countEvents()).toBe(4);
  });

  it('retrying the tail of an earlier batch is also a retry', async () => {
    await store.append('case-1', [event('a'), event('b'), event('c')], 'no_stream');
    expect(await store.append('case-1', [event('b'), event('c')], 'any')).toEqual({
      written: false,
      nextExpectedRevision: 2,
      lastGlobalPosition: 3,
    });
  });

  it.each([
    ['some events new', 'case-1', [event('b'), event('c')], 'b'],
    ['the stored events in another order', 'case-1', [event('b'), event('a')], 'a'],
    ['the events in another stream', 'case-2', [event('a'), event('b')], 'a'],
    ['other data under the same id', 'case-1', [event('a'), event('b', { changed: true })], 'b'],
    ['another type under the same id', 'case-1', [event('a'), event('b', { id: 'b' }, 'Other')], 'b'],
  ])('conflicts when a batch repeats ids with %s, writing nothing', async (_case, streamId, batch, conflicting) => {
    await store.append('case-1', [event('a'), event('b')], 'no_stream');
    const error = await rejectionOf(store.append(streamId, batch, 'any'));
    expect(error).toBeInstanceOf(IdempotencyConflictError);
    expect(error).toMatchObject({ streamId, eventId: conflicting });
    expect(countEvents()).toBe(2);
  });
});

describe('global log', () => {
  it('orders events across streams by commit, with no gaps, and pages from a position', async () => {
    await store.append('case-a', [event('a0')], 'no_stream');
    await store.append('case-b', [event('b0'), event('b1')], 'no_stream');
    await store.append('case-a', [event('a1')], 0);
    await store.append('case-c', [event('c0')], 'no_stream');

    const log = await store.readAll(0, 100);
    expect(log.map((e) => [e.globalPosition, e.id, e.streamId, e.revision])).toEqual([
      [1, 'a0', 'case-a', 0],
      [2, 'b0', 'case-b', 0],
      [3, 'b1', 'case-b', 1],
      [4, 'a1', 'case-a', 1],
      [5, 'c0', 'case-c', 0],
    ]);
    expect((await store.readAll(2, 2)).map((e) => e.id)).toEqual(['b1', 'a1']);
    expect(await store.readAll(5, 10)).toEqual([]);
  });
});

describe('subscribe', () => {
  it('catches up, is woken by an append through another connection in this process, and ends on abort', async () => {
    // A poll interval far beyond the test's waits, so only the in-process notification can deliver in time.
    const subscriber = new SqliteEventStore(db, { pollIntervalMs: 600_000 });
    const otherConnection = SqliteEventStore.open(filename);
    await store.append('case-1', [event('a'), event('b')], 'no_stream');
    const delivered: string[] = [];
    const controller = new AbortController();

    const subscription = subscriber.subscribe({
      after: 1,
      signal: controller.signal,
      handler: async (e) => {
        delivered.push(e.id);
      },
    });
    try {
      await until(() => delivered.length === 1);
      // Let the subscription run out of queued work and fall asleep, so that only a wake-up can deliver the next append.
      await new Promise((resolve) => setImmediate(resolve));
      await otherConnection.append('case-2', [event('c')], 'no_stream');
      await until(() => delivered.length === 2);
    } finally {
      controller.abort();
      await subscription;
      await otherConnection.close();
    }
    expect(delivered).toEqual(['b', 'c']);
  });

  it('retries a failing handler on the same event, reporting each failure, before moving on', async () => {
    await store.append('case-1', [event('a'), event('b'), event('c')], 'no_stream');
    const attempts: string[] = [];
    const failures: Array<[string, string]> = [];
    const controller = new AbortController();

    const subscription = store.subscribe({
      after: 0,
      signal: controller.signal,
      handler: async (e) => {
        attempts.push(e.id);
        if (e.id === 'b' && attempts.filter((id) => id === 'b').length < 3) throw new Error('read store down');
        if (e.id === 'c') controller.abort();
      },
      onError: (error, e) => failures.push([(error as Error).message, e.id]),
    });
    await subscription;

    expect(attempts).toEqual(['a', 'b', 'b', 'b', 'c']);
    expect(failures).toEqual([
      ['read store down', 'b'],
      ['read store down', 'b'],
    ]);
  });

  it('restarted from a checkpoint saved with each event, neither loses nor repeats events', async () => {
    ensureCheckpointTable(db);
    db.exec('CREATE TABLE seen (global_position INTEGER NOT NULL, event_id TEXT NOT NULL)');
    const recordSeen = db.prepare('INSERT INTO seen (global_position, event_id) VALUES (?, ?)');
    const checkpoints = new SqliteCheckpointStore(db);
    const seenCount = () => (db.prepare('SELECT count(*) AS n FROM seen').get() as { n: number }).n;
    const project = (e: RecordedEvent) =>
      db.transaction(() => {
        recordSeen.run(e.globalPosition, e.id);
        saveCheckpointSync(db, 'projection', e.globalPosition);
      })();
    const appendMany = async (from: number, count: number) => {
      for (let n = from; n < from + count; n++) {
        await store.append(`case-${n % 7}`, [event(`e-${n}`)], 'any');
      }
    };

    await appendMany(0, 100);
    const firstRun = new AbortController();
    await store.subscribe({
      after: await checkpoints.load('projection'),
      signal: firstRun.signal,
      handler: async (e) => {
        project(e);
        if (seenCount() === 40) firstRun.abort();
      },
    });
    expect(seenCount()).toBe(40);
    expect(await checkpoints.load('projection')).toBe(40);

    await appendMany(100, 50);
    const secondRun = new AbortController();
    const restarted = store.subscribe({
      after: await checkpoints.load('projection'),
      signal: secondRun.signal,
      handler: async (e) => project(e),
    });
    await appendMany(150, 50);
    await until(() => seenCount() === 200);
    secondRun.abort();
    await restarted;

    const seen = db.prepare('SELECT global_position AS position, event_id AS id FROM seen ORDER BY rowid').all();
    expect(seen).toEqual(Array.from({ length: 200 }, (_, n) => ({ position: n + 1, id: `e-${n}` })));
  });
});

describe('subscription abort', () => {
  // Fake timers make a wait that only a timer could end visible, and count the timers left behind.
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  /** Whether the promise has settled once everything already queued has run. */
  const hasEnded = (promise: Promise<void>) =>
    Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setImmediate(() => resolve(false)))]);

  it('ends an idle subscription at once and leaves no timer behind', async () => {
    const controller = new AbortController();
    const subscription = store.subscribe({ after: 0, signal: controller.signal, handler: async () => undefined });
    expect(await hasEnded(subscription)).toBe(false);
    expect(jest.getTimerCount()).toBe(1);

    controller.abort();

    expect(await hasEnded(subscription)).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('ends a subscription backing off after a failure at once and leaves no timer behind', async () => {
    await store.append('case-1', [event('a')], 'no_stream');
    const controller = new AbortController();
    let attempts = 0;
    const subscription = store.subscribe({
      after: 0,
      signal: controller.signal,
      handler: async () => {
        attempts++;
        throw new Error('read store down');
      },
    });
    expect(await hasEnded(subscription)).toBe(false);
    expect(jest.getTimerCount()).toBe(1);

    controller.abort();

    expect(await hasEnded(subscription)).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
    expect(attempts).toBe(1);
  });
});

describe('SqliteCheckpointStore', () => {
  it('loads 0 for an unknown name and the last saved position otherwise', async () => {
    const checkpoints = new SqliteCheckpointStore(db);
    expect(await checkpoints.load('bridge')).toBe(0);
    await checkpoints.save('bridge', 12);
    await checkpoints.save('bridge', 15);
    await checkpoints.save('inbox', 3);
    expect(await checkpoints.load('bridge')).toBe(15);
    expect(await new SqliteCheckpointStore(db).load('inbox')).toBe(3);
  });
});

describe('tamper evidence', () => {
  beforeEach(async () => {
    for (let revision = 0; revision < 5; revision++) {
      await store.append('case-1', [event(`r-${revision}`, { decision: 'approved', revision })], revision - 1);
    }
    await store.append('case-2', [event('other')], 'no_stream');
  });

  it('an untouched stream verifies', async () => {
    expect(verifyStreamChain(await store.readStream('case-1'))).toEqual({ intact: true, eventCount: 5, problems: [] });
  });

  it('changing one byte of stored data fails verification at that revision', async () => {
    const changed = db
      .prepare("UPDATE events SET data = replace(data, 'approved', 'approvee') WHERE stream_id = ? AND stream_revision = 2")
      .run('case-1');
    expect(changed.changes).toBe(1);

    const verification = verifyStreamChain(await store.readStream('case-1'));

    expect(verification.intact).toBe(false);
    expect(verification.problems).toEqual([{ revision: 2, eventId: 'r-2', problem: expect.stringMatching(/altered/) }]);
    expect(verifyStreamChain(await store.readStream('case-2')).intact).toBe(true);
  });

  it('deleting an event row is detected at the event after it', async () => {
    const deleted = db.prepare('DELETE FROM events WHERE stream_id = ? AND stream_revision = 2').run('case-1');
    expect(deleted.changes).toBe(1);

    const verification = verifyStreamChain(await store.readStream('case-1'));

    expect(verification.intact).toBe(false);
    expect(verification.eventCount).toBe(4);
    expect(verification.problems.map((p) => [p.revision, p.eventId])).toEqual([
      [3, 'r-3'],
      [3, 'r-3'],
    ]);
  });
});
