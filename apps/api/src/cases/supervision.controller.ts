import { Controller, Get, Headers, Query, Sse, type MessageEvent } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { ListCouncilAgendaQuery, ListSupervisionQueueQuery } from '@yixin/cases';
import { TokenRevocation, type IssuedToken } from '@yixin/directory';
import { WatchSupervisionQuery } from '@yixin/live-updates';
import type { Actor } from '@yixin/domain';
import { ApiErrors, ApiSignedIn } from '../api-errors';
import { CurrentActor, CurrentToken, Roles, TokenInQuery } from '../auth/auth.decorators';
import { tokenStanding } from '../auth/token-standing';
import { resumePosition, toServerSentEvents } from '../live/server-sent-events';
import { PageQueryDto, SupervisionQueryDto } from './case.dto';
import { AgendaPageDto, SupervisionPageDto } from './case-views.dto';

/** What the tiers above the community and the two councils have before them. */
@ApiTags('supervision and councils')
@ApiSignedIn()
@ApiErrors(400)
@Controller()
export class SupervisionController {
  constructor(private readonly queryBus: QueryBus, private readonly revocation: TokenRevocation) {}

  @Get('supervision')
  @Roles('street_officer', 'district_officer')
  @ApiOperation({ summary: 'supervision queues of your jurisdiction: overdue, escalated, disputed' })
  @ApiOkResponse({
    type: SupervisionPageDto,
    description:
      '`{total, items}` of the jurisdiction: `overdue` (running clocks past a deadline, most overdue first), ' +
      '`escalated` (open cases at the street or district tier, the caller’s tier first), ' +
      '`disputed` (returned, or before a council; longest waiting first); each row with `timeLeftMs`, `overdue` and `queues`',
  })
  queue(@CurrentActor() actor: Actor, @Query() { queue, ...page }: SupervisionQueryDto) {
    return this.queryBus.execute(new ListSupervisionQueueQuery(actor, queue, page, new Date().toISOString()));
  }

  @Sse('supervision/stream')
  @TokenInQuery()
  @Roles('street_officer', 'district_officer')
  @ApiSecurity('access_token')
  @ApiOperation({ summary: 'live updates of your supervision queues (server-sent events)' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'resume after this event (EventSource sends it when it reconnects)' })
  @ApiOkResponse({
    content: { 'text/event-stream': { schema: { type: 'string' } } },
    description:
      'server-sent events: `case` (a supervision row, with the queues it is in now) whenever a case of the jurisdiction changes; ' +
      '`unauthorized` (the API’s 401 body) ends it once its token no longer stands',
  })
  async supervisionStream(
    @CurrentActor() actor: Actor,
    @CurrentToken() token: IssuedToken,
    @Headers('last-event-id') lastEventId?: string,
  ): Promise<Observable<MessageEvent>> {
    const updates = await this.queryBus.execute(new WatchSupervisionQuery(actor, resumePosition(lastEventId)));
    return toServerSentEvents(updates, tokenStanding(this.revocation, token));
  }

  @Get('councils/agenda')
  @Roles('council_member')
  @ApiOperation({ summary: 'your council’s agenda: the cases before it, with sessions and decisions' })
  @ApiOkResponse({
    type: AgendaPageDto,
    description:
      '`{total, items}`: cases before the caller’s council or decided by it and not yet dispatched, ' +
      'with `council` (question, decideBy, session, decision), the nearest decide-by first',
  })
  agenda(@CurrentActor() actor: Actor, @Query() page: PageQueryDto) {
    return this.queryBus.execute(new ListCouncilAgendaQuery(actor, page, new Date().toISOString()));
  }
}
