import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DirectoryService } from '@yixin/directory';
import { ResidentCaseFinder } from './find-resident-case';
import { residentCaseOf, type ResidentCase } from './resident-case';

/** A resident looks up their case with its number and check code (the resident page). */
export class GetResidentCaseQuery extends Query<ResidentCase> {
  constructor(readonly caseNumber: string, readonly checkCode: string) {
    super();
  }
}

@QueryHandler(GetResidentCaseQuery)
export class GetResidentCaseHandler implements IQueryHandler<GetResidentCaseQuery, ResidentCase> {
  constructor(private readonly finder: ResidentCaseFinder, private readonly directory: DirectoryService) {}

  async execute({ caseNumber, checkCode }: GetResidentCaseQuery): Promise<ResidentCase> {
    const found = await this.finder.find(caseNumber, checkCode);
    return residentCaseOf(found.caseNumber, found.state, found.events, (id) => this.directory.findOrganisation(id)?.name);
  }
}
