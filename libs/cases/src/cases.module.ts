import { Module } from '@nestjs/common';
import { AttachmentsModule } from '@yixin/attachments';
import { CaseStreamModule } from '@yixin/case-stream';
import { DirectoryModule } from '@yixin/directory';
import { PrivacyModule } from '@yixin/privacy';
import { ExecuteCaseCommandHandler, FileComplaintBatchHandler, FileComplaintHandler } from './case.commands';
import { GetCaseHandler, GetCaseHistoryHandler, GetCaseTimelineHandler, ListCasesHandler, ListInboxHandler } from './case.queries';
import { ListCouncilAgendaHandler } from './council-agenda.queries';
import { ListSupervisionQueueHandler } from './supervision.queries';

/** A case's commands (from HTTP and from its workflow) and its queries: the case, its history and timeline, the inbox, the lists, supervision, the council's agenda. */
@Module({
  imports: [CaseStreamModule, DirectoryModule, PrivacyModule, AttachmentsModule],
  providers: [
    FileComplaintHandler,
    FileComplaintBatchHandler,
    ExecuteCaseCommandHandler,
    GetCaseHandler,
    GetCaseHistoryHandler,
    GetCaseTimelineHandler,
    ListInboxHandler,
    ListCasesHandler,
    ListSupervisionQueueHandler,
    ListCouncilAgendaHandler,
  ],
})
export class CasesModule {}
