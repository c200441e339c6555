import type { INestApplicationContext } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { caseStreamId, notificationStreamId, type CaseCommandResult } from '@yixin/case-stream';
import { CasesModule, ExecuteCaseCommand, FileComplaintCommand, type ComplaintForm } from '@yixin/cases';
import { type YixinConfig } from '@yixin/config';
import { DEMO_ORGANISATIONS, DEMO_PASSWORD, DirectoryService } from '@yixin/directory';
import { PlatformModule } from '@yixin/platform';
import { EVENT_STORE } from '@yixin/stores';
import type { Actor, CaseCommand, FileComplaint } from '@yixin/domain';
import { readStreamOrEmpty, type EventStore, type RecordedEvent } from '@yixin/event-store';
import { NotificationDelivery, NotificationsModule } from '@yixin/notifications';
import { addCaseSearchAttributes, readToolPaths } from '@yixin/temporal-tooling';
import { createCaseActivities, toCaseEventMessage } from '../../apps/worker/src/case-activities';
import { caseEventSignal, caseWorkflow } from '../../workflows/src/case.workflow';
import { sampleComplaint, temporaryDirectory, testConfig } from '@yixin/testing';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const staff: Actor = { userId: 'user-staff-xiangyuan', role: 'community_staff', organisationId: 'xiangyuan' };
const company: Actor = { userId: 'user-pc-beichen-aoyuan', role: 'property_company', organisationId: 'pc-beichen-aoyuan' };
const center: Actor = { userId: 'case-workflow', role: 'system', organisationId: 'shushan-center' };

/**
 * Deadlines of hours and working days, tested in seconds on Temporal's time-skipping server, with
 * the real activities (the messages' too, to the local outbox), command bus and SQLite store. The test plays the bridge: after each command
 * it signals the case's events to the workflow, which ignores those it has already applied.
 */
