import {
  type EventData,
  type JSONEventData,
  type Position,
  type RecordedEvent as KurrentRecordedEvent,
  START,
  END,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { type EventMetadata, IdempotencyConflictError, type NewEvent, type RecordedEvent } from '../event-store';
import { GENESIS_HASH, verifyStreamChain } from '../hash-chain';
import { idempotentRetryResult } from '../stored-events';
import {
  actualRevisionOf,
  chainNewEvents,
  checkpointEvent,
  checkpointPositionOf,
  emptyStreamHead,
  exactStreamState,
  fromStoredEnvelope,
  KurrentDbLayout,
  kurrentEventId,
  toGlobalPosition,
  toReadPosition,
  toRecordedEvent,
  toStreamReadOptions,
  UnreadableEventError,
} from './kurrentdb-mapping';

const metadata: EventMetadata = {
  actor: { userId: 'staff-7', role: 'community_staff', organisationId: '幸福里社区' },
  tier: 'community',
  correlationId: 'command-1',
  causationId: 'request-1',
};

function newEvent(id: string, data: Record<string, unknown> = { id }, type = 'NoteAdded'): NewEvent {
  return { id, type, data, metadata };
}

/** What the client hands back for an event it wrote: JSON parsed again, revision and $all position from the server. */
function asStoredByKurrentDb(event: EventData, streamId: string, revision: number, position: bigint): KurrentRecordedEvent {
  const written = event as JSONEventData;
  return {
    streamId,
    id: written.id,
    isJson: true,
    revision: BigInt(revision),
    type: written.type,
    created: new Date(),
    data: JSON.parse(JSON.stringify(written.data)),
    // An event written without metadata comes back without: the client parses only what is there.
    metadata: written.metadata === undefined ? undefined : JSON.parse(JSON.stringify(written.metadata)),
    position: { commit: position, prepare: position },
  };
}

function stored(events: NewEvent[], streamId = 'case-1', firstPosition = 1000n): RecordedEvent[] {
  return chainNewEvents(streamId, events, emptyStreamHead, '2026-11-29T08:00:00.000Z').map((event, index) =>
    toRecordedEvent(asStoredByKurrentDb(event, streamId, index, firstPosition + BigInt(index) * 100n), streamId),
  );
}

describe('expected revisions', () => {
  it('appends at the exact revision read: no stream, or the revision as a bigint', () => {
    expect(exactStreamState(-1)).toBe('no_stream');
    expect(exactStreamState(0)).toBe(0n);
    expect(exactStreamState(41)).toBe(41n);
  });

  it("reads the stream's actual revision from KurrentDB's refusal, -1 when there is none", () => {
    const refusal = (current: 'no_stream' | bigint) =>
      new WrongExpectedVersionError(undefined, { streamName: 'case-1', expected: 3n, current });
    expect(actualRevisionOf(refusal('no_stream'))).toBe(-1);
    expect(actualRevisionOf(refusal(7n))).toBe(7);
    expect(actualRevisionOf(refusal(-5n))).toBe(-1);
  });
});

describe('the envelope in the event metadata', () => {
  it('round-trips data, metadata and the hash chain through the JSON KurrentDB stores', () => {
    const events = [
      newEvent('e-1', { title: '小区电梯停运三天 🛗', at: new Date('2026-11-29T08:00:00Z'), dropped: undefined }, 'CaseFiled'),
      { ...newEvent('e-2', { nested: [1, '二', { three: '😀' }] }), schemaVersion: 2 },
    ];

    const read = stored(events);

    expect(read.map(({ id, type, revision, schemaVersion, data, metadata: m }) => ({ id, type, revision, schemaVersion, data, metadata: m }))).toEqual([
      { id: 'e-1', type: 'CaseFiled', revision: 0, schemaVersion: 1, data: { title: '小区电梯停运三天 🛗', at: '2026-11-29T08:00:00.000Z' }, metadata },
      { id: 'e-2', type: 'NoteAdded', revision: 1, schemaVersion: 2, data: { nested: [1, '二', { three: '😀' }] }, metadata },
    ]);
    expect(read[0].previousHash).toBe(GENESIS_HASH);
    expect(read[0].recordedAt).toBe('2026-11-29T08:00:00.000Z');
    expect(verifyStreamChain(read)).toMatchObject({ intact: true, eventCount: 2 });
  });

  it('chains the first new event to the hash of the last stored one', () => {
    const [first] = stored([newEvent('e-1')]);

    const [next] = chainNewEvents('case-1', [newEvent('e-2')], first, '2026-11-29T09:00:00.000Z');
    const second = toRecordedEvent(asStoredByKurrentDb(next, 'case-1', 1, 2000n), 'case-1');

    expect(second.previousHash).toBe(first.hash);
    expect(verifyStreamChain([first, second]).intact).toBe(true);
  });

  it("stores the envelope beside the ids under KurrentDB's own names", () => {
    const [event] = chainNewEvents('case-1', [newEvent('e-1')], emptyStreamHead, '2026-11-29T08:00:00.000Z');

    expect((event as JSONEventData).metadata).toMatchObject({
      eventId: 'e-1',
      metadata,
      schemaVersion: 1,
      recordedAt: '2026-11-29T08:00:00.000Z',
      previousHash: GENESIS_HASH,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      $correlationId: 'command-1',
      $causationId: 'request-1',
    });
  });

  it('says why metadata is no envelope', () => {
    expect(fromStoredEnvelope(undefined)).toBe('its metadata is not a JSON object');
    expect(fromStoredEnvelope({ $correlationId: 'x' })).toBe('its metadata carries no envelope');
    expect(fromStoredEnvelope({ eventId: 'e-1', metadata, schemaVersion: 1, recordedAt: 'now', hash: 'h' })).toBe(
      'its envelope has no hash chain',
    );
  });

  it('refuses events another writer left in the database', () => {
    const [written] = chainNewEvents('case-1', [newEvent('e-1')], emptyStreamHead, '2026-11-29T08:00:00.000Z');
    const event = asStoredByKurrentDb(written, 'case-1', 0, 1000n);

    expect(() => toRecordedEvent({ ...event, metadata: { source: 'another app' } }, 'case-1')).toThrow(UnreadableEventError);
    expect(() => toRecordedEvent({ ...event, isJson: false, data: new Uint8Array([1]) } as KurrentRecordedEvent, 'case-1')).toThrow(
      `event ${kurrentEventId('e-1')} of stream case-1 cannot be read as a yixin event: its data is not a JSON object`,
    );
  });
});

describe('global positions', () => {
  const event = (position: Position | undefined) => ({ streamId: 'case-1', id: 'e-1', position });

  it('are commit positions in $all', () => {
    expect(toGlobalPosition(event({ commit: 123_456n, prepare: 123_456n }))).toBe(123_456);
    expect(toGlobalPosition(event({ commit: BigInt(Number.MAX_SAFE_INTEGER), prepare: BigInt(Number.MAX_SAFE_INTEGER) }))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuse a position a number cannot hold exactly', () => {
    const beyond = BigInt(Number.MAX_SAFE_INTEGER) + 1n;
    expect(() => toGlobalPosition(event({ commit: beyond, prepare: beyond }))).toThrow(/above Number.MAX_SAFE_INTEGER/);
    expect(() => toGlobalPosition(event({ commit: 18_446_744_073_709_551_615n, prepare: 18_446_744_073_709_551_615n }))).toThrow(UnreadableEventError);
  });

  it('refuse an event that has no position, or whose commit and prepare positions differ', () => {
    expect(() => toGlobalPosition(event(undefined))).toThrow(/no \$all position/);
    expect(() => toGlobalPosition(event({ commit: 900n, prepare: 800n }))).toThrow(/explicit transaction/);
  });

  it('turn back into the position a read starts from', () => {
    expect(toReadPosition(0)).toBe(START);
    expect(toReadPosition(123_456)).toEqual({ commit: 123_456n, prepare: 123_456n });
    expect(() => toReadPosition(-1)).toThrow(RangeError);
    expect(() => toReadPosition(1.5)).toThrow(RangeError);
  });
});

describe('stream reads', () => {
  it('read forwards from the first revision, backwards from the last, unless told where', () => {
    expect(toStreamReadOptions('case-1')).toEqual({ direction: 'forwards', fromRevision: START });
    expect(toStreamReadOptions('case-1', { direction: 'backwards', maxCount: 1 })).toEqual({ direction: 'backwards', fromRevision: END, maxCount: 1 });
    expect(toStreamReadOptions('case-1', { direction: 'backwards', fromRevision: 4, maxCount: 2 })).toEqual({
      direction: 'backwards',
      fromRevision: 4n,
      maxCount: 2,
    });
  });

  it('refuse revisions and counts that are no whole numbers', () => {
    expect(() => toStreamReadOptions('case-1', { fromRevision: -1 })).toThrow(RangeError);
    expect(() => toStreamReadOptions('case-1', { maxCount: 0.5 })).toThrow(RangeError);
  });
});

describe('idempotent retries', () => {
  const batch = [newEvent('e-2'), newEvent('e-3')];
  /** What an append of `batch` finds stored under its ids, in a stream of `events`. */
  const storedById = (events: RecordedEvent[]) => batch.map((event) => events.find((storedEvent) => storedEvent.id === event.id));

  it('are plain appends when none of the ids is stored', () => {
    expect(idempotentRetryResult('case-1', batch, storedById(stored([newEvent('e-1')])))).toBeUndefined();
  });

  it('return the revision and position of the last event when the whole batch is stored in order', () => {
    const stream = stored([newEvent('e-1'), ...batch]);

    expect(idempotentRetryResult('case-1', batch, storedById(stream))).toEqual({
      written: false,
      nextExpectedRevision: 2,
      lastGlobalPosition: stream[2].globalPosition,
    });
  });

  it('conflict when only part of the batch is stored, out of order, or with other data', () => {
    const partly = stored([newEvent('e-1'), newEvent('e-2')]);
    const reordered = stored([newEvent('e-3'), newEvent('e-2')]);
    const otherData = stored([newEvent('e-2', { changed: true }), newEvent('e-3')]);

    for (const stream of [partly, reordered, otherData]) {
      expect(() => idempotentRetryResult('case-1', batch, storedById(stream))).toThrow(IdempotencyConflictError);
    }
  });
});

describe('event ids', () => {
  it('keep a lower-case UUID, which is what the application generates', () => {
    expect(kurrentEventId('1b4e28ba-2fa1-41d2-883f-0016d3cca427')).toBe('1b4e28ba-2fa1-41d2-883f-0016d3cca427');
  });

  it('turn any other id into the same name-based UUID every time, and keep the port id in the envelope', () => {
    const uuid = kurrentEventId('writer0-round-3-part-1');
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(kurrentEventId('writer0-round-3-part-1')).toBe(uuid);
    expect(kurrentEventId('1B4E28BA-2FA1-41D2-883F-0016D3CCA427')).not.toBe(kurrentEventId('1b4e28ba-2fa1-41d2-883f-0016d3cca427'));

    const [written] = chainNewEvents('case-1', [newEvent('writer0-round-3-part-1')], emptyStreamHead, '2026-11-29T08:00:00.000Z');
    expect(written.id).toBe(uuid);
    expect(toRecordedEvent(asStoredByKurrentDb(written, 'case-1', 0, 1000n), 'case-1').id).toBe('writer0-round-3-part-1');
  });
});

describe('the layout of a log without a namespace', () => {
  const layout = new KurrentDbLayout();

  it('stores streams under their own names and checkpoints apart', () => {
    expect(layout.streamName('case-1')).toBe('case-1');
    expect(layout.checkpointStreamName('bridge:temporal')).toBe('yixin-checkpoint-bridge:temporal');
  });

  it("leaves out KurrentDB's own events and the checkpoints", () => {
    expect(layout.streamIdOf({ streamId: 'case-1', type: 'CaseFiled' })).toBe('case-1');
    expect(layout.streamIdOf({ streamId: '$stats-127.0.0.1:2113', type: '$statsCollected' })).toBeUndefined();
    expect(layout.streamIdOf({ streamId: 'case-1', type: '$>' })).toBeUndefined();
    expect(layout.streamIdOf({ streamId: 'yixin-checkpoint-bridge:temporal', type: 'CheckpointSaved' })).toBeUndefined();
  });

  it('filters $all on the server by stream name: everything but $ and checkpoint streams, or a prefix', () => {
    // The pattern means the same to JavaScript as to the server's .NET regular expressions.
    const pattern = new RegExp((layout.logFilter as { regex: string }).regex);
    expect(layout.logFilter.filterOn).toBe('streamName');
    expect(['case-1', 'council-session-9', 'yixin-case'].filter((stream) => pattern.test(stream))).toHaveLength(3);
    expect(['$all', '$$case-1', '$stats-x', 'yixin-checkpoint-bridge:temporal'].filter((stream) => pattern.test(stream))).toHaveLength(0);
    expect(layout.subscriptionFilter('case-')).toMatchObject({ filterOn: 'streamName', prefixes: ['case-'] });
    expect(layout.subscriptionFilter(undefined)).toBe(layout.logFilter);
  });
});

describe('the layout of a log in a namespace', () => {
  const layout = new KurrentDbLayout('contract-7');

  it('stores streams and checkpoints under the namespace', () => {
    expect(layout.streamName('case-1')).toBe('contract-7/case-1');
    expect(layout.checkpointStreamName('bridge')).toBe('yixin-checkpoint-contract-7/bridge');
  });

  it('reads back only its own streams, under the names the port gave them', () => {
    expect(layout.streamIdOf({ streamId: 'contract-7/case-1', type: 'CaseFiled' })).toBe('case-1');
    expect(layout.streamIdOf({ streamId: 'contract-8/case-1', type: 'CaseFiled' })).toBeUndefined();
    expect(layout.streamIdOf({ streamId: 'case-1', type: 'CaseFiled' })).toBeUndefined();
    expect(layout.streamIdOf({ streamId: 'yixin-checkpoint-contract-7/bridge', type: 'CheckpointSaved' })).toBeUndefined();
  });

  it('filters $all on the server by the namespace', () => {
    expect(layout.logFilter).toMatchObject({ filterOn: 'streamName', prefixes: ['contract-7/'] });
    expect(layout.subscriptionFilter('case-')).toMatchObject({ prefixes: ['contract-7/case-'] });
  });

  it('refuses a namespace that could overlap another', () => {
    expect(() => new KurrentDbLayout('a/b')).toThrow(/namespace/);
    expect(() => new KurrentDbLayout('$system')).toThrow(/namespace/);
    expect(() => new KurrentDbLayout('')).toThrow(/namespace/);
  });
});

describe('checkpoints', () => {
  it('are events holding a position', () => {
    const event = checkpointEvent('bridge:temporal', 4_200);
    expect(checkpointPositionOf(asStoredByKurrentDb(event, 'yixin-checkpoint-bridge:temporal', 0, 5000n))).toBe(4_200);
  });

  it('refuse a position that is no whole number', () => {
    expect(() => checkpointEvent('bridge:temporal', -1)).toThrow(RangeError);
    expect(() => checkpointEvent('bridge:temporal', Number.NaN)).toThrow(RangeError);
  });
});
