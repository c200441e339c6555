import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ASSIGNEE_KINDS,
  CASE_STATUSES,
  CATEGORY_CODES,
  CHANNELS,
  CLOSING_REASONS,
  COUNCIL_KINDS,
  ESCALATION_REASONS,
  RETURN_REASONS,
  ACTOR_ROLES,
  TIERS,
  URGENCIES,
  type AssigneeKind,
  type CaseStatus,
  type Category,
  type Channel,
  type ClosingReason,
  type CouncilKind,
  type EscalationReason,
  type ReturnReason,
  type DeadlineUnit,
  type ActorRole,
  type TaskOrigin,
  type Tier,
  type Urgency,
} from '@yixin/domain';
import { DurationDto } from './case-actions.dto';
import { AssigneeDto } from './case.dto';

const TASK_ORIGINS: readonly TaskOrigin[] = ['complaint', 'redispatch', 'council_decision'];
const DEADLINE_UNITS: readonly DeadlineUnit[] = ['hours', 'working_days'];

/** A deadline still to be met, and how far its follow-up (催办, then 督办) has gone. */
export class OpenDeadlineDto {
  @ApiProperty({ format: 'date-time' }) due!: string;
  @ApiProperty({ enum: DEADLINE_UNITS, description: 'how it was counted: elapsed hours, or working days on the Chinese calendar' }) unit!: DeadlineUnit;
  @ApiProperty({ format: 'date-time', description: 'when the reminder goes out if the deadline is still open' }) remindAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) remindedAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'when the case is escalated one tier if the deadline is still open' }) escalateAt?: string;
}

/** Only the deadlines not met yet. */
export class TaskDeadlinesDto {
  @ApiPropertyOptional({ type: OpenDeadlineDto }) sign_for?: OpenDeadlineDto;
  @ApiPropertyOptional({ type: OpenDeadlineDto }) first_reply?: OpenDeadlineDto;
  @ApiPropertyOptional({ type: OpenDeadlineDto }) resolve?: OpenDeadlineDto;
}

export class ExtensionRequestDto {
  @ApiProperty({ description: 'the organisation that asked' }) requestedBy!: string;
  @ApiProperty({ type: DurationDto }) extension!: DurationDto;
  @ApiProperty() reason!: string;
}

export class TaskDto {
  @ApiProperty() taskId!: string;
  @ApiProperty({ example: 'pc-beichen-aoyuan' }) assigneeOrganisationId!: string;
  @ApiProperty({ enum: ASSIGNEE_KINDS }) assigneeKind!: AssigneeKind;
  @ApiProperty({ enum: TASK_ORIGINS }) origin!: TaskOrigin;
  @ApiProperty() signedFor!: boolean;
  @ApiProperty({ type: TaskDeadlinesDto }) deadlines!: TaskDeadlinesDto;
  @ApiPropertyOptional({ type: ExtensionRequestDto, description: 'a request waiting for the handling tier’s answer' }) extensionRequest?: ExtensionRequestDto;
}

export class ClockPauseDto {
  @ApiProperty({ format: 'date-time' }) since!: string;
  @ApiProperty() reason!: string;
}

export class LastReturnDto {
  @ApiProperty({ description: 'the organisation that returned the task' }) by!: string;
  @ApiProperty({ enum: RETURN_REASONS }) reason!: ReturnReason;
}

export class CouncilDecisionViewDto {
  @ApiProperty() text!: string;
  @ApiProperty({ type: AssigneeDto }) assignee!: AssigneeDto;
  @ApiProperty({ format: 'date-time' }) dueBy!: string;
}

export class CouncilStateDto {
  @ApiProperty({ enum: COUNCIL_KINDS }) kind!: CouncilKind;
  @ApiProperty() councilId!: string;
  @ApiProperty() question!: string;
  @ApiProperty({ format: 'date-time' }) decideBy!: string;
  @ApiPropertyOptional() sessionId?: string;
  @ApiPropertyOptional({ type: [String] }) members?: string[];
  @ApiPropertyOptional({ type: CouncilDecisionViewDto }) decision?: CouncilDecisionViewDto;
  @ApiProperty() timedOut!: boolean;
}

export class CaseLocationViewDto {
  @ApiProperty({ example: 'xiangyuan' }) communityId!: string;
  @ApiProperty({ example: 'beichen-aoyuan' }) compoundId!: string;
  @ApiProperty({ example: '3幢' }) building!: string;
  @ApiPropertyOptional({ example: '2单元1502室', description: 'only with the resident in full' }) unit?: string;
}

/**
 * One of: the resident in full (`masked: false`); masked (`masked: true` with a masked name and
 * phone, for complaints filed in clear before personal data was encrypted); withheld
 * (`masked: true, encrypted: true`); or `erased: true` after an erasure.
 */
export class ResidentViewDto {
  @ApiPropertyOptional({ example: '王阿姨' }) name?: string;
  @ApiPropertyOptional({ example: '13800000000' }) phone?: string;
  @ApiPropertyOptional() masked?: boolean;
  @ApiPropertyOptional({ description: 'held encrypted and not decrypted for you' }) encrypted?: boolean;
  @ApiPropertyOptional({ description: 'the resident’s data was erased' }) erased?: boolean;
}

