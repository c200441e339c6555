import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { caseNumberOf, checkCodeOf, residentLinkOf } from '@yixin/resident-access';
import { LocalOutbox, type OutboxMessage } from '@yixin/notifications';
import type { EventStore, RecordedEvent } from '@yixin/event-store';
import { notificationStreamId, readCaseStream } from '@yixin/case-stream';
import { readStreamOrEmpty } from '@yixin/event-store';
import { waitingMessagesQuery } from '../../workflows/src/case.workflow';
import { eventually, sampleComplaint, startE2eApp, startSmtpCatcher, type ApiClient, type E2eApp, type SmtpCatcher } from '@yixin/testing';

const LINK_SECRET = 'notifications-e2e-link-secret';

/** Sign for within 18 s (warned after 9 s and 14.4 s), reminded 1.8 s after, escalated to the street 3.6 s after that. */
const FAST_SIGN_FOR = {
  tasks: { elevator: { normal: { signFor: { hours: 0.005 } } } },
  followUp: { normal: { remindAfter: { hours: 0.0005 }, escalateAfter: { hours: 0.001 } } },
};

const notificationsEnv = (smtp: SmtpCatcher, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  SMTP_URL: smtp.url,
  MAIL_FROM: '一心通知 <notify@yixin.test>',
  YIXIN_WECOM: 'outbox',
  YIXIN_RESIDENT_LINK_SECRET: LINK_SECRET,
  YIXIN_QUIET_HOURS: 'off',
  ...extra,
});

async function outboxOf(e2e: E2eApp, caseId: string): Promise<OutboxMessage[]> {
  const { items } = await e2e.app.get(LocalOutbox).list({ limit: 500 });
  return items.filter((message) => message.deliveryKey.startsWith(`${caseId}/`)).reverse();
}

/** The mails about a case (its number in the text), to an address containing `to` if given. */
function mailsOf(smtp: SmtpCatcher, caseId: string, to?: string): SmtpCatcher['received'] {
  return smtp.received.filter(({ mail }) => mail.text?.includes(caseNumberOf(caseId)) && (to === undefined || JSON.stringify(mail.to ?? '').includes(to)));
}

const notificationEvents = (store: EventStore, caseId: string): Promise<RecordedEvent[]> => readStreamOrEmpty(store, notificationStreamId(caseId));

/**
 * Notifications on the real system: each case's workflow planning and sending its messages on a real
 * Temporal server, email to a real SMTP server, SMS and WeCom to the local outbox; every outcome in
 * the log beside the case.
 */
