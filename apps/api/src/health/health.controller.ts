import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { STORES, YIXIN_CONFIG, type Stores, type YixinConfig } from '../../../../libs/application/src';
import { Public } from '../auth/auth.decorators';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(STORES) private readonly stores: Stores, @Inject(YIXIN_CONFIG) private readonly config: YixinConfig) {}

  @Public()
  @Get()
  @ApiOkResponse({ description: 'the event log and the read store answer' })
  @ApiServiceUnavailableResponse({ description: 'a store does not answer' })
  async check(): Promise<{ status: 'ok'; store: string; eventLog: 'up'; readStore: 'up' }> {
    try {
      await this.stores.eventStore.readAll(0, 1);
      await this.stores.readStore.query('SELECT 1 AS ok');
      return { status: 'ok', store: this.config.store, eventLog: 'up', readStore: 'up' };
    } catch (error) {
      throw new ServiceUnavailableException(`a store is unavailable: ${String(error)}`);
    }
  }
}
