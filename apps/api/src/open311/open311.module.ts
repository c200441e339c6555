import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DirectoryModule } from '@yixin/directory';
import { Open311Module } from '@yixin/open311';
import { Open311UnreadableBodyFilter } from './open311-errors';
import { Open311Controller } from './open311.controller';
import { Open311RateLimits } from './open311-rate-limits';

/** Open311 GeoReport v2 over HTTP; its queries are libs/open311's. */
@Module({
  imports: [Open311Module, DirectoryModule],
  controllers: [Open311Controller],
  providers: [Open311RateLimits, { provide: APP_FILTER, useClass: Open311UnreadableBodyFilter }],
})
export class Open311HttpModule {}
