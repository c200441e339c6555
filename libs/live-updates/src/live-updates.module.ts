import { Module } from '@nestjs/common';
import { DirectoryModule } from '@yixin/directory';
import { CaseListChangeFeed, WatchInboxHandler, WatchSupervisionHandler } from './live-updates';

/** The case list's changes, pushed to the inboxes and supervision queues that watch them. */
@Module({
  imports: [DirectoryModule],
  providers: [CaseListChangeFeed, WatchInboxHandler, WatchSupervisionHandler],
  exports: [CaseListChangeFeed],
})
export class LiveUpdatesModule {}
