import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import {
  GetRateRankingQuery,
  GetRatesQuery,
  MAX_RANKING_SIZE,
  MONTH_PATTERN,
  RATE_LEVELS,
  type RateLevel,
  type RateRanking,
  type RatesReport,
} from '../../../../libs/application/src';
import type { Actor } from '../../../../libs/domain/src';
import { CurrentActor, Roles } from '../auth/auth.decorators';

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

/** The three rates (三率) and the monthly red and black lists (红黑榜); definitions in docs/rates.md. */
@ApiTags('rates')
@ApiBearerAuth()
@Controller('rates')
export class RatesController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @Roles('community_staff', 'property_company', 'street_officer', 'district_officer', 'auditor')
  @ApiOkResponse({ description: 'each unit the caller may see: counts, the three rates, weighted score and rank' })
  rates(@CurrentActor() actor: Actor, @Query() query: RatesQueryDto): Promise<RatesReport> {
    return this.queryBus.execute(new GetRatesQuery(actor, query.month, query.level, new Date().toISOString()));
  }

  @Get('ranking')
  @Roles('street_officer', 'district_officer', 'auditor')
  @ApiOkResponse({ description: '红榜 (the best, best first) and 黑榜 (the worst, worst first)' })
  ranking(@CurrentActor() actor: Actor, @Query() query: RankingQueryDto): Promise<RateRanking> {
    return this.queryBus.execute(new GetRateRankingQuery(actor, query.month, query.level, query.size, new Date().toISOString()));
  }
}
