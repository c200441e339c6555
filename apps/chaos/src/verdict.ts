import { setTimeout as delay } from 'node:timers/promises';
import type { Client as TemporalClient } from '@temporalio/client';
import { Pool } from 'pg';
import { verifyLog } from '@yixin/audit';
import { CASE_STREAM_PREFIX, caseIdOfStream, toCaseEvent } from '@yixin/case-stream';
import { evolveCase, initialCaseState, planNotifications, type CaseState, type NotificationContext } from '@yixin/domain';
import type { EventStore, RecordedEvent } from '@yixin/event-store';
import { PostgresEventStore } from '@yixin/event-store';
import { PROJECTIONS } from '@yixin/platform';
import { PROJECTION_CHECKPOINTS_SCHEMA, rebuildProjections } from '@yixin/projections';
import { PostgresSqlDatabase } from '@yixin/stores';
import { JOURNEYS, type AcknowledgedCommand, type JourneyKind } from './case-journeys';
import type { Fault, FaultKind } from './fault-scheduler';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Verdict {
  checks: Check[];
  commands: { acknowledged: number; lost: number; duplicated: number };
}

export interface LivedCase {
  caseId: string;
  kind: JourneyKind;
}

export interface VerdictInputs {
  /** The cluster's database (the log, the records, the read models). */
  pool: Pool;
  /** The server's URL with a superuser, for a database of the rebuild's own. */
  serverUrl: string;
  temporal: TemporalClient;
  acknowledged: AcknowledgedCommand[];
  cases: LivedCase[];
  /** The mail catcher's web address, if mail went there. */
  mailCatcherUrl?: string;
  /** The workers' notification settings and calendar, to plan the cases' messages again from the log. */
  notifications: NotificationContext;
  faults: readonly Fault[];
}

const QUIET_MS = 5_000;
const SETTLE_TIMEOUT_MS = 5 * 60_000;

/**
 * What must hold after a run through faults, each checked against the log itself: the commands
 * acknowledged are in it exactly once; each case's stream is exactly its journey's (nothing
 * dispatched or reminded twice, no fork); each case's workflow completed; every message the
 * cases' events call for has an outcome, and no notification was recorded twice, nor mailed twice but in the window a kill opens (checkMails); each read model equals a rebuild from the log, row for row; the log verifies.
 */
export async function judge(inputs: VerdictInputs): Promise<Verdict> {
  const store = new PostgresEventStore(inputs.pool);
  const log = await settledLog(store, inputs.pool);
  const checks: Check[] = [];
  const commands = checkCommands(log, inputs.acknowledged);
  checks.push({
    name: 'every acknowledged command is in the log exactly once',
    ok: commands.lost === 0 && commands.duplicated === 0,
    detail: `${commands.acknowledged} acknowledged, ${commands.lost} lost, ${commands.duplicated} duplicated${commands.examples.length ? `: ${commands.examples.join('; ')}` : ''}`,
  });
  checks.push(checkJourneys(log, inputs.cases));
  checks.push(await checkWorkflows(inputs.temporal, inputs.cases));
  checks.push(checkEveryMessageSettled(log, inputs.notifications));
  checks.push(checkNotificationOutcomes(log));
  if (inputs.mailCatcherUrl) checks.push(await checkMails(inputs.mailCatcherUrl, inputs.faults));
  checks.push(await checkProjections(store, inputs.pool, inputs.serverUrl));
  const verification = await verifyLog(store);
  checks.push({
    name: 'the log verifies (hashes, chains, revisions without gap)',
    ok: verification.intact,
    detail: `${verification.eventsChecked} events in ${verification.streamsChecked} streams${verification.problems.length ? `; first problem: ${JSON.stringify(verification.problems[0])}` : ''}`,
  });
  return { checks, commands: { acknowledged: commands.acknowledged, lost: commands.lost, duplicated: commands.duplicated } };
}

