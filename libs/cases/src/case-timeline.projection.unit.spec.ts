import { summarise } from './case-timeline.projection';

describe('the timeline line of staff’s evidence', () => {
  const photo = 'a'.repeat(64);

  it('counts the photos and gives the note', () =>
    expect(summarise({ type: 'EvidenceAttached', data: { evidence: [photo, 'b'.repeat(64)], note: '居民提供的现场照片', attachedAt: '2026-03-02T01:00:00.000Z' } })).toBe(
      '补充照片 (2 photos): 居民提供的现场照片',
    ));
  it('has no note when staff gave none', () =>
    expect(summarise({ type: 'EvidenceAttached', data: { evidence: [photo], attachedAt: '2026-03-02T01:00:00.000Z' } })).toBe('补充照片 (1 photo)'));
});
