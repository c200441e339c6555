import { BadRequestException, type MessageEvent } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { LiveCaseUpdate } from '../../../../libs/application/src';
import { HEARTBEAT_INTERVAL_MS, resumePosition, toServerSentEvents } from './server-sent-events';

describe('live updates as server-sent events', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('opens with a comment, sends each update with its position as id, a heartbeat every 15 s, and ends with the updates', () => {
    const updates = new Subject<LiveCaseUpdate<{ caseId: string }>>();
    const sent: MessageEvent[] = [];
    let ended = false;
    toServerSentEvents(updates).subscribe({ next: (message) => sent.push(message), complete: () => (ended = true) });

    updates.next({ kind: 'case', position: 42, row: { caseId: 'a' } });
    jest.advanceTimersByTime(HEARTBEAT_INTERVAL_MS);
    updates.next({ kind: 'removed', position: 43, caseId: 'a' });
    jest.advanceTimersByTime(HEARTBEAT_INTERVAL_MS);
    updates.complete();
    jest.advanceTimersByTime(HEARTBEAT_INTERVAL_MS);

    expect(sent).toEqual([
      { comment: 'connected' },
      { type: 'case', id: '42', data: { caseId: 'a' } },
      { comment: 'heartbeat' },
      { type: 'removed', id: '43', data: { caseId: 'a' } },
      { comment: 'heartbeat' },
    ]);
    expect(ended).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('resumes after the position a reconnecting client sends as Last-Event-ID', () => {
    expect(resumePosition(undefined)).toBeUndefined();
    expect(resumePosition('')).toBeUndefined();
    expect(resumePosition('1234')).toBe(1234);
    expect(() => resumePosition('-1')).toThrow(BadRequestException);
    expect(() => resumePosition('1e3')).toThrow(BadRequestException);
  });
});
