import type { INestApplicationContext } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import {
  ApplicationModule,
  caseStreamId,
  EVENT_STORE,
  FileComplaintCommand,
  type CaseCommandResult,
  type YixinConfig,
} from '../../libs/application/src';
import type { EventStore } from '../../libs/event-store/src';
import { readToolPaths } from '../../libs/infra/src/tool-paths';
import { createCaseActivities, toCaseEventMessage } from '../../apps/worker/src/case-activities';
import { caseEventSignal, caseWorkflow } from '../../workflows/src/case.workflow';
import { sampleComplaint, temporaryDirectory, testConfig, eventually } from '../support/harness';

/** Deadlines measured in hours, tested in seconds: Temporal's time-skipping test server. */
describe('the case workflow on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let context: INestApplicationContext;
  let config: YixinConfig;
  let store: EventStore;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: readToolPaths().temporalTestServer } },
    });
    config = testConfig(temporaryDirectory(), 'unused: the test environment provides the connection');
    @Module({ imports: [ApplicationModule.forRoot(config)] })
    class ActivitiesModule {}
    context = await NestFactory.createApplicationContext(ActivitiesModule, { logger: false });
    store = context.get(EVENT_STORE);
  });

  afterAll(async () => {
    await context?.close();
    await env?.teardown();
  });

  it('reminds the company when the sign-for deadline passes, and only once', async () => {
    const commandBus = context.get(CommandBus);
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: config.temporal.taskQueue,
      workflowsPath: require.resolve('../../workflows/src'),
      activities: createCaseActivities(commandBus, store, config),
    });
    const staff = { userId: 'user-staff-xiangyuan', role: 'community_staff' as const, organisationId: 'xiangyuan' };
    const filed: CaseCommandResult = await commandBus.execute(new FileComplaintCommand(staff, sampleComplaint()));
    const streamId = caseStreamId(filed.caseId);
    const types = async () => (await store.readStream(streamId)).map((event) => event.type);

    await worker.runUntil(async () => {
      const [complaintFiled] = await store.readStream(streamId);
      await env.client.workflow.signalWithStart(caseWorkflow, {
        workflowId: filed.caseId,
        taskQueue: config.temporal.taskQueue,
        args: [{ caseId: filed.caseId }],
        signal: caseEventSignal,
        signalArgs: [toCaseEventMessage(complaintFiled)],
      });
      await eventually(async () => ((await types()).includes('TaskDispatched') ? true : undefined), 'the dispatch');
      expect(await types()).toEqual(['ComplaintFiled', 'TaskDispatched']);

      await env.sleep('1 hour');
      expect(await types()).toEqual(['ComplaintFiled', 'TaskDispatched']);

      await env.sleep('90 minutes');
      await eventually(async () => ((await types()).includes('SignForReminderSent') ? true : undefined), 'the reminder');

      await env.sleep('2 days');
      expect(await types()).toEqual(['ComplaintFiled', 'TaskDispatched', 'SignForReminderSent']);
    });

    const [, dispatched, reminder] = await store.readStream(streamId);
    expect(reminder.data).toMatchObject({
      taskId: dispatched.data.taskId,
      assigneeOrganisationId: 'pc-beichen-aoyuan',
      signForBy: dispatched.data.signForBy,
    });
    const lateness = Date.parse(reminder.data.remindedAt as string) - Date.parse(dispatched.data.signForBy as string);
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(60_000);
    expect(reminder.metadata.actor).toEqual({ userId: 'case-workflow', role: 'system', organisationId: 'shushan-center' });
  });
});
