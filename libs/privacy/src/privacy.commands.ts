import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { foldCase, refuse, type Actor, type CaseState } from '@yixin/domain';
import type { EventStore } from '@yixin/event-store';
import { CaseCommandExecutor, ConcurrentCaseUpdateError } from '@yixin/case-stream';
import { readCaseStream, toCaseEvent } from '@yixin/case-stream';
import { EVENT_STORE } from '@yixin/stores';
import { PersonalDataKeys } from './personal-data-keys';

/** The resident, named by their phone number or by their pseudonym. */
export type ErasureSubject = { phone: string } | { subjectId: string };

export interface ErasureResult {
  subjectId: string;
  /** The resident's cases of the caller's community, whose personal data can no longer be read by anyone. */
  casesAffected: number;
  /** PersonalDataErased events this request appended: none when the erasure was done before. */
  erasuresRecorded: number;
}

/**
 * A resident asks their community for their personal data to be erased: from the community's cases,
 * and only those. The data of each case is under a key of the resident and the community, deleted
 * here, which erases it without rewriting the log; each case records that it happened. The resident's
 * cases in other communities are those communities' to erase, and nothing here tells whether they exist.
 */
export class ErasePersonalDataCommand extends Command<ErasureResult> {
  constructor(readonly actor: Actor, readonly subject: ErasureSubject, readonly at: string = new Date().toISOString()) {
    super();
  }
}

/** Another command may change a case between our read and our write; the erasure is then recorded on the fresh state. */
const ATTEMPTS_PER_CASE = 3;

interface SubjectCase {
  caseId: string;
  state: CaseState;
}

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
    const ownCases = (await this.casesOf(subjectId, actor.organisationId)).filter(({ state }) => state.communityId === actor.organisationId);
    if (ownCases.length === 0) {
      refuse(
        'not_found',
        `no case of community ${actor.organisationId} holds encrypted personal data of this resident ` +
          '(complaints filed before personal data was encrypted cannot be erased: docs/privacy.md)',
      );
    }
    const keyIds = [...new Set(ownCases.map(({ state }) => state.residentKey!.keyId))];
    const erasing = new Set(ownCases.map(({ caseId }) => caseId));
    // The keys go first: should recording fail half-way, the data is erased all the same, and a retry records the rest.
    const keptForOtherCases = await this.eraseKeysOpeningNoOtherCase(keyIds, erasing, at);
    let erasuresRecorded = 0;
    for (const { caseId, state } of ownCases) {
      if (state.residentKey?.erasedAt === undefined && (await this.recordErasure(caseId, subjectId, actor, at))) erasuresRecorded++;
    }
    // Another community may have erased the last other case of a shared key meanwhile.
    await this.eraseKeysOpeningNoOtherCase(keptForOtherCases, erasing, at);
    return { subjectId, casesAffected: ownCases.length, erasuresRecorded };
  }

  /**
   * Deletes each key that opens no case but those being erased and those erased already; returns the
   * others. A key made before keys were per community may open another community's cases, and
   * stays until that community erases them: the cases erased here read as erased all the same.
   */
  private async eraseKeysOpeningNoOtherCase(keyIds: string[], erasing: Set<string>, at: string): Promise<string[]> {
    const kept: string[] = [];
    for (const keyId of keyIds) {
      const others = (await this.keys.casesUnder(keyId)).filter((caseId) => !erasing.has(caseId));
      const othersErased = await Promise.all(others.map(async (caseId) => this.isErasedOrAbsent(caseId)));
      if (othersErased.every(Boolean)) await this.keys.erase(keyId, at);
      else kept.push(keyId);
    }
    return kept;
  }

  /** A case whose filing was refused holds nothing to protect. */
  private async isErasedOrAbsent(caseId: string): Promise<boolean> {
    const { residentKey } = await this.stateOf(caseId);
    return residentKey === undefined || residentKey.erasedAt !== undefined;
  }

  /** The subject's cases the community may hold that exist (a filing refused after its data was encrypted left no case). */
  private async casesOf(subjectId: string, communityId: string): Promise<SubjectCase[]> {
    const cases = await Promise.all((await this.keys.casesOf(subjectId, communityId)).map(async (caseId) => ({ caseId, state: await this.stateOf(caseId) })));
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
