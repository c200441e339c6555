import type { RateWeights } from '@yixin/config';
import type { RateFacts } from './rates.projection';

/** The units ranked each month (红黑榜). Owners' committees are not: they are the owners' own volunteers, not service providers. */
export const RATE_LEVELS = ['property_company', 'community', 'street'] as const;
export type RateLevel = (typeof RATE_LEVELS)[number];

/** A unit's month: the counts, the three rates (null when there is nothing to divide by), its score and rank. */
export interface UnitRates {
  unitId: string;
  name: string;
  tasksAssigned: number;
  tasksSignedForInTime: number;
  /** 响应率: tasks signed for in time / tasks assigned. */
  responseRate: number | null;
  casesClosed: number;
  casesOpenPastDeadline: number;
  casesResolved: number;
  /** 解决率: cases resolved / (cases closed + cases open past their deadline). */
  resolutionRate: number | null;
  /** Satisfied and not satisfied: an unreachable resident gave no opinion. */
  callBacksMade: number;
  callBacksSatisfied: number;
  callBacksUnreachable: number;
  /** 满意率: satisfied call-backs / call-backs made. */
  satisfactionRate: number | null;
  /** 0–100: the weighted mean of the rates the unit has, to two decimals; null when it has none. */
  score: number | null;
  /** 1 for the best score among all units of the level; equal scores share a rank; null without a score. */
  rank: number | null;
}

type Counts = Pick<
  UnitRates,
  'tasksAssigned' | 'tasksSignedForInTime' | 'casesClosed' | 'casesOpenPastDeadline' | 'casesResolved' | 'callBacksMade' | 'callBacksSatisfied' | 'callBacksUnreachable'
>;

/** A unit's counts and the communities its facts come from (what decides who may see a company's row). */
export interface UnitTally extends Counts {
  unitId: string;
  communityIds: Set<string>;
}

/**
 * Adds up the facts of each unit of `level`: a property company's are those of the tasks it held,
 * a community's and a street's those of the cases filed in them, whoever held the task.
 */
export function tallyUnits(facts: readonly RateFacts[], level: RateLevel, streetOfCommunity: (communityId: string) => string | undefined): UnitTally[] {
  const tallies = new Map<string, UnitTally>();
  for (const fact of facts) {
    const unitId = unitOfFact(fact, level, streetOfCommunity);
    if (unitId === undefined) continue;
    const tally = tallies.get(unitId) ?? {
      unitId,
      communityIds: new Set<string>(),
      tasksAssigned: 0,
      tasksSignedForInTime: 0,
      casesClosed: 0,
      casesOpenPastDeadline: 0,
      casesResolved: 0,
      callBacksMade: 0,
      callBacksSatisfied: 0,
      callBacksUnreachable: 0,
    };
    tally.communityIds.add(fact.communityId);
    tally.tasksAssigned += fact.tasksAssigned;
    tally.tasksSignedForInTime += fact.tasksSignedForInTime;
    tally.casesClosed += fact.casesClosed;
    tally.casesOpenPastDeadline += fact.casesOpenPastDeadline;
    tally.casesResolved += fact.casesResolved;
    tally.callBacksMade += fact.callBacksSatisfied + fact.callBacksNotSatisfied;
    tally.callBacksSatisfied += fact.callBacksSatisfied;
    tally.callBacksUnreachable += fact.callBacksUnreachable;
    tallies.set(unitId, tally);
  }
  return [...tallies.values()];
}

function unitOfFact(fact: RateFacts, level: RateLevel, streetOfCommunity: (communityId: string) => string | undefined): string | undefined {
  switch (level) {
    case 'property_company':
      return fact.holderKind === 'property_company' ? fact.holderOrganisationId! : undefined;
    case 'community':
      return fact.communityId;
    case 'street':
      return fact.streetId ?? streetOfCommunity(fact.communityId);
  }
}

/** The rates, scores and ranks of every unit, best first; units without a score last, by name. */
export function rankUnits(tallies: readonly UnitTally[], weights: RateWeights, nameOf: (unitId: string) => string): UnitRates[] {
  const units = tallies.map(({ communityIds: _, ...counts }): UnitRates => {
    const responseRate = ratio(counts.tasksSignedForInTime, counts.tasksAssigned);
    const resolutionRate = ratio(counts.casesResolved, counts.casesClosed + counts.casesOpenPastDeadline);
    const satisfactionRate = ratio(counts.callBacksSatisfied, counts.callBacksMade);
    const score = weightedScore([
      [responseRate, weights.response],
      [resolutionRate, weights.resolution],
      [satisfactionRate, weights.satisfaction],
    ]);
    return { ...counts, name: nameOf(counts.unitId), responseRate, resolutionRate, satisfactionRate, score, rank: null };
  });
  const scores = units.flatMap((unit) => (unit.score === null ? [] : [unit.score]));
  for (const unit of units) {
    if (unit.score !== null) unit.rank = 1 + scores.filter((score) => score > unit.score!).length;
  }
  return units.sort(bestFirst);
}

function bestFirst(a: UnitRates, b: UnitRates): number {
  if (a.score !== b.score) return a.score === null ? 1 : b.score === null ? -1 : b.score - a.score;
  return byName(a, b);
}

function byName(a: UnitRates, b: UnitRates): number {
  return a.name.localeCompare(b.name, 'zh-CN') || a.unitId.localeCompare(b.unitId);
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/**
 * The weighted mean of the rates a unit has, out of 100: a unit with no call-backs this month is
 * scored on its other two rates rather than left out. Rounded to two decimals, so that equal
 * figures reached by different sums rank equal.
 */
function weightedScore(rates: Array<[number | null, number]>): number | null {
  const present = rates.filter(([rate, weight]) => rate !== null && weight > 0) as Array<[number, number]>;
  const totalWeight = present.reduce((sum, [, weight]) => sum + weight, 0);
  if (totalWeight === 0) return null;
  const weighted = present.reduce((sum, [rate, weight]) => sum + rate * weight, 0);
  return Math.round((10_000 * weighted) / totalWeight) / 100;
}

/**
 * 红榜 and 黑榜 of `units` (best first, as rankUnits orders them): the best `size` and the worst
 * `size`, worst first. Units without a score are on neither. With fewer than twice `size` units,
 * the red list takes the better half and the black list the rest, so no unit is on both; units
 * with equal scores go on a list together, and a unit as good as one on the red list is never on
 * the black list.
 */
export function redAndBlackLists(units: readonly UnitRates[], size: number): { red: UnitRates[]; black: UnitRates[] } {
  const scored = units.filter((unit) => unit.score !== null);
  const redCount = Math.min(size, Math.ceil(scored.length / 2));
  const blackCount = Math.min(size, Math.floor(scored.length / 2));
  const red = scored.filter((unit) => scored.filter((other) => other.score! > unit.score!).length < redCount);
  const lowestRed = Math.min(...red.map((unit) => unit.score!));
  const black = scored
    .filter((unit) => unit.score! < lowestRed && scored.filter((other) => other.score! < unit.score!).length < blackCount)
    .sort((a, b) => a.score! - b.score! || byName(a, b));
  return { red, black };
}