describe('notifications', () => {
  let smtp: SmtpCatcher;
  let e2e: E2eApp;
  let api: ApiClient;
  let staff: string;
  let company: string;
  let auditor: string;

  beforeAll(async () => {
    smtp = await startSmtpCatcher();
    e2e = await startE2eApp({
      env: notificationsEnv(smtp),
      deadlinePolicy: FAST_SIGN_FOR,
      users: { staff: 'staff.xiangyuan', company: 'pc.beichen-aoyuan', auditor: 'auditor' },
    });
    ({ api } = e2e);
    ({ staff, company, auditor } = e2e.tokens);
  }, 120_000);

  afterAll(async () => {
    await e2e?.stop();
    await smtp?.stop();
  });

  const mailsAbout = (caseId: string, to?: string) => mailsOf(smtp, caseId, to);

  it('tells the resident and the company, warns before the deadline, and records every message beside the case', async () => {
    const filed = await api.request('POST', '/cases', staff, sampleComplaint());
    expect(filed.status).toBe(201);
    const caseId: string = filed.body.caseId;
    const link = residentLinkOf(e2e.config.notifications.residentPageUrl, LINK_SECRET, caseId);

    // The receipt: case number, check code and a link carrying both, to the resident's phone (masked in the outbox).
    const receipt = await eventually(async () => (await outboxOf(e2e, caseId)).find((message) => message.template === 'resident_receipt'), 'the receipt in the outbox', 60_000);
    expect(receipt).toMatchObject({ channel: 'sms', recipient: '138****0000' });
    expect(receipt.text).toContain(caseNumberOf(caseId));
    expect(receipt.text).toContain(checkCodeOf(LINK_SECRET, caseId));
    expect(receipt.text).toContain(link);
    expect(link).toMatch(/\/r\/[0-9a-f]{8}\/[0-9]{6}$/);

    // Dispatched: the resident hears who handles it; the company by email and WeCom.
    await eventually(async () => ((await outboxOf(e2e, caseId)).some((message) => message.template === 'resident_dispatched') ? true : undefined), 'the dispatch notice', 60_000);
    const dispatchMail = await eventually(() => mailsAbout(caseId, 'pc-beichen-aoyuan@demo.yixin.local').find(({ mail }) => mail.subject?.startsWith('新工单')), 'the new task mail', 60_000);
    expect(dispatchMail.mail.from?.value[0]).toEqual({ address: 'notify@yixin.test', name: '一心通知' });
    expect((await outboxOf(e2e, caseId)).find((message) => message.channel === 'wecom' && message.template === 'task_dispatched')).toMatchObject({ recipient: 'pc-beichen-aoyuan' });

    // Two warnings before the sign-for deadline, then the reminder after it, then the escalation.
    const task = (await readCaseStream(e2e.store, caseId)).find((event) => event.type === 'TaskDispatched')!;
    const signForDue = Date.parse((task.data as { deadlines: { sign_for: { due: string } } }).deadlines.sign_for.due);
    const warnings = await eventually(() => {
      const found = mailsAbout(caseId, 'pc-beichen-aoyuan').filter(({ mail }) => mail.subject?.startsWith('时限预警'));
      return found.length >= 2 ? found : undefined;
    }, 'two warnings before the sign-for deadline', 60_000);
    expect(warnings.map(({ mail }) => mail.text?.match(/时限已过(\d+%)/)?.[1])).toEqual(['50%', '80%']);
    for (const { acceptedAt } of warnings) expect(acceptedAt).toBeLessThan(signForDue);
    await eventually(() => mailsAbout(caseId, 'pc-beichen-aoyuan').find(({ mail }) => mail.subject?.startsWith('催办')), 'the reminder', 60_000);
    await eventually(() => mailsAbout(caseId, 'shushan@demo.yixin.local').find(({ mail }) => mail.subject?.includes('升级至本级督办')), 'the street officers told of the escalation', 60_000);

    // Resolved: the resident gets the link to rate it; called back satisfied, closed.
    expect((await api.request('POST', `/cases/${caseId}/task/sign-for`, company)).status).toBe(200);
    expect((await api.request('POST', `/cases/${caseId}/task/resolve`, company, { note: '已更换电梯主板，恢复运行' })).status).toBe(200);
    const resolvedSms = await eventually(async () => (await outboxOf(e2e, caseId)).find((message) => message.template === 'resident_resolved'), 'the resolution SMS', 60_000);
    expect(resolvedSms.text).toContain(link);
    expect((await api.request('POST', `/cases/${caseId}/call-back`, staff, { outcome: 'satisfied', rating: 5 })).status).toBe(200);
    await eventually(async () => ((await outboxOf(e2e, caseId)).some((message) => message.template === 'resident_closed') ? true : undefined), 'the closing SMS', 60_000);

    // Each message once: one mail per Message-ID, one outbox row per delivery.
    const messageIds = mailsAbout(caseId).map(({ mail }) => mail.messageId);
    expect(new Set(messageIds).size).toBe(messageIds.length);
    const outbox = await outboxOf(e2e, caseId);
    expect(new Set(outbox.map((message) => message.deliveryKey)).size).toBe(outbox.length);

    // The auditor reads what was told to whom and when, beside the case, its chain intact, with no phone in it.
    const history = await api.request('GET', `/audit/cases/${caseId}/history`, auditor);
    expect(history.status).toBe(200);
    const { notifications } = history.body;
    expect(notifications.verification).toMatchObject({ intact: true });
    const sent = (notifications.events as Array<{ type: string; data: { template: string; channel: string } }>).filter((event) => event.type === 'NotificationSent');
    expect(new Set(sent.map((event) => `${event.data.template}/${event.data.channel}`))).toEqual(
      new Set([
        'resident_receipt/sms',
        'resident_dispatched/sms',
        'task_dispatched/email',
        'task_dispatched/wecom',
        'deadline_warning/email',
        'deadline_warning/wecom',
        'deadline_reminder/email',
        'deadline_reminder/wecom',
        'case_escalated_assignee/email',
        'case_escalated_assignee/wecom',
        'case_escalated_officers/email',
        'case_escalated_officers/wecom',
        'resident_resolved/sms',
        'resident_closed/sms',
      ]),
    );
    expect(JSON.stringify(notifications.events)).not.toContain('13800000000');
    expect(sent.length).toBe(outbox.length + mailsAbout(caseId).length);
  }, 240_000);

  it('records the messages to a resident whose data was erased as suppressed, and sends them nothing more', async () => {
    const phone = '13911112222';
    const filed = await api.request('POST', '/cases', staff, { ...sampleComplaint(), resident: { name: '李先生', phone } });
    const caseId: string = filed.body.caseId;
    await eventually(async () => ((await outboxOf(e2e, caseId)).some((message) => message.template === 'resident_receipt') ? true : undefined), 'the receipt', 60_000);
    expect((await api.request('POST', '/privacy/erasure', staff, { phone })).status).toBe(200);

    const suppressed = await eventually(async () => {
      const events = await notificationEvents(e2e.store, caseId);
      return events.find((event) => event.type === 'NotificationSuppressed' && (event.data as { template: string }).template === 'resident_dispatched');
    }, 'the dispatch notice recorded as suppressed', 60_000);
    expect(suppressed.data).toMatchObject({ reason: 'personal_data_erased', recipient: { kind: 'resident' } });
    expect((await outboxOf(e2e, caseId)).filter((message) => message.channel === 'sms').map((message) => message.template)).toEqual(['resident_receipt']);
  }, 120_000);
});

