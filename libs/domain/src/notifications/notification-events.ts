import type { NotificationRecipient, NotificationTemplate } from './notification';

/** How a message reaches its recipient. */
export const NOTIFICATION_CHANNELS = ['sms', 'email', 'wecom'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** Why a planned message was not sent, and never will be. */
export const SUPPRESSION_REASONS = ['personal_data_erased', 'no_contact', 'deadline_met', 'case_closed'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** What the log records of one delivery: on the case's notification stream (`notification-<caseId>`), beside its own. */
interface DeliveryFacts {
  /** The planned notification's key and the channel: the delivery's idempotency key. */
  deliveryKey: string;
  caseId: string;
  template: NotificationTemplate;
  recipient: NotificationRecipient;
}

export interface NotificationSent {
  type: 'NotificationSent';
  /** `via`: the provider or place that took it (alibaba, tencent, smtp, wecom, outbox); no phone, address or text with personal data. */
  data: DeliveryFacts & { channel: NotificationChannel; via: string; providerMessageId?: string; sentAt: string };
}

export interface NotificationFailed {
  type: 'NotificationFailed';
  data: DeliveryFacts & { channel: NotificationChannel; via: string; attempts: number; error: string; failedAt: string };
}

export interface NotificationSuppressed {
  type: 'NotificationSuppressed';
  data: DeliveryFacts & { channel?: NotificationChannel; reason: SuppressionReason; suppressedAt: string };
}

export type NotificationEvent = NotificationSent | NotificationFailed | NotificationSuppressed;
export type NotificationEventType = NotificationEvent['type'];
