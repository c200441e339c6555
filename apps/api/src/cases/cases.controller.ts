import { Body, Controller, Get, Headers, HttpCode, HttpException, Param, Post, Query, Sse, ValidationPipe, type MessageEvent } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { decodeInboxCursor, FileComplaintBatchCommand, FileComplaintCommand, GetCaseQuery, GetCaseTimelineQuery, ListCasesQuery, ListInboxQuery, type BatchFilingOutcome, type ComplaintToFile } from '@yixin/cases';
import { TokenRevocation, type IssuedToken } from '@yixin/directory';
import { WatchInboxQuery } from '@yixin/live-updates';
import type { Actor } from '@yixin/domain';
import { ApiAuthenticatedWrite, ApiErrors, ApiSignedIn } from '../api-errors';
import { CurrentActor, CurrentToken, Roles, TokenInQuery } from '../auth/auth.decorators';
import { refusalBody, type ErrorBody } from '../domain-error.filter';
import { VALIDATION_OPTIONS } from '../validation';
import { tokenStanding } from '../auth/token-standing';
import { resumePosition, toServerSentEvents } from '../live/server-sent-events';
import { caseIdPipe, toResponse } from './case-actions.controller';
import { CaseCommandResponse, ComplaintBatchItemResponse, FileComplaintBatchDto, FileComplaintDto, InboxQueryDto, ListCasesQueryDto } from './case.dto';
import { CaseListPageDto, CaseViewDto, InboxPageDto, TimelineEntryDto } from './case-views.dto';

const complaintValidation = new ValidationPipe(VALIDATION_OPTIONS);

function toComplaint({ routingOverride, ...complaint }: FileComplaintDto): ComplaintToFile {
  if (!routingOverride) return { complaint };
  const { organisationId, kind, reason } = routingOverride;
  return { complaint, routingOverride: { organisationId, kind, reason } };
}

function outcomeBody(outcome: BatchFilingOutcome): Omit<ComplaintBatchItemResponse, 'index'> {
  if ('filed' in outcome) return { caseId: outcome.filed.caseId, status: outcome.filed.state.status };
  if ('refused' in outcome) return { error: refusalBody(outcome.refused) };
  return { error: { statusCode: 500, error: 'internal server error', message: 'the complaint could not be filed; send it again' } };
}

@ApiTags('cases')
@ApiSignedIn()
@Controller()
export class CasesController {
  constructor(private readonly commandBus: CommandBus, private readonly queryBus: QueryBus, private readonly revocation: TokenRevocation) {}

  @Post('cases')
  @Roles('community_staff')
  @ApiOperation({ summary: '受理: community staff file a complaint in their own community' })
  @ApiCreatedResponse({ type: CaseCommandResponse, description: 'the complaint is recorded; its workflow dispatches it' })
  @ApiErrors(400)
  @ApiAuthenticatedWrite()
  async file(@CurrentActor() actor: Actor, @Body() body: FileComplaintDto): Promise<CaseCommandResponse> {
    const { complaint, routingOverride } = toComplaint(body);
    return toResponse(await this.commandBus.execute(new FileComplaintCommand(actor, complaint, new Date().toISOString(), routingOverride)));
  }

  @Post('cases/batch')
  @HttpCode(200)
  @Roles('community_staff')
  @ApiOperation({ summary: 'file the complaints of a visit round: each filed or refused on its own' })
  @ApiOkResponse({ type: [ComplaintBatchItemResponse], description: 'one answer per complaint, in order: filed, or why not' })
  @ApiErrors(400)
  @ApiAuthenticatedWrite()
  async fileBatch(@CurrentActor() actor: Actor, @Body() body: FileComplaintBatchDto): Promise<ComplaintBatchItemResponse[]> {
    const answers: ComplaintBatchItemResponse[] = [];
    const valid: Array<{ index: number; complaint: ComplaintToFile }> = [];
    for (const [index, item] of body.complaints.entries()) {
      try {
        const dto = (await complaintValidation.transform(item, { type: 'body', metatype: FileComplaintDto })) as FileComplaintDto;
        valid.push({ index, complaint: toComplaint(dto) });
      } catch (error) {
        if (!(error instanceof HttpException)) throw error;
        answers[index] = { index, error: error.getResponse() as ErrorBody };
      }
    }
    const batch = new FileComplaintBatchCommand(actor, valid.map((item) => item.complaint), new Date().toISOString());
    const outcomes = await this.commandBus.execute(batch);
    valid.forEach(({ index }, position) => (answers[index] = { index, ...outcomeBody(outcomes[position]) }));
    return answers;
  }

  @Get('cases')
  @Roles('community_staff', 'owners_committee', 'street_officer', 'district_officer', 'auditor')
  @ApiOperation({ summary: 'the cases of your community, compound or jurisdiction (auditors: all), newest first, searched, filtered and paged' })
  @ApiOkResponse({ type: CaseListPageDto })
  @ApiErrors(400)
  listCases(@CurrentActor() actor: Actor, @Query() query: ListCasesQueryDto) {
    return this.queryBus.execute(new ListCasesQuery(actor, query, new Date().toISOString()));
  }

  @Get('cases/:caseId/timeline')
  @ApiOperation({ summary: 'who did what when, at which tier: for anyone whose scope covers the case' })
  @ApiOkResponse({ type: [TimelineEntryDto], description: 'from the timeline read model, which follows the log by a moment' })
  @ApiErrors(400, 404)
  timeline(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string) {
    return this.queryBus.execute(new GetCaseTimelineQuery(actor, caseId));
  }

  @Get('cases/:caseId')
  @ApiOperation({ summary: 'the case now: for anyone whose scope covers it; the resident in full only for those who need it' })
  @ApiOkResponse({ type: CaseViewDto })
  @ApiErrors(400, 404)
  getCase(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string) {
    return this.queryBus.execute(new GetCaseQuery(actor, caseId));
  }

  @Get('tasks/inbox')
  @Roles('property_company', 'owners_committee')
  @ApiOperation({ summary: 'the running tasks of your organisation, the nearest deadline first, with the time left; paged by `nextCursor`' })
  @ApiOkResponse({ type: InboxPageDto })
  @ApiErrors(400)
  inbox(@CurrentActor() actor: Actor, @Query() { cursor, ...page }: InboxQueryDto) {
    const after = cursor === undefined ? undefined : decodeInboxCursor(cursor);
    return this.queryBus.execute(new ListInboxQuery(actor, { ...page, after }, new Date().toISOString()));
  }

  @Sse('tasks/inbox/stream')
  @TokenInQuery()
  @Roles('property_company', 'owners_committee')
  @ApiSecurity('access_token')
  @ApiOperation({ summary: 'live updates of your inbox (server-sent events): `case` with an inbox row, `removed` when a task goes elsewhere' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'resume after this event (EventSource sends it when it reconnects)' })
  @ApiOkResponse({ content: { 'text/event-stream': { schema: { type: 'string' } } }, description: 'a stream of events, with a heartbeat comment every 15 s; `unauthorized` (the API’s 401 body) ends it once its token no longer stands' })
  async inboxStream(
    @CurrentActor() actor: Actor,
    @CurrentToken() token: IssuedToken,
    @Headers('last-event-id') lastEventId?: string,
  ): Promise<Observable<MessageEvent>> {
    const updates = await this.queryBus.execute(new WatchInboxQuery(actor, resumePosition(lastEventId)));
    return toServerSentEvents(updates, tokenStanding(this.revocation, token));
  }
}