describe('notifications in the quiet hours', () => {
  let smtp: SmtpCatcher;
  let e2e: E2eApp;
  let quietUntil: number;

  beforeAll(async () => {
    smtp = await startSmtpCatcher();
    // Quiet from an hour ago (China time) for the next two: whatever the time of the run.
    const startedAt = Date.now();
    const china = (offsetHours: number) => new Date(startedAt + (8 + offsetHours) * 3_600_000).toISOString().slice(11, 16);
    quietUntil = Math.floor((startedAt + 2 * 3_600_000) / 60_000) * 60_000;
    e2e = await startE2eApp({ env: notificationsEnv(smtp, { YIXIN_QUIET_HOURS: `${china(-1)}-${china(2)}` }), users: { staff: 'staff.xiangyuan', company: 'pc.beichen-aoyuan' } });
  }, 120_000);

  afterAll(async () => {
    await e2e?.stop();
    await smtp?.stop();
  });

  it('holds the resident’s messages until the quiet hours end, and tells the company at once', async () => {
    const filed = await e2e.api.request('POST', '/cases', e2e.tokens.staff, sampleComplaint());
    const caseId: string = filed.body.caseId;
    await eventually(async () => ((await outboxOf(e2e, caseId)).some((message) => message.template === 'task_dispatched') ? true : undefined), 'the company told at once', 60_000);
    // The case's workflow holds the resident's messages until the end of the quiet hours.
    const waiting = await (await e2e.temporalClient()).workflow.getHandle(caseId).query(waitingMessagesQuery);
    const toResident = waiting.filter(({ notification }) => notification.recipient.kind === 'resident');
    expect(toResident.map(({ notification }) => [notification.template, Date.parse(notification.sendAt)])).toEqual([
      ['resident_receipt', quietUntil],
      ['resident_dispatched', quietUntil],
    ]);
    expect((await outboxOf(e2e, caseId)).filter((message) => message.channel === 'sms')).toEqual([]);
    expect(await notificationEvents(e2e.store, caseId).then((events) => events.filter((event) => (event.data as { template: string }).template === 'resident_receipt'))).toEqual([]);
  }, 120_000);
});

