import type { RecordedEvent } from '@yixin/event-store';
import { toCaseEventMessage } from './case-activities';

const recorded = (schemaVersion: number, data: Record<string, unknown>): RecordedEvent => ({
  id: 'event-1',
  type: 'ComplaintFiled',
  streamId: 'case-1',
  revision: 0,
  globalPosition: 1,
  recordedAt: '2026-03-02T00:30:00.000Z',
  schemaVersion,
  data,
  metadata: { actor: { userId: 'u', role: 'community_staff', organisationId: 'xiangyuan' }, tier: 'community', correlationId: 'c', causationId: 'c' },
  previousHash: '0'.repeat(64),
  hash: 'f'.repeat(64),
});

describe('what Temporal is sent of an event', () => {
  it('sends encrypted personal data as stored: deleting its key erases that copy too', () => {
    const data = {
      caseId: 'case-1',
      location: { communityId: 'xiangyuan', compoundId: 'beichen-aoyuan', building: '3幢' },
      personalData: { subjectId: 's', keyId: 'k', ciphertext: 'Y2lwaGVy', iv: 'aXY=', tag: 'dGFn' },
    };
    expect(toCaseEventMessage(recorded(4, data))).toEqual({ type: 'ComplaintFiled', schemaVersion: 4, data, revision: 0 });
  });

  it('masks personal data stored in clear by older versions, the unit with it', () => {
    const location = { communityId: 'xiangyuan', compoundId: 'beichen-aoyuan', building: '3幢', unit: '2单元1502室' };
    const message = toCaseEventMessage(recorded(3, { caseId: 'case-1', resident: { name: '王阿姨', phone: '13800000000' }, location }));
    expect(message.data).toEqual({ caseId: 'case-1', resident: { name: '王**', phone: '138****0000' }, location: { ...location, unit: '***' } });
  });
});
