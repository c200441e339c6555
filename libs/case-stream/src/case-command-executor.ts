import { Inject, Injectable } from '@nestjs/common';
import { CASE_EVENT_SCHEMA_VERSIONS, decideCase, foldCase, type CaseClock, type CaseCommand, type CaseState } from '@yixin/domain';
import { WrongExpectedRevisionError, type EventStore, type NewEvent } from '@yixin/event-store';
import { CASE_CLOCK, EVENT_STORE } from '@yixin/stores';
import { caseStreamId, eventIdFor, readCaseStream, timeOrderedUuid, toCaseEvent } from './case-stream';

export interface CaseCommandResult {
  caseId: string;
  /** The command's id: the correlation id of the events it appended. */
  commandId: string;
  /** Revision of the case stream after the command. */
  revision: number;
  /** Types of the events the command appended (empty for a repeated command). */
  appended: string[];
  state: CaseState;
}

/** Another command changed the case between our read and our write; nothing was appended. */
export class ConcurrentCaseUpdateError extends Error {
  constructor(readonly caseId: string, readonly actualRevision: number) {
    super(`case ${caseId} was changed by another command (now at revision ${actualRevision}); read it again and retry`);
    this.name = 'ConcurrentCaseUpdateError';
  }
}

/**
 * Loads a case from its stream, lets the domain decide, and appends the decided events
 * with the revision it read as the expected one, so that two racing commands cannot fork the stream.
 */
@Injectable()
export class CaseCommandExecutor {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CASE_CLOCK) private readonly clock: CaseClock,
  ) {}

  /**
   * `complete` adds to the command what is only known once the case is read (facts of the directory
   * about it, say), or refuses it for what the domain cannot check (that its photos were uploaded).
   */
  async execute(
    command: CaseCommand,
    options: { commandId?: string; causationId?: string; complete?: (command: CaseCommand, state: CaseState) => CaseCommand | Promise<CaseCommand> } = {},
  ): Promise<CaseCommandResult> {
    const commandId = options.commandId ?? timeOrderedUuid();
    const streamId = caseStreamId(command.caseId);
    // A filing names a case id just made: there is nothing to read, and the append expects no stream.
    const history = command.type === 'FileComplaint' ? [] : await readCaseStream(this.store, command.caseId);
    const state = foldCase(history.map(toCaseEvent));
    const lastRevision = history.length - 1;

    if (options.commandId && history.some((event) => event.id === eventIdFor(commandId, 0))) {
      return { caseId: command.caseId, commandId, revision: lastRevision, appended: [], state };
    }

    const decided = decideCase(options.complete ? await options.complete(command, state) : command, state, this.clock);
    const events: NewEvent[] = decided.map((event, index) => ({
      id: eventIdFor(commandId, index),
      type: event.type,
      schemaVersion: CASE_EVENT_SCHEMA_VERSIONS[event.type],
      data: event.data as unknown as Record<string, unknown>,
      metadata: {
        actor: command.actor,
        tier: state.tier,
        correlationId: commandId,
        causationId: options.causationId ?? commandId,
      },
    }));
    try {
      const result = await this.store.append(streamId, events, lastRevision < 0 ? 'no_stream' : lastRevision);
      return {
        caseId: command.caseId,
        commandId,
        revision: result.nextExpectedRevision,
        appended: decided.map((event) => event.type),
        state: foldCase(decided, state),
      };
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) throw new ConcurrentCaseUpdateError(command.caseId, error.actual);
      throw error;
    }
  }
}