/** The case as it stands now, read from its stream. */
export class CaseViewDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ example: '9ab50b9e', description: 'what the resident is told in their SMS and types on their page: the last 8 characters of the id' }) caseNumber!: string;
  @ApiProperty({ enum: CASE_STATUSES }) status!: CaseStatus;
  @ApiProperty({ enum: TIERS, description: 'who handles it: the community, or the street or district it was escalated to' }) tier!: Tier;
  @ApiProperty({ enum: CATEGORY_CODES }) category!: Category;
  @ApiProperty({ enum: URGENCIES }) urgency!: Urgency;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: CHANNELS }) channel!: Channel;
  @ApiProperty({ type: CaseLocationViewDto }) location!: CaseLocationViewDto;

  @ApiProperty({
    type: ResidentViewDto,
    description: 'in full only for the community’s staff and the organisation holding the task while the case is open (each such read is recorded)',
  })
  resident!: ResidentViewDto;

  @ApiProperty({ type: TaskDto, nullable: true, description: 'the current task; null before the first dispatch' }) task!: TaskDto | null;
  @ApiProperty({ type: [String], description: 'hashes of the photos cited by staff as evidence of the complaint and by its progress reports and resolutions: GET /attachments/{hash}' }) evidence!: string[];
  @ApiProperty() redoCount!: number;
  @ApiProperty({ format: 'date-time' }) filedAt!: string;
  @ApiProperty({ description: 'revision of the case stream' }) revision!: number;

  // What the console needs to offer only the actions the case's state allows.
  @ApiProperty({ type: ClockPauseDto, nullable: true, description: 'why and since when the clock stands still; null while it runs' }) paused!: ClockPauseDto | null;
  @ApiProperty({ type: LastReturnDto, nullable: true, description: 'the latest return of its task, if any' }) lastReturn!: LastReturnDto | null;
  @ApiProperty({ type: CouncilStateDto, nullable: true, description: 'the council it was referred to: question, session, decision' }) council!: CouncilStateDto | null;
  @ApiProperty({ type: String, nullable: true, description: 'the case it was merged into' }) duplicateOf!: string | null;
  @ApiProperty({ enum: ESCALATION_REASONS, isArray: true, description: 'why it was escalated' }) escalatedFor!: EscalationReason[];
  @ApiProperty({ enum: CLOSING_REASONS, nullable: true, description: 'why it was closed; null while open' }) closedReason!: ClosingReason | null;
}

/** A case as the case list and the task inboxes show it: no personal data of the resident. */
export class CaseListRowDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty() communityId!: string;
  @ApiProperty() compoundId!: string;
  @ApiProperty() building!: string;
  @ApiProperty({ enum: CATEGORY_CODES }) category!: Category;
  @ApiProperty({ enum: URGENCIES }) urgency!: Urgency;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: CASE_STATUSES }) status!: CaseStatus;
  @ApiProperty({ enum: TIERS }) tier!: Tier;
  @ApiProperty({ type: String, nullable: true }) assigneeOrganisationId!: string | null;
  @ApiProperty({ type: String, nullable: true }) taskId!: string | null;
  @ApiProperty({ type: TaskDeadlinesDto }) deadlines!: TaskDeadlinesDto;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'the earliest deadline still to be met, if the clock runs' }) nextDeadline!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolveBy!: string | null;
  @ApiProperty() clockPaused!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'the case it was merged into' }) duplicateOf!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the council it is before' }) councilId!: string | null;
  @ApiProperty() redoCount!: number;
  @ApiProperty({ format: 'date-time' }) filedAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() revision!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'milliseconds to the next deadline when asked, negative once past' }) timeLeftMs!: number | null;
  @ApiProperty({ description: 'a running clock is past a deadline' }) overdue!: boolean;
}

export class CaseListPageDto {
  @ApiProperty({ description: 'how many cases match, all pages together' }) total!: number;
  @ApiProperty({ type: [CaseListRowDto], description: 'in the order the route states' }) items!: CaseListRowDto[];
}

export class InboxPageDto extends CaseListPageDto {
  @ApiProperty({ type: String, nullable: true, description: 'pass as `cursor` for the rows after these; null on the last page' }) nextCursor!: string | null;
}

export class SupervisionRowDto extends CaseListRowDto {
  @ApiProperty({ enum: ['overdue', 'escalated', 'disputed'], isArray: true, description: 'the queues the case is in now' }) queues!: string[];
}

export class SupervisionPageDto {
  @ApiProperty() total!: number;
  @ApiProperty({ type: [SupervisionRowDto] }) items!: SupervisionRowDto[];
}

export class AgendaSessionDto {
  @ApiProperty({ format: 'date-time' }) scheduledFor!: string;
  @ApiProperty({ type: [String] }) members!: string[];
}

export class AgendaCouncilDto {
  @ApiProperty() councilId!: string;
  @ApiProperty() question!: string;
  @ApiProperty({ format: 'date-time' }) decideBy!: string;
  @ApiProperty({ type: AgendaSessionDto, nullable: true }) session!: AgendaSessionDto | null;
  @ApiProperty({ type: Object, nullable: true, description: 'decision, assignee, dueBy and the vote, once recorded' }) decision!: Record<string, unknown> | null;
}

export class AgendaRowDto extends CaseListRowDto {
  @ApiProperty({ type: AgendaCouncilDto }) council!: AgendaCouncilDto;
}

export class AgendaPageDto {
  @ApiProperty() total!: number;
  @ApiProperty({ type: [AgendaRowDto] }) items!: AgendaRowDto[];
}

export class TimelineEntryDto {
  @ApiProperty() revision!: number;
  @ApiProperty({ example: 'TaskSignedFor' }) type!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() actorUserId!: string;
  @ApiProperty({ enum: ACTOR_ROLES, description: '`resident`: the resident, through their own page' }) actorRole!: ActorRole;
  @ApiProperty() actorOrganisationId!: string;
  @ApiProperty({ enum: TIERS, description: 'the tier handling the case when it happened' }) tier!: Tier;
  @ApiProperty({ example: '签收' }) summary!: string;
}