describe('the case workflow’s clocks on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let context: INestApplicationContext;
  let config: YixinConfig;
  let store: EventStore;
  let commandBus: CommandBus;
  let workflowBundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    config = testConfig(temporaryDirectory(), 'unused: the test environment provides the connection', { YIXIN_WECOM: 'outbox' });
    @Module({ imports: [PlatformModule.forRoot(config), CasesModule, NotificationsModule] })
    class ActivitiesModule {}
    context = await NestFactory.createApplicationContext(ActivitiesModule, { logger: false });
    store = context.get(EVENT_STORE);
    commandBus = context.get(CommandBus);
    workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows/src') });
  });

  /** A worker runs once; each test gets its own, with the real activities. */
  async function withWorker(test: () => Promise<void>): Promise<void> {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: config.temporal.taskQueue,
      workflowBundle,
      activities: { ...createCaseActivities(commandBus, store, config), ...context.get(NotificationDelivery).activities() },
    });
    await worker.runUntil(test);
  }

  // A server of its own per test: workflows left waiting by one test cannot hold time still in the next.
  beforeEach(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: readToolPaths().temporalTestServer } },
    });
    await addCaseSearchAttributes(env.connection, env.namespace ?? 'default');
  });

  afterEach(async () => {
    await env?.teardown();
  });

  afterAll(async () => {
    await context?.close();
  });

  const events = (caseId: string): Promise<RecordedEvent[]> => store.readStream(caseStreamId(caseId));
  const types = async (caseId: string) => (await events(caseId)).map((event) => event.type);
  const now = async () => new Date(await env.currentTimeMs()).toISOString();

  /** Signals every event of the case to its workflow, as the bridge would. */
  async function deliver(caseId: string, historyLimit?: number): Promise<void> {
    for (const event of await events(caseId)) {
      await env.client.workflow.signalWithStart(caseWorkflow, {
        workflowId: caseId,
        taskQueue: config.temporal.taskQueue,
        args: [{ caseId, ...(historyLimit === undefined ? {} : { historyLimit }) }],
        signal: caseEventSignal,
        signalArgs: [toCaseEventMessage(event)],
      });
    }
  }

  async function file(complaint: Partial<ComplaintForm> = {}, historyLimit?: number): Promise<string> {
    const filed: CaseCommandResult = await commandBus.execute(
      new FileComplaintCommand(staff, { ...sampleComplaint(), ...complaint }, await now()),
    );
    await deliver(filed.caseId, historyLimit);
    await until(filed.caseId, 'TaskDispatched');
    return filed.caseId;
  }

  type Action = CaseCommand extends infer C ? (C extends CaseCommand ? Omit<C, 'caseId' | 'at'> : never) : never;

  async function act(caseId: string, action: Action, historyLimit?: number): Promise<void> {
    const command = { ...action, caseId, at: await now() } as Exclude<CaseCommand, FileComplaint>;
    await commandBus.execute(new ExecuteCaseCommand(command));
    await deliver(caseId, historyLimit);
  }

  /**
   * Lets the workflow work, skipping time (a second at a time, then hours, for up to 40 days),
   * until the case has an event of this type. Timers fire at their own instants whatever the step.
   */
  async function until(caseId: string, type: string, count = 1): Promise<RecordedEvent> {
    for (let step = 0; step < 20 + 40 * 12; step++) {
      const found = (await events(caseId)).filter((event) => event.type === type);
      if (found.length >= count) return found[count - 1];
      await env.sleep(step < 20 ? 1_000 : 2 * HOUR);
    }
    throw new Error(`case ${caseId} never got ${count} × ${type}; it has ${(await types(caseId)).join(', ')}`);
  }

  const at = (event: RecordedEvent, field: string) => Date.parse(event.data[field] as string);

  const outcomesOfWarnings = async (caseId: string): Promise<RecordedEvent[]> =>
    (await readStreamOrEmpty(store, notificationStreamId(caseId))).filter((event) => event.data.template === 'deadline_warning');

  it('warns the task’s holder at its share of a deadline, and settles the warnings still waiting when the case closes', async () => {
    await withWorker(async () => {
      const caseId = await file({ urgency: 'urgent' });
      // urgent: sign for within 30 minutes, warned at 50% (15 minutes) and 80% of it. The outcomes'
      // times are the activities' clock, not the skipped workflow time: the test looks before and after.
      await env.sleep(0.25 * HOUR - 60_000);
      expect(await outcomesOfWarnings(caseId)).toEqual([]);
      await env.sleep(2 * 60_000);
      const [signForWarning] = await outcomesOfWarnings(caseId);
      expect(signForWarning.type).toBe('NotificationSent');
      expect(signForWarning.data).toMatchObject({ recipient: { organisationId: 'pc-beichen-aoyuan' }, channel: 'wecom', via: 'outbox' });
      expect(String(signForWarning.data.deliveryKey)).toContain('/sign_for@0.5/');

      await act(caseId, { type: 'SignForTask', actor: company });
      await act(caseId, { type: 'ResolveTask', actor: company, note: '已更换电梯门机' });
      await act(caseId, { type: 'RecordCallBack', actor: staff, outcome: 'satisfied', rating: 5 });
      const handle = env.client.workflow.getHandle(caseId);
      expect(await handle.result()).toBe('closed');

      // The warnings of the later deadlines (first response, resolve) were due hours on: they went with
      // the close, and the workflow ended then (in workflow time), not when the last was due.
      const closed = (await events(caseId)).find((event) => event.type === 'CaseClosed')!;
      expect((await handle.describe()).closeTime!.getTime() - at(closed, 'closedAt')).toBeLessThan(60_000);
      const warnings = await outcomesOfWarnings(caseId);
      expect(warnings.filter((event) => event.data.reason === 'case_closed').length).toBeGreaterThanOrEqual(2);
      // One outcome per delivery.
      const keys = warnings.map((event) => event.data.deliveryKey);
      expect(new Set(keys).size).toBe(keys.length);
    });
  });

  it('reminds a missed sign-for when the follow-up is due, then escalates to the street and to the district, and no further', async () => {
    await withWorker(async () => {
      const caseId = await file({ urgency: 'urgent' });
      const dispatched = await until(caseId, 'TaskDispatched');
      const deadlines = dispatched.data.deadlines as Record<string, { due: string; remindAt: string }>;
      // urgent: sign for within 30 minutes, reminded 1 hour after a miss, escalated 4 hours after the reminder.
      expect(Date.parse(deadlines.sign_for.due) - at(dispatched, 'dispatchedAt')).toBe(0.5 * HOUR);
      expect(Date.parse(deadlines.sign_for.remindAt) - Date.parse(deadlines.sign_for.due)).toBe(HOUR);

      await env.sleep(HOUR);
      expect(await types(caseId)).not.toContain('DeadlineReminderSent');

      const reminder = await until(caseId, 'DeadlineReminderSent');
      expect(reminder.data).toMatchObject({ deadline: 'sign_for', due: deadlines.sign_for.due, assigneeOrganisationId: 'pc-beichen-aoyuan' });
      expect(at(reminder, 'remindedAt') - Date.parse(deadlines.sign_for.remindAt)).toBeLessThan(60_000);
      expect(reminder.metadata.actor).toEqual(center);

      const toStreet = await until(caseId, 'CaseEscalated');
      expect(toStreet.data).toMatchObject({ fromTier: 'community', toTier: 'street', reason: 'overdue', supervisorOrganisationId: 'shushan' });
      expect(at(toStreet, 'escalatedAt') - at(reminder, 'escalateAt')).toBeLessThan(60_000);
      expect(at(toStreet, 'escalatedAt') - at(reminder, 'remindedAt')).toBeGreaterThanOrEqual(4 * HOUR);

      const toDistrict = await until(caseId, 'CaseEscalated', 2);
      expect(toDistrict.data).toMatchObject({ fromTier: 'street', toTier: 'district', reason: 'overdue', supervisorOrganisationId: 'xiaoshan' });
      expect(toDistrict.metadata.tier).toBe('street');

      await env.sleep(30 * DAY);
      const escalations = (await events(caseId)).filter((event) => event.type === 'CaseEscalated');
      expect(escalations).toHaveLength(2);
      const reminders = (await events(caseId)).filter((event) => event.type === 'DeadlineReminderSent');
      // Each deadline is reminded once per tier at most: three deadlines, three tiers.
      expect(reminders.length).toBeLessThanOrEqual(9);
    });
  });

  it('stops the clock while paused and moves the deadlines back by the paused time when resumed', async () => {
    await withWorker(async () => {
      const caseId = await file({ urgency: 'urgent' });
      await act(caseId, { type: 'SignForTask', actor: company });
      await act(caseId, { type: 'ReportProgress', actor: company, note: '已电话联系居民' });
      await act(caseId, { type: 'PauseClock', actor: company, reason: '居民外出，约定三天后入户' });
      const pausedAt = at(await until(caseId, 'ClockPaused'), 'pausedAt');
      const before = (await events(caseId)).find((event) => event.type === 'TaskDispatched')!;
      const resolveDue = Date.parse((before.data.deadlines as Record<string, { due: string }>).resolve.due);

      await env.sleep(3 * DAY);
      expect(await types(caseId)).not.toContain('DeadlineReminderSent');

      await act(caseId, { type: 'ResumeClock', actor: company });
      const resumed = await until(caseId, 'ClockResumed');
      const paused = at(resumed, 'resumedAt') - pausedAt;
      const newResolve = (resumed.data.deadlines as Record<string, { due: string; remindAt: string }>).resolve;
      expect(Date.parse(newResolve.due) - resolveDue).toBe(paused);

      const reminders = async () => (await events(caseId)).filter((event) => event.type === 'DeadlineReminderSent').map((event) => event.data.deadline);
      const resolveReminder = await (async () => {
        for (let step = 0; step < 40 * 12; step++) {
          const found = (await events(caseId)).find((event) => event.type === 'DeadlineReminderSent' && event.data.deadline === 'resolve');
          if (found) return found;
          await env.sleep(2 * HOUR);
        }
        throw new Error(`no resolve reminder; reminders: ${(await reminders()).join(', ')}`);
      })();
      expect(at(resolveReminder, 'remindedAt')).toBeGreaterThanOrEqual(Date.parse(newResolve.remindAt));
      expect(at(resolveReminder, 'remindedAt') - Date.parse(newResolve.remindAt)).toBeLessThan(60_000);
    });
  });

  it('reminds on the extended deadline, not the original one, once the extension is granted', async () => {
    await withWorker(async () => {
      const caseId = await file({ urgency: 'urgent' });
      await act(caseId, { type: 'SignForTask', actor: company });
      await act(caseId, { type: 'ReportProgress', actor: company, note: '已联系电梯维保单位' });
      await act(caseId, { type: 'RequestExtension', actor: company, extension: { workingDays: 3 }, reason: '需等待厂家配件' });
      await act(caseId, { type: 'GrantExtension', actor: staff });
      const extended = await until(caseId, 'DeadlineExtended');
      const resolve = extended.data.resolve as { due: string; unit: string; remindAt: string };
      expect(resolve.unit).toBe('working_days');

      const dispatched = (await events(caseId)).find((event) => event.type === 'TaskDispatched')!;
      const originalRemindAt = Date.parse((dispatched.data.deadlines as Record<string, { remindAt: string }>).resolve.remindAt);
      await env.sleep(originalRemindAt - Date.parse(await now()) + HOUR);
      expect(await types(caseId)).not.toContain('DeadlineReminderSent');

      const reminder = await until(caseId, 'DeadlineReminderSent');
      expect(reminder.data).toMatchObject({ deadline: 'resolve', due: resolve.due });
      expect(at(reminder, 'remindedAt')).toBeGreaterThanOrEqual(Date.parse(resolve.remindAt));
    });
  });

  it('escalates a council that does not decide in time to the street', async () => {
    await withWorker(async () => {
      const caseId = await file();
      await act(caseId, { type: 'SignForTask', actor: company });
      await act(caseId, { type: 'ReturnTask', actor: company, reason: 'disputed_responsibility', note: '外墙渗水属开发商保修责任' });
      const referral = await until(caseId, 'CaseReferredToCouncil');
      expect(referral.data).toMatchObject({ council: 'property_council', councilId: 'property-council' });
      expect(referral.metadata.actor).toEqual(center);

      await env.sleep(at(referral, 'decideBy') - Date.parse(await now()) - HOUR);
      expect(await types(caseId)).not.toContain('CaseEscalated');

      const escalated = await until(caseId, 'CaseEscalated');
      expect(escalated.data).toMatchObject({ fromTier: 'community', toTier: 'street', reason: 'council_timeout' });
      expect(at(escalated, 'escalatedAt')).toBeGreaterThanOrEqual(at(referral, 'decideBy'));
      expect(at(escalated, 'escalatedAt') - at(referral, 'decideBy')).toBeLessThan(60_000);

      await env.sleep(30 * DAY);
      expect((await types(caseId)).filter((type) => type === 'CaseEscalated')).toHaveLength(1);
    });
  });

  it('escalates a case redone three times, once', async () => {
    await withWorker(async () => {
      const caseId = await file();
      for (let redo = 1; redo <= 3; redo++) {
        await act(caseId, { type: 'SignForTask', actor: company });
        await act(caseId, { type: 'ResolveTask', actor: company, note: `第${redo}次处理` });
        await act(caseId, { type: 'RecordCallBack', actor: staff, outcome: 'not_satisfied', rating: 2 });
        await until(caseId, 'TaskRedoOrdered', redo);
      }
      const escalated = await until(caseId, 'CaseEscalated');
      expect(escalated.data).toMatchObject({ fromTier: 'community', toTier: 'street', reason: 'redone_three_times' });
      const typesAfter = await types(caseId);
      expect(typesAfter.indexOf('CaseEscalated')).toBeGreaterThan(typesAfter.lastIndexOf('TaskRedoOrdered'));

      await act(caseId, { type: 'SignForTask', actor: company });
      await act(caseId, { type: 'ResolveTask', actor: company, note: '街道督办后彻底修复' });
      await act(caseId, { type: 'RecordCallBack', actor: staff, outcome: 'satisfied', rating: 4 });
      expect(await env.client.workflow.getHandle(caseId).result()).toBe('closed');
      expect((await types(caseId)).filter((type) => type === 'CaseEscalated')).toHaveLength(1);
    });
  });

  it('continues as new when its history grows long, carrying the case on', async () => {
    await withWorker(async () => {
      const historyLimit = 40;
      const caseId = await file({}, historyLimit);
      const handle = env.client.workflow.getHandle(caseId);
      const firstRun = (await handle.describe()).runId;
      for (let redo = 1; redo <= 3; redo++) {
        await act(caseId, { type: 'SignForTask', actor: company }, historyLimit);
        await act(caseId, { type: 'ResolveTask', actor: company, note: `第${redo}次处理` }, historyLimit);
        await act(caseId, { type: 'RecordCallBack', actor: staff, outcome: 'not_satisfied', rating: 2 }, historyLimit);
        await until(caseId, 'TaskRedoOrdered', redo);
      }
      await until(caseId, 'CaseEscalated');
      await act(caseId, { type: 'SignForTask', actor: company }, historyLimit);
      await act(caseId, { type: 'ResolveTask', actor: company, note: '修复' }, historyLimit);
      await act(caseId, { type: 'RecordCallBack', actor: staff, outcome: 'satisfied', rating: 5 }, historyLimit);

      expect(await handle.result()).toBe('closed');
      const lastRun = await handle.describe();
      expect(lastRun.runId).not.toBe(firstRun);
      // A run checks its length between steps, so it may pass the limit by one step's signals and activities,
      // and by the deliveries under way when it hands over or ends.
      // Workflow tasks are left out of the count: a loaded machine times some out and retries them, which
      // adds bookkeeping events (and so continues as new sooner) without the case doing more.
      const { events } = await handle.fetchHistory();
      const workOfTheRun = (events ?? []).filter(
        (event) =>
          !event.workflowTaskScheduledEventAttributes &&
          !event.workflowTaskStartedEventAttributes &&
          !event.workflowTaskCompletedEventAttributes &&
          !event.workflowTaskTimedOutEventAttributes &&
          !event.workflowTaskFailedEventAttributes,
      );
      // The last run also records the outcome of each message carried to it: the close settles every warning still waiting.
      expect(workOfTheRun.length).toBeLessThan(3.5 * historyLimit);
      // Nothing was done twice across the runs: one dispatch, three redos, one escalation.
      const all = await types(caseId);
      expect(all.filter((type) => type === 'TaskDispatched')).toHaveLength(1);
      expect(all.filter((type) => type === 'TaskRedoOrdered')).toHaveLength(3);
      expect(all.filter((type) => type === 'CaseEscalated')).toHaveLength(1);
    });
  });

  it('tries a refused step again every hour: once the compound has its owners’ committee, the task is dispatched to it', async () => {
    await withWorker(async () => {
      const directory = context.get(DirectoryService);
      const newCourt = { id: 'new-court', kind: 'compound' as const, name: '新园', parentId: 'xiangyuan', propertyCompanyId: 'pc-beichen-aoyuan' };
      await directory.seed([...DEMO_ORGANISATIONS, newCourt], [], DEMO_PASSWORD, []);
      const sample = sampleComplaint();
      const filed: CaseCommandResult = await commandBus.execute(
        new FileComplaintCommand(staff, { ...sample, category: 'maintenance_fund', location: { ...sample.location, compoundId: 'new-court' } }, await now()),
      );
      const caseId = filed.caseId;
      await deliver(caseId);
      await env.sleep(3 * HOUR);
      expect(await types(caseId)).toEqual(['ComplaintFiled']);

      const committee = { id: 'oc-new-court', kind: 'owners_committee' as const, name: '新园业主委员会', parentId: 'new-court' };
      await directory.seed([...DEMO_ORGANISATIONS, newCourt, committee], [], DEMO_PASSWORD, []);
      const dispatched = await until(caseId, 'TaskDispatched');
      expect(dispatched.data).toMatchObject({ assigneeOrganisationId: 'oc-new-court', assigneeKind: 'owners_committee' });
      const [complaintFiled] = await events(caseId);
      expect(at(dispatched, 'dispatchedAt') - at(complaintFiled, 'filedAt')).toBeGreaterThanOrEqual(3 * HOUR);
    });
  });
});
