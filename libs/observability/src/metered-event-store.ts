import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
} from '@yixin/event-store';
import type { Metrics } from './metrics';

/** The event store, counting the events each append actually wrote. */
export class MeteredEventStore implements EventStore {
  constructor(private readonly store: EventStore, private readonly metrics: Metrics) {}

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const result = await this.store.append(streamId, events, expected);
    if (result.written) {
      for (const event of events) this.metrics.eventsAppended.inc({ type: event.type });
    }
    return result;
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.store.readStream(streamId, options);
  }

  streamRevision(streamId: string): Promise<number> {
    return this.store.streamRevision(streamId);
  }

  readAll(after: number, limit: number): Promise<RecordedEvent[]> {
    return this.store.readAll(after, limit);
  }

  subscribe(options: SubscribeOptions): Promise<void> {
    return this.store.subscribe(options);
  }

  findEvent(eventId: string): Promise<RecordedEvent | undefined> {
    return this.store.findEvent(eventId);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
