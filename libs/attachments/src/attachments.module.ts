import { Module } from '@nestjs/common';
import { DirectoryModule } from '@yixin/directory';
import { AttachmentStore } from './attachment-store';

/** Photos attached to cases: stored beside the log, read by whoever may read the case. */
@Module({ imports: [DirectoryModule], providers: [AttachmentStore], exports: [AttachmentStore] })
export class AttachmentsModule {}
