import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  FileComplaintCommand,
  GetCaseQuery,
  GetCaseTimelineQuery,
  ListCasesQuery,
  ListInboxQuery,
} from '../../../../libs/application/src';
import type { Actor } from '../../../../libs/domain/src';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { caseIdPipe, toResponse } from './case-actions.controller';
import { CaseCommandResponse, FileComplaintDto, ListCasesQueryDto } from './case.dto';

@ApiTags('cases')
@ApiBearerAuth()
@Controller()
export class CasesController {
  constructor(private readonly commandBus: CommandBus, private readonly queryBus: QueryBus) {}

  @Post('cases')
  @Roles('community_staff')
  @ApiCreatedResponse({ type: CaseCommandResponse, description: 'the complaint is recorded; its workflow dispatches it' })
  async file(@CurrentActor() actor: Actor, @Body() body: FileComplaintDto): Promise<CaseCommandResponse> {
    const { routingOverride, ...complaint } = body;
    const at = new Date().toISOString();
    const override = routingOverride && { organisationId: routingOverride.organisationId, kind: routingOverride.kind, reason: routingOverride.reason };
    return toResponse(await this.commandBus.execute(new FileComplaintCommand(actor, complaint, at, override)));
  }

  @Get('cases')
  @Roles('community_staff', 'street_officer', 'district_officer', 'auditor')
  listCases(@CurrentActor() actor: Actor, @Query() query: ListCasesQueryDto) {
    const { overdue, ...filter } = query;
    return this.queryBus.execute(new ListCasesQuery(actor, { ...filter, overdueAt: overdue ? new Date().toISOString() : undefined }));
  }

  @Get('cases/:caseId/timeline')
  @ApiOkResponse({ description: 'who did what when, from the timeline read model' })
  timeline(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string) {
    return this.queryBus.execute(new GetCaseTimelineQuery(actor, caseId));
  }

  @Get('cases/:caseId')
  getCase(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string) {
    return this.queryBus.execute(new GetCaseQuery(actor, caseId));
  }

  @Get('tasks/inbox')
  @Roles('property_company', 'owners_committee')
  @ApiOkResponse({ description: 'the open tasks of the caller’s organisation, oldest first, with their deadlines' })
  inbox(@CurrentActor() actor: Actor) {
    return this.queryBus.execute(new ListInboxQuery(actor));
  }
}
