import type { YixinConfig } from '@yixin/config';
import { DEFAULT_NOTIFICATION_TEMPLATES, type NotificationChannel, type NotificationTemplate } from '@yixin/domain';
import { sms } from 'tencentcloud-sdk-nodejs-sms';
import { PermanentDeliveryError, type DeliveryReceipt, type MessageChannel, type OutgoingMessage } from './channel';

export type TencentSmsConfig = Extract<YixinConfig['notifications']['sms'], { provider: 'tencent' }>;

type SmsClient = InstanceType<typeof sms.v20210111.Client>;

/**
 * Tencent's answers that no retry can change (https://cloud.tencent.com/document/api/382/59177): the
 * number, the template, the sign or the parameters are wrong, or the number opted out. Any other code
 * (LimitExceeded.*, RequestLimitExceeded, InternalError.*) is retried.
 */
const PERMANENT_CODES = new Set([
  'InvalidParameterValue.IncorrectPhoneNumber',
  'InvalidParameterValue.TemplateParameterFormatError',
  'InvalidParameterValue.TemplateParameterLengthLimit',
  'InvalidParameterValue.ContentLengthLimit',
  'InvalidParameterValue.ProhibitedUseUrlInTemplateParameter',
  'FailedOperation.TemplateIncorrectOrUnapproved',
  'FailedOperation.SignatureIncorrectOrUnapproved',
  'FailedOperation.MissingTemplateToModify',
  'FailedOperation.PhoneNumberInBlacklist',
  'FailedOperation.ContainSensitiveWord',
  'UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber',
]);

/** SessionContext is echoed back in Tencent's receipts and must stay under 512 bytes. */
const SESSION_CONTEXT_MAX_BYTES = 511;

/** SMS through Tencent Cloud SMS (SendSms, API 2021-01-11), with the official SDK. */
export class TencentSmsChannel implements MessageChannel {
  readonly channel: NotificationChannel = 'sms';
  private readonly client: SmsClient;

  constructor(private readonly config: TencentSmsConfig) {
    this.client = new sms.v20210111.Client({
      credential: { secretId: config.secretId, secretKey: config.secretKey },
      region: config.region,
      profile: { httpProfile: { endpoint: config.endpoint, protocol: `${config.protocol}://`, reqTimeout: 10 } },
    });
  }

  async send(phone: string, message: OutgoingMessage): Promise<DeliveryReceipt> {
    const templateId = this.config.templateIds[message.template];
    if (!templateId) throw new PermanentDeliveryError(`no Tencent template id is configured for ${message.template}`);
    if (Buffer.byteLength(message.deliveryKey) > SESSION_CONTEXT_MAX_BYTES) throw new PermanentDeliveryError('the delivery key is too long for Tencent SessionContext');
    const templateParams = tencentTemplateParams(message.template, message.variables);
    let statuses;
    try {
      ({ SendStatusSet: statuses } = await this.client.SendSms({
        PhoneNumberSet: [e164(phone)],
        SmsSdkAppId: this.config.sdkAppId,
        SignName: this.config.signName,
        TemplateId: templateId,
        TemplateParamSet: templateParams,
        SessionContext: message.deliveryKey,
      }));
    } catch (error) {
      throw refusal(errorCode(error), error instanceof Error ? error.message : String(error));
    }
    const status = statuses?.[0];
    if (status?.Code !== 'Ok') throw refusal(status?.Code, status?.Message ?? 'no send status');
    return { via: 'tencent', providerMessageId: status.SerialNo };
  }
}

/**
 * Tencent's templates number their parameters ({1}, {2}…) instead of naming them. The n-th is the
 * n-th variable of yixin's default text of the template (not of the operators' override, which may
 * reorder them), so a template registered at Tencent from the default text gets its parameters in order.
 */
export function tencentTemplateParams(template: NotificationTemplate, variables: Readonly<Record<string, string>>): string[] {
  const names = [...new Set(Array.from(DEFAULT_NOTIFICATION_TEMPLATES[template].matchAll(/\{([^{}]*)\}/g), (match) => match[1]))];
  const missing = names.filter((name) => !Object.hasOwn(variables, name));
  if (missing.length > 0) throw new PermanentDeliveryError(`${template} needs {${missing.join('}, {')}} for Tencent's template parameters`);
  return names.map((name) => variables[name]);
}

/** Tencent wants +[country code][number]; yixin's phones are mainland numbers unless written with their own prefix. */
function e164(phone: string): string {
  return phone.startsWith('+') ? phone : `+86${phone}`;
}

function refusal(code: string | undefined, detail: string): Error {
  const text = `Tencent SMS refused: ${code ?? 'no code'} (${detail})`;
  return code && PERMANENT_CODES.has(code) ? new PermanentDeliveryError(text) : new Error(text);
}

/** The SDK's error for an answer carrying `Response.Error` holds its code. */
function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}