describe('a worker killed in the middle of deliveries', () => {
  const repoRoot = join(__dirname, '..', '..');
  let smtp: SmtpCatcher;
  let e2e: E2eApp;
  const workers: ChildProcess[] = [];

  /** A worker process of its own on the API's store and task queue, as at scale. */
  const startWorker = () => {
    const { config } = e2e;
    const log = openSync(join(config.dataDir, 'worker.log'), 'a');
    const worker = spawn(process.execPath, ['-r', join(repoRoot, 'test/support/register-ts.js'), join(repoRoot, 'apps/worker/src/main.ts')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...e2e.backendServer.env,
        ...notificationsEnv(smtp),
        YIXIN_DATA_DIR: config.dataDir,
        SQLITE_FILE: config.sqliteFile,
        SQLITE_READ_MODELS_FILE: config.sqliteReadModelsFile,
        SQLITE_SYNCHRONOUS: config.sqliteSynchronous,
        YIXIN_PII_MASTER_KEY: config.piiMasterKey!.toString('base64'),
        TEMPORAL_ADDRESS: config.temporal.address,
        TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
      },
      stdio: ['ignore', log, log],
    });
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    smtp = await startSmtpCatcher();
    e2e = await startE2eApp({ process: 'api', temporal: true, env: notificationsEnv(smtp), users: { staff: 'staff.xiangyuan' } });
  }, 120_000);

  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await e2e?.stop();
    await smtp?.stop();
  });

  it('loses no message and sends none twice', async () => {
    // Every mail's answer held back: the kill lands while mails are on the wire, none of them yet accepted.
    smtp.holdAnswers(5_000);
    const first = startWorker();
    const cases: string[] = [];
    for (let i = 0; i < 6; i++) cases.push((await e2e.api.request('POST', '/cases', e2e.tokens.staff, sampleComplaint())).body.caseId);
    await eventually(() => (smtp.held >= 1 ? true : undefined), 'a mail on the wire', 90_000);
    first.kill('SIGKILL');
    await once(first, 'exit');
    expect(smtp.received).toEqual([]);
    smtp.holdAnswers(0);
    startWorker();

    const wanted = ['resident_receipt/sms', 'resident_dispatched/sms', 'task_dispatched/email', 'task_dispatched/wecom'];
    for (const caseId of cases) {
      const outcomes = await eventually(async () => {
        const events = await notificationEvents(e2e.store, caseId);
        const done = events.map((event) => `${(event.data as { template: string }).template}/${(event.data as { channel: string }).channel}`);
        return wanted.every((delivery) => done.includes(delivery)) ? events : undefined;
      }, `every message of case ${caseId} sent`, 120_000);
      expect(outcomes.map((event) => event.type)).toEqual(Array(wanted.length).fill('NotificationSent'));
      expect(mailsOf(smtp, caseId)).toHaveLength(1);
      const outbox = await outboxOf(e2e, caseId);
      expect(outbox.map((message) => `${message.template}/${message.channel}`).sort()).toEqual(['resident_dispatched/sms', 'resident_receipt/sms', 'task_dispatched/wecom']);
    }
    expect(new Set(smtp.received.map(({ mail }) => mail.messageId)).size).toBe(smtp.received.length);
  }, 300_000);
});
