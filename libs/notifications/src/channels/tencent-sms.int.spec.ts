import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_NOTIFICATION_TEMPLATES, NOTIFICATION_TEMPLATES, NOTIFICATION_TEMPLATE_VARIABLES } from '@yixin/domain';
import { PermanentDeliveryError, type OutgoingMessage } from './channel';
import { TencentSmsChannel, tencentTemplateParams, type TencentSmsConfig } from './tencent-sms';

const SECRET_ID = 'AKID-test-id';
const SECRET_KEY = 'test-key-不外传';

interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** Tencent Cloud's API 3.0 as the SDK meets it: POST / with a JSON body, TC3-HMAC-SHA256 signed, the answer under `Response`. */
function tencentStandIn(answerFor: (body: { PhoneNumberSet: string[] }) => object) {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      received.push(request);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Response: answerFor(JSON.parse(request.body.toString('utf8'))) }));
    });
  });
  return { server, received };
}

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * The TC3-HMAC-SHA256 signature recomputed from what arrived, as Tencent's gateway checks it: the
 * service is the host's first label (sms of sms.tencentcloudapi.com), the host signed without its port.
 */
function expectedAuthorization(request: ReceivedRequest, secretKey: string): string {
  const hostname = String(request.headers.host).split(':')[0];
  const service = hostname.split('.')[0];
  const timestamp = Number(request.headers['x-tc-timestamp']);
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
  const canonicalRequest = [request.method, '/', '', `content-type:${request.headers['content-type']}\nhost:${hostname}\n`, 'content-type;host', sha256Hex(request.body)].join('\n');
  const scope = `${date}/${service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', timestamp, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(`TC3${secretKey}`, date), service), 'tc3_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  return `TC3-HMAC-SHA256 Credential=${SECRET_ID}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`;
}

const message: OutgoingMessage = {
  deliveryKey: 'case-7f3a/3/resident_receipt/resident',
  template: 'resident_receipt',
  // Not in the text's order on purpose: the parameters follow the template's default text, not the object.
  variables: { link: 'http://127.0.0.1/r/YX20260101-0001/4821', checkCode: '4821', caseNumber: 'YX20260101-0001', category: '电梯故障' },
  text: '您反映的电梯故障问题已受理',
  subject: '案件YX20260101-0001已受理',
};

const sent = (phone: string) => ({ SerialNo: '5000:1045710669157053657849499619', PhoneNumber: phone, Fee: 1, SessionContext: message.deliveryKey, Code: 'Ok', Message: 'send success', IsoCode: 'CN' });

describe('TencentSmsChannel against a local Tencent Cloud SMS stand-in', () => {
  const answers: Record<string, object> = {
    '+8613800000000': { SendStatusSet: [sent('+8613800000000')], RequestId: 'a0aabda6-cf91-4f3e-a81f-9198114a2279' },
    '+8613800000001': {
      SendStatusSet: [{ ...sent('+8613800000001'), SerialNo: '', Fee: 0, Code: 'InvalidParameterValue.IncorrectPhoneNumber', Message: 'incorrect phone number' }],
      RequestId: 'a0aabda6-cf91-4f3e-a81f-9198114a2270',
    },
    '+8613800000002': { Error: { Code: 'RequestLimitExceeded', Message: 'Your current request times equals to `21` in a second' }, RequestId: 'a0aabda6-cf91-4f3e-a81f-9198114a2271' },
  };
  const { server, received } = tencentStandIn((body) => answers[body.PhoneNumberSet[0]]);
  let channel: TencentSmsChannel;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const config: TencentSmsConfig = {
      provider: 'tencent',
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      endpoint: `127.0.0.1:${(server.address() as AddressInfo).port}`,
      protocol: 'http',
      region: 'ap-guangzhou',
      sdkAppId: '1400006666',
      signName: '一心',
      templateIds: { resident_receipt: '1234567' },
    };
    channel = new TencentSmsChannel(config);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (received.length = 0));

  it('sends SendSms through the SDK, TC3-signed, with the template, its parameters in order and the SessionContext, and returns the SerialNo', async () => {
    const receipt = await channel.send('13800000000', message);

    expect(receipt).toEqual({ via: 'tencent', providerMessageId: '5000:1045710669157053657849499619' });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/');
    expect(request.headers['x-tc-action']).toBe('SendSms');
    expect(request.headers['x-tc-version']).toBe('2021-01-11');
    expect(request.headers['x-tc-region']).toBe('ap-guangzhou');
    expect(JSON.parse(request.body.toString('utf8'))).toEqual({
      PhoneNumberSet: ['+8613800000000'],
      SmsSdkAppId: '1400006666',
      SignName: '一心',
      TemplateId: '1234567',
      TemplateParamSet: tencentTemplateParams('resident_receipt', message.variables),
      SessionContext: message.deliveryKey,
    });
    expect(request.headers.authorization).toBe(expectedAuthorization(request, SECRET_KEY));
    expect(request.headers.authorization).not.toBe(expectedAuthorization(request, 'another-key'));
  });

  it('refuses for good what Tencent refuses for good (an incorrect number)', async () => {
    const sending = channel.send('13800000001', message);

    await expect(sending).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(sending).rejects.toThrow('InvalidParameterValue.IncorrectPhoneNumber');
  });

  it('leaves a rate limit to be retried', async () => {
    const sending = channel.send('13800000002', message);

    await expect(sending).rejects.toThrow('RequestLimitExceeded');
    await expect(sending).rejects.not.toBeInstanceOf(PermanentDeliveryError);
  });

  it('refuses for good, without calling Tencent, a template with no configured id or a variable its text needs', async () => {
    await expect(channel.send('13800000000', { ...message, template: 'resident_closed' })).rejects.toBeInstanceOf(PermanentDeliveryError);
    const { link: _link, ...withoutLink } = message.variables;
    await expect(channel.send('13800000000', { ...message, variables: withoutLink })).rejects.toBeInstanceOf(PermanentDeliveryError);
    expect(received).toHaveLength(0);
  });

  it('numbers every template\'s parameters in the order its default text uses them, whatever the variables\' order', () => {
    for (const template of NOTIFICATION_TEMPLATES) {
      const text = DEFAULT_NOTIFICATION_TEMPLATES[template];
      const variables = Object.fromEntries(NOTIFICATION_TEMPLATE_VARIABLES[template].map((name) => [name, name]).reverse());

      const params = tencentTemplateParams(template, variables);

      const positions = params.map((name) => text.indexOf(`{${name}}`));
      expect(positions.every((position, i) => position >= 0 && (i === 0 || position > positions[i - 1]))).toBe(true);
      expect(params).toHaveLength(new Set(text.match(/\{[^{}]*\}/g)).size);
    }
  });
});
