import { BadRequestException, Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { EventEmitter, once } from 'node:events';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { ExportEventsQuery, GetCaseStateAsOfQuery, VerifyLogQuery, type CaseStateAsOf, type LogVerification } from '@yixin/audit';
import { GetCaseHistoryQuery, type CaseHistory } from '@yixin/cases';
import { TokenRevocation, type IssuedToken } from '@yixin/directory';
import { GetPersonalDataReadsQuery, type PersonalDataReads } from '@yixin/privacy';
import type { Actor } from '@yixin/domain';
import { ApiErrors, ApiSignedIn } from '../api-errors';
import { CurrentActor, CurrentToken, Roles } from '../auth/auth.decorators';
import { tokenStanding, TokenNoLongerStandsError, whileTokenStands } from '../auth/token-standing';
import { CaseHistoryDto, CaseStateAsOfDto, LogVerificationDto, PersonalDataReadsDto } from './audit-views.dto';

const caseIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('caseId must be a UUID') });

export class AsOfQueryDto {
  @ApiPropertyOptional({ description: 'an ISO-8601 instant: the case as it stood then', example: '2026-11-29T10:00:00+08:00' })
  @IsOptional()
  @IsISO8601({ strict: true })
  at?: string;

  @ApiPropertyOptional({ description: 'a stream revision: the case just after that event', maximum: Number.MAX_SAFE_INTEGER })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  // Beyond it a number is no longer the revision it was written as (1e20 would be taken as some integer).
  @Max(Number.MAX_SAFE_INTEGER)
  revision?: number;
}

export class VerifyQueryDto {
  @ApiPropertyOptional({ description: 'one case; without it, the whole log' })
  @IsOptional()
  @IsUUID()
  caseId?: string;
}

export class ExportQueryDto extends VerifyQueryDto {
  @ApiPropertyOptional({ enum: ['jsonl', 'csv'], default: 'jsonl' })
  @IsOptional()
  @IsIn(['jsonl', 'csv'])
  format: 'jsonl' | 'csv' = 'jsonl';

  @ApiPropertyOptional({ description: 'recorded at or after (ISO-8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'recorded at or before (ISO-8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

interface StreamingResponse extends EventEmitter {
  setHeader(name: string, value: string): void;
  write(chunk: string): boolean;
  end(): void;
  destroy(): void;
}

/** Read-only tools of the auditor: replay, state as of a past moment, verification, export, who read residents' data. */
@ApiTags('audit')
@ApiSignedIn()
@ApiErrors(400)
@Roles('auditor')
@Controller('audit')
export class AuditController {
  constructor(private readonly queryBus: QueryBus, private readonly revocation: TokenRevocation) {}

  @Get('cases/:caseId/history')
  @ApiOperation({ summary: 'replay a case: every event with its envelope, and the verdict on its hash chain' })
  @ApiOkResponse({ type: CaseHistoryDto })
  @ApiErrors(404)
  history(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string): Promise<CaseHistory> {
    return this.queryBus.execute(new GetCaseHistoryQuery(actor, caseId));
  }

  @Get('cases/:caseId/state')
  @ApiOperation({ summary: 'the case as it stood at a past moment and/or revision, folded from its events up to there' })
  @ApiOkResponse({ type: CaseStateAsOfDto })
  @ApiErrors(404)
  stateAsOf(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string, @Query() query: AsOfQueryDto): Promise<CaseStateAsOf> {
    return this.queryBus.execute(new GetCaseStateAsOfQuery(actor, caseId, { at: query.at, revision: query.revision }));
  }

  @Get('cases/:caseId/personal-data-reads')
  @ApiOperation({ summary: 'who was shown the case’s resident in full (name, phone, unit), and when' })
  @ApiOkResponse({ type: PersonalDataReadsDto })
  @ApiErrors(404)
  personalDataReads(@CurrentActor() actor: Actor, @Param('caseId', caseIdPipe) caseId: string): Promise<PersonalDataReads> {
    return this.queryBus.execute(new GetPersonalDataReadsQuery(actor, caseId));
  }

  @Get('verify')
  @ApiOperation({ summary: 'verify one case or the whole log: hashes, chains, contiguous revisions, increasing positions' })
  @ApiOkResponse({ type: LogVerificationDto })
  verify(@CurrentActor() actor: Actor, @Query() query: VerifyQueryDto): Promise<LogVerification> {
    return this.queryBus.execute(new VerifyLogQuery(actor, query.caseId));
  }

  @Get('export')
  @ApiOperation({ summary: 'the selected events with their whole envelope, streamed as JSON Lines or CSV' })
  @ApiOkResponse({
    description: 'residents’ personal data encrypted as stored, or masked where stored in clear',
    content: {
      'application/x-ndjson': { schema: { type: 'string', description: 'one event per line, with `personal_data`' } },
      'text/csv': { schema: { type: 'string', description: 'a header line, then one event per line' } },
    },
  })
  async export(
    @CurrentActor() actor: Actor,
    @CurrentToken() token: IssuedToken,
    @Query() query: ExportQueryDto,
    @Res() response: StreamingResponse,
  ): Promise<void> {
    const lines: AsyncGenerator<string> = await this.queryBus.execute(
      new ExportEventsQuery(actor, { caseId: query.caseId, from: query.from, to: query.to }, query.format),
    );
    response.setHeader('content-type', query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
    try {
      // An export of the whole log can take minutes: it stops with its token, as a live stream does.
      for await (const line of whileTokenStands(lines, tokenStanding(this.revocation, token))) {
        if (!response.write(line)) await once(response, 'drain');
      }
    } catch (error) {
      if (!(error instanceof TokenNoLongerStandsError)) throw error;
      // The status went out with the first line: cutting the connection is what tells the client the export is not whole.
      response.destroy();
      return;
    }
    response.end();
  }
}
