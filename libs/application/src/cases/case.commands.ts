import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { refuse, type Actor, type CaseCommand, type FileComplaint } from '../../../domain/src';
import { DirectoryService } from '../directory/directory.service';
import { CaseCommandExecutor, type CaseCommandResult } from './case-command-executor';

/** Community staff file a complaint; the case id is minted here. */
export class FileComplaintCommand extends Command<CaseCommandResult> {
  constructor(
    readonly actor: Actor,
    readonly complaint: FileComplaint['complaint'],
    readonly at: string = new Date().toISOString(),
  ) {
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
  constructor(private readonly directory: DirectoryService, private readonly executor: CaseCommandExecutor) {}

  async execute({ actor, complaint, at }: FileComplaintCommand): Promise<CaseCommandResult> {
    const compound = this.directory.findOrganisation(complaint.location.compoundId);
    if (compound?.kind !== 'compound' || !compound.parentId || !compound.propertyCompanyId) {
      refuse('invalid', `unknown compound ${complaint.location.compoundId}`);
    }
    return this.executor.execute({
      type: 'FileComplaint',
      caseId: randomUUID(),
      actor,
      at,
      complaint,
      compound: { id: compound.id, communityId: compound.parentId, propertyCompanyId: compound.propertyCompanyId },
    });
  }
}

@CommandHandler(ExecuteCaseCommand)
export class ExecuteCaseCommandHandler implements ICommandHandler<ExecuteCaseCommand, CaseCommandResult> {
  constructor(private readonly executor: CaseCommandExecutor) {}

  execute({ command, commandId }: ExecuteCaseCommand): Promise<CaseCommandResult> {
    return this.executor.execute(command, { commandId });
  }
}
