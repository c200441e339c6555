import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PermanentDeliveryError, type OutgoingMessage } from './channel';
import { WECOM_TEXT_MAX_BYTES, WecomWebhookChannel } from './wecom-webhook';

interface ReceivedRequest {
  method: string;
  url: string;
  contentType: string | undefined;
  body: string;
}

/** A WeCom group robot's webhook: `POST /cgi-bin/webhook/send?key=…`, answered `{errcode, errmsg}` with HTTP 200. */
function wecomStandIn() {
  const answers: Record<string, object> = {
    good: { errcode: 0, errmsg: 'ok' },
    removed: { errcode: 93000, errmsg: 'invalid webhook url, hint: [1700000000_1_abc]' },
    busy: { errcode: 45009, errmsg: 'api freq out of limit' },
  };
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
      const key = new URL(req.url ?? '/', 'http://localhost').searchParams.get('key') ?? '';
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify(answers[key]));
    });
  });
  return { server, received };
}

const message: OutgoingMessage = {
  deliveryKey: 'case-7f3a/4/task_dispatched/organisation:org-1',
  template: 'task_dispatched',
  variables: { caseNumber: 'YX20260101-0001', category: '电梯故障', organisationId: 'org-1', due: '1月2日 10:00' },
  text: '新工单：案件YX20260101-0001（电梯故障），请于1月2日 10:00前签收。',
  subject: '新工单：案件YX20260101-0001',
};

describe('WecomWebhookChannel against a local webhook', () => {
  const { server, received } = wecomStandIn();
  const channel = new WecomWebhookChannel();
  let webhook: (key: string) => string;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    webhook = (key) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/cgi-bin/webhook/send?key=${key}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (received.length = 0));

  it('posts the text as a text message to the webhook', async () => {
    const receipt = await channel.send(webhook('good'), message);

    expect(receipt).toEqual({ via: 'wecom' });
    expect(received).toEqual([{ method: 'POST', url: '/cgi-bin/webhook/send?key=good', contentType: 'application/json', body: expect.any(String) }]);
    expect(JSON.parse(received[0].body)).toEqual({ msgtype: 'text', text: { content: message.text } });
  });

  it('refuses for good when the webhook is no longer valid', async () => {
    const sending = channel.send(webhook('removed'), message);

    await expect(sending).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(sending).rejects.toThrow('93000');
  });

  it('leaves the robot\'s rate limit to be retried', async () => {
    const sending = channel.send(webhook('busy'), message);

    await expect(sending).rejects.toThrow('45009');
    await expect(sending).rejects.not.toBeInstanceOf(PermanentDeliveryError);
  });

  it('refuses for good, without posting, a text longer than WeCom takes', async () => {
    const text = '长'.repeat(WECOM_TEXT_MAX_BYTES / 3 + 1);

    await expect(channel.send(webhook('good'), { ...message, text })).rejects.toBeInstanceOf(PermanentDeliveryError);
    expect(received).toHaveLength(0);
  });
});
