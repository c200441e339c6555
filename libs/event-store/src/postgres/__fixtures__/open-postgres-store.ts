import type { EventStore } from '../../event-store';
import { PostgresEventStore } from '../postgres-event-store';

/** Opens a writer process's own pool on the log (see contract/contending-writer.ts). */
export async function openEventStore(connectionString: string): Promise<EventStore> {
  return PostgresEventStore.connect(connectionString, { poolSize: 2 });
}
