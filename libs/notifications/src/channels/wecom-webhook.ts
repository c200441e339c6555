import type { NotificationChannel } from '@yixin/domain';
import { PermanentDeliveryError, type DeliveryReceipt, type MessageChannel, type OutgoingMessage } from './channel';

/** WeCom takes a text message's content up to 2048 bytes of UTF-8 and refuses a longer one. */
export const WECOM_TEXT_MAX_BYTES = 2048;

/**
 * The robot's answers that no retry can change: the webhook's key is invalid or the robot was
 * removed. Any other errcode, 45009 (over 20 messages a minute) first among them, is retried.
 */
const PERMANENT_ERRCODES = new Set([93000]);

const TIMEOUT_MS = 10_000;

/** A WeCom (企业微信) group robot: the message as text to the webhook the organisation gave. */
export class WecomWebhookChannel implements MessageChannel {
  readonly channel: NotificationChannel = 'wecom';

  async send(webhookUrl: string, message: OutgoingMessage): Promise<DeliveryReceipt> {
    if (Buffer.byteLength(message.text) > WECOM_TEXT_MAX_BYTES) throw new PermanentDeliveryError(`the text is longer than WeCom's ${WECOM_TEXT_MAX_BYTES} bytes`);
    const response = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ msgtype: 'text', text: { content: message.text } }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`WeCom webhook answered HTTP ${response.status}`);
    const answer = (await response.json()) as { errcode?: number; errmsg?: string };
    if (answer.errcode !== 0) {
      const text = `WeCom webhook refused: ${answer.errcode} (${answer.errmsg ?? 'no errmsg'})`;
      throw answer.errcode !== undefined && PERMANENT_ERRCODES.has(answer.errcode) ? new PermanentDeliveryError(text) : new Error(text);
    }
    return { via: 'wecom' };
  }
}
