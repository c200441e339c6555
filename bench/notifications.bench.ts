import { caseNumberOf } from '@yixin/domain';
import type { EventStore } from '@yixin/event-store';
import { sampleComplaint, startE2eApp, startSmtpCatcher, type E2eApp, type SmtpCatcher } from '@yixin/testing';
import { percentile, round, type Benchmark, type Figure } from './bench-kit';
import { now, runBounded, sleep, sorted } from './whole-life-probes';

/**
 * Notifications on the embedded app (API + worker in this process, SQLite, a Temporal dev server),
 * email to a real SMTP server in this process, SMS and WeCom to the local outbox:
 * - from a TaskDispatched event in the log to the company's mail accepted by the SMTP server, at a
 *   steady NOTIFICATIONS_RATE cases a second (20) for NOTIFICATIONS_SECONDS (30);
 * - filing at full speed (NOTIFICATIONS_BURST cases, 20 at a time): filings a second, against the
 *   deliveries a second (all channels) the worker keeps up while it files, and how long it takes
 *   to have delivered the burst's messages.
 */
const settings = {
  rate: numberFromEnv('NOTIFICATIONS_RATE', 20),
  seconds: numberFromEnv('NOTIFICATIONS_SECONDS', 30),
  burst: numberFromEnv('NOTIFICATIONS_BURST', 600),
};

function numberFromEnv(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name} must be a positive number, not ${value}`);
  return parsed;
}

/** Messages a filed case is sent at once: receipt and dispatch notice (SMS), the new task (email and WeCom). */
const MESSAGES_PER_FILING = 4;

export const notifications: Benchmark = {
  title: 'Notifications: from the event to the SMTP server, and keeping up with filings',
  async run() {
    const smtp = await startSmtpCatcher();
    const e2e = await startE2eApp({
      env: { SMTP_URL: smtp.url, YIXIN_WECOM: 'outbox', YIXIN_RESIDENT_LINK_SECRET: 'bench', YIXIN_QUIET_HOURS: 'off', RATE_LIMIT_WRITES_PER_MINUTE: '1000000' },
      users: { staff: 'staff.xiangyuan' },
    });
    try {
      return [...(await steadyLatency(e2e, smtp)), ...(await burst(e2e))];
    } finally {
      await e2e.stop();
      await smtp.stop();
    }
  },
};

async function fileCase(e2e: E2eApp): Promise<string> {
  const filed = await e2e.api.request('POST', '/cases', e2e.tokens.staff, sampleComplaint());
  if (filed.status !== 201) throw new Error(`filing answered ${filed.status}: ${JSON.stringify(filed.body)}`);
  return filed.body.caseId as string;
}

async function steadyLatency(e2e: E2eApp, smtp: SmtpCatcher): Promise<Figure[]> {
  const total = Math.round(settings.rate * settings.seconds);
  const started = now();
  const filings: Array<Promise<string>> = [];
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / settings.rate - now();
    if (wait > 0) await sleep(wait);
    filings.push(fileCase(e2e));
  }
  const caseIds = await Promise.all(filings);
  const byNumber = new Map(caseIds.map((caseId) => [caseNumberOf(caseId), caseId]));
  const mailOf = new Map<string, number>();
  const deadline = now() + 120_000;
  while (mailOf.size < caseIds.length && now() < deadline) {
    for (const { mail, acceptedAt } of smtp.received) {
      const number = mail.subject?.match(/案件([0-9a-f]{8})/)?.[1];
      const caseId = number && byNumber.get(number);
      if (caseId && mail.subject?.startsWith('新工单') && !mailOf.has(caseId)) mailOf.set(caseId, acceptedAt);
    }
    await sleep(200);
  }
  const totals = await Promise.all([...mailOf].map(async ([caseId, acceptedAt]) => acceptedAt - (await dispatchedAt(e2e.store, caseId))));
  const p = (at: number) => round(percentile(sorted(totals), at));
  return [
    { name: `event → mail accepted, p50 (${settings.rate} cases/s for ${settings.seconds} s)`, value: p(50), unit: 'ms' },
    { name: 'event → mail accepted, p99', value: p(99), unit: 'ms', note: `${mailOf.size} of ${caseIds.length} mails arrived` },
  ];
}

/** When the case's TaskDispatched, whose mail this is, was recorded. */
async function dispatchedAt(store: EventStore, caseId: string): Promise<number> {
  const events = await store.readStream(`case-${caseId}`);
  return Date.parse(events.find((event) => event.type === 'TaskDispatched')!.recordedAt);
}

async function burst(e2e: E2eApp): Promise<Figure[]> {
  const sentBefore = await sentCount(e2e.store);
  const started = now();
  await runBounded(settings.burst, 20, () => fileCase(e2e));
  const filingSeconds = (now() - started) / 1000;
  const sentWhileFiling = (await sentCount(e2e.store)) - sentBefore;
  const expected = settings.burst * MESSAGES_PER_FILING;
  let delivered = sentWhileFiling;
  const deadline = now() + 600_000;
  while (delivered < expected && now() < deadline) {
    await sleep(500);
    delivered = (await sentCount(e2e.store)) - sentBefore;
  }
  const drainSeconds = (now() - started) / 1000;
  return [
    { name: `filings at full speed (${settings.burst} cases, 20 at a time)`, value: round(settings.burst / filingSeconds), unit: 'cases/s' },
    {
      name: 'deliveries while filing (all channels)',
      value: round(sentWhileFiling / filingSeconds),
      unit: 'messages/s',
      baseline: { name: 'messages the filings call for', value: round((settings.burst * MESSAGES_PER_FILING) / filingSeconds) },
    },
    { name: 'the burst’s messages all delivered after', value: round(drainSeconds), unit: 's', note: `${delivered} of ${expected}; ${round(delivered / drainSeconds)} messages/s on average` },
  ];
}

/** NotificationSent events in the whole log. */
async function sentCount(store: EventStore): Promise<number> {
  let count = 0;
  let after = 0;
  for (;;) {
    const batch = await store.readAll(after, 10_000);
    if (batch.length === 0) return count;
    count += batch.filter((event) => event.type === 'NotificationSent').length;
    after = batch[batch.length - 1].globalPosition;
  }
}
