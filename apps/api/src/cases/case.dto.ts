import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { decodeInboxCursor, SUPERVISION_QUEUES, type SupervisionQueue } from '@yixin/cases';
import {
  ASSIGNEE_KINDS,
  CALL_BACK_OUTCOMES,
  CASE_STATUSES,
  CATEGORY_CODES,
  CHANNELS,
  TIERS,
  URGENCIES,
  type AssigneeKind,
  type CallBackOutcome,
  type Category,
  type Channel,
  type Urgency,
} from '@yixin/domain';

/** Mobile numbers (1xxxxxxxxxx) and landlines with area code (0571-12345678). */
export const PHONE = /^(1\d{10}|0\d{2,3}-?\d{7,8})$/;
/** Text fields must contain something visible. */
const NOT_BLANK = /\S/;

export class ResidentDto {
  @ApiProperty({ example: '王阿姨' })
  @IsString()
  @Length(1, 50)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name!: string;

  @ApiProperty({ example: '13800000000' })
  @IsString()
  @Matches(PHONE, { message: 'phone must be a mobile number (11 digits starting with 1) or a landline with area code' })
  phone!: string;
}

export class LocationDto {
  @ApiProperty({ example: 'xiangyuan' })
  @IsString()
  @Length(1, 64)
  communityId!: string;

  @ApiProperty({ example: 'beichen-aoyuan' })
  @IsString()
  @Length(1, 64)
  compoundId!: string;

  @ApiProperty({ example: '3幢' })
  @IsString()
  @Length(1, 32)
  @Matches(NOT_BLANK, { message: 'building must not be blank' })
  building!: string;

  @ApiPropertyOptional({ example: '2单元1502室' })
  @IsOptional()
  @IsString()
  @Length(1, 32)
  unit?: string;
}

export class AssigneeDto {
  @ApiProperty({ example: 'oc-beichen-aoyuan' })
  @IsString()
  @Length(1, 64)
  organisationId!: string;

  @ApiProperty({ enum: ASSIGNEE_KINDS })
  @IsIn(ASSIGNEE_KINDS)
  kind!: AssigneeKind;
}

export class RoutingOverrideDto extends AssigneeDto {
  @ApiProperty({ example: '涉及维修基金，须业委会决定' })
  @IsString()
  @Length(1, 500)
  @Matches(NOT_BLANK, { message: 'reason must not be blank' })
  reason!: string;
}

export class FileComplaintDto {
  @ApiProperty({ type: ResidentDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => ResidentDto)
  resident!: ResidentDto;

  @ApiProperty({ type: LocationDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => LocationDto)
  location!: LocationDto;

  @ApiProperty({ enum: CATEGORY_CODES, example: 'elevator' })
  @IsIn(CATEGORY_CODES)
  category!: Category;

  @ApiPropertyOptional({ enum: URGENCIES, default: 'normal', description: 'urgent matters are counted in hours' })
  @IsOptional()
  @IsIn(URGENCIES)
  urgency: Urgency = 'normal';

  @ApiProperty({ example: '3幢电梯停运两天，老人上下楼困难' })
  @IsString()
  @Length(1, 2000)
  @Matches(NOT_BLANK, { message: 'description must not be blank' })
  description!: string;

  @ApiProperty({ enum: CHANNELS, example: 'visit' })
  @IsIn(CHANNELS)
  channel!: Channel;

  @ApiPropertyOptional({ type: RoutingOverrideDto, description: 'staff choose the assignee instead of the default routing' })
  @IsOptional()
  @ValidateNested()
  @Type(() => RoutingOverrideDto)
  routingOverride?: RoutingOverrideDto;
}

export class CallBackDto {
  @ApiProperty({ enum: CALL_BACK_OUTCOMES, description: 'what the resident said, or that they could not be reached' })
  @IsIn(CALL_BACK_OUTCOMES)
  outcome!: CallBackOutcome;

  @ApiPropertyOptional({ minimum: 1, maximum: 5, description: 'required unless the resident was unreachable' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  rating?: number;

  @ApiPropertyOptional({ example: '居民表示满意' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}

/**
 * Deeper than any list a caller pages through by hand, and within what every store binds as an
 * integer (SQLite refuses an OFFSET such as 1e20 that does not fit one).
 */
export const MAX_PAGE_OFFSET = 10_000_000;

/** limit and offset, the same on every list. */
export class PageQueryDto {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: MAX_PAGE_OFFSET })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_PAGE_OFFSET)
  offset = 0;
}

export class InboxQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description:
      'the `nextCursor` of the page before: the rows after it, as fast however deep the page (an `offset` walks every row it skips, and counts from the cursor if both are given)',
  })
  @IsOptional()
  @ValidateBy({
    name: 'isInboxCursor',
    validator: {
      validate: (value) => typeof value === 'string' && decodeInboxCursor(value) !== undefined,
      defaultMessage: () => 'cursor must be the nextCursor of an earlier answer, unchanged',
    },
  })
  cursor?: string;
}

export class ListCasesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'xiangyuan' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  communityId?: string;

  @ApiPropertyOptional({ example: 'beichen-aoyuan' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  compoundId?: string;

  @ApiPropertyOptional({ enum: CASE_STATUSES })
  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: string;

  @ApiPropertyOptional({ enum: TIERS })
  @IsOptional()
  @IsIn(TIERS)
  tier?: string;

  @ApiPropertyOptional({ enum: CATEGORY_CODES })
  @IsOptional()
  @IsIn(CATEGORY_CODES)
  category?: string;

  @ApiPropertyOptional({ description: 'only open cases past their current deadline' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({
    example: '北辰 电梯',
    description: 'words (separated by spaces) that must all appear in the description, the building, or the name of the compound, community or category',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(NOT_BLANK, { message: 'q must not be blank' })
  q?: string;
}

export class FileComplaintBatchDto {
  @ApiProperty({
    type: [FileComplaintDto],
    minItems: 1,
    maxItems: 50,
    description: 'each validated as the body of POST /cases; an invalid one is answered in its place and does not stop the others',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  complaints!: unknown[];
}

export class ComplaintBatchItemResponse {
  @ApiProperty({ description: 'position of the complaint in the request' }) index!: number;
  @ApiPropertyOptional() caseId?: string;
  @ApiPropertyOptional({ description: '`filed`, or `duplicate` when linked to an open case at the same place' }) status?: string;
  @ApiPropertyOptional({ description: 'why it was not filed: the API’s error body `{statusCode, error, message}`' })
  error?: { statusCode: number; error: string; message: string | string[] };
}

export class SupervisionQueryDto extends PageQueryDto {
  @ApiProperty({ enum: SUPERVISION_QUEUES })
  @IsIn(SUPERVISION_QUEUES)
  queue!: SupervisionQueue;
}

export class CaseCommandResponse {
  @ApiProperty() caseId!: string;
  @ApiProperty({ description: 'revision of the case stream after the command' }) revision!: number;
  @ApiProperty({ description: 'status of the case after the command' }) status!: string;
  @ApiProperty({ type: [String], description: 'types of the events appended' }) appended!: string[];
}
