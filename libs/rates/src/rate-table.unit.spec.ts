import { loadConfig, parseRateWeights } from '@yixin/config';
import { rankUnits, redAndBlackLists, type UnitTally } from './rate-table';

/** A unit whose three rates are `response`, `resolution` and `satisfaction` out of 4 (null: nothing counted). */
function tally(unitId: string, response: number | null, resolution: number | null, satisfaction: number | null): UnitTally {
  const outOfFour = (rate: number | null) => (rate === null ? [0, 0] : [rate, 4]);
  const [inTime, assigned] = outOfFour(response);
  const [resolved, closed] = outOfFour(resolution);
  const [satisfied, made] = outOfFour(satisfaction);
  return {
    unitId,
    communityIds: new Set(),
    tasksAssigned: assigned,
    tasksSignedForInTime: inTime,
    casesClosed: closed,
    casesOpenPastDeadline: 0,
    casesResolved: resolved,
    callBacksMade: made,
    callBacksSatisfied: satisfied,
    callBacksUnreachable: 0,
  };
}

const WEIGHTS = { response: 30, resolution: 35, satisfaction: 35 };
const ranked = (tallies: UnitTally[], weights = WEIGHTS) => rankUnits(tallies, weights, (id) => id).map((unit) => [unit.unitId, unit.score, unit.rank]);

describe('scores and ranks', () => {
  it('weighs the rates 30 / 35 / 35, over the rates a unit has; a unit without any has no score or rank', () => {
    expect(
      ranked([
        // 30 × 3/4 + 35 × 2/4 + 35 × 1/4 = 22.5 + 17.5 + 8.75 = 48.75
        tally('all-three', 3, 2, 1),
        // no call-backs: (30 × 1 + 35 × 2/4) / 65 × 100 = 47.5 / 65 × 100 = 73.0769… → 73.08
        tally('two', 4, 2, null),
        tally('none', null, null, null),
      ]),
    ).toEqual([
      ['two', 73.08, 1],
      ['all-three', 48.75, 2],
      ['none', null, null],
    ]);
  });

  it('ranks equal scores equal, the next rank after them', () => {
    expect(ranked([tally('b', 4, 4, 4), tally('a', 4, 4, 4), tally('c', 0, 0, 0)])).toEqual([
      ['a', 100, 1],
      ['b', 100, 1],
      ['c', 0, 3],
    ]);
  });

  it('follows configured weights: a rate weighed 0 does not count', () => {
    // (50 × 2/4 + 50 × 1/4) = 37.5; the response rate is ignored.
    expect(ranked([tally('x', 4, 2, 1)], { response: 0, resolution: 50, satisfaction: 50 })).toEqual([['x', 37.5, 1]]);
    expect(ranked([tally('only-response', 4, null, null)], { response: 0, resolution: 1, satisfaction: 1 })).toEqual([['only-response', null, null]]);
  });
});

describe('the red and black lists', () => {
  const lists = (tallies: UnitTally[], size: number) => {
    const { red, black } = redAndBlackLists(rankUnits(tallies, WEIGHTS, (id) => id), size);
    return { red: red.map((unit) => unit.unitId), black: black.map((unit) => unit.unitId) };
  };
  const units = (...scores: number[]) => scores.map((score, index) => tally(`u${index + 1}`, score, score, score));

  it('takes the best `size` and the worst `size`, worst first', () => {
    expect(lists(units(4, 3, 2, 1, 0, 4, 3), 2)).toEqual({ red: ['u1', 'u6'], black: ['u5', 'u4'] });
  });

  it('splits fewer units than twice the size into a better half and the rest', () => {
    expect(lists(units(4, 1), 3)).toEqual({ red: ['u1'], black: ['u2'] });
    expect(lists(units(4, 2, 1), 3)).toEqual({ red: ['u1', 'u2'], black: ['u3'] });
    expect(lists(units(4), 3)).toEqual({ red: ['u1'], black: [] });
    expect(lists([tally('none', null, null, null)], 3)).toEqual({ red: [], black: [] });
  });

  it('keeps equal scores together, and never puts a unit as good as a red one on the black list', () => {
    expect(lists(units(4, 3, 3, 1), 1)).toEqual({ red: ['u1'], black: ['u4'] });
    expect(lists(units(4, 3, 3, 1), 2)).toEqual({ red: ['u1', 'u2', 'u3'], black: ['u4'] });
    expect(lists(units(2, 2), 1)).toEqual({ red: ['u1', 'u2'], black: [] });
  });
});

describe('RATE_WEIGHTS', () => {
  it('defaults to the county’s 30 / 35 / 35', () => expect(loadConfig({}).rateWeights).toEqual(WEIGHTS));

  it('reads three non-negative numbers', () => {
    expect(parseRateWeights('40, 30, 30')).toEqual({ response: 40, resolution: 30, satisfaction: 30 });
    expect(parseRateWeights('0,0.5,0.5')).toEqual({ response: 0, resolution: 0.5, satisfaction: 0.5 });
  });

  it.each(['30,35', '30,35,35,0', '30,,35', 'a,b,c', '-1,50,51', '0,0,0'])('refuses %j', (value) =>
    expect(() => parseRateWeights(value)).toThrow(`RATE_WEIGHTS must be three non-negative numbers`),
  );
});
