import { streamRange } from './stored-events';

describe('streamRange', () => {
  it('reads forwards from revision 0, or backwards from the last revision, without a count by default', () => {
    expect(streamRange('case-1')).toEqual({ backwards: false, fromRevision: 0, maxCount: null });
    expect(streamRange('case-1', { direction: 'backwards' })).toEqual({
      backwards: true,
      fromRevision: Number.MAX_SAFE_INTEGER,
      maxCount: null,
    });
  });

  it.each([
    [{ fromRevision: -1 }, /fromRevision must be a whole number >= 0, got -1/],
    [{ fromRevision: 1.5 }, /fromRevision must be a whole number >= 0, got 1.5/],
    [{ maxCount: -2 }, /maxCount must be a whole number >= 0, got -2/],
    [{ maxCount: Number.POSITIVE_INFINITY }, /maxCount must be a whole number >= 0, got Infinity/],
  ])('refuses %o', (options, message) => {
    expect(() => streamRange('case-1', options)).toThrow(RangeError);
    expect(() => streamRange('case-1', options)).toThrow(message);
  });
});
