import { createHash } from 'node:crypto';
import type { EventMetadata, RecordedEvent } from './event-store';
import { canonicalJson, computeEventHash, GENESIS_HASH, verifyStreamChain } from './hash-chain';

const metadata: EventMetadata = {
  actor: { userId: 'u-1', role: 'community_staff', organisationId: 'community-1' },
  tier: 'community',
  correlationId: 'command-1',
  causationId: 'command-1',
};

function chain(length: number): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  for (let revision = 0; revision < length; revision++) {
    const previousHash = revision === 0 ? GENESIS_HASH : events[revision - 1].hash;
    const content = {
      id: `event-${revision}`,
      type: 'NoteAdded',
      streamId: 'case-1',
      revision,
      recordedAt: `2026-11-29T08:00:0${revision}.000Z`,
      schemaVersion: 1,
      data: { note: `第${revision}条 🏠` },
      metadata,
      previousHash,
    };
    events.push({ ...content, globalPosition: revision + 1, hash: computeEventHash(content) });
  }
  return events;
}

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: '中' } })).toBe(
      '{"a":{"c":"中","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('gives the same text for the same value built in another key order', () => {
    expect(canonicalJson({ x: 1, y: [1, 2], z: { q: null } })).toBe(canonicalJson({ z: { q: null }, y: [1, 2], x: 1 }));
  });

  it('agrees with JSON on what JSON drops or converts', () => {
    const value = { when: new Date('2026-11-29T00:00:00.000Z'), skipped: undefined, list: [undefined, Number.NaN] };
    expect(canonicalJson(value)).toBe(canonicalJson(JSON.parse(JSON.stringify(value))));
    expect(canonicalJson(value)).toBe('{"list":[null,null],"when":"2026-11-29T00:00:00.000Z"}');
  });

  it('agrees with JSON on functions, symbols and values that turn themselves into JSON', () => {
    const value = {
      call: () => 1,
      list: [() => 1, Symbol('s'), -0, 1e21, '\u2028 \ud800 "'],
      gone: { toJSON: () => undefined },
      replaced: { toJSON: () => ({ z: 1, a: [new Date(0)] }) },
    };
    expect(canonicalJson(value)).toBe(canonicalJson(JSON.parse(JSON.stringify(value))));
    expect(canonicalJson(value)).toBe('{"list":[null,null,0,1e+21,"\u2028 \\ud800 \\""],"replaced":{"a":["1970-01-01T00:00:00.000Z"],"z":1}}');
  });
});

describe('computeEventHash', () => {
  it('is sha256 over the canonical JSON of the chained fields, ignoring position and stored hash', () => {
    const [event] = chain(1);
    const { globalPosition: _position, hash: _hash, ...fields } = event;
    const expected = createHash('sha256').update(canonicalJson(fields)).digest('hex');
    expect(computeEventHash(event)).toBe(expected);
    const sameEventElsewhereInTheLog: RecordedEvent = { ...event, globalPosition: 99, hash: 'x' };
    expect(computeEventHash(sameEventElsewhereInTheLog)).toBe(expected);
  });

  it('changes when the previous hash changes', () => {
    const [event] = chain(1);
    expect(computeEventHash({ ...event, previousHash: 'f'.repeat(64) })).not.toBe(event.hash);
  });
});

describe('verifyStreamChain', () => {
  it('accepts an intact chain, and an empty stream', () => {
    expect(verifyStreamChain(chain(4))).toEqual({ intact: true, eventCount: 4, problems: [] });
    expect(verifyStreamChain([])).toEqual({ intact: true, eventCount: 0, problems: [] });
  });

  it('reports altered content at the altered revision only', () => {
    const events = chain(4);
    events[2] = { ...events[2], data: { note: '第2条 🏚' } };
    const verification = verifyStreamChain(events);
    expect(verification.intact).toBe(false);
    expect(verification.problems).toEqual([{ revision: 2, eventId: 'event-2', problem: expect.stringMatching(/altered/) }]);
  });

  it('reports a removed event at the event after the gap', () => {
    const events = chain(4);
    events.splice(1, 1);
    const verification = verifyStreamChain(events);
    expect(verification.intact).toBe(false);
    expect(verification.eventCount).toBe(3);
    expect(verification.problems.map((problem) => problem.revision)).toEqual([2, 2]);
    expect(verification.problems.map((problem) => problem.problem)).toEqual([
      expect.stringMatching(/revision 2 where 1 was expected/),
      expect.stringMatching(/previous hash/),
    ]);
  });

  it('reports a removed first event', () => {
    const verification = verifyStreamChain(chain(3).slice(1));
    expect(verification.problems.map((problem) => problem.eventId)).toEqual(['event-1', 'event-1']);
  });

  it('reports reordered events', () => {
    const events = chain(4);
    [events[1], events[2]] = [events[2], events[1]];
    const verification = verifyStreamChain(events);
    expect(verification.intact).toBe(false);
    expect(new Set(verification.problems.map((problem) => problem.eventId))).toEqual(
      new Set(['event-2', 'event-1', 'event-3']),
    );
  });

  it('reports an event whose hash was recomputed after an edit, because its successor still points at the old hash', () => {
    const events = chain(3);
    const edited = { ...events[1], data: { note: 'rewritten' } };
    events[1] = { ...edited, hash: computeEventHash(edited) };
    const verification = verifyStreamChain(events);
    expect(verification.problems).toEqual([{ revision: 2, eventId: 'event-2', problem: expect.stringMatching(/previous hash/) }]);
  });
});
