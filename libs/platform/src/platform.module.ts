import { Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import { createWorkingCalendar, type CaseClock } from '@yixin/domain';
import { DatabaseLeases, LEASES, SoleWriterLeases } from '@yixin/leases';
import { MeteredEventStore, Metrics } from '@yixin/observability';
import { CASE_CLOCK, CHECKPOINT_STORE, EVENT_STORE, READ_STORE, RECORD_STORE, STORES, type StoreOptions, type Stores } from '@yixin/stores';
import { coveredYears, loadCalendarData } from './calendar-data';
import { CommandMetering } from './command-metering';
import { openStores } from './open-stores';

/** Closes the stores last, after every subscriber stopped in its onModuleDestroy. */
class StoresLifecycle implements OnApplicationShutdown {
  constructor(@Inject(STORES) private readonly stores: Stores) {}

  async onApplicationShutdown(): Promise<void> {
    await this.stores.close();
  }
}

/** The deadline policy and the working calendar `config` names: what the processes provide as CASE_CLOCK. */
export function loadCaseClock(config: YixinConfig): CaseClock {
  const data = loadCalendarData(config.calendarFile);
  const thisYear = new Date().getUTCFullYear();
  if (!coveredYears(data).includes(thisYear)) {
    new Logger('Calendar').warn(
      `the holiday calendar has no data for ${thisYear}: weekends are taken as the only days off. ` +
        'Upgrade chinese-days or set YIXIN_CALENDAR_FILE (docs/calendar-and-deadlines.md).',
    );
  }
  return { policy: config.deadlinePolicy, calendar: createWorkingCalendar(data) };
}

/**
 * What every yixin process runs on, global: the configuration, the stores (opened with every
 * feature's tables), the command and query buses (with the metering of commands), the metrics and
 * the clock of deadlines, the leases of the work done by one worker at a time. The features' modules (CasesModule, DirectoryModule, …) go beside it:
 * each app imports those it serves.
 */
@Module({})
export class PlatformModule {
  static forRoot(config: YixinConfig, storeOptions: StoreOptions = {}): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: YIXIN_CONFIG, useValue: config },
        { provide: Metrics, useFactory: () => new Metrics() },
        CommandMetering,
        { provide: CASE_CLOCK, useFactory: () => loadCaseClock(config) },
        { provide: STORES, useFactory: () => openStores(config, storeOptions) },
        {
          provide: EVENT_STORE,
          inject: [STORES, Metrics],
          useFactory: (stores: Stores, metrics: Metrics) => new MeteredEventStore(stores.eventStore, metrics),
        },
        { provide: CHECKPOINT_STORE, inject: [STORES], useFactory: (stores: Stores) => stores.checkpoints },
        { provide: RECORD_STORE, inject: [STORES], useFactory: (stores: Stores) => stores.recordStore },
        { provide: READ_STORE, inject: [STORES], useFactory: (stores: Stores) => stores.readStore },
        {
          provide: LEASES,
          inject: [STORES],
          // On SQLite, the one worker; on PostgreSQL (the log's store or KurrentDB's companion), read models and records are one database.
          useFactory: (stores: Stores) => (stores.recordStore.dialect === 'postgres' ? new DatabaseLeases(stores.recordStore) : new SoleWriterLeases()),
        },
        StoresLifecycle,
      ],
      exports: [YIXIN_CONFIG, CASE_CLOCK, Metrics, STORES, EVENT_STORE, CHECKPOINT_STORE, RECORD_STORE, READ_STORE, LEASES, CqrsModule],
    };
  }
}
