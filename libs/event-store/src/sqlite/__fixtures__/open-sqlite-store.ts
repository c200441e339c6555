import type { EventStore } from '../../event-store';
import { SqliteEventStore } from '../sqlite-event-store';

/** Opens a writer process's own connection to the log file (see contract/contending-writer.ts). */
export async function openEventStore(filename: string): Promise<EventStore> {
  return SqliteEventStore.open(filename);
}
