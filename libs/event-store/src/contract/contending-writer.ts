/**
 * A writer that contends with others for the same streams, used by the contract suite's
 * concurrency tests either inside the test process or as a child process of its own (so that each
 * writer has its own connection, as separate API processes would):
 *
 *   node -r test/support/register-ts.js contending-writer.ts <opener module> <opener argument> <name>
 *
 * The opener module exports `openEventStore(argument): Promise<EventStore>`. The child answers
 * `{ ready }` once open, then every message with the outcome of the order (or `{ failed }`), and
 * closes its store and exits on `{ kind: 'stop' }`.
 */
import { type AppendResult, type EventMetadata, type EventStore, WrongExpectedRevisionError } from '../event-store';

/** At the instant `startAt` (shared by all writers, so that they collide), append two events at `expected`. */
export interface RaceOrder {
  kind: 'race';
  streamId: string;
  round: number;
  expected: number;
  startAt: number;
}

/**
 * Append `count` events, each to the next of `streams` in turn, at the revision last seen there,
 * catching up after every conflict.
 */
export interface WriteOrder {
  kind: 'write';
  streams: string[];
  count: number;
}

export type WriterOrder = RaceOrder | WriteOrder;

export type RaceOutcome = { writer: string } & ({ won: true; result: AppendResult } | { won: false; actual: number });
export interface WriteOutcome {
  writer: string;
  conflicts: number;
}

export interface ContendingWriter {
  race(order: RaceOrder): Promise<RaceOutcome>;
  write(order: WriteOrder): Promise<WriteOutcome>;
}

export function contendingWriter(store: EventStore, writer: string): ContendingWriter {
  const metadata: EventMetadata = {
    actor: { userId: writer, role: 'test-writer', organisationId: 'test' },
    tier: 'community',
    correlationId: `${writer}-command`,
    causationId: `${writer}-command`,
  };
  return {
    async race({ streamId, round, expected, startAt }) {
      await new Promise((resolve) => setTimeout(resolve, startAt - Date.now()));
      const events = [0, 1].map((part) => ({
        id: `${writer}-round-${round}-part-${part}`,
        type: 'RaceEntered',
        data: { writer, round, part },
        metadata,
      }));
      try {
        const result = await store.append(streamId, events, expected === -1 ? 'no_stream' : expected);
        return { writer, won: true, result };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        return { writer, won: false, actual: error.actual };
      }
    },

    async write({ streams, count }) {
      const lastSeen = new Map(streams.map((streamId) => [streamId, -1]));
      let conflicts = 0;
      for (let sequence = 0; sequence < count; sequence++) {
        const streamId = streams[sequence % streams.length];
        const event = { id: `${writer}-${sequence}`, type: 'Written', data: { writer, sequence }, metadata };
        for (;;) {
          try {
            const expected = lastSeen.get(streamId) ?? -1;
            const result = await store.append(streamId, [event], expected === -1 ? 'no_stream' : expected);
            lastSeen.set(streamId, result.nextExpectedRevision);
            break;
          } catch (error) {
            if (!(error instanceof WrongExpectedRevisionError)) throw error;
            conflicts++;
            lastSeen.set(streamId, error.actual);
          }
        }
      }
      return { writer, conflicts };
    },
  };
}

async function runAsChildProcess(): Promise<void> {
  const [openerModule, openerArgument, writer] = process.argv.slice(2);
  const send = (message: object) => process.send?.(message);
  const { openEventStore } = require(openerModule) as { openEventStore(argument: string): Promise<EventStore> };
  const store = await openEventStore(openerArgument);
  const actions = contendingWriter(store, writer);
  process.on('message', async (order: WriterOrder | { kind: 'stop' }) => {
    if (order.kind === 'stop') {
      await store.close();
      process.disconnect();
      return;
    }
    try {
      send(order.kind === 'race' ? await actions.race(order) : await actions.write(order));
    } catch (error) {
      send({ failed: String(error instanceof Error ? error.stack : error), writer });
    }
  });
  send({ ready: true, writer });
}

if (require.main === module) {
  runAsChildProcess().catch((error: unknown) => {
    process.send?.({ failed: String(error instanceof Error ? error.stack : error), writer: process.argv[4] });
    process.exit(1);
  });
}
