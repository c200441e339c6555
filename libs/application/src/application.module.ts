import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Database } from 'better-sqlite3';
import { openSqliteDatabase, SqliteCheckpointStore, SqliteEventStore } from '../../event-store/src';
import { CaseCommandExecutor } from './cases/case-command-executor';
import { ExecuteCaseCommandHandler, FileComplaintHandler } from './cases/case.commands';
import { GetCaseHandler, GetCaseHistoryHandler, ListCasesHandler, ListInboxHandler } from './cases/case.queries';
import { YIXIN_CONFIG, type YixinConfig } from './config';
import { DEMO_ORGANISATIONS, DEMO_PASSWORD, DEMO_USERS } from './directory/demo-directory';
import { DirectoryService } from './directory/directory.service';
import { createCaseListSchema } from './projections/case-list.projection';
import { CHECKPOINT_STORE, EVENT_STORE, SQLITE_DATABASE } from './store.tokens';

/** Closes the database last, after every subscriber stopped in its onModuleDestroy. */
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(SQLITE_DATABASE) private readonly db: Database) {}

  onApplicationShutdown(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * The stores, the directory and the CQRS handlers, shared by the API and the worker processes.
 * The NestJS shell around libs/domain: every command and query of a case goes through here.
 */
@Module({})
export class ApplicationModule {
  static forRoot(config: YixinConfig): DynamicModule {
    return {
      module: ApplicationModule,
      global: true,
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: YIXIN_CONFIG, useValue: config },
        {
          provide: SQLITE_DATABASE,
          useFactory: () => {
            const db = openSqliteDatabase(config.sqliteFile, { synchronous: config.sqliteSynchronous });
            createCaseListSchema(db);
            return db;
          },
        },
        { provide: EVENT_STORE, inject: [SQLITE_DATABASE], useFactory: (db: Database) => new SqliteEventStore(db) },
        { provide: CHECKPOINT_STORE, inject: [SQLITE_DATABASE], useFactory: (db: Database) => new SqliteCheckpointStore(db) },
        {
          provide: DirectoryService,
          inject: [SQLITE_DATABASE],
          useFactory: async (db: Database) => {
            const directory = new DirectoryService(db);
            if (config.seedDemoData) await directory.seed(DEMO_ORGANISATIONS, DEMO_USERS, DEMO_PASSWORD);
            return directory;
          },
        },
        DatabaseLifecycle,
        CaseCommandExecutor,
        FileComplaintHandler,
        ExecuteCaseCommandHandler,
        GetCaseHandler,
        GetCaseHistoryHandler,
        ListInboxHandler,
        ListCasesHandler,
      ],
      exports: [YIXIN_CONFIG, SQLITE_DATABASE, EVENT_STORE, CHECKPOINT_STORE, DirectoryService, CqrsModule],
    };
  }
}
