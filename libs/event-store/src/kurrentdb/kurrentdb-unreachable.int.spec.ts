import { createServer } from 'node:net';
import { KurrentDBClient, UnavailableError } from '@kurrent/kurrentdb-client';
import type { EventMetadata } from '../event-store';
import { KurrentDbEventStore } from './kurrentdb-event-store';

/**
 * What the store does when no server answers, which is all that can be run where no KurrentDB
 * runs: its errors surface instead of hanging, and a subscription outlives the outage.
 */

/** A port nothing listens on, so that every connection is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const metadata: EventMetadata = {
  actor: { userId: 'staff-7', role: 'community_staff', organisationId: 'community-1' },
  tier: 'community',
  correlationId: 'command-1',
  causationId: 'request-1',
};

let connectionString: string;
let store: KurrentDbEventStore;

beforeEach(async () => {
  connectionString = `kurrentdb://127.0.0.1:${await closedPort()}?tls=false`;
  store = KurrentDbEventStore.fromConnectionString(connectionString);
});

afterEach(async () => {
  await store.close();
});

it('fails appends and reads with the client’s UnavailableError instead of waiting', async () => {
  await expect(store.append('case-1', [{ id: 'e-1', type: 'NoteAdded', data: {}, metadata }], 'no_stream')).rejects.toBeInstanceOf(
    UnavailableError,
  );
  await expect(store.readStream('case-1')).rejects.toBeInstanceOf(UnavailableError);
  await expect(store.readAll(0, 10)).rejects.toBeInstanceOf(UnavailableError);
});

it('keeps opening the subscription again while the server is away, and ends when aborted', async () => {
  const openSubscription = store.client.subscribeToAll.bind(store.client);
  let opened = 0;
  jest.spyOn(store.client, 'subscribeToAll').mockImplementation((...args) => {
    opened += 1;
    return openSubscription(...args);
  });
  const handler = jest.fn(async () => undefined);
  const controller = new AbortController();

  const subscription = store.subscribe({ after: 0, signal: controller.signal, handler });
  await until('the subscription has been opened three times', () => opened >= 3);
  controller.abort();

  await expect(subscription).resolves.toBeUndefined();
  expect(handler).not.toHaveBeenCalled();
});

it('disposes of the client on close only when it created it', async () => {
  const callersClient = KurrentDBClient.connectionString(connectionString);
  const disposeCallersClient = jest.spyOn(callersClient, 'dispose');
  await new KurrentDbEventStore(callersClient).close();
  expect(disposeCallersClient).not.toHaveBeenCalled();
  await callersClient.dispose();

  const disposeOwnClient = jest.spyOn(store.client, 'dispose');
  await store.close();
  expect(disposeOwnClient).toHaveBeenCalledTimes(1);
});
