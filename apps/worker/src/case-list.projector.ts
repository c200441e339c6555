import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import {
  CASE_LIST_PROJECTION,
  CHECKPOINT_STORE,
  EVENT_STORE,
  projectCaseListEvent,
  SQLITE_DATABASE,
} from '../../../libs/application/src';
import { saveCheckpointSync, type CheckpointStore, type EventStore } from '../../../libs/event-store/src';

/** Keeps the case list and inboxes up to date; rows and checkpoint commit together, so each event counts once. */
@Injectable()
export class CaseListProjector implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CaseListProjector.name);
  private readonly stopping = new AbortController();
  private running?: Promise<void>;

  constructor(
    @Inject(SQLITE_DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const after = await this.checkpoints.load(CASE_LIST_PROJECTION);
    const applyWithCheckpoint = this.db.transaction((event: Parameters<typeof projectCaseListEvent>[1]) => {
      projectCaseListEvent(this.db, event);
      saveCheckpointSync(this.db, CASE_LIST_PROJECTION, event.globalPosition);
    });
    this.running = this.store.subscribe({
      after,
      signal: this.stopping.signal,
      handler: async (event) => applyWithCheckpoint(event),
      onError: (error, event) => this.logger.error(`projection ${CASE_LIST_PROJECTION} failed at ${event.globalPosition}: ${String(error)}`),
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }
}
