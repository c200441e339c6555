/**
 * Real concurrency: each writer is a child process with its own better-sqlite3 connection to the
 * same file, running SqliteEventStore itself (see __fixtures__/contending-writer.js).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppendResult, RecordedEvent } from '../event-store';
import { verifyStreamChain } from '../hash-chain';
import { SqliteEventStore } from './sqlite-event-store';

const writerScript = join(__dirname, '__fixtures__', 'contending-writer.js');

type RaceOutcome = { writer: string } & ({ won: true; result: AppendResult } | { won: false; actual: number });

let dir: string;
let filename: string;
let store: SqliteEventStore;
let writers: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'yixin-event-store-concurrency-'));
  filename = join(dir, 'log.sqlite');
  // Opened first, so that the file, its WAL mode and its schema exist before the writers start.
  store = SqliteEventStore.open(filename, { pollIntervalMs: 10 });
});

afterEach(async () => {
  await Promise.all(writers.map(stopWriter));
  writers = [];
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The writer's next answer; rejects if it reports a failure or dies first. */
function nextMessage<T>(writer: ChildProcess): Promise<T> {
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
      writer.off('message', onMessage);
      writer.off('exit', onExit);
    };
    writer.on('message', onMessage);
    writer.on('exit', onExit);
  });
}

function ask<T>(writer: ChildProcess, message: object): Promise<T> {
  const answer = nextMessage<T>(writer);
  writer.send(message);
  return answer;
}

async function startWriters(count: number): Promise<ChildProcess[]> {
  writers = Array.from({ length: count }, (_, n) =>
    fork(writerScript, [filename, `writer${n}`], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  await Promise.all(writers.map((writer) => nextMessage(writer)));
  return writers;
}

async function stopWriter(writer: ChildProcess): Promise<void> {
  if (writer.exitCode !== null || writer.signalCode !== null) return;
  const exited = new Promise((resolve) => writer.once('exit', resolve));
  if (writer.connected) writer.send({ kind: 'stop' });
  else writer.kill();
  await exited;
}

const range = (length: number) => Array.from({ length }, (_, n) => n);

it('writers racing at the same expected revision: exactly one wins each round and the stream never forks', async () => {
  const racers = await startWriters(5);
  const streamId = 'case-contested';
  const winners: string[] = [];

  for (let round = 0; round < 20; round++) {
    const expected = round * 2 - 1;
    const startAt = Date.now() + 30;
    const outcomes = await Promise.all(
      racers.map((writer) => ask<RaceOutcome>(writer, { kind: 'race', streamId, round, expected, startAt })),
    );

    const won = outcomes.filter((outcome) => outcome.won);
    expect(won).toHaveLength(1);
    expect(won[0].won && won[0].result).toEqual({
      written: true,
      nextExpectedRevision: expected + 2,
      lastGlobalPosition: expected + 2 + 1,
    });
    for (const outcome of outcomes) {
      if (!outcome.won) expect(outcome.actual).toBe(expected + 2);
    }
    winners.push(won[0].writer);
  }

  const stream = await store.readStream(streamId);
  expect(stream.map((e) => e.revision)).toEqual(range(40));
  expect(stream.map((e) => e.id)).toEqual(
    winners.flatMap((writer, round) => [`${writer}-round-${round}-part-0`, `${writer}-round-${round}-part-1`]),
  );
  expect(verifyStreamChain(stream)).toEqual({ intact: true, eventCount: 40, problems: [] });
  expect(await store.readAll(0, 1000)).toHaveLength(40);
});

it('a reader subscribed during concurrent writers sees every event once, in global order, consistent with each stream', async () => {
  const writerCount = 4;
  const eventsPerWriter = 150;
  const total = writerCount * eventsPerWriter;
  const delivered: RecordedEvent[] = [];
  const controller = new AbortController();
  const subscription = store.subscribe({
    after: 0,
    signal: controller.signal,
    handler: async (e) => {
      delivered.push(e);
    },
  });

  try {
    const started = await startWriters(writerCount);
    await Promise.all(
      started.map((writer, n) =>
        ask(writer, { kind: 'write', streams: [`case-own-${n}`, 'case-shared'], count: eventsPerWriter }),
      ),
    );
    const deadline = Date.now() + 10_000;
    while (delivered.length < total && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    controller.abort();
    await subscription;
  }

  expect(delivered.map((e) => e.globalPosition)).toEqual(range(total).map((n) => n + 1));
  expect(new Set(delivered.map((e) => e.id)).size).toBe(total);
  expect(delivered).toEqual(await store.readAll(0, total + 1));

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
