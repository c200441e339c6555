import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  COUNCIL_KINDS,
  MAX_EVIDENCE,
  RETURN_REASONS,
  SHA256_HEX,
  type CouncilKind,
  type Duration,
  type ReturnReason,
} from '@yixin/domain';
import { AssigneeDto } from './case.dto';

const NOT_BLANK = /\S/;

/** A text people write: a reason, a note, a ruling. */
function Prose(example: string): PropertyDecorator {
  return (target, key) => {
    ApiProperty({ example })(target, key);
    IsString()(target, key);
    Length(1, 2000)(target, key);
    Matches(NOT_BLANK, { message: `${String(key)} must not be blank` })(target, key);
  };
}

export class NoteDto {
  @Prose('已联系维保单位，明日上午更换部件')
  note!: string;
}

/** A progress report or a resolution, with photos uploaded for the case beforehand. */
export class EvidencedNoteDto extends NoteDto {
  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_EVIDENCE,
    description: 'hashes of photos uploaded for this case (POST /cases/:caseId/attachments)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_EVIDENCE)
  @IsString({ each: true })
  @Matches(SHA256_HEX, { each: true, message: 'each of evidence must be the lowercase hex SHA-256 of an uploaded photo' })
  evidence?: string[];
}

/** Photos uploaded for the case that staff cite as evidence of the complaint. */
export class AttachEvidenceDto {
  @ApiProperty({
    type: [String],
    minItems: 1,
    maxItems: MAX_EVIDENCE,
    description: 'hashes of photos uploaded for this case (POST /cases/:caseId/attachments), each once',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EVIDENCE)
  @IsString({ each: true })
  @Matches(SHA256_HEX, { each: true, message: 'each of evidence must be the lowercase hex SHA-256 of an uploaded photo' })
  evidence!: string[];

  @ApiPropertyOptional({ example: '居民提供的漏水现场照片', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @Matches(NOT_BLANK, { message: 'note must not be blank' })
  note?: string;
}

export class ReasonDto {
  @Prose('居民出差，约定下周一入户')
  reason!: string;
}

/** Exactly one of hours or workingDays. */
export class DurationDto {
  @ApiPropertyOptional({ minimum: 0.5, maximum: 720, description: 'counted in elapsed hours' })
  @IsOptional()
  @Min(0.5)
  @Max(720)
  hours?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 60, description: 'counted in working days on the Chinese calendar' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(60)
  workingDays?: number;
}

export function toDuration(dto: DurationDto): Duration | undefined {
  const given = [dto.hours !== undefined, dto.workingDays !== undefined].filter(Boolean).length;
  if (given !== 1) return undefined;
  return dto.hours !== undefined ? { hours: dto.hours } : { workingDays: dto.workingDays! };
}

export class ExtensionDto extends ReasonDto {
  @ApiProperty({ type: DurationDto, description: 'how much longer: {"hours": n} or {"workingDays": n}' })
  @IsDefined()
  @ValidateNested()
  @Type(() => DurationDto)
  extension!: DurationDto;
}

export class ReturnTaskDto extends NoteDto {
  @ApiProperty({ enum: RETURN_REASONS })
  @IsIn(RETURN_REASONS)
  reason!: ReturnReason;
}

export class RedispatchDto extends ReasonDto {
  @ApiProperty({ type: AssigneeDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => AssigneeDto)
  assignee!: AssigneeDto;
}

export class CouncilReferralDto {
  @ApiProperty({ enum: COUNCIL_KINDS })
  @IsIn(COUNCIL_KINDS)
  council!: CouncilKind;

  @Prose('外墙渗水责任在物业还是开发商？')
  question!: string;
}

export class CouncilSessionDto {
  @ApiProperty({ example: '2026-12-03T02:00:00.000Z' })
  @IsISO8601({ strict: true })
  scheduledFor!: string;
}

export class CouncilVoteDto {
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(10_000) for!: number;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(10_000) against!: number;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(10_000) abstain!: number;
}

export class CouncilDecisionDto {
  @Prose('由北辰奥园物业牵头维修外墙，费用先行垫付')
  decision!: string;

  @ApiProperty({ type: AssigneeDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => AssigneeDto)
  assignee!: AssigneeDto;

  @ApiProperty({ example: '2026-12-20T09:00:00.000Z' })
  @IsISO8601({ strict: true })
  dueBy!: string;

  @ApiPropertyOptional({ type: CouncilVoteDto, description: 'absent when decided by consensus' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CouncilVoteDto)
  vote?: CouncilVoteDto;
}

export class MergeDto {
  @ApiProperty({ description: 'the open case this one duplicates' })
  @IsUUID()
  primaryCaseId!: string;
}

export class RulingDto {
  @Prose('经街道调查，由物业承担维修责任，即日办结')
  ruling!: string;
}