/** The whole log, once nothing has been appended for a while and every projection has caught up with it. */
async function settledLog(store: EventStore, pool: Pool): Promise<RecordedEvent[]> {
  const until = Date.now() + SETTLE_TIMEOUT_MS;
  let log = await readWholeLog(store);
  for (;;) {
    await delay(QUIET_MS);
    const again = await readWholeLog(store);
    const head = again.at(-1)?.globalPosition ?? 0;
    const { rows } = await pool.query<{ name: string; position: string }>('SELECT name, position FROM projection_checkpoints');
    const caughtUp = PROJECTIONS.every((projection) => Number(rows.find((row) => row.name === projection.name)?.position ?? 0) >= head);
    if ((again.length === log.length && caughtUp) || Date.now() > until) return again;
    log = again;
  }
}

async function readWholeLog(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let after = 0; ; ) {
    const batch = await store.readAll(after, 10_000);
    if (batch.length === 0) return events;
    events.push(...batch);
    after = batch[batch.length - 1].globalPosition;
  }
}

function checkCommands(log: RecordedEvent[], acknowledged: AcknowledgedCommand[]) {
  const byStream = new Map<string, RecordedEvent[]>();
  const byCommand = new Map<string, number>();
  for (const event of log) {
    byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
    byCommand.set(event.metadata.correlationId, (byCommand.get(event.metadata.correlationId) ?? 0) + 1);
  }
  let lost = 0;
  let duplicated = 0;
  const examples: string[] = [];
  for (const command of acknowledged) {
    const stream = byStream.get(CASE_STREAM_PREFIX + command.caseId) ?? [];
    const first = command.revision - command.appended.length + 1;
    const promised = stream.filter((event) => event.revision >= first && event.revision <= command.revision);
    const commandIds = new Set(promised.map((event) => event.metadata.correlationId));
    const found = promised.length === command.appended.length && commandIds.size === 1 && promised.every((event, index) => event.type === command.appended[index]);
    if (!found) {
      lost += 1;
      if (examples.length < 5) examples.push(`lost: ${command.action} on ${command.caseId} at ${command.revision}`);
      continue;
    }
    const [commandId] = commandIds;
    if (byCommand.get(commandId) !== command.appended.length) {
      duplicated += 1;
      if (examples.length < 5) examples.push(`duplicated: ${command.action} on ${command.caseId} (${byCommand.get(commandId)} events)`);
    }
  }
  return { acknowledged: acknowledged.length, lost, duplicated, examples };
}

function checkJourneys(log: RecordedEvent[], cases: LivedCase[]): Check {
  const types = new Map<string, string[]>();
  for (const event of log) {
    const caseId = caseIdOfStream(event.streamId);
    if (caseId) types.set(caseId, [...(types.get(caseId) ?? []), event.type]);
  }
  const wrong = cases.filter(({ caseId, kind }) => JSON.stringify(types.get(caseId)) !== JSON.stringify(JOURNEYS[kind]));
  return {
    name: "each case's stream is exactly its journey: nothing dispatched, reminded or done twice",
    ok: wrong.length === 0,
    detail:
      wrong.length === 0
        ? `${cases.length} cases: ${Object.keys(JOURNEYS).map((kind) => `${cases.filter((lived) => lived.kind === kind).length} ${kind}`).join(', ')}`
        : wrong.slice(0, 3).map(({ caseId, kind }) => `${caseId} (${kind}): ${types.get(caseId)?.join(',')}`).join('; '),
  };
}

async function checkWorkflows(temporal: TemporalClient, cases: LivedCase[]): Promise<Check> {
  const unfinished: string[] = [];
  for (const { caseId } of cases) {
    const status = await untilAnswered(async () => {
      const handle = temporal.workflow.getHandle(caseId);
      const until = Date.now() + 60_000;
      for (;;) {
        const { status } = await handle.describe();
        if (status.name !== 'RUNNING' || Date.now() > until) return status.name;
        await delay(500);
      }
    });
    if (status !== 'COMPLETED') unfinished.push(`${caseId}: ${status}`);
  }
  return {
    name: "each closed case's workflow completed",
    ok: unfinished.length === 0,
    detail: unfinished.length === 0 ? `${cases.length} workflows completed` : unfinished.slice(0, 5).join('; '),
  };
}

