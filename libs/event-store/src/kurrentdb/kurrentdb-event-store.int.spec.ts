import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describeEventStoreContract } from '../contract/event-store.contract';
import type { KurrentDbOpenerArgument } from './__fixtures__/open-kurrentdb-store';
import { KurrentDbCheckpointStore, KurrentDbEventStore } from './kurrentdb-event-store';

/** No KurrentDB server runs on the project's machines: the suite runs where one is given (see kurrentdb.md). */
const connectionString = process.env.KURRENTDB_CONNECTION_STRING;

if (connectionString) {
  describeEventStoreContract(
    'KurrentDB',
    async () => {
      // A server holds one log, and every test wants an empty one: each test gets a namespace of its own.
      const opener: KurrentDbOpenerArgument = { connectionString, namespace: `contract-${randomUUID()}` };
      const store = KurrentDbEventStore.fromConnectionString(connectionString, { namespace: opener.namespace });
      return {
        store,
        checkpoints: new KurrentDbCheckpointStore(store),
        writerProcess: {
          openerModule: join(__dirname, '__fixtures__', 'open-kurrentdb-store.ts'),
          openerArgument: JSON.stringify(opener),
        },
        dispose: () => store.close(),
      };
    },
    { cannotTamperBecause: 'KurrentDB cannot change or remove one event in the middle of a stream' },
  );
} else {
  describe('KurrentDB: event store contract', () => {
    it('is skipped: KURRENTDB_CONNECTION_STRING is not set', () => {
      console.warn('KurrentDB contract suite skipped: KURRENTDB_CONNECTION_STRING is not set');
    });
  });
}
