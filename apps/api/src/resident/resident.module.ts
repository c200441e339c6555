import { Module } from '@nestjs/common';
import { ResidentAccessModule } from '@yixin/resident-access';
import { ResidentController, ResidentLinkController } from './resident.controller';
import { ResidentRateLimits } from './resident-rate-limits';

/** The resident's own page over HTTP; its queries and commands are libs/resident-access's. */
@Module({ imports: [ResidentAccessModule], controllers: [ResidentController, ResidentLinkController], providers: [ResidentRateLimits] })
export class ResidentHttpModule {}
