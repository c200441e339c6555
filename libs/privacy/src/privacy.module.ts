import { Module } from '@nestjs/common';
import { CaseStreamModule } from '@yixin/case-stream';
import { PersonalDataKeys } from './personal-data-keys';
import { PersonalDataReadLog } from './personal-data-reads';
import { PersonalDataService } from './personal-data.service';
import { ErasePersonalDataHandler } from './privacy.commands';
import { GetPersonalDataReadsHandler } from './privacy.queries';

/** Residents' personal data: sealed under their keys, every read in full logged, erased on request. */
@Module({
  imports: [CaseStreamModule],
  providers: [PersonalDataKeys, PersonalDataReadLog, PersonalDataService, ErasePersonalDataHandler, GetPersonalDataReadsHandler],
  exports: [PersonalDataKeys, PersonalDataReadLog, PersonalDataService],
})
export class PrivacyModule {}
