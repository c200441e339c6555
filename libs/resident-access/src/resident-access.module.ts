import { Module } from '@nestjs/common';
import { CasesModule } from '@yixin/cases';
import { DirectoryModule } from '@yixin/directory';
import { ResidentCaseFinder } from './find-resident-case';
import { RateCaseAsResidentHandler } from './resident-access.commands';
import { GetResidentCaseHandler } from './resident-access.queries';

/** The resident's own view of their case and their rating of it, opened with the case number and check code. */
@Module({ imports: [CasesModule, DirectoryModule], providers: [ResidentCaseFinder, GetResidentCaseHandler, RateCaseAsResidentHandler] })
export class ResidentAccessModule {}
