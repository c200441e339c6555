import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { LEASES, type Leases } from '@yixin/leases';
import { PROJECTIONS } from '@yixin/platform';
import { runProjection } from '@yixin/projections';
import { EVENT_STORE, READ_STORE, type SqlDatabase } from '@yixin/stores';
import type { EventStore } from '@yixin/event-store';
import { retryUntilStopped } from '@yixin/platform';

/** The lease of a projection's runner: one worker at a time keeps it up to date. */
const projectionLease = (name: string) => `projection:${name}`;

/** Keeps every read model up to date from the log, each from its own checkpoint, in whichever worker holds its lease. */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ProjectionsService.name);
  private readonly stopping = new AbortController();
  private running: Promise<void>[] = [];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly db: SqlDatabase,
    @Inject(LEASES) private readonly leases: Leases,
  ) {}

  onApplicationBootstrap(): void {
    this.running = PROJECTIONS.map((projection) =>
      this.leases.runWhileHeld(projectionLease(projection.name), this.stopping.signal, async ({ signal, fence }) => {
        // A subscription that fails (its database connection lost, say) starts again from the checkpoint.
        await retryUntilStopped(
          () => runProjection(this.store, this.db, projection, signal, (error) => this.logger.error(`projection ${projection.name}: ${String(error)}; retrying`), fence()),
          signal,
          (error) => this.logger.error(`projection ${projection.name} stopped: ${String(error)}; resuming from its checkpoint`),
        );
      }),
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.running);
  }
}
