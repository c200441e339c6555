import { ApiProperty } from '@nestjs/swagger';
import { CASE_COUNT_GROUPINGS, RATE_LEVELS, type CaseCountGrouping, type RateLevel } from '@yixin/rates';

export class RateWeightsDto {
  @ApiProperty({ example: 30 }) response!: number;
  @ApiProperty({ example: 35 }) resolution!: number;
  @ApiProperty({ example: 35 }) satisfaction!: number;
}

/** A unit's month: its counts, the three rates (三率), its weighted score and its rank (docs/rates.md). */
export class UnitRatesDto {
  @ApiProperty({ example: 'pc-beichen-aoyuan' }) unitId!: string;
  @ApiProperty({ example: '北辰奥园物业服务中心' }) name!: string;
  @ApiProperty() tasksAssigned!: number;
  @ApiProperty() tasksSignedForInTime!: number;
  @ApiProperty({ type: Number, nullable: true, description: '响应率: tasks signed for in time / tasks assigned' }) responseRate!: number | null;
  @ApiProperty() casesClosed!: number;
  @ApiProperty() casesOpenPastDeadline!: number;
  @ApiProperty() casesResolved!: number;
  @ApiProperty({ type: Number, nullable: true, description: '解决率: cases resolved / (cases closed + cases open past their deadline)' })
  resolutionRate!: number | null;
  @ApiProperty() callBacksMade!: number;
  @ApiProperty() callBacksSatisfied!: number;
  @ApiProperty() callBacksUnreachable!: number;
  @ApiProperty({ type: Number, nullable: true, description: '满意率: satisfied call-backs / call-backs made' }) satisfactionRate!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '0–100, the weighted mean of the rates the unit has' }) score!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '1 for the best score among all units of the level; equal scores share a rank' }) rank!: number | null;
}

export class RatesReportDto {
  @ApiProperty({ example: '2026-03' }) month!: string;
  @ApiProperty({ enum: RATE_LEVELS }) level!: RateLevel;
  @ApiProperty({ type: RateWeightsDto }) weights!: RateWeightsDto;
  @ApiProperty({ format: 'date-time', description: 'the figures stand at this instant: tasks and deadlines still running then are not counted yet' })
  asOf!: string;
  @ApiProperty({ type: [UnitRatesDto], description: 'the units you may see, best first' }) units!: UnitRatesDto[];
}

export class RateRankingDto {
  @ApiProperty({ example: '2026-03' }) month!: string;
  @ApiProperty({ enum: RATE_LEVELS }) level!: RateLevel;
  @ApiProperty({ type: RateWeightsDto }) weights!: RateWeightsDto;
  @ApiProperty({ format: 'date-time' }) asOf!: string;
  @ApiProperty() size!: number;
  @ApiProperty({ type: [UnitRatesDto], description: '红榜: the best, best first' }) red!: UnitRatesDto[];
  @ApiProperty({ type: [UnitRatesDto], description: '黑榜: the worst, worst first; never a unit of the red list' }) black!: UnitRatesDto[];
}

export class CaseCountDto {
  @ApiProperty({ example: 'beichen-aoyuan', description: 'the category code, the compound’s id, or the month (YYYY-MM, China time)' }) key!: string;
  @ApiProperty({ example: '北辰奥园', description: 'the compound’s name; for categories and months, the key' }) name!: string;
  @ApiProperty() count!: number;
}

export class CaseCountsDto {
  @ApiProperty({ enum: CASE_COUNT_GROUPINGS }) by!: CaseCountGrouping;
  @ApiProperty({ example: '2026-01' }) from!: string;
  @ApiProperty({ example: '2026-12' }) to!: string;
  @ApiProperty({ description: 'cases filed in the months from `from` to `to` (China time) among those your case list holds' }) total!: number;
  @ApiProperty({ type: [CaseCountDto], description: 'most cases first; by month, every month of the range in order, with zeros' }) counts!: CaseCountDto[];
}
