import type { EventStore } from '@yixin/event-store';
import type { SqlDatabase, SqlStatement } from '@yixin/stores';
import { applyProjectionBatch, loadProjectionCheckpoint, saveProjectionCheckpoint, type Projection } from './projection';

const REBUILD_BATCH = 20_000;
const LIVE_BATCH = 25;

/** Keeps a projection up to date from its checkpoint until `signal` aborts, each write behind `fence` (see applyProjectionBatch). */
export async function runProjection(
  store: EventStore,
  db: SqlDatabase,
  projection: Projection,
  signal: AbortSignal,
  onError: (error: unknown) => void,
  fence: readonly SqlStatement[] = [],
): Promise<void> {
  await store.subscribe({
    after: await loadProjectionCheckpoint(db, projection.name),
    signal,
    handler: async (events) => {
      // Bounded, so that a backlog does not hold SQLite's write lock for long at a time.
      for (let from = 0; from < events.length; from += LIVE_BATCH) await applyProjectionBatch(db, projection, events.slice(from, from + LIVE_BATCH), fence);
    },
    onError,
  });
}

/**
 * Empties projections and replays the whole log into them, reading it once, in large batches
 * (each batch one transaction for all of them). Their secondary indexes are dropped first and
 * built again at the end, from the finished rows: one sort each instead of keeping every index up
 * to date through every insert. Run it while no live runner of these projections is running (the
 * worker stopped), or the two would interleave; if it stops half-way, the next start's schema
 * creates the indexes again.
 */
export async function rebuildProjections(store: EventStore, db: SqlDatabase, projections: readonly Projection[]): Promise<{ events: number }> {
  await db.batch(
    projections.flatMap((projection) => [
      ...secondaryIndexes(projection).map((index) => ({ sql: `DROP INDEX IF EXISTS ${index}` })),
      ...projection.tables.map((table) => ({ sql: `DELETE FROM ${table}` })),
      { sql: 'DELETE FROM projection_checkpoints WHERE name = ?', params: [projection.name] },
    ]),
  );
  let after = 0;
  let events = 0;
  for (;;) {
    const batch = await store.readAll(after, REBUILD_BATCH);
    if (batch.length === 0) break;
    after = batch[batch.length - 1].globalPosition;
    const statements = await Promise.all(projections.map((projection) => projection.apply(batch, db)));
    await db.batch([...statements.flat(), ...projections.map((projection) => saveProjectionCheckpoint(projection.name, after))], { rebuildable: true });
    events += batch.length;
  }
  await db.executeScript(projections.map((projection) => projection.schema).join(';\n'));
  return { events };
}

/** The indexes a projection's schema creates besides its keys: none of its statements needs them to apply events. */
function secondaryIndexes(projection: Projection): string[] {
  return [...projection.schema.matchAll(/CREATE INDEX IF NOT EXISTS (\w+)/g)].map((match) => match[1]);
}
