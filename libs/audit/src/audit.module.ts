import { Module } from '@nestjs/common';
import { PrivacyModule } from '@yixin/privacy';
import { ExportEventsHandler, GetCaseStateAsOfHandler, VerifyLogHandler } from './audit.queries';

/** The auditor's queries: a case as it stood, the log's verification, the export of events. */
@Module({ imports: [PrivacyModule], providers: [GetCaseStateAsOfHandler, VerifyLogHandler, ExportEventsHandler] })
export class AuditModule {}
