import { Inject, Injectable } from '@nestjs/common';
import { readCaseStream, toCaseEvent } from '@yixin/case-stream';
import { YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import { refuse, type CaseEvent, type CaseState } from '@yixin/domain';
import type { EventStore } from '@yixin/event-store';
import { EVENT_STORE, READ_STORE, type SqlDatabase } from '@yixin/stores';
import { selectCasesNumbered } from './cases-numbered';
import { caseStateOf, residentWasErased } from './resident-case';
import { isCheckCodeOf, normaliseCaseNumber } from './resident-link';

/** The one answer to every failed look-up, whatever failed: it tells a guesser nothing. */
export const NO_SUCH_RESIDENT_CASE = 'no case has this case number and check code';

/** Compared with when no case has the number, so that an unknown number costs what a wrong code does. */
const NO_CASE = '00000000-0000-7000-8000-000000000000';

export interface FoundResidentCase {
  caseId: string;
  caseNumber: string;
  state: CaseState;
  events: CaseEvent[];
}

/**
 * Finds the case a resident names by its number and check code, or refuses with `not_found` and the
 * same message when the number is unknown, the code wrong, the number and code fit more than one
 * case, the resident's data was erased or no secret is configured. An unknown number and a wrong
 * code cost the same (one query, an HMAC, a constant-time comparison); only the right code goes on
 * to read the case's stream, so only who holds it could time an erased case.
 */
@Injectable()
export class ResidentCaseFinder {
  constructor(
    @Inject(YIXIN_CONFIG) private readonly config: YixinConfig,
    @Inject(READ_STORE) private readonly readStore: SqlDatabase,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async find(typedCaseNumber: string, checkCode: string): Promise<FoundResidentCase> {
    const secret = this.config.notifications.residentLinkSecret;
    if (!secret) refuse('not_found', NO_SUCH_RESIDENT_CASE);
    const caseNumber = normaliseCaseNumber(typedCaseNumber);
    const candidates = await selectCasesNumbered(this.readStore, caseNumber);
    const matching = (candidates.length > 0 ? candidates : [NO_CASE]).filter((caseId) => isCheckCodeOf(secret, caseId, checkCode) && caseId !== NO_CASE);
    if (matching.length !== 1) refuse('not_found', NO_SUCH_RESIDENT_CASE);
    const [caseId] = matching;
    const events = (await readCaseStream(this.store, caseId)).map(toCaseEvent);
    const state = caseStateOf(events);
    if (!state || residentWasErased(state)) refuse('not_found', NO_SUCH_RESIDENT_CASE);
    return { caseId, caseNumber, state, events };
  }
}
