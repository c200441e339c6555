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
 * (each batch one transaction for all of them). Run it while no live runner of these projections
 * is running (the worker stopped), or the two would interleave.
 */
export async function rebuildProjections(store: EventStore, db: SqlDatabase, projections: readonly Projection[]): Promise<{ events: number }> {
  await db.batch(
    projections.flatMap((projection) => [
      ...projection.tables.map((table) => ({ sql: `DELETE FROM ${table}` })),
      { sql: 'DELETE FROM projection_checkpoints WHERE name = ?', params: [projection.name] },
    ]),
  );
  let after = 0;
  let events = 0;
  for (;;) {
    const batch = await store.readAll(after, REBUILD_BATCH);
    if (batch.length === 0) return { events };
    after = batch[batch.length - 1].globalPosition;
    const statements = await Promise.all(projections.map((projection) => projection.apply(batch, db)));
    await db.batch([...statements.flat(), ...projections.map((projection) => saveProjectionCheckpoint(projection.name, after))], { rebuildable: true });
    events += batch.length;
  }
}
