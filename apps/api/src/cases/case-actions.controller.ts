import { applyDecorators, BadRequestException, Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { type CaseCommandResult } from '@yixin/case-stream';
import { ExecuteCaseCommand } from '@yixin/cases';
import { ASSIGNEE_KINDS, HANDLING_ROLES, type Actor, type CaseCommand, type Duration, type FileComplaint, type Role } from '@yixin/domain';
import { ApiAuthenticatedWrite, ApiError, ApiErrors, ApiSignedIn } from '../api-errors';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import {
  AttachEvidenceDto,
  CouncilDecisionDto,
  CouncilReferralDto,
  CouncilSessionDto,
  DurationDto,
  EvidencedNoteDto,
  ExtensionDto,
  MergeDto,
  NoteDto,
  ReasonDto,
  RedispatchDto,
  ReturnTaskDto,
  RulingDto,
  toDuration,
} from './case-actions.dto';
import { CallBackDto, CaseCommandResponse } from './case.dto';

export const caseIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('caseId must be a UUID') });

export function toResponse(result: CaseCommandResult): CaseCommandResponse {
  return { caseId: result.caseId, revision: result.revision, status: result.state.status, appended: result.appended };
}

type ActionCommand = Exclude<CaseCommand, FileComplaint>;
/** A command as a controller knows it: everything but who, which case and when. */
type Action = ActionCommand extends infer C ? (C extends ActionCommand ? Omit<C, 'caseId' | 'actor' | 'at'> : never) : never;

/**
 * An action's route: a POST under the case answering 200, and who may ask for it (the domain then
 * checks that it is their case, their task, their tier).
 */
const CaseAction = (path: string, roles: Role[], summary: string) =>
  applyDecorators(
    Post(path),
    HttpCode(200),
    Roles(...roles),
    ApiError(403, 'not your task, or the case is handled by another tier or organisation'),
    ApiOperation({ summary }),
  );

function requireDuration(dto: DurationDto): Duration {
  const duration = toDuration(dto);
  if (!duration) throw new BadRequestException(['extension must have exactly one of hours or workingDays']);
  return duration;
}

/**
 * Everything people do to a case after it is filed. Each action is a domain command; the domain
 * checks who may do it and when, so the roles here only keep others from reaching it.
 */
@ApiTags('case actions')
@ApiSignedIn()
@ApiOkResponse({ type: CaseCommandResponse })
@ApiErrors(400, 404, 409)
@ApiAuthenticatedWrite()
@Controller('cases/:caseId')
export class CaseActionsController {
  constructor(private readonly commandBus: CommandBus) {}

  private async act(actor: Actor, caseId: string, action: Action): Promise<CaseCommandResponse> {
    const command = { ...action, caseId, actor, at: new Date().toISOString() } as ActionCommand;
    return toResponse(await this.commandBus.execute(new ExecuteCaseCommand(command)));
  }

  @CaseAction('task/sign-for', [...ASSIGNEE_KINDS], '签收: the assignee takes the task on')
  signFor(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string) {
    return this.act(actor, caseId, { type: 'SignForTask' });
  }

  @CaseAction('task/progress', [...ASSIGNEE_KINDS], 'a progress report; the first one meets the first-reply deadline')
  progress(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string, @Body() body: EvidencedNoteDto) {
    return this.act(actor, caseId, { type: 'ReportProgress', note: body.note, evidence: body.evidence ?? [] });
  }

  @CaseAction('task/resolve', [...ASSIGNEE_KINDS], '办结: the assignee reports the task done, with photos as evidence if it has them')
  resolve(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string, @Body() body: EvidencedNoteDto) {
    return this.act(actor, caseId, { type: 'ResolveTask', note: body.note, evidence: body.evidence ?? [] });
  }

  @CaseAction('evidence', ['community_staff'], 'the community’s staff cite photos uploaded for the case as evidence of the complaint, at any stage until it is closed')
  attachEvidence(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string, @Body() body: AttachEvidenceDto) {
    return this.act(actor, caseId, { type: 'AttachEvidence', evidence: body.evidence, ...(body.note === undefined ? {} : { note: body.note }) });
  }

  @CaseAction('task/return', [...ASSIGNEE_KINDS], '退单: wrongly routed goes back to the community; disputed goes to the property council')
  returnTask(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string, @Body() body: ReturnTaskDto) {
    return this.act(actor, caseId, { type: 'ReturnTask', reason: body.reason, note: body.note });
  }

  @CaseAction('task/extension-request', [...ASSIGNEE_KINDS], '延期申请: before the resolve deadline')
  requestExtension(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string, @Body() body: ExtensionDto) {
    return this.act(actor, caseId, { type: 'RequestExtension', extension: requireDuration(body.extension), reason: body.reason });
  }

