import { BadRequestException, Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { GetCaseHistoryQuery, type CaseHistory } from '../../../../libs/application/src';
import type { Actor } from '../../../../libs/domain/src';
import { CurrentActor, Roles } from '../auth/auth.decorators';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('cases/:caseId/history')
  @Roles('auditor')
  @ApiOkResponse({ description: 'every event of the case with its envelope, and the verdict on its hash chain' })
  history(
    @CurrentActor() actor: Actor,
    @Param('caseId', new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('caseId must be a UUID') })) caseId: string,
  ): Promise<CaseHistory> {
    return this.queryBus.execute(new GetCaseHistoryQuery(actor, caseId));
  }
}
