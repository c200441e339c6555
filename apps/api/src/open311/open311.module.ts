import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GetPublicCaseHandler, GetPublicCasesHandler, SearchPublicCasesHandler } from '@yixin/open311';
import { Open311UnreadableBodyFilter } from './open311-errors';
import { Open311Controller } from './open311.controller';
import { Open311RateLimits } from './open311-rate-limits';

/** Open311 GeoReport v2. Its public queries serve only this API, so they are registered here. */
@Module({
  controllers: [Open311Controller],
  providers: [SearchPublicCasesHandler, GetPublicCasesHandler, GetPublicCaseHandler, Open311RateLimits, { provide: APP_FILTER, useClass: Open311UnreadableBodyFilter }],
})
export class Open311Module {}
