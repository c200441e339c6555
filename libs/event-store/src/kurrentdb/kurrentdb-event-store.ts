import {
  AccessDeniedError,
  type AllStreamResolvedEvent,
  BACKWARDS,
  END,
  KurrentDBClient,
  StreamNotFoundError as KurrentStreamNotFoundError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import {
  type AppendResult,
  type CheckpointStore,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadStreamOptions,
  type RecordedEvent,
  readStreamOrEmpty,
  StreamNotFoundError,
  type SubscribeOptions,
  WrongExpectedRevisionError,
} from '../event-store';
import { assertAppendable, expectationHolds, idempotentRetryResult } from '../stored-events';
import { deliverUntilHandled, retryDelayMs, sleep } from '../subscription';
import {
  actualRevisionOf,
  chainNewEvents,
  checkpointEvent,
  checkpointPositionOf,
  emptyStreamHead,
  exactStreamState,
  KurrentDbLayout,
  kurrentEventId,
  toReadPosition,
  toRecordedEvent,
  toStreamReadOptions,
} from './kurrentdb-mapping';

/**
 * Each lost race against a concurrent writer costs a read and a retry; a stream this contended
 * for this long points at a fault, which the caller should hear of.
 */
const maxAppendAttempts = 10;

export interface KurrentDbEventStoreOptions {
  /**
   * Keeps this log apart from others on the same server, e.g. one per test run (see
   * KurrentDbLayout). Without one, the server must hold this log only.
   */
  namespace?: string;
}

/**
 * The event log in KurrentDB (or EventStoreDB 22.6 or later), for deployments that outgrow one
 * SQL database. Every append reads the stream first: the hash chain needs the hash of its last
 * event, and idempotency by event id needs to know which ids it holds (KurrentDB recognises a
 * resent write only when it carries the same expected revision as the first). The append then
 * expects the exact revision it read, so a concurrent writer can never fork the chain.
 *
 * An event of the log's streams that lacks yixin's envelope makes reads and subscriptions fail
 * with UnreadableEventError rather than skip part of the log silently.
 *
 * Ownership: a store built with `new` uses the caller's client and leaves it open on close(); a
 * store from `fromConnectionString` created its client and disposes of it.
 */
export class KurrentDbEventStore implements EventStore {
  private ownsClient = false;
  readonly layout: KurrentDbLayout;

  constructor(
    readonly client: KurrentDBClient,
    options: KurrentDbEventStoreOptions = {},
  ) {
    this.layout = new KurrentDbLayout(options.namespace);
  }

  /** A store over a new client, e.g. `kurrentdb://localhost:2113?tls=false`, disposed of on close(). */
  static fromConnectionString(connectionString: string, options: KurrentDbEventStoreOptions = {}): KurrentDbEventStore {
    const store = new KurrentDbEventStore(KurrentDBClient.connectionString(connectionString), options);
    store.ownsClient = true;
    return store;
  }

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    assertAppendable(streamId, events);
    const ids = new Set(events.map((event) => event.id));
    for (let attempt = 1; ; attempt++) {
      // The whole stream: KurrentDB looks events up by revision only, and a retried batch may sit anywhere in it.
      const stream = await readStreamOrEmpty(this, streamId);
      const storedById = new Map(stream.filter((event) => ids.has(event.id)).map((event) => [event.id, event]));
      const retried = idempotentRetryResult(streamId, events, events.map((event) => storedById.get(event.id)));
      if (retried) {
        return retried;
      }
      const head = stream.at(-1) ?? emptyStreamHead;
      if (!expectationHolds(expected, head.revision)) {
        throw new WrongExpectedRevisionError(streamId, expected, head.revision);
      }
      try {
        const chained = chainNewEvents(streamId, events, head, new Date().toISOString());
        const result = await this.client.appendToStream(this.layout.streamName(streamId), chained, {
          streamState: exactStreamState(head.revision),
        });
        const nextExpectedRevision = Number(result.nextExpectedRevision);
        return { written: true, nextExpectedRevision, lastGlobalPosition: await this.globalPositionOf(streamId, nextExpectedRevision) };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) {
          throw error;
        }
        if (attempt === maxAppendAttempts) {
          throw new WrongExpectedRevisionError(streamId, expected, actualRevisionOf(error));
        }
        // Another writer appended since the read: the next read tells whether the caller's
        // expectation still holds, or whether that writer stored this very batch.
      }
    }
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(this.layout.streamName(streamId), toStreamReadOptions(streamId, options));
      for await (const { event } of read) {
        if (event) events.push(toRecordedEvent(event, streamId));
      }
    } catch (error) {
      throw error instanceof KurrentStreamNotFoundError ? new StreamNotFoundError(streamId) : error;
    }
    return events;
  }

  async streamRevision(streamId: string): Promise<number> {
    const [last] = await readStreamOrEmpty(this, streamId, { direction: 'backwards', maxCount: 1 });
    return last ? last.revision : -1;
  }

  async readAll(after: number, limit: number): Promise<RecordedEvent[]> {
    const found: RecordedEvent[] = [];
    let fromPosition = toReadPosition(after);
    let lastSeen = BigInt(after);
    // Pages until `limit` events are found: events filtered out on our side still count against a page.
    while (found.length < limit) {
      // One more than wanted, because a read from a position includes the event at that position, seen already.
      const maxCount = limit - found.length + 1;
      const lastSeenBefore = lastSeen;
      let received = 0;
      for await (const { event } of this.client.readAll({ fromPosition, maxCount, filter: this.layout.logFilter })) {
        received += 1;
        if (!event || event.position.commit <= lastSeen) continue;
        lastSeen = event.position.commit;
        fromPosition = event.position;
        const streamId = this.layout.streamIdOf(event);
        if (streamId !== undefined && found.length < limit) found.push(toRecordedEvent(event, streamId));
      }
      if (received < maxCount || lastSeen === lastSeenBefore) {
        break;
      }
    }
    return found;
  }

  /**
   * Subscribes to $all from `after`, filtered by the server. A dropped subscription (connection
   * lost, leader changed, or the server giving up on a consumer that is slow because its handler
   * keeps failing) is opened again from the last delivered event after a pause, so delivery stays
   * at least once and in order. Refused access and unreadable events end it with an error: trying
   * again would not help.
   */
  async subscribe({ after, streamPrefix, handler, signal, onError }: SubscribeOptions): Promise<void> {
    let cursor = after;
    let failedAttempts = 0;
    while (!signal.aborted) {
      const subscription = this.client.subscribeToAll({
        fromPosition: toReadPosition(cursor),
        filter: this.layout.subscriptionFilter(streamPrefix),
      });
      // Errors met while reading reach the loop through the iterator; this listener only keeps one
      // that arrives after the loop has stopped reading from crashing the process.
      subscription.on('error', () => undefined);
      const stopReading = () => subscription.destroy();
      signal.addEventListener('abort', stopReading);
      const resolvedEvents = subscription[Symbol.asyncIterator]();
      try {
        for (;;) {
          let next: IteratorResult<AllStreamResolvedEvent>;
          try {
            next = await resolvedEvents.next();
          } catch (error) {
            if (signal.aborted) return;
            if (error instanceof AccessDeniedError) throw error;
            break;
          }
          if (next.done) break;
          const { event } = next.value;
          const streamId = event && this.layout.streamIdOf(event);
          if (!event || streamId === undefined) continue;
          const recorded = toRecordedEvent(event, streamId);
          if (recorded.globalPosition <= cursor) continue;
          if (!(await deliverUntilHandled([recorded], { handler, signal, onError }))) return;
          cursor = recorded.globalPosition;
          failedAttempts = 0;
        }
      } finally {
        signal.removeEventListener('abort', stopReading);
        await resolvedEvents.return?.();
        // Rejects only when the subscription could not be opened at all, which the loop has already met.
        await subscription.unsubscribe().catch(() => undefined);
      }
      await sleep(retryDelayMs(failedAttempts++), signal);
    }
  }

  /**
   * KurrentDB has no index by event id, so this reads $all from the start until it meets the
   * event: its cost grows with the log. Only the auditor's tools look events up by id.
   */
  async findEvent(eventId: string): Promise<RecordedEvent | undefined> {
    const wanted = kurrentEventId(eventId);
    for await (const { event } of this.client.readAll({ filter: this.layout.logFilter })) {
      const streamId = event?.id === wanted ? this.layout.streamIdOf(event) : undefined;
      if (event && streamId !== undefined) {
        return toRecordedEvent(event, streamId);
      }
    }
    return undefined;
  }

  async close(): Promise<void> {
    if (this.ownsClient) {
      await this.client.dispose();
    }
  }

  /**
   * Read back rather than taken from the append's reply, whose position belongs to the write as a
   * whole and is missing when the server recognises a resent write: this way a write and its retry
   * report the same number, the last event's.
   */
  private async globalPositionOf(streamId: string, revision: number): Promise<number> {
    const [event] = await this.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    return event.globalPosition;
  }
}

