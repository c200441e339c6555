'use strict';
/**
 * A child process with its own connection, told by the test when to append. Messages:
 *   { kind: 'race', streamId, round, expected, startAt }
 *                                                at the instant `startAt` (shared by all writers, so
 *                                                that they collide), appends two events at `expected`
 *                                                and answers with the outcome;
 *   { kind: 'write', streams, count }           appends `count` events, each to the next of `streams`
 *                                                in turn, at the revision it last saw, catching up after
 *                                                every conflict; answers with the number of conflicts;
 *   { kind: 'stop' }                            closes the store and exits.
 * argv: database file, writer name.
 */
require('../../../../../test/support/register-ts');
const { SqliteEventStore } = require('../sqlite-event-store.ts');
const { WrongExpectedRevisionError } = require('../../event-store.ts');

const [filename, writer] = process.argv.slice(2);
const store = SqliteEventStore.open(filename);
const metadata = {
  actor: { userId: writer, role: 'test-writer', organisationId: 'test' },
  tier: 'community',
  correlationId: `${writer}-command`,
  causationId: `${writer}-command`,
};

async function race({ streamId, round, expected, startAt }) {
  await new Promise((resolve) => setTimeout(resolve, startAt - Date.now()));
  const events = [0, 1].map((part) => ({
    id: `${writer}-round-${round}-part-${part}`,
    type: 'RaceEntered',
    data: { writer, round, part },
    metadata,
  }));
  try {
    const result = await store.append(streamId, events, expected === -1 ? 'no_stream' : expected);
    return { won: true, result };
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
    return { won: false, actual: error.actual };
  }
}

async function write({ streams, count }) {
  const lastSeen = new Map(streams.map((streamId) => [streamId, -1]));
  let conflicts = 0;
  for (let sequence = 0; sequence < count; sequence++) {
    const streamId = streams[sequence % streams.length];
    const event = { id: `${writer}-${sequence}`, type: 'Written', data: { writer, sequence }, metadata };
    for (;;) {
      try {
        const result = await store.append(streamId, [event], lastSeen.get(streamId));
        lastSeen.set(streamId, result.nextExpectedRevision);
        break;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        conflicts++;
        lastSeen.set(streamId, error.actual);
      }
    }
  }
  return { conflicts };
}

process.on('message', async (message) => {
  if (message.kind === 'stop') {
    await store.close();
    process.disconnect();
    return;
  }
  try {
    const outcome = message.kind === 'race' ? await race(message) : await write(message);
    process.send({ ...outcome, writer });
  } catch (error) {
    process.send({ failed: String(error && error.stack), writer });
  }
});
process.send({ ready: true, writer });
