import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DirectoryService } from '@yixin/directory';
import type { Actor } from '@yixin/domain';
import { LocalOutbox, type OutboxPage } from '@yixin/notifications';
import { ApiErrors, ApiSignedIn } from '../api-errors';
import { CurrentActor, OrganisationAdmin } from '../auth/auth.decorators';
import { OutboxPageDto, OutboxQueryDto } from './outbox.dto';

/**
 * The local outbox, where the embedded default delivers SMS and WeCom messages. A district's
 * administrators read all of it; another organisation's read only the WeCom messages to their own
 * organisation, since residents' messages carry the check codes that open their cases.
 */
@ApiTags('administration')
@ApiSignedIn()
@ApiErrors(400)
@OrganisationAdmin()
@Controller('admin/outbox')
export class OutboxController {
  constructor(private readonly outbox: LocalOutbox, private readonly directory: DirectoryService) {}

  @Get()
  @ApiOkResponse({ type: OutboxPageDto })
  @ApiOperation({ summary: 'the messages in the local outbox, newest first (a district’s administrators: all; others: the WeCom messages to their organisation)' })
  list(@CurrentActor() administrator: Actor, @Query() query: OutboxQueryDto): Promise<OutboxPage> {
    const { channel, cursor, limit } = query;
    if (this.directory.findOrganisation(administrator.organisationId)?.kind === 'district') return this.outbox.list({ channel, cursor, limit });
    if (channel === 'sms') return Promise.resolve({ items: [], nextCursor: null });
    return this.outbox.list({ channel: 'wecom', recipient: administrator.organisationId, cursor, limit });
  }
}
