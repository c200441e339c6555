import { Inject, Logger } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  DomainError,
  foldCase,
  photosToCite,
  refuse,
  type Actor,
  type Assignee,
  type CaseCommand,
  type CaseLocation,
  type CaseState,
  type CompoundServices,
  type FileComplaint,
  type Resident,
} from '@yixin/domain';
import { AttachmentStore } from '@yixin/attachments';
import { DirectoryService } from '@yixin/directory';
import { PersonalDataService } from '@yixin/privacy';
import { findOpenCaseAtPlace } from './case-list';
import type { SqlDatabase } from '@yixin/stores';
import type { EventStore } from '@yixin/event-store';
import { EVENT_STORE, READ_STORE } from '@yixin/stores';
import { mayReadCase } from '@yixin/directory';
import { CaseCommandExecutor, ConcurrentCaseUpdateError, type CaseCommandResult } from '@yixin/case-stream';
import { readCaseStream, timeOrderedUuid, toCaseEvent } from '@yixin/case-stream';

/** A complaint as staff take it down: the resident's name, phone and unit in clear, not yet encrypted. */
export type ComplaintForm = Omit<FileComplaint['complaint'], 'personalData' | 'location'> & {
  resident: Resident;
  location: CaseLocation & { unit?: string };
};

/** Community staff file a complaint; the case id is minted here. */
export class FileComplaintCommand extends Command<CaseCommandResult> {
  constructor(
    readonly actor: Actor,
    readonly complaint: ComplaintForm,
    readonly at: string = new Date().toISOString(),
    readonly routingOverride?: FileComplaint['routingOverride'],
    /** An open case at the same place that the case list may not show yet: an earlier complaint of the same batch. */
    readonly openCaseAtPlace?: string,
  ) {
    super();
  }
}

export interface ComplaintToFile {
  complaint: ComplaintForm;
  routingOverride?: FileComplaint['routingOverride'];
}

/** Each complaint filed, or why it was not: a refusal of the domain, or a failure (the store unreachable, say). */
export type BatchFilingOutcome = { filed: CaseCommandResult } | { refused: DomainError | ConcurrentCaseUpdateError } | { failed: unknown };

/**
 * Complaints recorded together, on a visit round say. Each is filed on its own, in order: one
 * refused does not hold back the others (see README, batch filing).
 */
export class FileComplaintBatchCommand extends Command<BatchFilingOutcome[]> {
  constructor(readonly actor: Actor, readonly complaints: ComplaintToFile[], readonly at: string) {
    super();
  }
}

/** Any other command on an existing case, already complete. `commandId` makes retries idempotent. */
export class ExecuteCaseCommand extends Command<CaseCommandResult> {
  constructor(readonly command: Exclude<CaseCommand, FileComplaint>, readonly commandId?: string) {
    super();
  }
}

@CommandHandler(FileComplaintCommand)
export class FileComplaintHandler implements ICommandHandler<FileComplaintCommand, CaseCommandResult> {
  constructor(
    private readonly directory: DirectoryService,
    private readonly executor: CaseCommandExecutor,
    @Inject(READ_STORE) private readonly readStore: SqlDatabase,
    private readonly personalData: PersonalDataService,
  ) {}

  async execute({ actor, complaint: form, at, routingOverride, openCaseAtPlace }: FileComplaintCommand): Promise<CaseCommandResult> {
    const { resident, location: { unit, ...location }, ...complaint } = form;
    const compound = this.directory.findCompound(location.compoundId);
    if (!compound) refuse('invalid', `unknown compound ${location.compoundId}`);
    if (routingOverride) requireKnownAssignee(this.directory, routingOverride);
    const duplicateOf =
      (await findOpenCaseAtPlace(this.readStore, {
        compoundId: compound.id,
        building: location.building,
        category: complaint.category,
      })) ?? openCaseAtPlace;
    const caseId = timeOrderedUuid();
    // Encrypted before the domain decides: the domain, the log and the workflow only ever hold the ciphertext.
    const personalData = await this.personalData.encryptForCase(caseId, location.communityId, { ...resident, ...(unit === undefined ? {} : { unit }) }, at);
    return this.executor.execute({
      type: 'FileComplaint',
      caseId,
      actor,
      at,
      complaint: { ...complaint, location, personalData },
      compound,
      ...(routingOverride ? { routingOverride } : {}),
      ...(duplicateOf ? { duplicateOf } : {}),
    });
  }
}

@CommandHandler(FileComplaintBatchCommand)
export class FileComplaintBatchHandler implements ICommandHandler<FileComplaintBatchCommand, BatchFilingOutcome[]> {
  private readonly logger = new Logger(FileComplaintBatchHandler.name);

  constructor(private readonly commandBus: CommandBus) {}

