import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CASE_STATUSES,
  CATEGORY_CODES,
  CLOSING_REASONS,
  ESCALATION_REASONS,
  ACTOR_ROLES,
  TIERS,
  URGENCIES,
  type CaseStatus,
  type Category,
  type ClosingReason,
  type EscalationReason,
  type ActorRole,
  type Tier,
  type Urgency,
} from '@yixin/domain';
import { RoutingOverrideDto } from '../cases/case.dto';
import { ClockPauseDto, CouncilStateDto, LastReturnDto, TaskDto } from '../cases/case-views.dto';

export class ActorDto {
  @ApiProperty() userId!: string;
  @ApiProperty({ enum: ACTOR_ROLES, description: 'the role acting; `resident`: the resident, through their own page' }) role!: ActorRole;
  @ApiProperty() organisationId!: string;
}

/**
 * Either `encrypted: true` with the resident's pseudonym, the data key and whether it was erased;
 * or `encrypted: false, masked: true` for a complaint filed in clear, shown masked in `data`.
 */
export class PersonalDataInEventDto {
  @ApiProperty() encrypted!: boolean;
  @ApiPropertyOptional({ description: 'the resident’s pseudonym, the same on all their cases' }) subjectId?: string;
  @ApiPropertyOptional() keyId?: string;
  @ApiPropertyOptional() erased?: boolean;
  @ApiPropertyOptional({ description: 'the data is shown masked, so this event’s hash does not recompute from what is shown' }) masked?: boolean;
}

export class HistoryEntryDto {
  @ApiProperty() revision!: number;
  @ApiProperty() globalPosition!: number;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ example: 'TaskDispatched' }) type!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ type: ActorDto }) actor!: ActorDto;
  @ApiProperty({ enum: TIERS }) tier!: Tier;
  @ApiProperty({ description: 'the command that appended it' }) correlationId!: string;
  @ApiProperty() causationId!: string;
  @ApiProperty() schemaVersion!: number;
  @ApiProperty({ description: 'SHA-256 of the previous event of the stream, lowercase hex (64 zeros for the first)' }) previousHash!: string;
  @ApiProperty({ description: 'SHA-256 of this event, lowercase hex' }) hash!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the event’s data as stored (libs/domain/src/case/case-events.ts)' })
  data!: Record<string, unknown>;
  @ApiPropertyOptional({ type: PersonalDataInEventDto, description: 'present when the event holds a resident’s personal data' })
  personalData?: PersonalDataInEventDto;
}

export class ChainProblemDto {
  @ApiProperty() revision!: number;
  @ApiProperty() eventId!: string;
  @ApiProperty() problem!: string;
}

export class ChainVerificationDto {
  @ApiProperty() intact!: boolean;
  @ApiProperty() eventCount!: number;
  @ApiProperty({ type: [ChainProblemDto] }) problems!: ChainProblemDto[];
}

export class NotificationHistoryDto {
  @ApiProperty({ example: 'notification-0b6c7e0e-1f4e-4a57-9a53-7f0c2b1d8a10' }) streamId!: string;
  @ApiProperty({ type: [HistoryEntryDto], description: 'NotificationSent, NotificationFailed, NotificationSuppressed, in revision order' }) events!: HistoryEntryDto[];
  @ApiProperty({ type: ChainVerificationDto }) verification!: ChainVerificationDto;
}

export class CaseHistoryDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ example: 'case-0b6c7e0e-1f4e-4a57-9a53-7f0c2b1d8a10' }) streamId!: string;
  @ApiProperty({ type: [HistoryEntryDto], description: 'in revision order' }) events!: HistoryEntryDto[];
  @ApiProperty({ type: ChainVerificationDto }) verification!: ChainVerificationDto;
  @ApiProperty({ type: NotificationHistoryDto, description: 'what the case’s people were told, from the stream beside the case’s' }) notifications!: NotificationHistoryDto;
}

export class LogProblemDto {
  @ApiProperty() globalPosition!: number;
  @ApiProperty() streamId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() eventId!: string;
  @ApiProperty() problem!: string;
}

