import type { EventStore } from '../../event-store';
import { KurrentDbEventStore } from '../kurrentdb-event-store';

/** What a writer process needs to open its own connection to the log under test. */
export interface KurrentDbOpenerArgument {
  connectionString: string;
  namespace: string;
}

/** Opens a writer process's own client on the log (see contract/contending-writer.ts); the argument is KurrentDbOpenerArgument as JSON. */
export async function openEventStore(argument: string): Promise<EventStore> {
  const { connectionString, namespace } = JSON.parse(argument) as KurrentDbOpenerArgument;
  return KurrentDbEventStore.fromConnectionString(connectionString, { namespace });
}