  async execute({ actor, complaints, at }: FileComplaintBatchCommand): Promise<BatchFilingOutcome[]> {
    // The case list follows the log by a moment: a complaint at the same place as an earlier one of
    // the batch is linked to that one's case here, as it would be were they filed a minute apart.
    const caseAtPlace = new Map<string, string>();
    const outcomes: BatchFilingOutcome[] = [];
    for (const { complaint, routingOverride } of complaints) {
      const place = JSON.stringify([complaint.location.compoundId, complaint.location.building, complaint.category]);
      try {
        const filed = await this.commandBus.execute(new FileComplaintCommand(actor, complaint, at, routingOverride, caseAtPlace.get(place)));
        if (!caseAtPlace.has(place)) caseAtPlace.set(place, filed.state.duplicateOf ?? filed.caseId);
        outcomes.push({ filed });
      } catch (error) {
        if (error instanceof DomainError || error instanceof ConcurrentCaseUpdateError) {
          outcomes.push({ refused: error });
        } else {
          this.logger.error(`a complaint of a batch could not be filed: ${String(error)}`);
          outcomes.push({ failed: error });
        }
      }
    }
    return outcomes;
  }
}

@CommandHandler(ExecuteCaseCommand)
export class ExecuteCaseCommandHandler implements ICommandHandler<ExecuteCaseCommand, CaseCommandResult> {
  constructor(
    private readonly directory: DirectoryService,
    private readonly executor: CaseCommandExecutor,
    private readonly attachments: AttachmentStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ command, commandId }: ExecuteCaseCommand): Promise<CaseCommandResult> {
    if (command.type === 'MergeCase') await this.requireOpenCaseToMergeInto(command.actor, command.caseId, command.primaryCaseId);
    return this.executor.execute(command, {
      commandId,
      complete: async (read, state) => {
        const completed = withDirectoryFacts(this.directory, requireInScope(this.directory, read, state), state);
        // After the scope: to a stranger, a case's photos do not exist any more than the case does.
        await this.attachments.requireUploadedFor(completed.caseId, photosToCite(completed));
        return completed;
      },
    });
  }

  /**
   * A case is merged only into an open case the merging staff may see, and never into a duplicate.
   * The merged case's own scope is checked first, so that a foreign one answers as if it did not exist.
   */
  private async requireOpenCaseToMergeInto(actor: Actor, caseId: string, primaryCaseId: string): Promise<void> {
    const fold = async (id: string) => foldCase((await readCaseStream(this.store, id)).map(toCaseEvent));
    const merged = await fold(caseId);
    if (merged.status === 'not_filed' || !mayReadCase(actor, merged, this.directory)) refuse('not_found', `case ${caseId} does not exist`);
    const primary = await fold(primaryCaseId);
    if (primary.status === 'not_filed' || !mayReadCase(actor, primary, this.directory)) {
      refuse('invalid', `case ${primaryCaseId} to merge into does not exist`);
    }
    if (primary.status === 'closed' || primary.status === 'duplicate') {
      refuse('conflict', `case ${primaryCaseId} is ${primary.status}: merge into the open case it stands for`);
    }
  }
}

/**
 * A case outside the actor's scope does not exist for them: refused as not theirs (403), it would
 * tell them that it exists, whose it is and, when the domain checks its state first, where it stands.
 */
function requireInScope(directory: DirectoryService, command: CaseCommand, state: CaseState): CaseCommand {
  if (!mayReadCase(command.actor, state, directory)) refuse('not_found', `case ${command.caseId} does not exist`);
  return command;
}

/**
 * Adds what only the directory knows to a command, as it knows it now (a compound may have got its
 * owners' committee since the complaint was filed), and checks the organisations a command names exist.
 */
function withDirectoryFacts(directory: DirectoryService, command: CaseCommand, state: CaseState): CaseCommand {
  switch (command.type) {
    case 'RecordCouncilDecision': {
      requireKnownAssignee(directory, command.assignee);
      const compound = servicesOf(directory, state);
      return compound ? { ...command, compound } : command;
    }
    case 'ConveneCouncilSession':
      return { ...command, members: directory.councilMembers(command.actor.organisationId) };
    case 'RedispatchTask':
    case 'DispatchTask': {
      const compound = servicesOf(directory, state);
      return compound ? { ...command, compound } : command;
    }
    case 'ReferToCouncil': {
      const councilId = state.compoundId ? directory.findCompound(state.compoundId)?.jurisdiction.councils[command.council] : undefined;
      return councilId ? { ...command, councilId } : command;
    }
    default:
      return command;
  }
}

function servicesOf(directory: DirectoryService, state: CaseState): CompoundServices | undefined {
  const compound = state.compoundId ? directory.findCompound(state.compoundId) : undefined;
  if (!compound) return undefined;
  const { propertyCompanyId, ownersCommitteeId } = compound;
  return { propertyCompanyId, ...(ownersCommitteeId ? { ownersCommitteeId } : {}) };
}

function requireKnownAssignee(directory: DirectoryService, assignee: Assignee): void {
  if (directory.findOrganisation(assignee.organisationId)?.kind !== assignee.kind) {
    refuse('invalid', `${assignee.organisationId} is not a known ${assignee.kind.replace('_', ' ')}`);
  }
}
