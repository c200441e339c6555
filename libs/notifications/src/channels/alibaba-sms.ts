import { createHash } from 'node:crypto';
import Dysmsapi, { SendSmsRequest } from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import type { YixinConfig } from '@yixin/config';
import type { NotificationChannel } from '@yixin/domain';
import { PermanentDeliveryError, type DeliveryReceipt, type MessageChannel, type OutgoingMessage } from './channel';

export type AlibabaSmsConfig = Extract<YixinConfig['notifications']['sms'], { provider: 'alibaba' }>;

/**
 * Alibaba's answers that no retry can change: the number, the template, the sign or the variables
 * are wrong until someone edits them (https://help.aliyun.com/document_detail/101346.html). Any other
 * code (throttling such as isv.BUSINESS_LIMIT_CONTROL, isp.SYSTEM_ERROR, a suspended account that a
 * top-up revives) is retried.
 */
const PERMANENT_CODES = new Set([
  'isv.MOBILE_NUMBER_ILLEGAL',
  'isv.SMS_TEMPLATE_ILLEGAL',
  'isv.SMS_SIGNATURE_ILLEGAL',
  'isv.SMS_SIGN_ILLEGAL',
  'isv.SMS_SIGNATURE_SCENE_ILLEGAL',
  'isv.SMS_CONTENT_ILLEGAL',
  'isv.TEMPLATE_MISSING_PARAMETERS',
  'isv.INVALID_JSON_PARAM',
  'isv.INVALID_PARAMETERS',
  'isv.PARAM_LENGTH_LIMIT',
  'isv.PARAM_NOT_SUPPORT_URL',
  'isv.BLACK_KEY_CONTROL_LIMIT',
  'isv.DOMESTIC_NUMBER_NOT_SUPPORTED',
]);

/**
 * Alibaba documents no maximum for OutId, and the delivery key (`<caseId>/<revision>/<template>/<recipient>`)
 * runs past 100 characters; a longer key goes as a 32-hex-digit prefix of its SHA-256, still one
 * value per key, so the delivery receipt's out_id leads back to the delivery.
 */
export const ALIBABA_OUT_ID_MAX_LENGTH = 64;

export function alibabaOutId(deliveryKey: string): string {
  return deliveryKey.length <= ALIBABA_OUT_ID_MAX_LENGTH ? deliveryKey : createHash('sha256').update(deliveryKey).digest('hex').slice(0, 32);
}

/** SMS through Alibaba Cloud SMS (dysmsapi, SendSms), with the official SDK. */
export class AlibabaSmsChannel implements MessageChannel {
  readonly channel: NotificationChannel = 'sms';
  private readonly client: Dysmsapi;

  constructor(private readonly config: AlibabaSmsConfig) {
    this.client = new Dysmsapi(
      new $OpenApiUtil.Config({
        accessKeyId: config.accessKeyId,
        accessKeySecret: config.accessKeySecret,
        endpoint: config.endpoint,
        protocol: config.protocol,
        // Alibaba advises at least a second for mainland SMS; a timed-out send is retried by the caller.
        connectTimeout: 5_000,
        readTimeout: 10_000,
      }),
    );
  }

  async send(phone: string, message: OutgoingMessage): Promise<DeliveryReceipt> {
    const templateCode = this.config.templateCodes[message.template];
    if (!templateCode) throw new PermanentDeliveryError(`no Alibaba template code is configured for ${message.template}`);
    let answer: { code?: string; message?: string; bizId?: string } | undefined;
    try {
      ({ body: answer } = await this.client.sendSms(
        new SendSmsRequest({
          phoneNumbers: phone,
          signName: this.config.signName,
          templateCode,
          templateParam: JSON.stringify(message.variables),
          outId: alibabaOutId(message.deliveryKey),
        }),
      ));
    } catch (error) {
      throw refusal(errorCode(error), error instanceof Error ? error.message : String(error));
    }
    if (answer?.code !== 'OK') throw refusal(answer?.code, answer?.message ?? 'no answer body');
    return { via: 'alibaba', providerMessageId: answer.bizId };
  }
}

function refusal(code: string | undefined, detail: string): Error {
  const text = `Alibaba SMS refused: ${code ?? 'no code'} (${detail})`;
  return code && PERMANENT_CODES.has(code) ? new PermanentDeliveryError(text) : new Error(text);
}

/** The SDK's errors for an HTTP 4xx or 5xx answer carry the provider's code. */
function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