/**
 * The messages the domain's policy plans from each case's events, planned again from the log: each
 * has an outcome (sent, suppressed or failed) on one channel at least. The case's workflow planned
 * them; a message it lost, across a kill or a hand-over to a new run, would have none.
 */
function checkEveryMessageSettled(log: RecordedEvent[], context: NotificationContext): Check {
  const settled = new Set<string>();
  for (const event of log) {
    if (!event.type.startsWith('Notification')) continue;
    const deliveryKey = String((event.data as { deliveryKey: string }).deliveryKey);
    // A delivery's key is its message's and its channel's (deliveryKeyOf).
    settled.add(deliveryKey.slice(0, deliveryKey.lastIndexOf('/')));
  }
  const states = new Map<string, CaseState>();
  let planned = 0;
  const unsettled: string[] = [];
  for (const recorded of log) {
    const caseId = caseIdOfStream(recorded.streamId);
    if (!caseId) continue;
    const before = states.get(caseId) ?? initialCaseState;
    const event = toCaseEvent(recorded);
    for (const { key } of planNotifications(before, event, recorded.revision, context)) {
      planned += 1;
      if (!settled.has(key)) unsettled.push(key);
    }
    states.set(caseId, evolveCase(before, event));
  }
  return {
    name: "every message the cases' events call for has an outcome",
    ok: unsettled.length === 0,
    detail: unsettled.length === 0 ? `${planned} messages planned from the log, each settled` : `${unsettled.length} of ${planned} without an outcome: ${unsettled.slice(0, 3).join('; ')}`,
  };
}

function checkNotificationOutcomes(log: RecordedEvent[]): Check {
  const outcomes = new Map<string, number>();
  for (const event of log) {
    if (!event.type.startsWith('Notification')) continue;
    const key = String((event.data as { deliveryKey: string }).deliveryKey);
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  }
  const twice = [...outcomes].filter(([, count]) => count > 1);
  return {
    name: 'each notification delivery has one outcome in the log',
    ok: twice.length === 0,
    detail: twice.length === 0 ? `${outcomes.size} deliveries recorded` : twice.slice(0, 3).map(([key, count]) => `${key}: ${count}`).join('; '),
  };
}

/** The kills that open the window between a provider's acceptance and its record: the sending worker's, or the database's (the record fails, the delivery is retried). */
const WINDOW_OPENERS: readonly FaultKind[] = ['worker', 'bridge holder', 'projection holder', 'postgres'];
/** How long after a mail was sent its record may still have been pending, under the run's load. */
const RECORD_PENDING_MS = 30_000;

/**
 * The mail catcher holds every mail sent: each Message-ID (derived from the delivery) once, except a
 * mail sent again because its first sending was accepted by the server and a kill came before the
 * record of it (docs/notifications.md: providers deduplicate on nothing, so that window stays). A
 * second copy that no such kill explains fails the check.
 */
