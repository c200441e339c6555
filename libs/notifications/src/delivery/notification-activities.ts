import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure, Context } from '@temporalio/activity';
import {
  evolveCase,
  foldCase,
  initialCaseState,
  planNotifications,
  renderNotification,
  systemActor,
  whyNotSend,
  NOTIFICATION_SUBJECTS,
  type CaseClock,
  type CaseState,
  type ComplaintFiled,
  type NotificationChannel,
  type NotificationEvent,
  type PlannedNotification,
  type SuppressionReason,
  SUPPRESSION_REASONS,
} from '@yixin/domain';
import { deliveryKeyOf, notificationStreamId, outcomeEventId, readCaseStream, toCaseEvent } from '@yixin/case-stream';
import type { NotificationsConfig } from '@yixin/config';
import { IdempotencyConflictError, type CheckpointStore, type EventStore } from '@yixin/event-store';
import type { PersonalDataService } from '@yixin/privacy';
import { residentLinkOf, checkCodeOf } from '@yixin/resident-access';
import type { NotificationActivities, NotificationDelivery, NotificationToSend } from '../../../../workflows/src/notification-messages';
import { PermanentDeliveryError, type MessageChannel, type OutgoingMessage } from '../channels/channel';
import type { Recipients } from './recipients';

/**
 * Once a provider has taken a message, its record is all that keeps a later attempt from sending it
 * again: a record that fails (the database restarting) is tried again for this long, within the
 * activity's 30 s, before the attempt fails and the message may go out twice.
 */
const RECORD_PATIENCE_MS = 15_000;
const RECORD_RETRY_MS = 500;

/**
 * How far in the log the notification planner had planned: until 2026-12-07 it started a
 * notification workflow for each case event that called for messages, and moved this checkpoint.
 */
export const FORMER_PLANNER_CHECKPOINT = 'notifications:planner';

export interface NotificationDeliveryDeps {
  store: EventStore;
  checkpoints: CheckpointStore;
  /** The working calendar, for the residents' quiet hours and the warnings' shares of deadlines. */
  clock: CaseClock;
  personalData: PersonalDataService;
  config: NotificationsConfig;
  /** The channels configured, by kind; an organisation's WeCom goes to the outbox when `config.wecom` says so. */
  channels: Partial<Record<NotificationChannel, MessageChannel>>;
  recipients: Recipients;
  centerOrganisationId: string;
}

