import { CASE_EVENT_SCHEMA_VERSIONS, upcastCaseEvent } from './case-upcasters';

describe('upcastCaseEvent', () => {
  const v1Filed = {
    caseId: 'c',
    resident: { name: '张先生', phone: '13700000000' },
    location: { communityId: 'hushan', compoundId: 'hushan-huayuan', building: '5幢' },
    category: 'water_leak',
    description: '楼上渗水',
    channel: 'phone',
    propertyCompanyId: 'pc-hushan-huayuan',
    filedAt: '2026-01-05T02:00:00.000Z',
  };

  it('reads a version-1 complaint as a normal-urgency one', () =>
    expect(upcastCaseEvent('ComplaintFiled', 1, v1Filed)).toEqual({ type: 'ComplaintFiled', data: { ...v1Filed, urgency: 'normal' } }));

  it('leaves current versions as they are', () =>
    expect(upcastCaseEvent('ComplaintFiled', 2, { ...v1Filed, urgency: 'urgent' }).data).toMatchObject({ urgency: 'urgent' }));

  it('refuses versions newer than the code and unknown types', () => {
    expect(() => upcastCaseEvent('ComplaintFiled', CASE_EVENT_SCHEMA_VERSIONS.ComplaintFiled + 1, v1Filed)).toThrow(/newer than this code/);
    expect(() => upcastCaseEvent('Nonsense', 1, {})).toThrow(/unknown case event type/);
  });
});
