import { Module } from '@nestjs/common';
import { CasesModule } from '@yixin/cases';
import { NotificationsModule } from '@yixin/notifications';
import { CaseBridgeService } from './case-bridge.service';
import { ProjectionsService } from './projections.service';
import { TemporalWorkerService } from './temporal-worker.service';

/**
 * The background side: the Temporal worker (whose activities execute case commands and deliver
 * notifications), the bridge from the log to Temporal, the projections. Needs PlatformModule.forRoot(config) beside it.
 */
@Module({ imports: [CasesModule, NotificationsModule], providers: [TemporalWorkerService, CaseBridgeService, ProjectionsService] })
export class WorkerModule {}
