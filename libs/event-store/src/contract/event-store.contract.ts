/**
 * The behaviour every EventStore backend owes its callers, as one jest suite. A backend's spec
 * calls describeEventStoreContract with a factory that opens an empty log; the suite opens one per
 * test and disposes of it afterwards.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import {
  type CheckpointStore,
  type EventMetadata,
  type EventStore,
  IdempotencyConflictError,
  type NewEvent,
  readStreamOrEmpty,
  type RecordedEvent,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../event-store';
import { GENESIS_HASH, verifyStreamChain } from '../hash-chain';
import {
  type ContendingWriter,
  contendingWriter,
  type RaceOrder,
  type RaceOutcome,
  type WriteOrder,
  type WriteOutcome,
  type WriterOrder,
} from './contending-writer';

/** Raw access to the backend's storage, going around the store, to play the forger. */
export interface StorageTamper {
  /** Changes one byte of the event's stored data, leaving it valid JSON (see alterOneByteOfJson). */
  alterOneByteOfData(eventId: string): Promise<void>;
  /** Removes the event from storage. */
  deleteEvent(eventId: string): Promise<void>;
}

/** How a writer process opens its own connection to the log under test. */
export interface WriterProcessSpec {
  /** Path of a module exporting `openEventStore(argument: string): Promise<EventStore>`. */
  openerModule: string;
  openerArgument: string;
}

export interface EventStoreUnderTest {
  /** A store on an empty log. */
  store: EventStore;
  checkpoints: CheckpointStore;
  /** Absent where the backend gives no raw access to its storage (declare why in ContractOptions). */
  tamper?: StorageTamper;
  /** Absent: concurrent writers run inside the test process, sharing `store`. */
  writerProcess?: WriterProcessSpec;
  dispose(): Promise<void>;
}

export interface ContractOptions {
  /** Why this backend's storage cannot be tampered with; the tamper tests are then skipped, saying so. */
  cannotTamperBecause?: string;
}

/**
 * Changes the first letter of the first string value in a JSON text to the other case: one byte,
 * still valid JSON, the same length. For backends' StorageTamper implementations.
 */
export function alterOneByteOfJson(json: string): string {
  const found = /:\s*"[A-Za-z]/.exec(json);
  if (!found) {
    throw new Error(`no string value starting with an ASCII letter in ${json.slice(0, 80)}`);
  }
  const index = found.index + found[0].length - 1;
  const letter = json.charCodeAt(index);
  return json.slice(0, index) + String.fromCharCode(letter ^ 0x20) + json.slice(index + 1);
}

const metadata: EventMetadata = {
  actor: { userId: 'staff-7', role: 'community_staff', organisationId: '幸福里社区' },
  tier: 'community',
  correlationId: 'command-1',
  causationId: 'request-1',
};

