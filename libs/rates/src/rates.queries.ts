import { Inject, Injectable } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { refuse, type Actor } from '@yixin/domain';
import { YIXIN_CONFIG, type RateWeights, type YixinConfig } from '@yixin/config';
import { DirectoryService } from '@yixin/directory';
import { selectRateFacts } from './rates.projection';
import type { SqlDatabase } from '@yixin/stores';
import { READ_STORE } from '@yixin/stores';
import { RATE_LEVELS, rankUnits, redAndBlackLists, tallyUnits, type RateLevel, type UnitRates, type UnitTally } from './rate-table';

export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
export const MAX_RANKING_SIZE = 50;

export interface RatesReport {
  month: string;
  level: RateLevel;
  weights: RateWeights;
  /** The instant the figures stand at: tasks and deadlines still running then are not counted yet. */
  asOf: string;
  /** The units the viewer may see, best first; ranks are among every unit of the level. */
  units: UnitRates[];
}

export interface RateRanking {
  month: string;
  level: RateLevel;
  weights: RateWeights;
  asOf: string;
  size: number;
  /** 红榜: the best, best first. */
  red: UnitRates[];
  /** 黑榜: the worst, worst first. */
  black: UnitRates[];
}

/** The three rates of each unit of a level for a month (China time), as they stand at `now`. */
export class GetRatesQuery extends Query<RatesReport> {
  constructor(readonly viewer: Actor, readonly month: string, readonly level: RateLevel, readonly now: string) {
    super();
  }
}

/** The month's red and black lists of a level, among the units the viewer supervises. */
export class GetRateRankingQuery extends Query<RateRanking> {
  constructor(readonly viewer: Actor, readonly month: string, readonly level: RateLevel, readonly size: number, readonly now: string) {
    super();
  }
}

/** Reads the month's facts, ranks every unit of the level, and keeps the rows the viewer may see. */
@Injectable()
export class RateReader {
  constructor(
    @Inject(READ_STORE) private readonly db: SqlDatabase,
    private readonly directory: DirectoryService,
    @Inject(YIXIN_CONFIG) private readonly config: Pick<YixinConfig, 'rateWeights'>,
  ) {}

  async visibleUnits(viewer: Actor, month: string, level: RateLevel, now: string): Promise<RatesReport> {
    if (!MONTH_PATTERN.test(month)) refuse('invalid', `month must be a month written YYYY-MM (e.g. 2026-03), not ${JSON.stringify(month)}`);
    if (!RATE_LEVELS.includes(level)) refuse('invalid', `level must be one of ${RATE_LEVELS.join(', ')}, not ${JSON.stringify(level)}`);
    const mayView = this.viewOf(viewer, level);
    const streetOf = (communityId: string) => this.directory.findOrganisation(communityId)?.parentId;
    const tallies = tallyUnits(await selectRateFacts(this.db, month, Date.parse(now)), level, streetOf);
    const visible = new Set(tallies.filter(mayView).map((tally) => tally.unitId));
    const nameOf = (unitId: string) => this.directory.findOrganisation(unitId)?.name ?? unitId;
    const weights = this.config.rateWeights;
    return { month, level, weights, asOf: now, units: rankUnits(tallies, weights, nameOf).filter((unit) => visible.has(unit.unitId)) };
  }

  /**
   * Who sees which rows. Officers and community staff see the units of their jurisdiction, and the
   * companies that held tasks there; a property company sees its own row; auditors see everything.
   * The figures are the same whoever looks: a company's row counts all its tasks, wherever they are.
   */
  private viewOf(viewer: Actor, level: RateLevel): (tally: UnitTally) => boolean {
    switch (viewer.role) {
      case 'auditor':
        return () => true;
      case 'property_company':
        if (level !== 'property_company') refuse('forbidden', 'a property company sees its own row among the property companies (level=property_company)');
        return (tally) => tally.unitId === viewer.organisationId;
      case 'community_staff':
        return this.jurisdictionView(level, [viewer.organisationId]);
      case 'street_officer':
        return this.jurisdictionView(level, this.directory.communitiesOf([viewer.organisationId]));
      case 'district_officer':
        return this.jurisdictionView(level, this.directory.communitiesOf(this.directory.childrenOf(viewer.organisationId, 'street')));
      default:
        refuse('forbidden', `the role ${viewer.role} has no view of the rates`);
    }
  }

  private jurisdictionView(level: RateLevel, communityIds: string[]): (tally: UnitTally) => boolean {
    const communities = new Set(communityIds);
    switch (level) {
      case 'community':
        return (tally) => communities.has(tally.unitId);
      case 'street': {
        const streets = new Set(communityIds.map((id) => this.directory.findOrganisation(id)?.parentId));
        return (tally) => streets.has(tally.unitId);
      }
      case 'property_company':
        return (tally) => [...tally.communityIds].some((id) => communities.has(id));
    }
  }
}

@QueryHandler(GetRatesQuery)
export class GetRatesHandler implements IQueryHandler<GetRatesQuery, RatesReport> {
  constructor(private readonly reader: RateReader) {}

  execute({ viewer, month, level, now }: GetRatesQuery): Promise<RatesReport> {
    return this.reader.visibleUnits(viewer, month, level, now);
  }
}

/** The lists are the supervisors' tool: a community or a company sees its own rank through GetRatesQuery. */
const RANKING_ROLES: readonly Actor['role'][] = ['street_officer', 'district_officer', 'auditor'];

@QueryHandler(GetRateRankingQuery)
export class GetRateRankingHandler implements IQueryHandler<GetRateRankingQuery, RateRanking> {
  constructor(private readonly reader: RateReader) {}

  async execute({ viewer, month, level, size, now }: GetRateRankingQuery): Promise<RateRanking> {
    if (!RANKING_ROLES.includes(viewer.role)) refuse('forbidden', 'the red and black lists are for street and district officers and auditors');
    if (!Number.isInteger(size) || size < 1 || size > MAX_RANKING_SIZE) refuse('invalid', `size must be a whole number from 1 to ${MAX_RANKING_SIZE}`);
    const { units, ...report } = await this.reader.visibleUnits(viewer, month, level, now);
    return { ...report, size, ...redAndBlackLists(units, size) };
  }
}
