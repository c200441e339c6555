import { CommandBus } from '@nestjs/cqrs';
import { commandOfStep, DomainError, systemActor, type CaseCommand, type FileComplaint } from '@yixin/domain';
import { readCaseStream } from '@yixin/case-stream';
import { ExecuteCaseCommand } from '@yixin/cases';
import { type YixinConfig } from '@yixin/config';
import { maskPersonalData } from '@yixin/directory';
import type { EventStore, RecordedEvent } from '@yixin/event-store';
import type { CaseActivities, CaseEventMessage, CarryOutStepInput } from '../../../workflows/src/case-messages';

/**
 * Temporal keeps what it is sent in its histories for good, beyond the reach of an erasure: it gets
 * no personal data in clear. Encrypted personal data goes as stored (deleting the key erases that
 * copy too); older events that hold it in clear go masked. The workflow never reads it.
 */
export function toCaseEventMessage(event: RecordedEvent): CaseEventMessage {
  return { type: event.type, schemaVersion: event.schemaVersion, data: maskPersonalData(event.data), revision: event.revision };
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

function toCommand({ caseId, at, taskId, command }: CarryOutStepInput, config: YixinConfig): Exclude<CaseCommand, FileComplaint> {
  return commandOfStep(command, caseId, systemActor(config.centerOrganisationId), at, taskId);
}
