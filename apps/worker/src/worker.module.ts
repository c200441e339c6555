import { Module } from '@nestjs/common';
import { CaseBridgeService } from './case-bridge.service';
import { ProjectionsService } from './projections.service';
import { TemporalWorkerService } from './temporal-worker.service';

/** The background side: the Temporal worker, the bridge from the log to Temporal, the projections. */
@Module({ providers: [TemporalWorkerService, CaseBridgeService, ProjectionsService] })
export class WorkerModule {}
