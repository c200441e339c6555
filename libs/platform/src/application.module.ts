import { Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { createWorkingCalendar, type CaseClock } from '@yixin/domain';
import { coveredYears, loadCalendarData } from './calendar-data';
import { CqrsModule } from '@nestjs/cqrs';
import { AttachmentStore } from '@yixin/attachments';
import { ExportEventsHandler, GetCaseStateAsOfHandler, VerifyLogHandler } from '@yixin/audit';
import { CaseCommandExecutor } from '@yixin/case-stream';
import { ExecuteCaseCommandHandler, FileComplaintBatchHandler, FileComplaintHandler } from '@yixin/cases';
import { GetCaseHandler, GetCaseHistoryHandler, GetCaseTimelineHandler, ListCasesHandler, ListInboxHandler } from '@yixin/cases';
import { ListCouncilAgendaHandler } from '@yixin/cases';
import { CaseListChangeFeed, WatchInboxHandler, WatchSupervisionHandler } from '@yixin/live-updates';
import { ListSupervisionQueueHandler } from '@yixin/cases';
import { YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import { DEMO_API_KEYS, DEMO_ORGANISATIONS, DEMO_PASSWORD, DEMO_USERS } from '@yixin/directory';
import { DirectoryService } from '@yixin/directory';
import { CommandMetering } from './command-metering';
import { MeteredEventStore } from '@yixin/observability';
import { Metrics } from '@yixin/observability';
import { CountCasesHandler } from '@yixin/rates';
import { GetRateRankingHandler, GetRatesHandler, RateReader } from '@yixin/rates';
import { PersonalDataKeys } from '@yixin/privacy';
import { PersonalDataReadLog } from '@yixin/privacy';
import { PersonalDataService } from '@yixin/privacy';
import { ErasePersonalDataHandler } from '@yixin/privacy';
import { GetPersonalDataReadsHandler } from '@yixin/privacy';
import type { StoreOptions, Stores } from '@yixin/stores';
import { openStores } from './open-stores';
import { CASE_CLOCK, CHECKPOINT_STORE, EVENT_STORE, READ_STORE, RECORD_STORE, STORES } from '@yixin/stores';

/** Closes the stores last, after every subscriber stopped in its onModuleDestroy. */
class StoresLifecycle implements OnApplicationShutdown {
  constructor(@Inject(STORES) private readonly stores: Stores) {}

  async onApplicationShutdown(): Promise<void> {
    await this.stores.close();
  }
}

function loadCaseClock(config: YixinConfig): CaseClock {
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
 * The stores, the directory and the CQRS handlers, shared by the API and the worker processes.
 * The NestJS shell around libs/domain: every command and query of a case goes through here.
 */
@Module({})
export class ApplicationModule {
  static forRoot(config: YixinConfig, storeOptions: StoreOptions = {}): DynamicModule {
    return {
      module: ApplicationModule,
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
          provide: DirectoryService,
          inject: [RECORD_STORE],
          useFactory: async (recordStore: Stores['recordStore']) => {
            const directory = new DirectoryService(recordStore);
            if (config.seedDemoData) await directory.seed(DEMO_ORGANISATIONS, DEMO_USERS, DEMO_PASSWORD, DEMO_API_KEYS);
            else await directory.load();
            return directory;
          },
        },
        StoresLifecycle,
        AttachmentStore,
        CaseCommandExecutor,
        FileComplaintHandler,
        FileComplaintBatchHandler,
        ExecuteCaseCommandHandler,
        GetCaseHandler,
        GetCaseHistoryHandler,
        GetCaseTimelineHandler,
        ListInboxHandler,
        ListCasesHandler,
        ListSupervisionQueueHandler,
        ListCouncilAgendaHandler,
        CaseListChangeFeed,
        WatchInboxHandler,
        WatchSupervisionHandler,
        GetCaseStateAsOfHandler,
        VerifyLogHandler,
        ExportEventsHandler,
        RateReader,
        GetRatesHandler,
        GetRateRankingHandler,
        CountCasesHandler,
        PersonalDataKeys,
        PersonalDataReadLog,
        PersonalDataService,
        ErasePersonalDataHandler,
        GetPersonalDataReadsHandler,
      ],
      exports: [YIXIN_CONFIG, CASE_CLOCK, Metrics, STORES, EVENT_STORE, CHECKPOINT_STORE, RECORD_STORE, READ_STORE, DirectoryService, AttachmentStore, CqrsModule, PersonalDataKeys],
    };
  }
}
