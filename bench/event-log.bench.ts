import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { GetCaseStateAsOfHandler, GetCaseStateAsOfQuery } from '@yixin/audit';
import { caseStreamId } from '@yixin/case-stream';
import { PROJECTIONS } from '@yixin/platform';
import { PROJECTION_CHECKPOINTS_SCHEMA, rebuildProjections } from '@yixin/projections';
import { SqliteSqlDatabase } from '@yixin/stores';
import { openSqliteDatabase, SqliteEventStore, type NewEvent, type SqliteSynchronousMode } from '@yixin/event-store';
import { temporaryDirectory } from '@yixin/testing';
import { percentile, round, subscriptionLags, type Benchmark, type Figure } from './bench-kit';
import { caseLifeEvents, fillLog } from './event-data';

const auditor = { userId: 'bench', role: 'auditor' as const, organisationId: 'bench' };

function freshStore(synchronous: SqliteSynchronousMode) {
  const db = openSqliteDatabase(join(temporaryDirectory('yixin-bench-'), 'log.sqlite'), { synchronous });
  return { db, store: new SqliteEventStore(db) };
}

/** Our append against a bare better-sqlite3 insert of the same rows, same file settings. */
async function appendRates(synchronous: SqliteSynchronousMode, perAppend: number, total: number): Promise<Figure> {
  const events = caseLifeEvents(randomUUID(), Math.ceil(total / 4)).slice(0, total);
  const ours = freshStore(synchronous);
  const streamId = caseStreamId(randomUUID());
  let started = performance.now();
  for (let i = 0; i < events.length; i += perAppend) {
    await ours.store.append(streamId, events.slice(i, i + perAppend), i === 0 ? 'no_stream' : i - 1);
  }
  const oursRate = events.length / ((performance.now() - started) / 1000);
  ours.db.close();

  const raw = freshStore(synchronous);
  const insert = raw.db.prepare(
    `INSERT INTO events (event_id, stream_id, stream_revision, type, schema_version, data, metadata, recorded_at, previous_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertBatch = raw.db.transaction((batch: NewEvent[], offset: number) => {
    batch.forEach((event, index) => {
      const data = JSON.stringify(event.data);
      const hash = createHash('sha256').update(data).digest('hex');
      insert.run(event.id, streamId, offset + index, event.type, 1, data, JSON.stringify(event.metadata), new Date().toISOString(), hash, hash);
    });
  });
  started = performance.now();
  for (let i = 0; i < events.length; i += perAppend) insertBatch(events.slice(i, i + perAppend), i);
  const rawRate = events.length / ((performance.now() - started) / 1000);
  raw.db.close();
  return {
    name: `append, ${perAppend === 1 ? 'one event' : `batches of ${perAppend}`} per transaction (synchronous=${synchronous})`,
    value: Math.round(oursRate),
    unit: 'events/s',
    baseline: { name: 'raw better-sqlite3 insert loop', value: Math.round(rawRate) },
    target: '≥ 0.5× baseline',
  };
}

export const sqliteEventLog: Benchmark = {
  title: 'Event log on SQLite (better-sqlite3 12, WAL)',
  async run() {
    const figures: Figure[] = [
      await appendRates('FULL', 1, 3000),
      await appendRates('NORMAL', 1, 20_000),
      await appendRates('FULL', 100, 50_000),
    ];

    // One log of a million events serves the read, rebuild and as-of figures.
    const { db, store } = freshStore('OFF');
    let started = performance.now();
    await fillLog(store, 1_000_000);
    const caseWith200 = randomUUID();
    const longCase = caseLifeEvents(caseWith200, 49);
    await store.append(caseStreamId(caseWith200), longCase, 'no_stream');
    const fillSeconds = (performance.now() - started) / 1000;

    started = performance.now();
    let cpuBefore = process.cpuUsage();
    let after = 0;
    let read = 0;
    for (;;) {
      const batch = await store.readAll(after, 5000);
      if (batch.length === 0) break;
      read += batch.length;
      after = batch[batch.length - 1].globalPosition;
    }
    const readRate = read / ((performance.now() - started) / 1000);
    const readCpuRate = read / cpuSecondsSince(cpuBefore);
    const rawSelect = db.prepare('SELECT * FROM events WHERE global_position > ? ORDER BY global_position LIMIT 5000');
    started = performance.now();
    after = 0;
    for (;;) {
      const rows = rawSelect.all(after) as Array<{ global_position: number; data: string; metadata: string }>;
      if (rows.length === 0) break;
      for (const row of rows) {
        JSON.parse(row.data);
        JSON.parse(row.metadata);
      }
      after = rows[rows.length - 1].global_position;
    }
    const rawReadRate = read / ((performance.now() - started) / 1000);
    figures.push({
      name: `reading the global log (${read} events, batches of 5000)`,
      value: Math.round(readRate),
      unit: 'events/s',
      baseline: { name: 'raw SELECT + JSON.parse', value: Math.round(rawReadRate) },
      target: '≥ 200,000 events/s',
      note: `${Math.round(readCpuRate)} events per second of this process's CPU (the machine is shared)`,
    });

    const readStore = new SqliteSqlDatabase(db);
    await readStore.executeScript([PROJECTION_CHECKPOINTS_SCHEMA, ...PROJECTIONS.map((projection) => projection.schema)].join(';\n'));
    started = performance.now();
    cpuBefore = process.cpuUsage();
    await rebuildProjections(store, readStore, PROJECTIONS);
    const rebuildCpuSeconds = cpuSecondsSince(cpuBefore);
    figures.push({
      name: `rebuilding all projections (${PROJECTIONS.map((projection) => projection.name).join(', ')}) from ${read} events`,
      value: round((performance.now() - started) / 1000),
      unit: 's',
      target: '< 30 s',
      note: `${round(rebuildCpuSeconds)} s of this process's CPU; log generated in ${round(fillSeconds)} s`,
    });

    const asOf = new GetCaseStateAsOfHandler(store);
    const times = longCase.map((_, index) => new Date(Date.parse('2026-03-02T01:00:00Z') + index * 60_000).toISOString());
    const latencies: number[] = [];
    for (let i = 0; i < 200; i++) await asOf.execute(new GetCaseStateAsOfQuery(auditor, caseWith200, { at: times[i % times.length] }));
    for (let i = 0; i < 2000; i++) {
      const at = times[i % times.length];
      const t0 = performance.now();
      await asOf.execute(new GetCaseStateAsOfQuery(auditor, caseWith200, { at }));
      latencies.push(performance.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    figures.push({
      name: `state of a ${longCase.length}-event case as of a past time (2000 queries after 200 to warm up)`,
      value: round(percentile(latencies, 99), 2),
      unit: 'ms p99',
      target: 'p99 < 5 ms',
      note: `p50 ${round(percentile(latencies, 50), 2)} ms`,
    });
    db.close();

    figures.push(await subscriptionLag());
    return figures;
  },
};

function cpuSecondsSince(before: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(before);
  return (user + system) / 1e6;
}

/** A subscriber on its own connection to the same file, while a writer appends 1,000 events per second. */
async function subscriptionLag(): Promise<Figure> {
  const file = join(temporaryDirectory('yixin-bench-'), 'log.sqlite');
  const writerDb = openSqliteDatabase(file, { synchronous: 'NORMAL' });
  const readerDb = openSqliteDatabase(file, { synchronous: 'NORMAL' });
  const lags = await subscriptionLags(new SqliteEventStore(writerDb), new SqliteEventStore(readerDb));
  writerDb.close();
  readerDb.close();
  return {
    name: 'subscription lag behind a writer appending 1,000 events/s (batches of 10 every 10 ms, same process, two connections)',
    value: percentile(lags, 99),
    unit: 'ms p99',
    target: 'p99 < 100 ms',
    note: `p50 ${percentile(lags, 50)} ms; another process would be woken by the 100 ms poll instead`,
  };
}
