import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { NativeConnection, Worker } from '@temporalio/worker';
import { temporalConnectionOptions, YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import { EVENT_STORE } from '@yixin/stores';
import type { EventStore } from '@yixin/event-store';
import { NotificationDelivery } from '@yixin/notifications';
import { createCaseActivities } from './case-activities';
import { retryUntilStopped, unlessStopped, whenAborted } from '@yixin/platform';

/** Runs the Temporal worker of the case workflows (and of the notification workflows started before 2026-12-07); waits for Temporal if it is not up yet. */
@Injectable()
export class TemporalWorkerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TemporalWorkerService.name);
  private readonly stopping = new AbortController();
  private running?: Promise<void>;

  constructor(
    @Inject(YIXIN_CONFIG) private readonly config: YixinConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commandBus: CommandBus,
    private readonly notifications: NotificationDelivery,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    const { address, namespace, taskQueue } = this.config.temporal;
    const { signal } = this.stopping;
    const connection = await retryUntilStopped(
      () => unlessStopped(NativeConnection.connect(temporalConnectionOptions(this.config.temporal)), signal, (late) => late.close()),
      signal,
      (error) => this.logger.warn(`Temporal at ${address} not reachable yet: ${String(error)}`),
    );
    if (!connection) return;
    try {
      this.logger.log(`connected to Temporal at ${address}; bundling the workflow code`);
      // Seconds of webpack, more on a busy machine at the back office's priority, which a stop
      // meanwhile waits for: a Worker left to finish its creation after the stop would come alive
      // polling a server about to go, and its threads would hold an embedding process open. Once
      // created it runs for no time, while Temporal is still up (the launcher stops it last).
      const worker = await Worker.create({
        connection,
        namespace,
        taskQueue,
        workflowsPath: require.resolve('../../../workflows/src'),
        activities: { ...createCaseActivities(this.commandBus, this.store, this.config), ...this.notifications.activities() },
      });
      if (!signal.aborted) this.logger.log(`worker polling task queue ${taskQueue} on ${address}`);
      await worker.runUntil(whenAborted(signal));
    } finally {
      await connection.close();
    }
  }
}
