import { CommandBus } from '@nestjs/cqrs';
import { DomainError, systemActor, type CaseCommand } from '../../../libs/domain/src';
import { ExecuteCaseCommand, readCaseStream, toCaseEvent, type YixinConfig } from '../../../libs/application/src';
import type { EventStore, RecordedEvent } from '../../../libs/event-store/src';
import type { CaseActivities, CaseEventMessage, CarryOutStepInput } from '../../../workflows/src/case-messages';

export function toCaseEventMessage(event: RecordedEvent): CaseEventMessage {
  return { ...toCaseEvent(event), revision: event.revision };
}

/** The case workflow's hands: it reads the case's stream and issues commands through the command bus. */
export function createCaseActivities(commandBus: CommandBus, store: EventStore, config: YixinConfig): CaseActivities {
  const readCaseEvents = async (caseId: string, fromRevision: number): Promise<CaseEventMessage[]> =>
    (await readCaseStream(store, caseId, fromRevision)).map(toCaseEventMessage);

  return {
    readCaseEvents,
    async carryOutStep(input: CarryOutStepInput) {
      try {
        await commandBus.execute(new ExecuteCaseCommand(toCommand(input, config), input.commandId));
        return { events: await readCaseEvents(input.caseId, input.fromRevision) };
      } catch (error) {
        // A refusal is an answer, not a fault: retrying would be refused again.
        if (!(error instanceof DomainError)) throw error;
        return { events: await readCaseEvents(input.caseId, input.fromRevision), refusal: error.message };
      }
    },
  };
}

function toCommand(input: CarryOutStepInput, config: YixinConfig): Exclude<CaseCommand, { type: 'FileComplaint' }> {
  const base = { caseId: input.caseId, actor: systemActor(config.centerOrganisationId), at: input.at };
  switch (input.command) {
    case 'DispatchTask':
      return { ...base, type: 'DispatchTask', taskId: input.taskId, policy: config.deadlinePolicy };
    case 'SendSignForReminder':
      return { ...base, type: 'SendSignForReminder' };
    case 'OrderRedo':
      return { ...base, type: 'OrderRedo', policy: config.deadlinePolicy };
  }
}