/** The hands of a case's messages: they plan them from the case's events, read the case, decrypt the phone at the last moment, send, and record. */
export function createNotificationActivities(deps: NotificationDeliveryDeps): NotificationActivities {
  const { store, config, channels } = deps;
  const deliverer = { ...systemActor(deps.centerOrganisationId), userId: 'notifications' };

  const readCase = async (caseId: string): Promise<{ state: CaseState; filed?: ComplaintFiled }> => {
    const events = (await readCaseStream(store, caseId)).map(toCaseEvent);
    return { state: foldCase(events), filed: events.find((event): event is ComplaintFiled => event.type === 'ComplaintFiled') };
  };

  const record = async (notification: PlannedNotification, deliveryKey: string, event: NotificationEvent): Promise<void> => {
    try {
      await store.append(
        notificationStreamId(notification.caseId),
        [
          {
            id: outcomeEventId(deliveryKey),
            type: event.type,
            data: event.data as unknown as Record<string, unknown>,
            metadata: { actor: deliverer, tier: 'community', correlationId: notification.key, causationId: `${notification.caseId}@${notification.revision}` },
          },
        ],
        'any',
      );
    } catch (error) {
      // Another attempt recorded its outcome first: the log keeps that one.
      if (!(error instanceof IdempotencyConflictError)) throw error;
    }
  };

  const viaOf = (channel: NotificationChannel): string =>
    channel === 'sms' ? config.sms.provider : channel === 'email' ? 'smtp' : config.wecom === 'outbox' ? 'outbox' : 'wecom';

  const facts = (notification: PlannedNotification, deliveryKey: string) => ({
    deliveryKey,
    caseId: notification.caseId,
    template: notification.template,
    recipient: notification.recipient,
  });

  const suppress = (notification: PlannedNotification, reason: SuppressionReason, channel?: NotificationChannel) => {
    const deliveryKey = deliveryKeyOf(notification.key, channel ?? 'none');
    return record(notification, deliveryKey, {
      type: 'NotificationSuppressed',
      data: { ...facts(notification, deliveryKey), ...(channel ? { channel } : {}), reason, suppressedAt: new Date().toISOString() },
    });
  };

  /** Where the message goes on this channel: the resident's phone (decrypted now), or the organisation's contact. */
  const addressOf = async (delivery: NotificationDelivery, state: CaseState, filed: ComplaintFiled | undefined): Promise<string | SuppressionReason> => {
    const { notification, channel } = delivery;
    const { recipient } = notification;
    if (recipient.kind === 'resident') {
      if (!filed) return 'no_contact';
      const phone = await deps.personalData.phoneForDelivery(deliverer, notification.caseId, state, filed.data.personalData);
      return phone === 'erased' ? 'personal_data_erased' : phone.phone;
    }
    return deps.recipients.organisationAddress(recipient.organisationId, channel) ?? 'no_contact';
  };

  const messageOf = (notification: PlannedNotification, deliveryKey: string): OutgoingMessage => {
    const variables = { ...notification.variables };
    if (notification.recipient.kind === 'resident') {
      if (!config.residentLinkSecret) throw new PermanentDeliveryError('YIXIN_RESIDENT_LINK_SECRET is not set: a resident’s message carries their check code and link, made with it');
      variables.checkCode = checkCodeOf(config.residentLinkSecret, notification.caseId);
      variables.link = residentLinkOf(config.residentPageUrl, config.residentLinkSecret, notification.caseId);
    }
    return {
      deliveryKey,
      template: notification.template,
      variables,
      text: renderNotification(config.templates[notification.template], variables),
      subject: renderNotification(NOTIFICATION_SUBJECTS[notification.template], variables),
    };
  };

  return {
    async planMessages({ caseId, afterRevision, throughRevision }) {
      // Read each time, not once: in a rolling upgrade a worker of the former version may still move it.
      const plannedByFormerPlanner = await deps.checkpoints.load(FORMER_PLANNER_CHECKPOINT);
      const context = { settings: config.settings, calendar: deps.clock.calendar };
      const planned: NotificationToSend[] = [];
      let state = initialCaseState;
      for (const recorded of await readCaseStream(store, caseId)) {
        if (recorded.revision > throughRevision) break;
        const event = toCaseEvent(recorded);
        if (recorded.revision > afterRevision && recorded.globalPosition > plannedByFormerPlanner) {
          for (const notification of planNotifications(state, event, recorded.revision, context)) {
            planned.push({ notification, channels: deps.recipients.channelsOf(notification) });
          }
        }
        state = evolveCase(state, event);
      }
      return planned;
    },

    async recordUnreachable(notification) {
      await suppress(notification, 'no_contact');
    },

    async deliver(delivery) {
      const { notification, channel } = delivery;
      const deliveryKey = deliveryKeyOf(notification.key, channel);
      if (await store.findEvent(outcomeEventId(deliveryKey))) return;
      const { state, filed } = await readCase(notification.caseId);
      const reason = whyNotSend(notification, state);
      const address = reason ?? (await addressOf(delivery, state, filed));
      if (isSuppression(address)) {
        await suppress(notification, address, channel);
        return;
      }
      let receipt;
      try {
        receipt = await channels[channel]!.send(address, messageOf(notification, deliveryKey));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // The attempt goes with the failure, so the workflow records how many were made.
        throw ApplicationFailure.create({
          message,
          type: error instanceof Error ? error.name : 'Error',
          nonRetryable: error instanceof PermanentDeliveryError,
          details: [Context.current().info.attempt],
        });
      }
      await persistently(() => record(notification, deliveryKey, {
        type: 'NotificationSent',
        data: {
          ...facts(notification, deliveryKey),
          channel,
          via: receipt.via,
          ...(receipt.providerMessageId === undefined ? {} : { providerMessageId: receipt.providerMessageId }),
          sentAt: new Date().toISOString(),
        },
      }));
    },

    async recordFailure({ notification, channel, attempts, error }) {
      const deliveryKey = deliveryKeyOf(notification.key, channel);
      await record(notification, deliveryKey, {
        type: 'NotificationFailed',
        data: { ...facts(notification, deliveryKey), channel, via: viaOf(channel), attempts, error, failedAt: new Date().toISOString() },
      });
    },
  };
}

async function persistently(write: () => Promise<void>): Promise<void> {
  const giveUpAt = Date.now() + RECORD_PATIENCE_MS;
  for (;;) {
    try {
      return await write();
    } catch (error) {
      if (Date.now() >= giveUpAt) throw error;
      await sleep(RECORD_RETRY_MS);
    }
  }
}

function isSuppression(value: string): value is SuppressionReason {
  return (SUPPRESSION_REASONS as readonly string[]).includes(value);
}
