import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { alterOneByteOfJson, describeEventStoreContract, event, type EventStoreUnderTest } from '../contract/event-store.contract';
import { openSqliteDatabase } from './sqlite-database';
import { SqliteCheckpointStore, SqliteEventStore } from './sqlite-event-store';
import { SqliteGroupCommit } from './sqlite-group-commit';
import { IpcLogWriter } from './sqlite-log-writer';
import { startLogWriterProcess } from './__fixtures__/log-writer-process';

/** Changes the stored log behind the store's back, as the contract's tamper-evidence tests ask. */
function tamperWith(db: Database.Database): EventStoreUnderTest['tamper'] {
  const changeOne = (sql: string, ...parameters: unknown[]) => {
    const { changes } = db.prepare(sql).run(...parameters);
    if (changes !== 1) throw new Error(`expected to change one row, changed ${changes}`);
  };
  return {
    async alterOneByteOfData(eventId) {
      const { data } = db.prepare('SELECT data FROM events WHERE event_id = ?').get(eventId) as { data: string };
      changeOne('UPDATE events SET data = ? WHERE event_id = ?', alterOneByteOfJson(data), eventId);
    },
    async deleteEvent(eventId) {
      changeOne('DELETE FROM events WHERE event_id = ?', eventId);
    },
  };
}

describeEventStoreContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'yixin-event-store-'));
  const filename = join(dir, 'log.sqlite');
  const db = openSqliteDatabase(filename);
  return {
    // Polls often: appends by writer processes reach this process only through polling.
    store: new SqliteEventStore(db, { pollIntervalMs: 10 }),
    checkpoints: new SqliteCheckpointStore(db),
    tamper: tamperWith(db),
    writerProcess: { openerModule: join(__dirname, '__fixtures__', 'open-sqlite-store.ts'), openerArgument: filename },
    async dispose() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

// The worker of `npm start`: its writes made by the API process, the file's one writer.
describeEventStoreContract('SQLite, written through another process', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'yixin-event-store-'));
  const filename = join(dir, 'log.sqlite');
  const writerProcess = await startLogWriterProcess(filename);
  // Read-only: a write this process tried to make itself would fail.
  const db = new Database(filename, { readonly: true });
  db.pragma('synchronous = FULL');
  const writer = new IpcLogWriter(writerProcess);
  const tamperDb = openSqliteDatabase(filename);
  return {
    store: new SqliteEventStore(db, { pollIntervalMs: 10, writer }),
    checkpoints: new SqliteCheckpointStore(db, writer),
    tamper: tamperWith(tamperDb),
    async dispose() {
      const exited = once(writerProcess, 'exit');
      writerProcess.disconnect();
      await exited;
      tamperDb.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite specifics', () => {
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

  it('numbers the global log 1, 2, 3… without gaps, whatever failed in between', async () => {
    await store.append('case-a', [event('a0')], 'no_stream');
    await expect(store.append('case-a', [event('a-stale')], 'no_stream')).rejects.toThrow(/expected revision/);
    expect(await store.append('case-b', [event('b0'), event('b1')], 'no_stream')).toMatchObject({ lastGlobalPosition: 3 });
    await store.append('case-a', [event('a0')], 'any');
    await store.append('case-a', [event('a1')], 0);

    expect((await store.readAll(0, 10)).map((e) => [e.globalPosition, e.id])).toEqual([
      [1, 'a0'],
      [2, 'b0'],
      [3, 'b1'],
      [4, 'a1'],
    ]);
  });

  it('wakes an idle subscription at once on an append through another connection in this process', async () => {
    // A poll interval far beyond the test's waits, so only the in-process notification can deliver in time.
    const subscriber = new SqliteEventStore(db, { pollIntervalMs: 600_000 });
    const otherConnection = SqliteEventStore.open(filename);
    const delivered: string[] = [];
    const controller = new AbortController();
    const subscription = subscriber.subscribe({
      after: 0,
      signal: controller.signal,
      handler: async (events) => {
        delivered.push(...events.map((e) => e.id));
      },
    });
    try {
      // Let the subscription find nothing and fall asleep, so that only a wake-up can deliver the append.
      await new Promise((resolve) => setTimeout(resolve, 20));
      await otherConnection.append('case-2', [event('c')], 'no_stream');
      const deadline = Date.now() + 10_000;
      while (delivered.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    } finally {
      controller.abort();
      await subscription;
      await otherConnection.close();
    }
    expect(delivered).toEqual(['c']);
  });

  it('hands events to a subscriber only once the WAL holding them is synced', async () => {
    await store.append('case-a', [event('a0')], 'no_stream');
    let releaseSync!: () => void;
    const syncing = new Promise<void>((resolve) => (releaseSync = resolve));
    const synced = jest.spyOn(SqliteGroupCommit.prototype, 'synced').mockReturnValue(syncing);
    const delivered: string[] = [];
    const controller = new AbortController();
    const subscription = store.subscribe({ after: 0, signal: controller.signal, handler: async (events) => void delivered.push(...events.map((e) => e.id)) });
    try {
      while (synced.mock.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(delivered).toEqual([]);
      releaseSync();
      while (delivered.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      expect(delivered).toEqual(['a0']);
    } finally {
      controller.abort();
      await subscription;
      synced.mockRestore();
    }
  });

  it('appends of one turn share a commit: none is visible to another connection, or to a reader of the global log, before it', async () => {
    await store.append('case-a', [event('a0')], 'no_stream');
    const otherConnection = SqliteEventStore.open(filename);
    try {
      const appended = Promise.all([store.append('case-b', [event('b0')], 'no_stream'), store.append('case-c', [event('c0')], 'no_stream')]);
      const seenBeforeCommit = {
        here: (await store.readAll(0, 10)).map(({ id }) => id),
        elsewhere: (await otherConnection.readAll(0, 10)).map(({ id }) => id),
      };
      await appended;
      expect(seenBeforeCommit).toEqual({ here: ['a0'], elsewhere: ['a0'] });
      expect((await otherConnection.readAll(0, 10)).map(({ id }) => id)).toEqual(['a0', 'b0', 'c0']);
    } finally {
      await otherConnection.close();
    }
  });

  it('a refused append in a group leaves the others of the group to commit', async () => {
    await store.append('case-a', [event('a0')], 'no_stream');
    const results = await Promise.allSettled([
      store.append('case-b', [event('b0')], 'no_stream'),
      store.append('case-a', [event('a-stale')], 'no_stream'),
      store.append('case-c', [event('c0'), event('c1')], 'no_stream'),
    ]);
    expect(results.map(({ status }) => status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(db.prepare('SELECT event_id FROM events ORDER BY global_position').pluck().all()).toEqual(['a0', 'b0', 'c0', 'c1']);
  });

  it('checkpoints commit with the group they were saved in', async () => {
    const checkpoints = new SqliteCheckpointStore(db);
    await Promise.all([checkpoints.save('bridge', 7), store.append('case-a', [event('a0')], 'no_stream')]);
    const otherConnection = openSqliteDatabase(filename);
    try {
      expect(otherConnection.prepare('SELECT position FROM checkpoints WHERE name = ?').pluck().get('bridge')).toBe(7);
    } finally {
      otherConnection.close();
    }
  });
});
