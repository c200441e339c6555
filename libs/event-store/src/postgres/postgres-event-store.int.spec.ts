import { join } from 'node:path';
import type { Pool, PoolClient } from 'pg';
import { startTestPostgres, testPool, type TestPostgres } from '@yixin/testing';
import { alterOneByteOfJson, collect, describeEventStoreContract, event } from '../contract/event-store.contract';
import { IdempotencyConflictError } from '../event-store';
import {
  appendThrough,
  assertTransactionIdFitsPositions,
  PostgresCheckpointStore,
  PostgresEventStore,
  savePostgresCheckpoint,
} from './postgres-event-store';
import { maxEventsPerAppend, migratePostgresEventStore } from './postgres-schema';

let postgres: TestPostgres;
/** Connections to the suite's database outside any schema under test: setup and raw inspection. */
let admin: Pool;
let schemaCount = 0;

beforeAll(async () => {
  postgres = await startTestPostgres();
  admin = testPool({ connectionString: postgres.connectionString, max: 2 });
}, 60_000);

afterAll(async () => {
  await admin?.end();
  await postgres?.stop();
});

/**
 * A connection string to an empty schema of its own: every test gets a fresh log (and runs the
 * migrations from scratch) without the cost of a database per test.
 */
async function freshSchema(): Promise<string> {
  const schema = `log_${++schemaCount}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(postgres.connectionString);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

async function changeOne(pool: Pool, sql: string, values: unknown[]): Promise<void> {
  const { rowCount } = await pool.query(sql, values);
  if (rowCount !== 1) throw new Error(`expected to change one row, changed ${rowCount}`);
}

describeEventStoreContract('PostgreSQL', async () => {
  const connectionString = await freshSchema();
  const pool = testPool({ connectionString, max: 4 });
  await migratePostgresEventStore(pool);
  return {
    store: new PostgresEventStore(pool, { pollIntervalMs: 20 }),
    checkpoints: new PostgresCheckpointStore(pool),
    tamper: {
      async alterOneByteOfData(eventId) {
        const { rows } = await pool.query('SELECT data::text AS data FROM events WHERE event_id = $1', [eventId]);
        await changeOne(pool, 'UPDATE events SET data = $2 WHERE event_id = $1', [eventId, alterOneByteOfJson(rows[0].data)]);
      },
      async deleteEvent(eventId) {
        await changeOne(pool, 'DELETE FROM events WHERE event_id = $1', [eventId]);
      },
    },
    writerProcess: { openerModule: join(__dirname, '__fixtures__', 'open-postgres-store.ts'), openerArgument: connectionString },
    dispose: () => pool.end(),
  };
});

describe('PostgreSQL specifics', () => {
  let connectionString: string;
  let pool: Pool;
  let store: PostgresEventStore;
  /** Raw sessions a test opens to hold transactions; rolled back and released after it. */
  let sessions: PoolClient[];

  beforeEach(async () => {
    connectionString = await freshSchema();
    pool = testPool({ connectionString, max: 6 });
    await migratePostgresEventStore(pool);
    store = new PostgresEventStore(pool, { pollIntervalMs: 20 });
    sessions = [];
  });

  afterEach(async () => {
    for (const session of sessions) {
      await session.query('ROLLBACK');
      session.release();
    }
    await pool.end();
  });

  async function openTransaction(): Promise<PoolClient> {
    const session = await pool.connect();
    sessions.push(session);
    await session.query('BEGIN');
    return session;
  }

  async function commit(session: PoolClient): Promise<void> {
    await session.query('COMMIT');
    sessions.splice(sessions.indexOf(session), 1);
    session.release();
  }

  /** Resolves once `probe` holds; fails after `timeoutMs`, so that a hang shows as an error. */
  async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('holds back a transaction committed before an older one, then delivers both in position order, skipping none', async () => {
    const subscription = collect(store, 0);
    try {
      const slow = await openTransaction();
      await appendThrough(slow, 'case-slow', [event('slow')], 'no_stream');
      await store.append('case-fast', [event('fast')], 'no_stream');

      // The later transaction has committed, and a reader by position alone would take it and move past the slow one.
      const fast = await store.findEvent('fast');
      const naive = await pool.query('SELECT event_id FROM events WHERE global_position > 0 ORDER BY global_position');
      expect(naive.rows.map((row) => row.event_id)).toEqual(['fast']);
      // The store's readers hold it back while the older transaction is open.
      expect(await store.readAll(0, 10)).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 200)); // ten poll intervals
      expect(subscription.delivered).toEqual([]);

      await commit(slow);

      await until('both are delivered', () => subscription.delivered.length === 2);
      const log = await store.readAll(0, 10);
      expect(log.map((e) => e.id)).toEqual(['slow', 'fast']);
      expect(log[1]).toEqual(fast);
      expect(log[0].globalPosition).toBeLessThan(log[1].globalPosition);
      expect(subscription.delivered).toEqual(log);
    } finally {
      await subscription.stop();
    }
  });

  it('polls for events held back by a transaction that ends without notifying', async () => {
    const subscription = collect(store, 0);
    try {
      const unrelated = await openTransaction();
      await unrelated.query('SELECT pg_current_xact_id()');
      await store.append('case-1', [event('a')], 'no_stream'); // notifies, but is held back
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(subscription.delivered).toEqual([]);

      await commit(unrelated);

      await until('the held-back event is delivered', () => subscription.delivered.length === 1);
      expect(subscription.delivered[0].id).toBe('a');
    } finally {
      await subscription.stop();
    }
  });

  it('wakes an idle subscription by NOTIFY when another process appends', async () => {
    // A poll interval far beyond the test's waits, so only the notification can deliver in time.
    const subscription = collect(new PostgresEventStore(pool, { pollIntervalMs: 600_000 }), 0);
    const otherProcess = await PostgresEventStore.connect(connectionString, { poolSize: 1 });
    try {
      // Let the subscription find nothing and fall asleep.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await otherProcess.append('case-1', [event('a')], 'no_stream');
      await until('the append is delivered', () => subscription.delivered.length === 1);
    } finally {
      await subscription.stop();
      await otherProcess.close();
    }
    expect(subscription.delivered.map((e) => e.id)).toEqual(['a']);
  });

  it('holds one connection for LISTEN while subscribed and closes it on abort', async () => {
    const singleConnection = testPool({ connectionString, max: 1 });
    try {
      const subscriber = new PostgresEventStore(singleConnection);
      const subscription = collect(subscriber, 0);
      await until('the subscription holds the connection', () => singleConnection.totalCount === 1 && singleConnection.idleCount === 0);

      await subscription.stop();

      expect(singleConnection.totalCount).toBe(0);
      expect(await subscriber.readAll(0, 10)).toEqual([]);
    } finally {
      await singleConnection.end();
    }
  });

  it('positions an append at its transaction id × 4096 + index, and refuses more than 4096 events', async () => {
    const batch = Array.from({ length: maxEventsPerAppend }, (_, n) => event(`e-${n}`));
    await expect(store.append('case-1', [...batch, event('one-too-many')], 'no_stream')).rejects.toThrow(
      /at most 4096 events, got 4097/,
    );
    expect(await store.streamRevision('case-1')).toBe(-1);

    const result = await store.append('case-1', batch, 'no_stream');

    const { rows } = await pool.query<{ global_position: string; transaction_id: string }>(
      // events.global_position: the bare name would sort by the output column, the text, out of order across a power of ten.
      'SELECT global_position::text, transaction_id::text FROM events ORDER BY events.global_position',
    );
    const transactionId = BigInt(rows[0].transaction_id);
    expect(rows.every((row) => BigInt(row.transaction_id) === transactionId)).toBe(true);
    expect(rows.map((row) => BigInt(row.global_position) - transactionId * 4096n)).toEqual(
      batch.map((_, index) => BigInt(index)),
    );
    expect(result).toEqual({ written: true, nextExpectedRevision: 4095, lastGlobalPosition: Number(rows[4095].global_position) });
  });

  it('refuses a transaction id whose positions would pass Number.MAX_SAFE_INTEGER', () => {
    expect(() => assertTransactionIdFitsPositions(String(2 ** 41 - 1))).not.toThrow();
    expect(Number.isSafeInteger((2 ** 41 - 1) * 4096 + 4095)).toBe(true);
    expect(() => assertTransactionIdFitsPositions(String(2 ** 41))).toThrow(/2\^41 or more/);
  });

  it('reports an event id appended concurrently through another stream as an idempotency conflict', async () => {
    const first = await openTransaction();
    await appendThrough(first, 'case-1', [event('x')], 'no_stream');
    const second = store.append('case-2', [event('x')], 'no_stream');
    await until('the second append waits for the first', async () => {
      const { rows } = await admin.query(
        "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      );
      return rows[0].waiting === 1;
    });

    await commit(first);

    const error = await second.then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(error).toBeInstanceOf(IdempotencyConflictError);
    expect(error).toMatchObject({ streamId: 'case-2', eventId: 'x' });
    expect(await store.streamRevision('case-2')).toBe(-1);
  });

  it('connect() sizes the pool, sets the statement timeout, migrates, and ends its pool on close', async () => {
    const connected = await PostgresEventStore.connect(connectionString, { poolSize: 3, statementTimeoutMs: 300 });
    try {
      expect(connected.pool.options.max).toBe(3);
      const { rows } = await connected.pool.query('SHOW statement_timeout');
      expect(rows[0].statement_timeout).toBe('300ms');

      // An append queued behind a stream lock held longer than the timeout gives up.
      const holder = await openTransaction();
      await appendThrough(holder, 'case-1', [event('held')], 'no_stream');
      await expect(connected.append('case-1', [event('queued')], 'any')).rejects.toThrow(/statement timeout/);
      await commit(holder);
      expect(await connected.append('case-1', [event('later')], 0)).toMatchObject({ nextExpectedRevision: 1 });
    } finally {
      await connected.close();
    }
    expect(connected.pool.ended).toBe(true);
  });

  it('migrates once, records the version, and lets concurrent migrators of an empty schema agree', async () => {
    const emptySchema = await freshSchema();
    const migrators = Array.from({ length: 4 }, () => testPool({ connectionString: emptySchema, max: 1 }));
    try {
      const applied = await Promise.all(migrators.map((migrator) => migratePostgresEventStore(migrator)));
      expect(applied.filter((versions) => versions.length > 0)).toEqual([[1]]);
      expect(await migratePostgresEventStore(migrators[0])).toEqual([]);
      const { rows } = await migrators[0].query('SELECT version, description FROM yixin_schema_migrations');
      expect(rows).toEqual([{ version: 1, description: 'events, stream heads and checkpoints' }]);
    } finally {
      await Promise.all(migrators.map((migrator) => migrator.end()));
    }
  });

  it('savePostgresCheckpoint joins the caller’s transaction: a rolled-back projection leaves no checkpoint', async () => {
    const checkpoints = new PostgresCheckpointStore(pool);
    const projection = await openTransaction();
    await savePostgresCheckpoint(projection, 'projection', 7);
    await projection.query('ROLLBACK');
    await projection.query('BEGIN'); // afterEach rolls back what it finds open
    expect(await checkpoints.load('projection')).toBe(0);

    await savePostgresCheckpoint(projection, 'projection', 8);
    await commit(projection);
    expect(await checkpoints.load('projection')).toBe(8);
  });
});
