import { Body, Controller, Get, Header, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@yixin/domain';
import {
  GetResidentCaseQuery,
  normaliseCaseNumber,
  RateCaseAsResidentCommand,
  type ResidentCase,
} from '@yixin/resident-access';
import { ApiError, ApiErrors } from '../api-errors';
import { Public } from '../auth/auth.decorators';
import { clientAddress } from '../rate-limit/rate-limit';
import { ResidentCaseDto, ResidentCaseRequestDto, ResidentLinkDto, ResidentRatingDto } from './resident.dto';
import { ResidentRateLimits, TooManyGuesses } from './resident-rate-limits';

interface HeaderResponse {
  setHeader(name: string, value: string): void;
}

const NOT_FOUND = 'no case has this case number and check code (the same answer whatever was wrong), or the resident page is off (no YIXIN_RESIDENT_LINK_SECRET)';
const TOO_MANY = 'too many failed look-ups from this address, or of this case number, this minute: retry after the seconds in `Retry-After`';

/** The resident's own page: no sign-in, the case number and check code of their SMS instead. */
@ApiTags('resident')
@Public()
@Controller('resident')
export class ResidentController {
  constructor(private readonly queryBus: QueryBus, private readonly commandBus: CommandBus, private readonly limits: ResidentRateLimits) {}

  @Post('case')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'a resident looks up their case: where it stands, in plain Chinese, with no one’s personal data' })
  @ApiOkResponse({ type: ResidentCaseDto })
  @ApiErrors(400, 413)
  @ApiError(404, NOT_FOUND)
  @ApiError(429, TOO_MANY)
  find(@Body() body: ResidentCaseRequestDto, @Req() request: { ip?: string }, @Res({ passthrough: true }) response: HeaderResponse): Promise<ResidentCase> {
    return this.limited(body.caseNumber, request, response, () => this.queryBus.execute(new GetResidentCaseQuery(body.caseNumber, body.checkCode)));
  }

  @Post('case/rating')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'a resident rates their resolved case: recorded as their call-back (satisfied closes it, not satisfied has it redone)' })
  @ApiOkResponse({ type: ResidentCaseDto, description: 'the case as it stands after the rating' })
  @ApiErrors(400, 413)
  @ApiError(404, NOT_FOUND)
  @ApiError(409, 'the case is not waiting for a rating (not resolved yet, or rated already), or another command changed it meanwhile')
  @ApiError(429, TOO_MANY)
  rate(@Body() body: ResidentRatingDto, @Req() request: { ip?: string }, @Res({ passthrough: true }) response: HeaderResponse): Promise<ResidentCase> {
    const { caseNumber, checkCode, satisfied, rating, note } = body;
    return this.limited(caseNumber, request, response, async () => {
      await this.commandBus.execute(new RateCaseAsResidentCommand(caseNumber, checkCode, { satisfied, rating, ...(note === undefined ? {} : { note }) }));
      return this.queryBus.execute(new GetResidentCaseQuery(caseNumber, checkCode));
    });
  }

  /** Refuses an address or a case number over its limit, and counts a look-up that found no case against both. */
  private async limited<T>(typedCaseNumber: string, request: { ip?: string }, response: HeaderResponse, look: () => Promise<T>): Promise<T> {
    const client = clientAddress(request);
    const caseNumber = normaliseCaseNumber(typedCaseNumber);
    try {
      this.limits.refuseGuessing(client, caseNumber);
      try {
        return await look();
      } catch (error) {
        if (error instanceof DomainError && error.kind === 'not_found') this.limits.countFailure(client, caseNumber);
        throw error;
      }
    } catch (error) {
      if (error instanceof TooManyGuesses) response.setHeader('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
  }
}

/**
 * The link of the resident's SMS, `<page>/r/<case number>/<check code>`, answered with a page that
 * goes on to the console's (`/#/r/…`), whose fragment no server sees again. Only the route's template
 * is logged (see trackRequests), never the path with the code. A page rather than a redirect: every
 * operation of the API answers 2xx with a documented body.
 */
@ApiTags('resident')
@Public()
@Controller('r')
export class ResidentLinkController {
  @Get(':caseNumber/:checkCode')
  @ApiOperation({ summary: 'the link of the resident’s SMS: a page that opens the console’s resident page, which looks the case up' })
  @ApiProduces('text/html')
  @ApiOkResponse({ content: { 'text/html': { schema: { type: 'string' } } }, description: 'goes on to the console’s resident page at once, the case number and check code in the fragment' })
  @ApiError(400, 'not a case number and check code: the link was cut short or mistyped')
  link(@Param() { caseNumber, checkCode }: ResidentLinkDto, @Req() request: { path: string }, @Res() response: PageResponse): void {
    sendOnTo(response, request.path, `/r/${normaliseCaseNumber(caseNumber)}/${checkCode}`);
  }
}

interface PageResponse extends HeaderResponse {
  status(code: number): { send(body: string): void };
}

/**
 * A page that goes on to the console's `route` at once (a meta refresh: the console's policy allows
 * no inline script). The address is relative, so that a proxy serving the API under a path prefix
 * keeps its prefix: `/r/a/b` → `../../#/r/a/b`; `route` holds nothing but letters, digits and slashes
 * (the link's parameters were validated).
 */
function sendOnTo(response: PageResponse, requestPath: string, route: string): void {
  const depth = requestPath.split('/').length - 2;
  const target = `${depth > 0 ? '../'.repeat(depth) : './'}#${route}`;
  response.setHeader('Content-Type', 'text/html; charset=utf-8');
  response.setHeader('Cache-Control', 'no-store');
  response
    .status(200)
    .send(
      `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<meta http-equiv="refresh" content="0; url=${target}"><title>诉求办理查询</title></head>` +
        `<body><p><a href="${target}">打开诉求办理查询 / Open your complaint</a></p></body></html>`,
    );
}
