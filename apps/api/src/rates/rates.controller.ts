import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { CASE_COUNT_GROUPINGS, CountCasesQuery, GetRateRankingQuery, GetRatesQuery, MAX_RANKING_SIZE, MONTH_PATTERN, RATE_LEVELS, type CaseCountGrouping, type CaseCounts, type RateLevel, type RateRanking, type RatesReport } from '@yixin/rates';
import type { Actor } from '@yixin/domain';
import { ApiError, ApiErrors, ApiSignedIn } from '../api-errors';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { CaseCountsDto, RateRankingDto, RatesReportDto } from './rates-views.dto';

export class RatesQueryDto {
  @ApiProperty({ description: 'the month, China time', example: '2026-03' })
  @Matches(MONTH_PATTERN, { message: 'month must be a month written YYYY-MM (e.g. 2026-03)' })
  month!: string;

  @ApiProperty({ enum: RATE_LEVELS })
  @IsIn(RATE_LEVELS)
  level!: RateLevel;
}

export class RankingQueryDto extends RatesQueryDto {
  @ApiPropertyOptional({ description: 'how many units on each list', default: 3, minimum: 1, maximum: MAX_RANKING_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_RANKING_SIZE)
  size = 3;
}

export class CaseCountsQueryDto {
  @ApiProperty({ enum: CASE_COUNT_GROUPINGS, description: 'what the counts are grouped by' })
  @IsIn(CASE_COUNT_GROUPINGS)
  by!: CaseCountGrouping;

  @ApiPropertyOptional({ description: 'the first month (China time); default: eleven months before `to`', example: '2026-01' })
  @IsOptional()
  @Matches(MONTH_PATTERN, { message: 'from must be a month written YYYY-MM (e.g. 2026-03)' })
  from?: string;

  @ApiPropertyOptional({ description: 'the last month (China time), included; default: this month', example: '2026-12' })
  @IsOptional()
  @Matches(MONTH_PATTERN, { message: 'to must be a month written YYYY-MM (e.g. 2026-03)' })
  to?: string;
}

/** The three rates (三率) and the monthly red and black lists (红黑榜); definitions in docs/rates.md. */
@ApiTags('rates')
@ApiSignedIn()
@ApiErrors(400)
@Controller('rates')
export class RatesController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @Roles('community_staff', 'property_company', 'street_officer', 'district_officer', 'auditor')
  @ApiOperation({ summary: 'the month’s three rates (三率) of each unit of a level that you may see, with score and rank' })
  @ApiOkResponse({ type: RatesReportDto })
  @ApiError(403, 'a property company sees its own row, at level=property_company only')
  rates(@CurrentActor() actor: Actor, @Query() query: RatesQueryDto): Promise<RatesReport> {
    return this.queryBus.execute(new GetRatesQuery(actor, query.month, query.level, new Date().toISOString()));
  }

  @Get('ranking')
  @Roles('street_officer', 'district_officer', 'auditor')
  @ApiOperation({ summary: 'the month’s red and black lists (红黑榜) among the units you supervise' })
  @ApiOkResponse({ type: RateRankingDto })
  ranking(@CurrentActor() actor: Actor, @Query() query: RankingQueryDto): Promise<RateRanking> {
    return this.queryBus.execute(new GetRateRankingQuery(actor, query.month, query.level, query.size, new Date().toISOString()));
  }

  @Get('case-counts')
  @Roles('community_staff', 'owners_committee', 'street_officer', 'district_officer', 'auditor')
  @ApiOperation({ summary: 'how many cases were filed in a range of months, by category, compound or month, among those your case list holds' })
  @ApiOkResponse({ type: CaseCountsDto })
  caseCounts(@CurrentActor() actor: Actor, @Query() query: CaseCountsQueryDto): Promise<CaseCounts> {
    return this.queryBus.execute(new CountCasesQuery(actor, query.by, query.from, query.to, new Date().toISOString()));
  }
}

