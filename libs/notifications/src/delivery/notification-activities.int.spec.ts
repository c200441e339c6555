import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { readCaseStream, toCaseEvent, type CaseCommandResult } from '@yixin/case-stream';
import { CasesModule, ExecuteCaseCommand, FileComplaintCommand } from '@yixin/cases';
import { commandOfStep, foldCase, nextCaseStep, systemActor, type Actor, type CaseCommand, type FileComplaint } from '@yixin/domain';
import type { CheckpointStore, EventStore } from '@yixin/event-store';
import { PlatformModule } from '@yixin/platform';
import { CHECKPOINT_STORE, EVENT_STORE } from '@yixin/stores';
import { sampleComplaint, temporaryDirectory, testConfig } from '@yixin/testing';
import type { NotificationActivities } from '../../../../workflows/src/notification-messages';
import { NotificationsModule } from '../notifications.module';
import { FORMER_PLANNER_CHECKPOINT } from './notification-activities';
import { NotificationDelivery } from './notification-delivery';

const staff: Actor = { userId: 'user-staff-xiangyuan', role: 'community_staff', organisationId: 'xiangyuan' };

/** planMessages on a real SQLite store, over cases filed and dispatched through the command bus. */
describe('planMessages', () => {
  let context: INestApplicationContext;
  let store: EventStore;
  let checkpoints: CheckpointStore;
  let commandBus: CommandBus;
  let activities: NotificationActivities;
  const config = testConfig(temporaryDirectory(), 'unused: no Temporal here', { YIXIN_WECOM: 'outbox' });

  beforeAll(async () => {
    @Module({ imports: [PlatformModule.forRoot(config), CasesModule, NotificationsModule] })
    class TestModule {}
    context = await NestFactory.createApplicationContext(TestModule, { logger: false });
    store = context.get(EVENT_STORE);
    checkpoints = context.get(CHECKPOINT_STORE);
    commandBus = context.get(CommandBus);
    activities = context.get(NotificationDelivery).activities();
  });

  afterAll(async () => {
    await context?.close();
  });

  /** A case filed (revision 0) and dispatched by the center as its workflow would (revision 1). */
  async function dispatchedCase(): Promise<string> {
    const { caseId }: CaseCommandResult = await commandBus.execute(new FileComplaintCommand(staff, sampleComplaint(), new Date().toISOString()));
    const state = foldCase((await readCaseStream(store, caseId)).map(toCaseEvent));
    const step = nextCaseStep(state, Date.now());
    if (step.kind !== 'issue') throw new Error(`a filed case's next step is ${step.kind}`);
    const dispatch = commandOfStep(step.command, caseId, systemActor(config.centerOrganisationId), new Date().toISOString(), randomUUID());
    await commandBus.execute(new ExecuteCaseCommand(dispatch as Exclude<CaseCommand, FileComplaint>));
    return caseId;
  }

  it('plans the messages of the events in its range only, each with its recipient’s channels', async () => {
    const caseId = await dispatchedCase();

    const ofFiling = await activities.planMessages({ caseId, afterRevision: -1, throughRevision: 0 });
    expect(ofFiling.map(({ notification, channels }) => [notification.revision, notification.template, channels])).toEqual([[0, 'resident_receipt', ['sms']]]);

    const ofDispatch = await activities.planMessages({ caseId, afterRevision: 0, throughRevision: 1 });
    expect(new Set(ofDispatch.map(({ notification }) => notification.revision))).toEqual(new Set([1]));
    expect(ofDispatch.map(({ notification }) => notification.template)).toEqual(
      expect.arrayContaining(['resident_dispatched', 'task_dispatched', 'deadline_warning']),
    );
    const toCompany = ofDispatch.find(({ notification }) => notification.template === 'task_dispatched')!;
    expect(toCompany.notification.recipient).toMatchObject({ kind: 'organisation', organisationId: 'pc-beichen-aoyuan' });
    expect(toCompany.channels).toContain('wecom');

    expect(await activities.planMessages({ caseId, afterRevision: 1, throughRevision: 1 })).toEqual([]);
    // The same events plan the same messages, under the same keys.
    const all = await activities.planMessages({ caseId, afterRevision: -1, throughRevision: 1 });
    expect(all.map(({ notification }) => notification.key)).toEqual([...ofFiling, ...ofDispatch].map(({ notification }) => notification.key));
  });

  it('leaves out the events the former notification planner had planned', async () => {
    const caseId = await dispatchedCase();
    const [filed] = await readCaseStream(store, caseId);
    await checkpoints.save(FORMER_PLANNER_CHECKPOINT, filed.globalPosition);
    try {
      const planned = await activities.planMessages({ caseId, afterRevision: -1, throughRevision: 1 });
      expect(planned.length).toBeGreaterThan(0);
      expect(planned.every(({ notification }) => notification.revision === 1)).toBe(true);
    } finally {
      await checkpoints.save(FORMER_PLANNER_CHECKPOINT, 0);
    }
  });
});
