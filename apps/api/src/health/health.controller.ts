import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Database } from 'better-sqlite3';
import { SQLITE_DATABASE } from '../../../../libs/application/src';
import { Public } from '../auth/auth.decorators';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(SQLITE_DATABASE) private readonly db: Database) {}

  @Public()
  @Get()
  @ApiOkResponse({ description: 'the API and its event store answer' })
  @ApiServiceUnavailableResponse({ description: 'the event store does not answer' })
  check(): { status: 'ok'; eventStore: 'up'; events: number } {
    try {
      const { events } = this.db.prepare('SELECT count(*) AS events FROM events').get() as { events: number };
      return { status: 'ok', eventStore: 'up', events };
    } catch (error) {
      throw new ServiceUnavailableException(`event store unavailable: ${String(error)}`);
    }
  }
}
