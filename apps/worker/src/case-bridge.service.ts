import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { CASE_STREAM_PREFIX, caseIdOfStream } from '@yixin/case-stream';
import { temporalConnectionOptions, YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import { LEASES, type Leases } from '@yixin/leases';
import { CHECKPOINT_STORE, EVENT_STORE } from '@yixin/stores';
import type { CheckpointStore, EventStore, RecordedEvent } from '@yixin/event-store';
import { caseEventSignal, caseWorkflow } from '../../../workflows/src/case.workflow';
import { toCaseEventMessage } from './case-activities';
import { DeliveryWindow } from './delivery-window';
import { retryUntilStopped } from '@yixin/platform';

export const BRIDGE_CHECKPOINT = 'bridge:temporal';

/** Signals in flight at once, across cases. */
const DELIVERIES_IN_FLIGHT = 32;

/**
 * Carries every case event from the log to its case workflow with signalWithStart
 * (workflow id = case id), at least once: the checkpoint moves only after Temporal has taken
 * the signal, so a case filed while Temporal is down is delivered when it is back. The workflow
 * ignores revisions it has already applied, which makes redelivery harmless, and takes a signal as
 * news only: it reads the events themselves from the log, since anyone reaching Temporal can signal. Events the center
 * appended itself are not sent: the workflow got them back from the activity that appended them.
 * Nor are erasures of personal data: they cannot move a case on, and sent to a closed case they
 * would start its finished workflow again. A workflow that misses one fetches it with the next event.
 * It runs in whichever worker holds its lease (named as its checkpoint): one at a time.
 */
@Injectable()
export class CaseBridgeService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CaseBridgeService.name);
  private readonly stopping = new AbortController();
  private connection?: Connection;
  private running?: Promise<void>;

  constructor(
    @Inject(YIXIN_CONFIG) private readonly config: YixinConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore,
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
    const { namespace } = this.config.temporal;
    // Lazy: connects on first use and again after a failure, so the bridge outlives Temporal outages.
    this.connection = Connection.lazy(temporalConnectionOptions(this.config.temporal));
    const client = new Client({ connection: this.connection, namespace });
    await this.leases.runWhileHeld(BRIDGE_CHECKPOINT, this.stopping.signal, ({ signal }) => this.deliverAll(client, signal));
  }

  /** Delivers from the checkpoint on until `signal` aborts. */
  private async deliverAll(client: Client, signal: AbortSignal): Promise<void> {
    let lastFailure = '';
    const onFailure = (event: RecordedEvent) => (error: unknown) => {
      const failure = String(error);
      if (failure !== lastFailure) this.logger.warn(`cannot deliver event ${event.globalPosition} to Temporal yet: ${failure}`);
      lastFailure = failure;
    };
    const window = new DeliveryWindow(DELIVERIES_IN_FLIGHT, (position) => this.checkpoints.save(BRIDGE_CHECKPOINT, position));
    // A subscription that fails (its database connection lost, say) starts again from the checkpoint.
    await retryUntilStopped(
      async () =>
        this.store.subscribe({
          after: await this.checkpoints.load(BRIDGE_CHECKPOINT),
          streamPrefix: CASE_STREAM_PREFIX,
          signal,
          handler: async (events) => {
            for (const event of events) {
              await window.push(event.streamId, event.globalPosition, async () => {
                if (isCentersOwn(event) || event.type === 'PersonalDataErased') return true;
                const delivered = await retryUntilStopped(() => this.deliver(client, event), signal, onFailure(event));
                return delivered !== undefined;
              });
            }
          },
        }),
      signal,
      (error) => this.logger.error(`the bridge's subscription failed; resuming from its checkpoint: ${String(error)}`),
    );
    await window.drain();
  }

  private async deliver(client: Client, event: RecordedEvent): Promise<true> {
    const caseId = caseIdOfStream(event.streamId);
    if (!caseId) return true;
    await client.workflow.signalWithStart(caseWorkflow, {
      workflowId: caseId,
      taskQueue: this.config.temporal.taskQueue,
      args: [{ caseId }],
      signal: caseEventSignal,
      signalArgs: [toCaseEventMessage(event)],
    });
    return true;
  }
}

function isCentersOwn(event: RecordedEvent): boolean {
  return event.metadata.actor.role === 'system';
}
