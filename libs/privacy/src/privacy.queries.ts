import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { refuse, type Actor } from '@yixin/domain';
import type { EventStore } from '@yixin/event-store';
import { readCaseStream } from '@yixin/case-stream';
import { EVENT_STORE } from '@yixin/stores';
import { PersonalDataReadLog, type PersonalDataRead } from './personal-data-reads';

export interface PersonalDataReads {
  caseId: string;
  /** Oldest first. */
  reads: PersonalDataRead[];
}

/** Who was shown the resident of a case in full, and when. Auditors only. */
export class GetPersonalDataReadsQuery extends Query<PersonalDataReads> {
  constructor(readonly viewer: Actor, readonly caseId: string) {
    super();
  }
}

@QueryHandler(GetPersonalDataReadsQuery)
export class GetPersonalDataReadsHandler implements IQueryHandler<GetPersonalDataReadsQuery, PersonalDataReads> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly readLog: PersonalDataReadLog) {}

  async execute({ viewer, caseId }: GetPersonalDataReadsQuery): Promise<PersonalDataReads> {
    if (viewer.role !== 'auditor') refuse('forbidden', 'only auditors see who read residents’ personal data');
    if ((await readCaseStream(this.store, caseId)).length === 0) refuse('not_found', `case ${caseId} not found`);
    return { caseId, reads: await this.readLog.readsOf(caseId) };
  }
}
