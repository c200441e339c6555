import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ExecuteCaseCommand } from '@yixin/cases';
import { residentActor } from '@yixin/domain';
import { ResidentCaseFinder } from './find-resident-case';

export interface ResidentRating {
  satisfied: boolean;
  /** 1 to 5. */
  rating: number;
  note?: string;
}

/** The resident rates their resolved case on their page: the domain records it as their call-back. */
export class RateCaseAsResidentCommand extends Command<void> {
  constructor(readonly caseNumber: string, readonly checkCode: string, readonly rating: ResidentRating, readonly at: string = new Date().toISOString()) {
    super();
  }
}

/**
 * Executes RecordCallBack as the case's resident through the command bus, as staff's call-back is
 * executed: the same decision, the same effects (satisfied closes the case, not satisfied has it redone).
 */
@CommandHandler(RateCaseAsResidentCommand)
export class RateCaseAsResidentHandler implements ICommandHandler<RateCaseAsResidentCommand, void> {
  constructor(private readonly finder: ResidentCaseFinder, private readonly commandBus: CommandBus) {}

  async execute({ caseNumber, checkCode, rating, at }: RateCaseAsResidentCommand): Promise<void> {
    const { caseId } = await this.finder.find(caseNumber, checkCode);
    await this.commandBus.execute(
      new ExecuteCaseCommand({
        type: 'RecordCallBack',
        caseId,
        actor: residentActor(caseId),
        at,
        outcome: rating.satisfied ? 'satisfied' : 'not_satisfied',
        rating: rating.rating,
        ...(rating.note === undefined ? {} : { note: rating.note }),
      }),
    );
  }
}
