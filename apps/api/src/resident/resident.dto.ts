import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CASE_STATUSES, CATEGORY_CODES, CLOSING_REASONS, type CaseStatus, type Category, type ClosingReason } from '@yixin/domain';
import { CASE_NUMBER_PATTERN, CHECK_CODE_PATTERN, type ResidentCase } from '@yixin/resident-access';

/** The SMS link's path: the only URL that carries a code, and only to send the browser on to the page's fragment. */
export class ResidentLinkDto {
  @ApiProperty({ example: '5f0c2b1d' })
  @Matches(CASE_NUMBER_PATTERN, { message: 'caseNumber must be the 8 letters and digits of the SMS' })
  caseNumber!: string;

  @ApiProperty({ example: '042917' })
  @Matches(CHECK_CODE_PATTERN, { message: 'checkCode must be the 6 digits of the SMS' })
  checkCode!: string;
}

/** In the body, never in the URL: a code in a URL ends up in access logs and browser histories. */
export class ResidentCaseRequestDto {
  @ApiProperty({ example: '5f0c2b1d', description: 'the case number of the resident’s SMS: 8 letters and digits, in either case' })
  @IsString()
  @Matches(CASE_NUMBER_PATTERN, { message: 'caseNumber must be the 8 letters and digits of the SMS' })
  caseNumber!: string;

  @ApiProperty({ example: '042917', description: 'the check code of the resident’s SMS: 6 digits' })
  @IsString()
  @Matches(CHECK_CODE_PATTERN, { message: 'checkCode must be the 6 digits of the SMS' })
  checkCode!: string;
}

export const RESIDENT_NOTE_MAX_LENGTH = 500;

export class ResidentRatingDto extends ResidentCaseRequestDto {
  @ApiProperty({ description: 'satisfied closes the case; not satisfied has it redone' })
  @IsBoolean()
  satisfied!: boolean;

  @ApiProperty({ minimum: 1, maximum: 5 })
  @IsInt()
  @Min(1)
  @Max(5)
  rating!: number;

  @ApiPropertyOptional({ maxLength: RESIDENT_NOTE_MAX_LENGTH, example: '维修很及时' })
  @IsOptional()
  @IsString()
  @MaxLength(RESIDENT_NOTE_MAX_LENGTH)
  note?: string;
}

export class ResidentCaseDto implements ResidentCase {
  @ApiProperty({ description: 'as the resident typed it, in lowercase' }) caseNumber!: string;
  @ApiProperty({ enum: CASE_STATUSES }) status!: CaseStatus;
  @ApiProperty({ example: '承办单位正在处理', description: 'the status in plain Chinese' }) statusText!: string;
  @ApiProperty({ enum: CATEGORY_CODES }) category!: Category;
  @ApiProperty({ example: '电梯故障' }) categoryText!: string;
  @ApiProperty({ example: '湘源社区', description: 'the community that took the complaint' }) communityName!: string;
  @ApiPropertyOptional({ example: '北辰奥园物业服务中心', description: 'the organisation holding the task, once dispatched' }) handledBy?: string;
  @ApiProperty({ format: 'date-time' }) filedAt!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'the last time the case was given to an organisation' }) dispatchedAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) resolvedAt?: string;
  @ApiPropertyOptional({ description: 'what the organisation reported on resolving it, personal numbers masked' }) resolutionNote?: string;
  @ApiPropertyOptional({ format: 'date-time' }) closedAt?: string;
  @ApiPropertyOptional({ enum: CLOSING_REASONS }) closedReason?: ClosingReason;
  @ApiProperty({ description: 'resolved, and waiting for the resident’s rating' }) canRate!: boolean;
}
