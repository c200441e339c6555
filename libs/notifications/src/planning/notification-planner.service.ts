import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { evolveCase, foldCase, planNotifications, type CaseClock, type CaseState, type PlannedNotification } from '@yixin/domain';
import { CASE_STREAM_PREFIX, caseIdOfStream, readCaseStream, toCaseEvent } from '@yixin/case-stream';
import { temporalConnectionOptions, YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import type { CheckpointStore, EventStore, RecordedEvent } from '@yixin/event-store';
import { LEASES, type Leases } from '@yixin/leases';
import { retryUntilStopped } from '@yixin/platform';
import { CASE_CLOCK, CHECKPOINT_STORE, EVENT_STORE } from '@yixin/stores';
import { notificationWorkflow } from '../../../../workflows/src/notification.workflow';
import { notificationWorkflowId, type NotificationWorkflowInput } from '../../../../workflows/src/notification-messages';
import { NotificationDelivery } from '../delivery/notification-delivery';

export const NOTIFICATION_PLANNER_CHECKPOINT = 'notifications:planner';

/** Folded cases kept between events; a case not among them is read again from its stream. */
const CASES_KEPT = 10_000;

/**
 * Reads every case event from the log, asks the domain's notification policy what to tell whom,
 * and starts one notification workflow per event that calls for messages (workflow id = the
 * event's), with each message's channels, at least once: the checkpoint moves after Temporal has
 * taken every start of a batch, and a start of a workflow that already ran or runs is refused by
 * Temporal, so an event planned twice is delivered once. It runs in whichever worker holds its lease
 * (named as its checkpoint): one at a time.
 */
@Injectable()
export class NotificationPlannerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NotificationPlannerService.name);
  private readonly stopping = new AbortController();
  private readonly cases = new Map<string, { state: CaseState; revision: number }>();
  private connection?: Connection;
  private running?: Promise<void>;

  constructor(
    @Inject(YIXIN_CONFIG) private readonly config: YixinConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore,
    @Inject(CASE_CLOCK) private readonly clock: CaseClock,
    private readonly delivery: NotificationDelivery,
    @Inject(LEASES) private readonly leases: Leases,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    await this.running;
    await this.connection?.close();
  }

  private async run(): Promise<void> {
    this.connection = Connection.lazy(temporalConnectionOptions(this.config.temporal));
    const client = new Client({ connection: this.connection, namespace: this.config.temporal.namespace });
    await this.leases.runWhileHeld(NOTIFICATION_PLANNER_CHECKPOINT, this.stopping.signal, ({ signal }) => this.planAllFromCheckpoint(client, signal));
  }

  /** Plans from the checkpoint on until `signal` aborts. */
  private async planAllFromCheckpoint(client: Client, signal: AbortSignal): Promise<void> {
    await retryUntilStopped(
      async () =>
        this.store.subscribe({
          after: await this.checkpoints.load(NOTIFICATION_PLANNER_CHECKPOINT),
          streamPrefix: CASE_STREAM_PREFIX,
          signal,
          handler: async (events) => {
            const planned = (await this.planAll(events)).flat();
            await Promise.all(planned.map((event) => this.start(client, event)));
            await this.checkpoints.save(NOTIFICATION_PLANNER_CHECKPOINT, events[events.length - 1].globalPosition);
          },
          onError: (error) => this.logger.warn(`cannot plan notifications yet: ${String(error)}`),
        }),
      signal,
      (error) => this.logger.error(`the notification planner's subscription failed; resuming from its checkpoint: ${String(error)}`),
    );
  }

  /** Each case's events in order, the cases side by side. */
  private async planAll(events: RecordedEvent[]): Promise<NotificationWorkflowInput[][]> {
    const byCase = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      const caseId = caseIdOfStream(event.streamId);
      if (caseId) byCase.set(caseId, [...(byCase.get(caseId) ?? []), event]);
    }
    const planned = await Promise.all(
      [...byCase].map(async ([caseId, caseEvents]) => {
        const planned: NotificationWorkflowInput[] = [];
        for (const event of caseEvents) {
          const messages = await this.plan(caseId, event);
          if (messages.length > 0) {
            planned.push({ caseId, revision: event.revision, messages: messages.map((notification) => ({ notification, channels: this.delivery.recipients.channelsOf(notification) })) });
          }
        }
        return planned;
      }),
    );
    return planned;
  }

  private async plan(caseId: string, recorded: RecordedEvent): Promise<PlannedNotification[]> {
    const before = await this.stateBefore(caseId, recorded.revision);
    const event = toCaseEvent(recorded);
    this.remember(caseId, evolveCase(before, event), recorded.revision);
    const { settings } = this.config.notifications;
    return planNotifications(before, event, recorded.revision, { settings, calendar: this.clock.calendar });
  }

  private async stateBefore(caseId: string, revision: number): Promise<CaseState> {
    const kept = this.cases.get(caseId);
    if (kept?.revision === revision - 1) return kept.state;
    const earlier = (await readCaseStream(this.store, caseId)).filter((recorded) => recorded.revision < revision);
    return foldCase(earlier.map(toCaseEvent));
  }

  private remember(caseId: string, state: CaseState, revision: number): void {
    this.cases.delete(caseId);
    this.cases.set(caseId, { state, revision });
    if (this.cases.size > CASES_KEPT) this.cases.delete(this.cases.keys().next().value!);
  }

  private async start(client: Client, input: NotificationWorkflowInput): Promise<void> {
    try {
      await client.workflow.start(notificationWorkflow, {
        workflowId: notificationWorkflowId(input.caseId, input.revision),
        taskQueue: this.config.temporal.taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
}
