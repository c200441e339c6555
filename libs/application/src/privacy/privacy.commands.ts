import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { foldCase, refuse, type Actor, type CaseState } from '../../../domain/src';
import type { EventStore } from '../../../event-store/src';
import { CaseCommandExecutor, ConcurrentCaseUpdateError } from '../cases/case-command-executor';
import { readCaseStream, toCaseEvent } from '../cases/case-stream';
import { EVENT_STORE } from '../store.tokens';
import { PersonalDataKeys } from './personal-data-keys';

/** The resident, named by their phone number or by their pseudonym. */
export type ErasureSubject = { phone: string } | { subjectId: string };

export interface ErasureResult {
  subjectId: string;
  /** The resident's cases whose personal data can no longer be read by anyone. */
  casesAffected: number;
  /** PersonalDataErased events this request appended: none when the erasure was done before. */
  erasuresRecorded: number;
}

/**
 * A resident asks for their personal data to be erased: their data key is deleted, which erases it
 * from all their cases at once without rewriting the log, and each case records that it happened.
 */
export class ErasePersonalDataCommand extends Command<ErasureResult> {
  constructor(readonly actor: Actor, readonly subject: ErasureSubject, readonly at: string = new Date().toISOString()) {
    super();
  }
}

/** Another command may change a case between our read and our write; the erasure is then recorded on the fresh state. */
const ATTEMPTS_PER_CASE = 3;

@CommandHandler(ErasePersonalDataCommand)
export class ErasePersonalDataHandler implements ICommandHandler<ErasePersonalDataCommand, ErasureResult> {
  constructor(
    private readonly keys: PersonalDataKeys,
    private readonly executor: CaseCommandExecutor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ actor, subject, at }: ErasePersonalDataCommand): Promise<ErasureResult> {
    if (actor.role !== 'community_staff') refuse('forbidden', 'only community staff take a resident’s request to erase their personal data');
    const subjectId = 'phone' in subject ? await this.keys.subjectIdOf(subject.phone) : subject.subjectId;
    const cases = await this.casesOf(subjectId);
    // Staff may only act for residents of their community; elsewhere, whether the resident has cases is not theirs to learn.
    if (!cases.some(({ state }) => state.communityId === actor.organisationId)) {
      refuse(
        'not_found',
        `no case of community ${actor.organisationId} holds encrypted personal data of this resident ` +
          '(complaints filed before personal data was encrypted cannot be erased: docs/privacy.md)',
      );
    }
    // The key goes first: should recording fail half-way, the data is erased all the same, and a retry records the rest.
    await this.keys.erase(subjectId, at);
    let erasuresRecorded = 0;
    for (const { caseId, state } of cases) {
      if (state.residentKey?.erasedAt === undefined && (await this.recordErasure(caseId, subjectId, actor, at))) erasuresRecorded++;
    }
    return { subjectId, casesAffected: cases.length, erasuresRecorded };
  }

  /** The subject's cases that exist (a filing refused after its data was encrypted left no case). */
  private async casesOf(subjectId: string): Promise<Array<{ caseId: string; state: CaseState }>> {
    const cases = await Promise.all((await this.keys.casesOf(subjectId)).map(async (caseId) => ({ caseId, state: await this.stateOf(caseId) })));
    return cases.filter(({ state }) => state.residentKey?.subjectId === subjectId);
  }

  private async stateOf(caseId: string): Promise<CaseState> {
    return foldCase((await readCaseStream(this.store, caseId)).map(toCaseEvent));
  }

  /** False when a concurrent erasure recorded it first. */
  private async recordErasure(caseId: string, subjectId: string, actor: Actor, at: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.executor.execute({ type: 'ErasePersonalData', caseId, actor, at, subjectId });
        return true;
      } catch (error) {
        if (!(error instanceof ConcurrentCaseUpdateError) || attempt === ATTEMPTS_PER_CASE) throw error;
        if ((await this.stateOf(caseId)).residentKey?.erasedAt !== undefined) return false;
      }
    }
  }
}