/** A small event with the test envelope; backend-specific specs use it too. */
export function event(id: string, data: Record<string, unknown> = { id }, type = 'NoteAdded'): NewEvent {
  return { id, type, data, metadata };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Resolves once `condition` holds; fails after `timeoutMs`, so that a hang shows as an error. */
async function until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const range = (length: number) => Array.from({ length }, (_, n) => n);

function expectStrictlyIncreasing(positions: number[]): void {
  positions.slice(1).forEach((position, index) => expect(position).toBeGreaterThan(positions[index]));
}

/** Collects what a subscription delivers until `stop` is called. */
export function collect(store: EventStore, after: number, streamPrefix?: string) {
  const delivered: RecordedEvent[] = [];
  const controller = new AbortController();
  const running = store.subscribe({
    after,
    streamPrefix,
    signal: controller.signal,
    handler: async (events) => {
      delivered.push(...events);
    },
  });
  return {
    delivered,
    async stop() {
      controller.abort();
      await running;
    },
  };
}

const writerScript = join(__dirname, 'contending-writer.ts');
const registerTs = join(__dirname, '..', '..', '..', '..', 'test', 'support', 'register-ts.js');

/** A contending writer in a child process, with its own connection to the log. */
class WriterProcess implements ContendingWriter {
  private constructor(private readonly child: ChildProcess) {}

  static async start(spec: WriterProcessSpec, name: string): Promise<WriterProcess> {
    const child = fork(writerScript, [spec.openerModule, spec.openerArgument, name], {
      execArgv: ['-r', registerTs],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const writer = new WriterProcess(child);
    await writer.nextMessage();
    return writer;
  }

  race(order: RaceOrder): Promise<RaceOutcome> {
    return this.ask(order);
  }

  write(order: WriteOrder): Promise<WriteOutcome> {
    return this.ask(order);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    if (this.child.connected) this.child.send({ kind: 'stop' });
    else this.child.kill();
    await exited;
  }

  private ask<T>(order: WriterOrder): Promise<T> {
    const answer = this.nextMessage<T>();
    this.child.send(order);
    return answer;
  }

  /** The writer's next answer; rejects if it reports a failure or dies first. */
  private nextMessage<T>(): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: { failed?: string; writer: string }) => {
        stopListening();
        if (message.failed) reject(new Error(`${message.writer} failed: ${message.failed}`));
        else resolve(message as T);
      };
      const onExit = (code: number | null) => {
        stopListening();
        reject(new Error(`writer exited with code ${code}`));
      };
      const stopListening = () => {
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      this.child.on('message', onMessage);
      this.child.on('exit', onExit);
    });
  }
}

