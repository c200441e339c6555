import { BadRequestException, type MessageEvent } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { LiveCaseUpdate } from '@yixin/live-updates';
import { TOKEN_RECHECK_INTERVAL_MS } from '../auth/token-standing';
import { HEARTBEAT_INTERVAL_MS, resumePosition, toServerSentEvents } from './server-sent-events';

describe('live updates as server-sent events', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('opens with a comment, sends each update with its position as id, a heartbeat every 15 s, and ends with the updates', () => {
    const updates = new Subject<LiveCaseUpdate<{ caseId: string }>>();
    const sent: MessageEvent[] = [];
    let ended = false;
    toServerSentEvents(updates, async () => true).subscribe({ next: (message) => sent.push(message), complete: () => (ended = true) });

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

  it('checks its token every 5 s, and ends with `unauthorized` once the token no longer stands', async () => {
    const updates = new Subject<LiveCaseUpdate<{ caseId: string }>>();
    const sent: MessageEvent[] = [];
    let ended = false;
    let stands = true;
    let checks = 0;
    const tokenStillStands = async () => {
      checks++;
      return stands;
    };
    toServerSentEvents(updates, tokenStillStands).subscribe({ next: (message) => sent.push(message), complete: () => (ended = true) });

    await jest.advanceTimersByTimeAsync(TOKEN_RECHECK_INTERVAL_MS);
    expect({ checks, ended }).toEqual({ checks: 1, ended: false });
    stands = false;
    await jest.advanceTimersByTimeAsync(TOKEN_RECHECK_INTERVAL_MS);
    updates.next({ kind: 'case', position: 44, row: { caseId: 'b' } });

    expect(sent).toEqual([
      { comment: 'connected' },
      { type: 'unauthorized', data: { statusCode: 401, error: 'Unauthorized', message: expect.stringMatching(/revoked or expired/) } },
    ]);
    expect(ended).toBe(true);
    expect(updates.observed).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('ends with an error when it cannot tell whether its token stands', async () => {
    const failed: unknown[] = [];
    toServerSentEvents(new Subject<LiveCaseUpdate<object>>(), () => Promise.reject(new Error('record store unreachable'))).subscribe({
      error: (error) => failed.push(error),
    });
    await jest.advanceTimersByTimeAsync(TOKEN_RECHECK_INTERVAL_MS);
    expect(failed).toEqual([new Error('record store unreachable')]);
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
