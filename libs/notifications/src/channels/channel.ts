import type { NotificationChannel, NotificationTemplate } from '@yixin/domain';

/** A message rendered for one recipient on one channel, ready to go. */
export interface OutgoingMessage {
  /** The delivery's idempotency key: given to the provider where it takes one (Alibaba's OutId, the mail's Message-ID). */
  deliveryKey: string;
  template: NotificationTemplate;
  /** The template's variables (SMS providers render their own registered template from them). */
  variables: Record<string, string>;
  /** The text as rendered from yixin's own template (email body, WeCom message, outbox). */
  text: string;
  /** A one-line subject (email). */
  subject: string;
}

/** What a provider answered: its own id for the message, if it gives one. */
export interface DeliveryReceipt {
  via: string;
  providerMessageId?: string;
}

/**
 * The provider refused the message for good (a template it does not know, a number it will not
 * take): retrying cannot help. Any other error is taken as passing and retried.
 */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}

/** One way out: SMS to a phone, email to an address, WeCom to a group robot's webhook. */
export interface MessageChannel {
  readonly channel: NotificationChannel;
  /** `address`: the phone number, the email address, the webhook URL. */
  send(address: string, message: OutgoingMessage): Promise<DeliveryReceipt>;
}