export class LogVerificationDto {
  @ApiProperty() intact!: boolean;
  @ApiProperty() eventsChecked!: number;
  @ApiProperty() streamsChecked!: number;
  @ApiProperty({ type: [LogProblemDto], description: 'the first problems found, each where it is (at most 1000)' }) problems!: LogProblemDto[];
}

export class CouncilsDto {
  @ApiPropertyOptional({ example: 'property-council' }) property_council?: string;
  @ApiPropertyOptional({ example: 'owners-council' }) owners_council?: string;
}

export class JurisdictionDto {
  @ApiProperty({ example: 'shushan' }) streetId!: string;
  @ApiProperty({ example: 'xiaoshan' }) districtId!: string;
  @ApiProperty({ type: CouncilsDto, description: 'the street’s councils' }) councils!: CouncilsDto;
}

export class ResidentKeyDto {
  @ApiProperty() subjectId!: string;
  @ApiProperty() keyId!: string;
  @ApiPropertyOptional({ format: 'date-time' }) erasedAt?: string;
}

/** The case as the domain folds it from its events (libs/domain/src/case/case-state.ts). */
export class CaseStateDto {
  @ApiProperty({ enum: CASE_STATUSES, description: '`not_filed` before its first event' }) status!: CaseStatus;
  @ApiProperty({ enum: TIERS }) tier!: Tier;
  @ApiPropertyOptional({ format: 'uuid' }) caseId?: string;
  @ApiPropertyOptional() communityId?: string;
  @ApiPropertyOptional() compoundId?: string;
  @ApiPropertyOptional() building?: string;
  @ApiPropertyOptional({ enum: CATEGORY_CODES }) category?: Category;
  @ApiPropertyOptional({ enum: URGENCIES }) urgency?: Urgency;
  @ApiPropertyOptional() propertyCompanyId?: string;
  @ApiPropertyOptional() ownersCommitteeId?: string;
  @ApiPropertyOptional({ type: JurisdictionDto }) jurisdiction?: JurisdictionDto;
  @ApiPropertyOptional({ type: RoutingOverrideDto }) routingOverride?: RoutingOverrideDto;
  @ApiPropertyOptional({ description: 'the case it was merged into' }) duplicateOf?: string;
  @ApiPropertyOptional({ type: TaskDto }) task?: TaskDto;
  @ApiPropertyOptional({ type: ClockPauseDto }) paused?: ClockPauseDto;
  @ApiPropertyOptional({ type: LastReturnDto }) lastReturn?: LastReturnDto;
  @ApiProperty({ type: [String], description: 'distinct organisations that returned a task of this case' }) returnedBy!: string[];
  @ApiProperty() redoCount!: number;
  @ApiProperty() unreachableCallBacks!: number;
  @ApiProperty({ enum: ESCALATION_REASONS, isArray: true }) escalatedFor!: EscalationReason[];
  @ApiPropertyOptional({ type: CouncilStateDto }) council?: CouncilStateDto;
  @ApiPropertyOptional({ enum: CLOSING_REASONS }) closedReason?: ClosingReason;
  @ApiPropertyOptional({ type: ResidentKeyDto, description: 'whose key the resident’s data is encrypted under; absent when filed in clear' })
  residentKey?: ResidentKeyDto;
}

export class AsOfDto {
  @ApiPropertyOptional({ format: 'date-time' }) at?: string;
  @ApiPropertyOptional() revision?: number;
}

export class CaseStateAsOfDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ type: AsOfDto, description: 'the moment and/or revision asked for' }) asOf!: AsOfDto;
  @ApiProperty({ description: 'revision of the last event folded (-1: the case did not exist yet)' }) revision!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when that event was recorded' }) recordedAt!: string | null;
  @ApiProperty({ type: CaseStateDto }) state!: CaseStateDto;
}

export class PersonalDataReadDto {
  @ApiProperty({ format: 'date-time' }) readAt!: string;
  @ApiProperty({ type: ActorDto }) reader!: ActorDto;
  @ApiProperty({ type: String, nullable: true, description: 'null for a complaint filed in clear, before residents had pseudonyms' }) subjectId!: string | null;
}

export class PersonalDataReadsDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ type: [PersonalDataReadDto], description: 'oldest first' }) reads!: PersonalDataReadDto[];
}
