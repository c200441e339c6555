import { createHash } from 'node:crypto';
import { createTransport, type NodemailerError, type Transporter } from 'nodemailer';
import type { YixinConfig } from '@yixin/config';
import type { NotificationChannel } from '@yixin/domain';
import { PermanentDeliveryError, type DeliveryReceipt, type MessageChannel, type OutgoingMessage } from './channel';

export type SmtpConfig = NonNullable<YixinConfig['notifications']['smtp']>;

/**
 * The Message-ID a delivery's mail carries, the same on every attempt: SMTP has no idempotency, but a
 * resent copy is recognisable (and mail clients thread or drop duplicates by it).
 */
export function deliveryMessageId(deliveryKey: string): string {
  return `<${createHash('sha256').update(deliveryKey).digest('hex')}@yixin>`;
}

/** Email over SMTP with nodemailer, from the configured sender. */
export class SmtpEmailChannel implements MessageChannel {
  readonly channel: NotificationChannel = 'email';
  private readonly transport: Transporter;

  constructor(private readonly config: SmtpConfig) {
    // Short waits: a stalled server fails this attempt, and the delivery's retries try again.
    this.transport = createTransport({ url: config.url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  }

  async send(address: string, message: OutgoingMessage): Promise<DeliveryReceipt> {
    try {
      const sent = await this.transport.sendMail({
        from: this.config.from,
        to: address,
        subject: message.subject,
        text: message.text,
        messageId: deliveryMessageId(message.deliveryKey),
      });
      return { via: 'smtp', providerMessageId: sent.messageId };
    } catch (error) {
      throw refusal(error as NodemailerError);
    }
  }
}

/** A 5xx reply refuses the message for good (nodemailer's `permanent`: RFC 5321, 503 excepted); a 4xx or a lost connection may pass later. */
function refusal(error: NodemailerError): Error {
  const text = `SMTP refused: ${error.responseCode ?? error.code ?? 'no reply'} (${error.response ?? error.message})`;
  return error.permanent === true ? new PermanentDeliveryError(text) : new Error(text);
}
