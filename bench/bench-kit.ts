import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { caseStreamId } from '@yixin/case-stream';
import type { EventStore } from '@yixin/event-store';
import { caseLifeEvents } from './event-data';

/** What every benchmark reports: figures, each beside its baseline when it has one. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The same work done the plain way, measured in the same run. */
  baseline?: { name: string; value: number };
  /** The target, in words ("≥ 0.5× baseline", "p99 < 5 ms"). */
  target?: string;
  note?: string;
}

export interface Benchmark {
  title: string;
  run(): Promise<Figure[]>;
}

export function percentile(sortedAscending: number[], p: number): number {
  if (sortedAscending.length === 0) return NaN;
  const index = Math.min(sortedAscending.length - 1, Math.ceil((p / 100) * sortedAscending.length) - 1);
  return sortedAscending[Math.max(index, 0)];
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * How far a subscriber on `reader` trails a writer appending 1,000 events per second through
 * `writer` (batches of 10 every 10 ms): milliseconds from recordedAt to delivery, sorted.
 */
export async function subscriptionLags(writer: EventStore, reader: EventStore, total = 5000): Promise<number[]> {
  const start = (await reader.readAll(0, 10_000_000)).at(-1)?.globalPosition ?? 0;
  const lags: number[] = [];
  const stop = new AbortController();
  const subscription = reader.subscribe({
    after: start,
    signal: stop.signal,
    handler: async (events) => {
      for (const event of events) lags.push(Date.now() - Date.parse(event.recordedAt));
    },
  });
  const events = caseLifeEvents(randomUUID(), total / 4).slice(0, total);
  const streamId = caseStreamId(randomUUID());
  const started = performance.now();
  for (let i = 0; i < total; i += 10) {
    await writer.append(streamId, events.slice(i, i + 10), i === 0 ? 'no_stream' : i - 1);
    const wait = started + i + 10 - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  while (lags.length < total) await new Promise((resolve) => setTimeout(resolve, 10));
  stop.abort();
  await subscription;
  return lags.sort((a, b) => a - b);
}

/**
 * Latencies of GETs over HTTP, one request at a time, after `warmUps` unrecorded ones, sorted;
 * autocannon reads each answer without parsing it. Any answer but 200 fails the benchmark.
 */
export async function httpLatencies(url: string, options: { calls: number; warmUps: number; token?: string }): Promise<number[]> {
  const get = (amount: number, record: (ms: number) => void) => {
    const headers = options.token ? { authorization: `Bearer ${options.token}` } : undefined;
    const instance = autocannon({ url, connections: 1, amount, headers });
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      if (statusCode !== 200) throw new Error(`GET ${url} answered ${statusCode}`);
      record(responseTimeMs);
    });
    return instance;
  };
  await get(options.warmUps, () => undefined);
  const latencies: number[] = [];
  await get(options.calls, (ms) => latencies.push(ms));
  return latencies.sort((a, b) => a - b);
}

/** Latencies of `call` made one at a time, after `warmUps` unrecorded calls, sorted. */
export async function callLatencies(call: () => Promise<unknown>, options: { calls: number; warmUps: number }): Promise<number[]> {
  for (let i = 0; i < options.warmUps; i++) await call();
  const latencies: number[] = [];
  for (let i = 0; i < options.calls; i++) {
    const started = performance.now();
    await call();
    latencies.push(performance.now() - started);
  }
  return latencies.sort((a, b) => a - b);
}
