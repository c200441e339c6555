import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { PermanentDeliveryError, type OutgoingMessage } from './channel';
import { SmtpEmailChannel, deliveryMessageId } from './smtp-email';

/** A plain SMTP server (no TLS, no auth, as a local mail catcher) that refuses two addresses: one for good, one for now. */
function smtpServer() {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const refusals: Record<string, [number, string]> = {
        'nobody@example.cn': [550, 'No such user here'],
        'full@example.cn': [452, 'Mailbox full, try again later'],
      };
      const refusal = refusals[address.address];
      callback(refusal ? Object.assign(new Error(refusal[1]), { responseCode: refusal[0] }) : null);
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
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

describe('SmtpEmailChannel against a local SMTP server', () => {
  const { server, received } = smtpServer();
  let channel: SmtpEmailChannel;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    channel = new SmtpEmailChannel({ url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, from: '一心通知 <notify@yixin.example.cn>' });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (received.length = 0));

  it('mails the text, in Chinese intact, with a Message-ID made from the delivery key', async () => {
    const receipt = await channel.send('wuye@example.cn', message);

    expect(receipt).toEqual({ via: 'smtp', providerMessageId: deliveryMessageId(message.deliveryKey) });
    expect(received).toHaveLength(1);
    const [mail] = received;
    expect(mail.from?.value).toEqual([{ address: 'notify@yixin.example.cn', name: '一心通知' }]);
    expect(mail.to).toMatchObject({ value: [{ address: 'wuye@example.cn', name: '' }] });
    expect(mail.subject).toBe(message.subject);
    expect(mail.text?.trim()).toBe(message.text);
    expect(mail.messageId).toBe(deliveryMessageId(message.deliveryKey));
    expect(mail.messageId).toMatch(/^<[0-9a-f]{64}@yixin>$/);
  });

  it('gives a resent delivery the same Message-ID, another delivery another', async () => {
    await channel.send('wuye@example.cn', message);
    await channel.send('wuye@example.cn', message);
    await channel.send('wuye@example.cn', { ...message, deliveryKey: `${message.deliveryKey}/0.5` });

    const ids = received.map((mail) => mail.messageId);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('refuses for good what the server refuses with a 5xx', async () => {
    const sending = channel.send('nobody@example.cn', message);

    await expect(sending).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(sending).rejects.toThrow('550');
  });

  it('leaves a 4xx refusal to be retried', async () => {
    const sending = channel.send('full@example.cn', message);

    await expect(sending).rejects.toThrow('452');
    await expect(sending).rejects.not.toBeInstanceOf(PermanentDeliveryError);
  });

  it('leaves a server it cannot reach to be retried', async () => {
    const unreachable = new SmtpEmailChannel({ url: 'smtp://127.0.0.1:1', from: 'notify@yixin.example.cn' });

    await expect(unreachable.send('wuye@example.cn', message)).rejects.not.toBeInstanceOf(PermanentDeliveryError);
  });
});
