import { BadRequestException, Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  ExecuteCaseCommand,
  FileComplaintCommand,
  GetCaseQuery,
  GetCaseTimelineQuery,
  ListCasesQuery,
  ListInboxQuery,
  type CaseCommandResult,
} from '../../../../libs/application/src';
import type { Actor } from '../../../../libs/domain/src';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { CallBackDto, CaseCommandResponse, FileComplaintDto, ListCasesQueryDto, ResolveTaskDto } from './case.dto';

const caseIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('caseId must be a UUID') });

function toResponse(result: CaseCommandResult): CaseCommandResponse {
  return { caseId: result.caseId, revision: result.revision, status: result.state.status, appended: result.appended };
}

@ApiTags('cases')
@ApiBearerAuth()
@Controller()
export class CasesController {
  constructor(private readonly commandBus: CommandBus, private readonly queryBus: QueryBus) {}

  @Post('cases')
  @Roles('community_staff')
  @ApiCreatedResponse({ type: CaseCommandResponse, description: 'the complaint is recorded; its workflow dispatches it' })
  async file(@CurrentActor() actor: Actor, @Body() body: FileComplaintDto): Promise<CaseCommandResponse> {
    return toResponse(await this.commandBus.execute(new FileComplaintCommand(actor, body)));
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
  @Roles('property_company')
  @ApiOkResponse({ description: 'the open tasks of the caller’s company, oldest first' })
  inbox(@CurrentActor() actor: Actor) {
    return this.queryBus.execute(new ListInboxQuery(actor));
  }

  @Post('cases/:caseId/task/sign-for')
  @HttpCode(200)
  @Roles('property_company')
  @ApiOkResponse({ type: CaseCommandResponse })
  @ApiConflictResponse({ description: 'the task is not awaiting sign-for, or another command changed the case meanwhile' })
  async signFor(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string): Promise<CaseCommandResponse> {
    const at = new Date().toISOString();
    return toResponse(await this.commandBus.execute(new ExecuteCaseCommand({ type: 'SignForTask', caseId, actor, at })));
  }

  @Post('cases/:caseId/task/resolve')
  @HttpCode(200)
  @Roles('property_company')
  @ApiOkResponse({ type: CaseCommandResponse })
  async resolve(
    @CurrentActor() actor: Actor,
    @Param('caseId', caseIdPipe) caseId: string,
    @Body() body: ResolveTaskDto,
  ): Promise<CaseCommandResponse> {
    const at = new Date().toISOString();
    return toResponse(await this.commandBus.execute(new ExecuteCaseCommand({ type: 'ResolveTask', caseId, actor, at, note: body.note })));
  }

  @Post('cases/:caseId/call-back')
  @HttpCode(200)
  @Roles('community_staff')
  @ApiOkResponse({ type: CaseCommandResponse })
  async callBack(
    @CurrentActor() actor: Actor,
    @Param('caseId', caseIdPipe) caseId: string,
    @Body() body: CallBackDto,
  ): Promise<CaseCommandResponse> {
    const at = new Date().toISOString();
    const command = { type: 'RecordCallBack' as const, caseId, actor, at, satisfied: body.satisfied, rating: body.rating, note: body.note };
    return toResponse(await this.commandBus.execute(new ExecuteCaseCommand(command)));
  }
}