/**
 * Each checkpoint is the last event of its own stream (see KurrentDbLayout). The stream keeps
 * only that event ($maxCount 1), so the log does not grow by one event per checkpoint for good;
 * KurrentDB hides the older ones at once and a scavenge reclaims their space. Checkpoints go
 * through the event store's client, in the same database as the log, and live as long as it does.
 */
export class KurrentDbCheckpointStore implements CheckpointStore {
  private readonly client: KurrentDBClient;
  private readonly layout: KurrentDbLayout;
  private readonly streamsBoundedToOneEvent = new Set<string>();

  constructor(eventStore: KurrentDbEventStore) {
    this.client = eventStore.client;
    this.layout = eventStore.layout;
  }

  async load(name: string): Promise<number> {
    try {
      const latest = this.client.readStream(this.layout.checkpointStreamName(name), {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      });
      for await (const { event } of latest) {
        if (event) return checkpointPositionOf(event);
      }
    } catch (error) {
      if (!(error instanceof KurrentStreamNotFoundError)) throw error;
    }
    return 0;
  }

  async save(name: string, position: number): Promise<void> {
    const streamName = this.layout.checkpointStreamName(name);
    const event = checkpointEvent(name, position);
    // Once per stream in each process, rather than reading the metadata first: writing it again changes nothing.
    if (!this.streamsBoundedToOneEvent.has(streamName)) {
      await this.client.setStreamMetadata(streamName, { maxCount: 1 });
      this.streamsBoundedToOneEvent.add(streamName);
    }
    await this.client.appendToStream(streamName, event);
  }
}
