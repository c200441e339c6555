import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  FileComplaintCommand,
  GetCaseQuery,
  GetCaseTimelineQuery,
  ListCasesQuery,
  ListInboxQuery,
} from '../../../../libs/application/src';
import type { Actor } from '../../../../libs/domain/src';
import { ApiAuthenticatedWrite, ApiErrors, ApiSignedIn } from '../api-errors';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { caseIdPipe, toResponse } from './case-actions.controller';
import { CaseCommandResponse, FileComplaintDto, ListCasesQueryDto } from './case.dto';
import { CaseListPageDto, CaseListRowDto, CaseViewDto, TimelineEntryDto } from './case-views.dto';

@ApiTags('cases')
@ApiSignedIn()
@Controller()
export class CasesController {
  constructor(private readonly commandBus: CommandBus, private readonly queryBus: QueryBus) {}

  @Post('cases')
  @Roles('community_staff')
  @ApiOperation({ summary: '受理: community staff file a complaint in their own community' })
  @ApiCreatedResponse({ type: CaseCommandResponse, description: 'the complaint is recorded; its workflow dispatches it' })
  @ApiErrors(400)
  @ApiAuthenticatedWrite()
  async file(@CurrentActor() actor: Actor, @Body() body: FileComplaintDto): Promise<CaseCommandResponse> {
    const { routingOverride, ...complaint } = body;
    const at = new Date().toISOString();
    const override = routingOverride && { organisationId: routingOverride.organisationId, kind: routingOverride.kind, reason: routingOverride.reason };
    return toResponse(await this.commandBus.execute(new FileComplaintCommand(actor, complaint, at, override)));
  }

  @Get('cases')
  @Roles('community_staff', 'street_officer', 'district_officer', 'auditor')
  @ApiOperation({ summary: 'the cases of your community or jurisdiction (auditors: all), newest first, filtered and paged' })
  @ApiOkResponse({ type: CaseListPageDto })
  @ApiErrors(400)
  listCases(@CurrentActor() actor: Actor, @Query() query: ListCasesQueryDto) {
    const { overdue, ...filter } = query;
    return this.queryBus.execute(new ListCasesQuery(actor, { ...filter, overdueAt: overdue ? new Date().toISOString() : undefined }));
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
  @ApiOperation({ summary: 'the running tasks of your organisation, oldest first, with their deadlines' })
  @ApiOkResponse({ type: [CaseListRowDto] })
  inbox(@CurrentActor() actor: Actor) {
    return this.queryBus.execute(new ListInboxQuery(actor));
  }
}
