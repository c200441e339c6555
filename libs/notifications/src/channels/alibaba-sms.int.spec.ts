import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlibabaSmsChannel, alibabaOutId, type AlibabaSmsConfig } from './alibaba-sms';
import { PermanentDeliveryError, type OutgoingMessage } from './channel';

const ACCESS_KEY_ID = 'LTAI-test-key';
const ACCESS_KEY_SECRET = 'test-secret-不外传';

interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** Alibaba Cloud SMS as the SDK meets it: RPC style, ACS3-HMAC-SHA256 signed, business refusals in a 200 answer. */
function alibabaStandIn(answerFor: (request: ReceivedRequest) => object) {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const [path, rawQuery = ''] = (req.url ?? '/').split('?');
      const request = { method: req.method ?? '', path, query: parseQuery(rawQuery), headers: req.headers, body: Buffer.concat(chunks) };
      received.push(request);
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify(answerFor(request)));
    });
  });
  return { server, received };
}

/** The query as sent, each value decoded once (no `+` as space: the SDK encodes spaces as %20). */
function parseQuery(rawQuery: string): Record<string, string> {
  return Object.fromEntries(
    rawQuery
      .split('&')
      .filter(Boolean)
      .map((pair) => {
        const [key, value = ''] = pair.split('=');
        return [decodeURIComponent(key), decodeURIComponent(value)];
      }),
  );
}

/** Alibaba's percent-encoding for signing: RFC 3986, so `!'()*` too. */
function acsEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The ACS3-HMAC-SHA256 signature recomputed from what arrived, as Alibaba's gateway checks it. */
function expectedAuthorization(request: ReceivedRequest, secret: string): string {
  const canonicalQuery = Object.keys(request.query)
    .sort()
    .map((key) => `${key}=${acsEncode(request.query[key])}`)
    .join('&');
  const signedHeaders = Object.keys(request.headers)
    .filter((name) => name.startsWith('x-acs-') || name === 'host' || name === 'content-type')
    .sort();
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${String(request.headers[name]).trim()}\n`).join('');
  const payloadHash = createHash('sha256').update(request.body).digest('hex');
  const canonicalRequest = [request.method, request.path, canonicalQuery, canonicalHeaders, signedHeaders.join(';'), payloadHash].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  const signature = createHmac('sha256', secret).update(stringToSign).digest('hex');
  return `ACS3-HMAC-SHA256 Credential=${ACCESS_KEY_ID},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`;
}

const message: OutgoingMessage = {
  deliveryKey: 'case-7f3a/3/resident_receipt/resident',
  template: 'resident_receipt',
  variables: { category: '电梯故障', caseNumber: 'YX20260101-0001', checkCode: '4821', link: 'http://127.0.0.1/r/YX20260101-0001/4821' },
  text: '您反映的电梯故障问题已受理',
  subject: '案件YX20260101-0001已受理',
};

describe('AlibabaSmsChannel against a local Alibaba SMS stand-in', () => {
  const answers: Record<string, object> = {
    '13800000000': { Code: 'OK', Message: 'OK', BizId: '900619746936498440^0', RequestId: 'F655A8D5-B967-440B-8683-DAD6FF8DE990' },
    '13800000001': { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号', RequestId: 'A2B1C0D9-0000-4000-8000-000000000001' },
    '13800000002': { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发分钟级流控Permits:1', RequestId: 'A2B1C0D9-0000-4000-8000-000000000002' },
  };
  const { server, received } = alibabaStandIn((request) => answers[request.query.PhoneNumbers]);
  let channel: AlibabaSmsChannel;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const config: AlibabaSmsConfig = {
      provider: 'alibaba',
      accessKeyId: ACCESS_KEY_ID,
      accessKeySecret: ACCESS_KEY_SECRET,
      endpoint: `127.0.0.1:${(server.address() as AddressInfo).port}`,
      protocol: 'http',
      signName: '一心',
      templateCodes: { resident_receipt: 'SMS_300000001' },
    };
    channel = new AlibabaSmsChannel(config);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (received.length = 0));

  it('sends SendSms through the SDK, signed, with the template code, its variables and the OutId, and returns the BizId', async () => {
    const receipt = await channel.send('13800000000', message);

    expect(receipt).toEqual({ via: 'alibaba', providerMessageId: '900619746936498440^0' });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/');
    expect(request.headers['x-acs-action']).toBe('SendSms');
    expect(request.headers['x-acs-version']).toBe('2017-05-25');
    expect(request.query).toEqual({
      PhoneNumbers: '13800000000',
      SignName: '一心',
      TemplateCode: 'SMS_300000001',
      TemplateParam: JSON.stringify(message.variables),
      OutId: message.deliveryKey,
    });
    expect(JSON.parse(request.query.TemplateParam)).toEqual(message.variables);
    expect(request.headers['x-acs-content-sha256']).toBe(createHash('sha256').update(request.body).digest('hex'));
    expect(request.headers['x-acs-signature-nonce']).toMatch(/^[0-9a-f]{64}$/);
    expect(request.headers.authorization).toBe(expectedAuthorization(request, ACCESS_KEY_SECRET));
    expect(request.headers.authorization).not.toBe(expectedAuthorization(request, 'another-secret'));
  });

  it('refuses for good what Alibaba refuses for good (an illegal number)', async () => {
    const sending = channel.send('13800000001', message);

    await expect(sending).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(sending).rejects.toThrow('isv.MOBILE_NUMBER_ILLEGAL');
  });

  it('leaves throttling to be retried', async () => {
    const sending = channel.send('13800000002', message);

    await expect(sending).rejects.toThrow('isv.BUSINESS_LIMIT_CONTROL');
    await expect(sending).rejects.not.toBeInstanceOf(PermanentDeliveryError);
  });

  it('refuses for good a template with no configured code, without calling Alibaba', async () => {
    await expect(channel.send('13800000000', { ...message, template: 'resident_closed' })).rejects.toBeInstanceOf(PermanentDeliveryError);
    expect(received).toHaveLength(0);
  });

  it('sends a long delivery key as a SHA-256 prefix, one OutId per key', async () => {
    const deliveryKey = `${'c'.repeat(36)}/12/deadline_warning/organisation:${'o'.repeat(36)}/0.5`;

    await channel.send('13800000000', { ...message, deliveryKey });

    expect(received[0].query.OutId).toBe(createHash('sha256').update(deliveryKey).digest('hex').slice(0, 32));
    expect(alibabaOutId(deliveryKey)).toBe(alibabaOutId(deliveryKey));
  });
});