  @CaseAction('extension/grant', [...HANDLING_ROLES], 'the handling tier grants the assignee’s extension request')
  grantExtension(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string) {
    return this.act(actor, caseId, { type: 'GrantExtension' });
  }

  @CaseAction('extension/refuse', [...HANDLING_ROLES], 'the handling tier refuses the assignee’s extension request')
  refuseExtension(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string, @Body() body: ReasonDto) {
    return this.act(actor, caseId, { type: 'RefuseExtension', reason: body.reason });
  }

  @CaseAction('deadline/extend', [...HANDLING_ROLES], 'the handling tier extends the resolve deadline on its own initiative')
  extend(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string, @Body() body: ExtensionDto) {
    return this.act(actor, caseId, { type: 'ExtendDeadline', extension: requireDuration(body.extension), reason: body.reason });
  }

  @CaseAction('clock/pause', ['community_staff', ...ASSIGNEE_KINDS], 'stop the clock while the case waits for the resident')
  pause(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string, @Body() body: ReasonDto) {
    return this.act(actor, caseId, { type: 'PauseClock', reason: body.reason });
  }

  @CaseAction('clock/resume', ['community_staff', ...ASSIGNEE_KINDS], 'restart the clock; open deadlines move back by the paused time')
  resume(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string) {
    return this.act(actor, caseId, { type: 'ResumeClock' });
  }

  @CaseAction('return/reject', [...HANDLING_ROLES], 'an unjustified return goes back to its assignee with the original deadlines')
  rejectReturn(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string, @Body() body: ReasonDto) {
    return this.act(actor, caseId, { type: 'RejectReturn', reason: body.reason });
  }

  @CaseAction('redispatch', [...HANDLING_ROLES], '改派: the handling tier gives the task to another assignee')
  redispatch(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string, @Body() body: RedispatchDto) {
    const { organisationId, kind } = body.assignee;
    return this.act(actor, caseId, { type: 'RedispatchTask', taskId: randomUUID(), assignee: { organisationId, kind }, reason: body.reason });
  }

  @CaseAction('council-referral', [...HANDLING_ROLES], 'refer the case to the property council or the owners’-committee council')
  referToCouncil(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string, @Body() body: CouncilReferralDto) {
    return this.act(actor, caseId, { type: 'ReferToCouncil', council: body.council, question: body.question });
  }

  @CaseAction('council/session', ['council_member'], 'the council’s secretariat convenes a session with the council’s members')
  convene(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string, @Body() body: CouncilSessionDto) {
    return this.act(actor, caseId, { type: 'ConveneCouncilSession', sessionId: randomUUID(), members: [], scheduledFor: body.scheduledFor });
  }

  @CaseAction('council/decision', ['council_member'], 'who does what by when, by vote or consensus; then dispatched like a task')
  decide(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string, @Body() body: CouncilDecisionDto) {
    const { decision, assignee, dueBy, vote } = body;
    return this.act(actor, caseId, {
      type: 'RecordCouncilDecision',
      decision,
      assignee: { organisationId: assignee.organisationId, kind: assignee.kind },
      dueBy,
      ...(vote ? { vote: { for: vote.for, against: vote.against, abstain: vote.abstain } } : {}),
    });
  }

  @CaseAction('call-back', ['community_staff'], '回访: satisfied closes the case, not satisfied redoes it, unreachable three times closes it')
  callBack(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string, @Body() body: CallBackDto) {
    const { outcome, rating, note } = body;
    return this.act(actor, caseId, {
      type: 'RecordCallBack',
      outcome,
      ...(rating === undefined ? {} : { rating }),
      ...(note === undefined ? {} : { note }),
    });
  }

  @CaseAction('withdraw', ['community_staff'], 'the resident withdraws the complaint; the case closes with that reason')
  withdraw(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string, @Body() body: NoteDto) {
    return this.act(actor, caseId, { type: 'WithdrawComplaint', note: body.note });
  }

  @CaseAction('merge', ['community_staff'], '并案: link this case to the open case it duplicates')
  merge(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string, @Body() body: MergeDto) {
    return this.act(actor, caseId, { type: 'MergeCase', primaryCaseId: body.primaryCaseId });
  }

  @CaseAction('unmerge', ['community_staff'], 'undo a merge; the case is dispatched on its own')
  unmerge(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string) {
    return this.act(actor, caseId, { type: 'UnmergeCase' });
  }

  @CaseAction('ruling', ['street_officer', 'district_officer'], 'the supervising tier closes the case with a ruling')
  rule(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string, @Body() body: RulingDto) {
    return this.act(actor, caseId, { type: 'CloseWithRuling', ruling: body.ruling });
  }

  @CaseAction('reopen', ['street_officer', 'district_officer'], 'the supervising street or district reopens a closed case')
  reopen(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string, @Body() body: ReasonDto) {
    return this.act(actor, caseId, { type: 'ReopenCase', reason: body.reason });
  }
}