async function checkMails(mailCatcherUrl: string, faults: readonly Fault[]): Promise<Check> {
  const mails = await untilAnswered(async () => {
    const response = await fetch(new URL('email', mailCatcherUrl));
    if (!response.ok) throw new Error(`mail catcher: ${response.status}`);
    return (await response.json()) as Array<{ messageId?: string; time?: string }>;
  });
  const sentAt = new Map<string, number[]>();
  for (const mail of mails) {
    const id = mail.messageId ?? '';
    sentAt.set(id, [...(sentAt.get(id) ?? []), Date.parse(mail.time ?? '')]);
  }
  const twice = [...sentAt].filter(([, times]) => times.length > 1);
  const explained = (times: number[]) => {
    const first = Math.min(...times);
    return faults.some((fault) => WINDOW_OPENERS.includes(fault.kind) && fault.at >= first - 1000 && fault.at <= first + RECORD_PENDING_MS);
  };
  const unexplained = twice.filter(([, times]) => !explained(times));
  return {
    name: 'no mail was sent twice, but where a kill came between the server\'s acceptance and the record',
    ok: unexplained.length === 0 && !sentAt.has(''),
    detail:
      `${mails.length} mails, ${sentAt.size} Message-IDs; ${twice.length} sent twice after such a kill` +
      (unexplained.length ? `; unexplained: ${unexplained.slice(0, 3).map(([id, times]) => `${id} ×${times.length}`).join(', ')}` : ''),
  };
}

/** Rebuilds every projection from the log in a database of its own, and compares the tables row for row. */
async function checkProjections(store: EventStore, live: Pool, serverUrl: string): Promise<Check> {
  const database = `yixin_rebuild_${Date.now()}`;
  await live.query(`CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const rebuilt = new Pool({ connectionString: url.toString(), max: 2 });
  rebuilt.on('error', () => undefined);
  try {
    const db = new PostgresSqlDatabase(rebuilt);
    await db.executeScript([PROJECTION_CHECKPOINTS_SCHEMA, ...PROJECTIONS.map((projection) => projection.schema)].join(';\n'));
    const { events } = await rebuildProjections(store, db, PROJECTIONS);
    const differences: string[] = [];
    let rows = 0;
    for (const table of PROJECTIONS.flatMap((projection) => projection.tables)) {
      const [ours, fresh] = await Promise.all([canonicalRows(live, table), canonicalRows(rebuilt, table)]);
      rows += fresh.length;
      const { missing, extra } = multisetDifference(fresh, ours);
      if (missing.length || extra.length) differences.push(`${table}: ${missing.length} rows differ from the rebuild, ${extra.length} not in it (e.g. ${(extra[0] ?? missing[0]).slice(0, 300)})`);
    }
    return {
      name: 'each read model equals a rebuild from the log, row for row',
      ok: differences.length === 0,
      detail: differences.length === 0 ? `${rows} rows in ${PROJECTIONS.length} projections, rebuilt from ${events} events` : differences.join('; '),
    };
  } finally {
    await rebuilt.end();
    await live.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  }
}

/** The rows of `expected` that `actual` lacks, and those it has besides, counting repeats. */
function multisetDifference(expected: string[], actual: string[]): { missing: string[]; extra: string[] } {
  const counts = new Map<string, number>();
  for (const row of expected) counts.set(row, (counts.get(row) ?? 0) + 1);
  const extra: string[] = [];
  for (const row of actual) {
    const left = counts.get(row) ?? 0;
    if (left === 0) extra.push(row);
    else counts.set(row, left - 1);
  }
  const missing = [...counts].flatMap(([row, left]) => Array<string>(left).fill(row));
  return { missing, extra };
}

/**
 * Each row as text with its columns in order, and JSON held in a column as the value it is: the
 * order of an object's keys depends on the path its state took (a key left undefined in memory is
 * dropped by a round trip through the table, and comes back last), not on what it says.
 */
async function canonicalRows(pool: Pool, table: string): Promise<string[]> {
  const { rows } = await pool.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
  return rows.map((row) => JSON.stringify(Object.keys(row).sort().map((column) => [column, canonical(row[column])]))).sort();
}

function canonical(value: unknown): unknown {
  if (typeof value === 'string' && /^[[{]/.test(value)) {
    try {
      return canonical(JSON.parse(value));
    } catch {
      return value;
    }
  }
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value;
}

/** Again until the server answers (Temporal or the mail catcher may have just been restarted). */
async function untilAnswered<T>(ask: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await ask();
    } catch (error) {
      if (attempt >= 60) throw error;
      await delay(1000);
    }
  }
}