export function describeEventStoreContract(
  name: string,
  factory: () => Promise<EventStoreUnderTest>,
  options: ContractOptions = {},
): void {
  describe(`${name}: event store contract`, () => {
    let subject: EventStoreUnderTest;
    let store: EventStore;
    let writerProcesses: WriterProcess[] = [];

    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
    });

    afterEach(async () => {
      await Promise.all(writerProcesses.map((writer) => writer.stop()));
      writerProcesses = [];
      await subject?.dispose();
    });

    const allEvents = () => store.readAll(0, 10_000);

    async function startWriters(count: number): Promise<ContendingWriter[]> {
      const names = range(count).map((n) => `writer${n}`);
      const spec = subject.writerProcess;
      if (!spec) return names.map((writer) => contendingWriter(store, writer));
      writerProcesses = await Promise.all(names.map((writer) => WriterProcess.start(spec, writer)));
      return writerProcesses;
    }

    describe('append and read', () => {
      it('round-trips Chinese text, emoji and a 1 MB event with a full envelope', async () => {
        const large = { attachmentText: '物业公司未按时维修电梯。'.repeat(30_000), emoji: '🛗😡🏠' };
        const batch: NewEvent[] = [
          event('e-1', { title: '小区电梯停运三天 🛗', reporter: { name: '王女士', phone: null } }, 'CaseFiled'),
          { ...event('e-2', large, 'EvidenceAttached'), schemaVersion: 2 },
          event('e-3', { nested: [1, '二', { three: '😀' }] }),
        ];
        expect(Buffer.byteLength(JSON.stringify(large))).toBeGreaterThan(1_000_000);

        const result = await store.append('case-1', batch, 'no_stream');

        const stream = await store.readStream('case-1');
        expect(result).toEqual({ written: true, nextExpectedRevision: 2, lastGlobalPosition: stream[2].globalPosition });
        expect(stream.map(({ id, type, data, metadata: m }) => ({ id, type, data, metadata: m }))).toEqual(
          batch.map(({ id, type, data, metadata: m }) => ({ id, type, data, metadata: m })),
        );
        expect(stream.map((e) => [e.streamId, e.revision, e.schemaVersion])).toEqual([
          ['case-1', 0, 1],
          ['case-1', 1, 2],
          ['case-1', 2, 1],
        ]);
        expectStrictlyIncreasing(stream.map((e) => e.globalPosition));
        expect(new Date(stream[0].recordedAt).toISOString()).toBe(stream[0].recordedAt);
        expect(stream[0].previousHash).toBe(GENESIS_HASH);
        expect(stream[1].previousHash).toBe(stream[0].hash);
        expect(verifyStreamChain(stream)).toEqual({ intact: true, eventCount: 3, problems: [] });
        expect(await store.findEvent('e-2')).toEqual(stream[1]);
        expect(await allEvents()).toEqual(stream);
      });

      it('gives back awkward JSON exactly, so that the hash still verifies', async () => {
        const awkward = {
          zebra: 'keys out of order',
          '键😀': '𠀀 (outside the BMP), e\u0301 (combining), \u200d (zero-width joiner)',
          control: 'nul \u0000, tab \t, newline \n, quote " and backslash \\',
          loneSurrogate: '\ud800',
          numbers: [0.1, 1e21, 1e-7, 2 ** 53 + 2, -1.5e-300, Number.MAX_VALUE, 5e-324, 123456789.123456789],
          empty: { list: [], object: {}, text: '' },
          alpha: true,
        };

        await store.append('case-1', [event('awkward', awkward)], 'no_stream');

        const [stored] = await store.readStream('case-1');
        expect(stored.data).toEqual(awkward);
        expect(verifyStreamChain([stored]).intact).toBe(true);
      });

      it('reads a stream forwards or backwards, from a revision, up to a count', async () => {
        await store.append('case-1', ['a', 'b', 'c', 'd', 'e'].map((id) => event(id)), 'no_stream');
        const ids = async (readOptions: Parameters<EventStore['readStream']>[1]) =>
          (await store.readStream('case-1', readOptions)).map((e) => e.id).join('');

        expect(await ids(undefined)).toBe('abcde');
        expect(await ids({ fromRevision: 2 })).toBe('cde');
        expect(await ids({ maxCount: 2 })).toBe('ab');
        expect(await ids({ fromRevision: 1, maxCount: 2 })).toBe('bc');
        expect(await ids({ direction: 'backwards' })).toBe('edcba');
        expect(await ids({ direction: 'backwards', fromRevision: 3 })).toBe('dcba');
        expect(await ids({ direction: 'backwards', fromRevision: 3, maxCount: 2 })).toBe('dc');
        expect(await ids({ direction: 'backwards', fromRevision: 10 })).toBe('edcba');
        expect(await ids({ fromRevision: 5 })).toBe('');
      });

      it('throws StreamNotFoundError for a stream without events, and finds no unknown event', async () => {
        await store.append('case-1', [event('a')], 'no_stream');
        for (const readOptions of [undefined, { direction: 'backwards' as const }]) {
          const error = await rejectionOf(store.readStream('case-unknown', readOptions));
          expect(error).toBeInstanceOf(StreamNotFoundError);
          expect(error).toMatchObject({ streamId: 'case-unknown' });
        }
        expect(await readStreamOrEmpty(store, 'case-unknown')).toEqual([]);
        expect(await store.findEvent('missing')).toBeUndefined();
      });

      it("tells the revision of a stream's last event, -1 for a stream without events", async () => {
        expect(await store.streamRevision('case-1')).toBe(-1);
        await store.append('case-1', [event('a'), event('b')], 'no_stream');
        await store.append('case-2', [event('x')], 'no_stream');
        expect(await store.streamRevision('case-1')).toBe(1);
        await store.append('case-1', [event('c')], 1);
        expect(await store.streamRevision('case-1')).toBe(2);
        expect(await store.streamRevision('case-2')).toBe(0);
      });

      it('chains hashes across appends to the same stream', async () => {
        await store.append('case-1', [event('a')], 'no_stream');
        await store.append('case-2', [event('x')], 'no_stream');
        await store.append('case-1', [event('b'), event('c')], 0);
        const stream = await store.readStream('case-1');
        expect(stream[1].previousHash).toBe(stream[0].hash);
        expect(verifyStreamChain(stream)).toEqual({ intact: true, eventCount: 3, problems: [] });
      });

      it('rejects an empty append and a batch repeating an event id, writing nothing', async () => {
        await expect(store.append('case-1', [], 'any')).rejects.toThrow(/at least one event/);
        await expect(store.append('case-1', [event('a'), event('a')], 'any')).rejects.toThrow(/twice/);
        expect(await allEvents()).toEqual([]);
        expect(await store.streamRevision('case-1')).toBe(-1);
      });
    });

    describe('expected revision', () => {
      it("'no_stream' succeeds only on a new stream", async () => {
        await store.append('case-1', [event('a')], 'no_stream');
        const error = await rejectionOf(store.append('case-1', [event('b')], 'no_stream'));
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamId: 'case-1', expected: 'no_stream', actual: 0 });
      });

      it("'stream_exists' fails on a new stream with actual -1, and creates nothing", async () => {
        const error = await rejectionOf(store.append('case-1', [event('a')], 'stream_exists'));
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ expected: 'stream_exists', actual: -1 });
        expect(await store.streamRevision('case-1')).toBe(-1);
        await store.append('case-1', [event('a')], 'no_stream');
        expect(await store.append('case-1', [event('b')], 'stream_exists')).toMatchObject({ nextExpectedRevision: 1 });
      });

      it('an exact revision must equal the last revision, neither stale nor ahead', async () => {
        await store.append('case-1', [event('a'), event('b')], 'no_stream');
        expect(await store.append('case-1', [event('c')], 1)).toMatchObject({ written: true, nextExpectedRevision: 2 });
        for (const expected of [1, 5]) {
          const error = await rejectionOf(store.append('case-1', [event(`stale-${expected}`)], expected));
          expect(error).toBeInstanceOf(WrongExpectedRevisionError);
          expect(error).toMatchObject({ expected, actual: 2 });
        }
        expect((await allEvents()).map((e) => e.id)).toEqual(['a', 'b', 'c']);
      });

      it("'any' appends to a new or an existing stream", async () => {
        expect(await store.append('case-1', [event('a')], 'any')).toMatchObject({ nextExpectedRevision: 0 });
        expect(await store.append('case-1', [event('b')], 'any')).toMatchObject({ nextExpectedRevision: 1 });
      });
    });

    describe('idempotency by event id', () => {
      it('a retried append writes nothing and returns the first positions, whatever the expected revision', async () => {
        await store.append('case-0', [event('other')], 'no_stream');
        const first = await store.append('case-1', [event('a'), event('b')], 'no_stream');
        await store.append('case-1', [event('c')], 1);

        const retry = await store.append('case-1', [event('a'), event('b')], 'no_stream');

        expect(retry).toEqual({ written: false, nextExpectedRevision: 1, lastGlobalPosition: first.lastGlobalPosition });
        expect((await store.findEvent('b'))?.globalPosition).toBe(first.lastGlobalPosition);
        expect((await allEvents()).map((e) => e.id)).toEqual(['other', 'a', 'b', 'c']);
      });

      it('retrying the tail of an earlier batch is also a retry', async () => {
        await store.append('case-1', [event('a'), event('b'), event('c')], 'no_stream');
        const c = await store.findEvent('c');
        expect(await store.append('case-1', [event('b'), event('c')], 'any')).toEqual({
          written: false,
          nextExpectedRevision: 2,
          lastGlobalPosition: c?.globalPosition,
        });
      });

      it.each([
        ['some events new', 'case-1', [event('b'), event('c')], 'b'],
        ['the stored events in another order', 'case-1', [event('b'), event('a')], 'a'],
        ['the events in another stream', 'case-2', [event('a'), event('b')], 'a'],
        ['other data under the same id', 'case-1', [event('a'), event('b', { changed: true })], 'b'],
        ['another type under the same id', 'case-1', [event('a'), event('b', { id: 'b' }, 'Other')], 'b'],
      ])('conflicts when a batch repeats ids with %s, writing nothing', async (_case, streamId, batch, conflicting) => {
        await store.append('case-1', [event('a'), event('b')], 'no_stream');
        const error = await rejectionOf(store.append(streamId, batch, 'any'));
        expect(error).toBeInstanceOf(IdempotencyConflictError);
        expect(error).toMatchObject({ streamId, eventId: conflicting });
        expect((await allEvents()).map((e) => e.id)).toEqual(['a', 'b']);
      });
    });

    describe('global log', () => {
      it('orders events across streams by commit and pages from a position', async () => {
        await store.append('case-a', [event('a0')], 'no_stream');
        await store.append('case-b', [event('b0'), event('b1')], 'no_stream');
        await store.append('case-a', [event('a1')], 0);
        await store.append('case-c', [event('c0')], 'no_stream');

        const log = await allEvents();
        expect(log.map((e) => [e.id, e.streamId, e.revision])).toEqual([
          ['a0', 'case-a', 0],
          ['b0', 'case-b', 0],
          ['b1', 'case-b', 1],
          ['a1', 'case-a', 1],
          ['c0', 'case-c', 0],
        ]);
        expectStrictlyIncreasing(log.map((e) => e.globalPosition));
        expect((await store.readAll(log[1].globalPosition, 2)).map((e) => e.id)).toEqual(['b1', 'a1']);
        expect(await store.readAll(log[4].globalPosition, 10)).toEqual([]);
      });
    });

    describe('subscribe', () => {
      it('catches up from a position, then delivers events appended later, and ends on abort', async () => {
        await store.append('case-1', [event('a'), event('b')], 'no_stream');
        const [a] = await allEvents();
        const subscription = collect(store, a.globalPosition);
        try {
          await until('b is delivered', () => subscription.delivered.length === 1);
          await store.append('case-2', [event('c')], 'no_stream');
          await until('c is delivered', () => subscription.delivered.length === 2);
        } finally {
          await subscription.stop();
        }
        expect(subscription.delivered.map((e) => e.id)).toEqual(['b', 'c']);
        expect(subscription.delivered).toEqual((await allEvents()).slice(1));
      });

      it('with a stream prefix, delivers only the streams whose id starts with it', async () => {
        await store.append('case-1', [event('case-1-a')], 'no_stream');
        await store.append('council-1', [event('council-1-a')], 'no_stream');
        await store.append('casework-1', [event('casework-1-a')], 'no_stream');
        await store.append('case-2', [event('case-2-a'), event('case-2-b')], 'no_stream');
        const subscription = collect(store, 0, 'case-');
        try {
          await until('the matching events are delivered', () => subscription.delivered.length === 3);
          await store.append('council-1', [event('council-1-b')], 0);
          await store.append('case-1', [event('case-1-b')], 0);
          await until('the live matching event is delivered', () => subscription.delivered.length === 4);
        } finally {
          await subscription.stop();
        }
        expect(subscription.delivered.map((e) => e.id)).toEqual(['case-1-a', 'case-2-a', 'case-2-b', 'case-1-b']);
      });

      it('retries a failing handler on the same batch, reporting each failure, before moving on', async () => {
        await store.append('case-1', [event('a'), event('b'), event('c')], 'no_stream');
        const batchesWithB: string[][] = [];
        const handled: string[] = [];
        const failures: Array<[string, string[]]> = [];
        const controller = new AbortController();

        await store.subscribe({
          after: 0,
          signal: controller.signal,
          handler: async (events) => {
            const ids = events.map((e) => e.id);
            if (ids.includes('b') && batchesWithB.push(ids) < 3) throw new Error('read store down');
            handled.push(...ids);
            if (ids.includes('c')) controller.abort();
          },
          onError: (error, events) => failures.push([(error as Error).message, events.map((e) => e.id)]),
        });

        expect(handled).toEqual(['a', 'b', 'c']);
        expect(batchesWithB).toHaveLength(3);
        expect(new Set(batchesWithB.map((ids) => ids.join()))).toEqual(new Set([batchesWithB[0].join()]));
        expect(failures).toEqual([
          ['read store down', batchesWithB[0]],
          ['read store down', batchesWithB[0]],
        ]);
      });

      it('stopped mid-way and restarted from its checkpoint, neither loses nor repeats events', async () => {
        const handled: RecordedEvent[] = [];
        const project = async (e: RecordedEvent) => {
          handled.push(e);
          await subject.checkpoints.save('projection', e.globalPosition);
        };
        const appendMany = async (from: number, count: number) => {
          for (let n = from; n < from + count; n++) {
            await store.append(`case-${n % 7}`, [event(`e-${n}`)], 'any');
          }
        };

        await appendMany(0, 100);
        const firstRun = new AbortController();
        await store.subscribe({
          after: await subject.checkpoints.load('projection'),
          signal: firstRun.signal,
          handler: async (events) => {
            for (const e of events) {
              await project(e);
              if (handled.length === 40) return firstRun.abort();
            }
          },
        });
        expect(handled).toHaveLength(40);
        expect(await subject.checkpoints.load('projection')).toBe(handled[39].globalPosition);

        await appendMany(100, 50);
        const secondRun = new AbortController();
        const restarted = store.subscribe({
          after: await subject.checkpoints.load('projection'),
          signal: secondRun.signal,
          handler: async (events) => {
            for (const e of events) await project(e);
          },
        });
        await appendMany(150, 50);
        await until('all 200 events are handled', () => handled.length >= 200);
        secondRun.abort();
        await restarted;

        expect(handled.map((e) => e.id)).toEqual(range(200).map((n) => `e-${n}`));
        expect(handled).toEqual(await allEvents());
      });

      it('an idle subscription ends when aborted', async () => {
        const subscription = collect(store, 0);
        await new Promise((resolve) => setTimeout(resolve, 50));
        await subscription.stop();
        expect(subscription.delivered).toEqual([]);
      });
    });

    describe('concurrent writers', () => {
      it('8 writers racing at the same expected revision: exactly one wins each round and the stream never forks', async () => {
        const racers = await startWriters(8);
        const streamId = 'case-contested';
        const winners: string[] = [];

        for (let round = 0; round < 15; round++) {
          const expected = round * 2 - 1;
          const startAt = Date.now() + 30;
          const outcomes = await Promise.all(
            racers.map((writer) => writer.race({ kind: 'race', streamId, round, expected, startAt })),
          );

          const won = outcomes.filter((outcome) => outcome.won);
          expect(won).toHaveLength(1);
          for (const outcome of outcomes) {
            if (!outcome.won) expect(outcome.actual).toBe(expected + 2);
          }
          const winner = won[0];
          const lastOfRound = await store.findEvent(`${winner.writer}-round-${round}-part-1`);
          expect(winner.won && winner.result).toEqual({
            written: true,
            nextExpectedRevision: expected + 2,
            lastGlobalPosition: lastOfRound?.globalPosition,
          });
          winners.push(winner.writer);
        }

        const stream = await store.readStream(streamId);
        expect(stream.map((e) => e.revision)).toEqual(range(30));
        expect(stream.map((e) => e.id)).toEqual(
          winners.flatMap((writer, round) => [`${writer}-round-${round}-part-0`, `${writer}-round-${round}-part-1`]),
        );
        expect(verifyStreamChain(stream)).toEqual({ intact: true, eventCount: 30, problems: [] });
        expect(await allEvents()).toEqual(stream);
      });

      it('a reader subscribed during 8 concurrent writers sees every event once, in an order consistent with each stream', async () => {
        const writerCount = 8;
        const eventsPerWriter = 80;
        const total = writerCount * eventsPerWriter;
        const subscription = collect(store, 0);

        try {
          const writers = await startWriters(writerCount);
          await Promise.all(
            writers.map((writer, n) =>
              writer.write({ kind: 'write', streams: [`case-own-${n}`, 'case-shared'], count: eventsPerWriter }),
            ),
          );
          await until('every event is delivered', () => subscription.delivered.length >= total);
        } finally {
          await subscription.stop();
        }

        const { delivered } = subscription;
        expect(delivered).toHaveLength(total);
        expect(new Set(delivered.map((e) => e.id)).size).toBe(total);
        expectStrictlyIncreasing(delivered.map((e) => e.globalPosition));
        expect(delivered).toEqual(await allEvents());

        const revisionsByStream = new Map<string, number[]>();
        for (const e of delivered) {
          revisionsByStream.set(e.streamId, [...(revisionsByStream.get(e.streamId) ?? []), e.revision]);
        }
        expect(revisionsByStream.get('case-shared')).toEqual(range(total / 2));
        for (let n = 0; n < writerCount; n++) {
          expect(revisionsByStream.get(`case-own-${n}`)).toEqual(range(eventsPerWriter / 2));
          const ownSequence = delivered.filter((e) => e.data.writer === `writer${n}`).map((e) => e.data.sequence);
          expect(ownSequence).toEqual(range(eventsPerWriter));
        }
        for (const streamId of revisionsByStream.keys()) {
          expect(verifyStreamChain(await store.readStream(streamId)).intact).toBe(true);
        }
      });
    });

    describe('tamper evidence', () => {
      const tamperTest = options.cannotTamperBecause ? it.skip : it;
      if (options.cannotTamperBecause) {
        console.info(`${name}: tamper-evidence tests skipped: ${options.cannotTamperBecause}`);
      }
      const tamper = (): StorageTamper => {
        if (!subject.tamper) throw new Error(`${name}: the fixture has no tamper; declare cannotTamperBecause instead`);
        return subject.tamper;
      };

      beforeEach(async () => {
        for (let revision = 0; revision < 5; revision++) {
          await store.append(
            'case-1',
            [event(`r-${revision}`, { decision: 'approved', revision })],
            revision === 0 ? 'no_stream' : revision - 1,
          );
        }
        await store.append('case-2', [event('other', { decision: 'approved' })], 'no_stream');
      });

      it('an untouched stream verifies', async () => {
        expect(verifyStreamChain(await store.readStream('case-1'))).toEqual({ intact: true, eventCount: 5, problems: [] });
      });

      tamperTest('one byte of stored data changed fails verification at that event', async () => {
        await tamper().alterOneByteOfData('r-2');

        const stream = await store.readStream('case-1');
        expect(stream[2].data).toEqual({ decision: 'Approved', revision: 2 });
        const verification = verifyStreamChain(stream);
        expect(verification.intact).toBe(false);
        expect(verification.problems).toEqual([{ revision: 2, eventId: 'r-2', problem: expect.stringMatching(/altered/) }]);
        expect(verifyStreamChain(await store.readStream('case-2')).intact).toBe(true);
      });

      tamperTest('a deleted event is detected at the event after it', async () => {
        await tamper().deleteEvent('r-2');

        const verification = verifyStreamChain(await store.readStream('case-1'));
        expect(verification.intact).toBe(false);
        expect(verification.eventCount).toBe(4);
        expect(verification.problems.map((p) => [p.revision, p.eventId])).toEqual([
          [3, 'r-3'],
          [3, 'r-3'],
        ]);
      });
    });

    describe('checkpoints', () => {
      it('loads 0 for an unknown name and the last saved position otherwise', async () => {
        const { checkpoints } = subject;
        expect(await checkpoints.load('bridge')).toBe(0);
        await checkpoints.save('bridge', 12);
        await checkpoints.save('bridge', 15);
        await checkpoints.save('inbox', 3);
        expect(await checkpoints.load('bridge')).toBe(15);
        expect(await checkpoints.load('inbox')).toBe(3);
      });
    });
  });
}
