import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { Connection } from '@temporalio/client';
import { temporalConnectionOptions, YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import { STORES, type Stores } from '@yixin/stores';

/** A health check answers quickly even when a dependency hangs (a PostgreSQL pool waits for a connection without limit). */
const PROBE_TIMEOUT_MS = 3000;

class ProbeTimeout extends Error {}

/** Probes what the API depends on: the event log, the read store and Temporal's frontend with its namespace. */
@Injectable()
export class DependencyHealth implements OnApplicationShutdown {
  private readonly logger = new Logger(DependencyHealth.name);
  private readonly temporal: Connection;

  constructor(
    @Inject(STORES) private readonly stores: Stores,
    @Inject(YIXIN_CONFIG) private readonly config: YixinConfig,
    private readonly indicators: HealthIndicatorService,
  ) {
    // Lazy, so that the API starts while Temporal is unreachable; without the client's retries, so
    // that a probe reports what it finds instead of retrying behind its back past shutdown.
    this.temporal = Connection.lazy({ ...temporalConnectionOptions(config.temporal), interceptors: [] });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.temporal.close();
  }

  eventLog(): Promise<HealthIndicatorResult<'eventLog'>> {
    return this.probe('eventLog', { store: this.config.store }, () => this.stores.eventStore.readAll(0, 1));
  }

  readStore(): Promise<HealthIndicatorResult<'readStore'>> {
    return this.probe('readStore', { dialect: this.stores.readStore.dialect }, () => this.stores.readStore.query('SELECT 1 AS ok'));
  }

  temporalNamespace(): Promise<HealthIndicatorResult<'temporal'>> {
    const { namespace } = this.config.temporal;
    return this.probe('temporal', { namespace }, () =>
      this.temporal.withDeadline(Date.now() + PROBE_TIMEOUT_MS, () => this.temporal.workflowService.describeNamespace({ namespace })),
    );
  }

  /** The cause goes to the log, not to the public answer. */
  private async probe<const Key extends string>(key: Key, details: Record<string, string>, check: () => Promise<unknown>): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.indicators.check(key);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new ProbeTimeout()), PROBE_TIMEOUT_MS);
        }),
      ]);
      return indicator.up(details);
    } catch (error) {
      this.logger.warn({ message: `${key} is down`, cause: error instanceof Error ? error.message : String(error) });
      return indicator.down({ ...details, message: error instanceof ProbeTimeout ? `no answer within ${PROBE_TIMEOUT_MS} ms` : 'unavailable' });
    } finally {
      clearTimeout(timer);
    }
  }
}
