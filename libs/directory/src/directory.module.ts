import { Module } from '@nestjs/common';
import { YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import { RECORD_STORE, type SqlDatabase } from '@yixin/stores';
import { DEMO_API_KEYS, DEMO_ORGANISATIONS, DEMO_PASSWORD, DEMO_USERS } from './demo-directory';
import { DirectoryService } from './directory.service';
import { TokenRevocation } from './token-revocation';
import { UserAdministration } from './user-administration';

/** The organisations, users and API keys, loaded (or seeded with the demo directory) when the process starts. */
@Module({
  providers: [
    {
      provide: DirectoryService,
      inject: [RECORD_STORE, YIXIN_CONFIG],
      useFactory: async (recordStore: SqlDatabase, config: YixinConfig) => {
        const directory = new DirectoryService(recordStore);
        if (config.seedDemoData) await directory.seed(DEMO_ORGANISATIONS, DEMO_USERS, DEMO_PASSWORD, DEMO_API_KEYS);
        else await directory.load();
        return directory;
      },
    },
  ],
  exports: [DirectoryService],
})
export class DirectoryModule {}

/** Signed-in users' tokens revoked before they expire, and the administration of users: what the API needs beyond the directory. */
@Module({
  imports: [DirectoryModule],
  providers: [TokenRevocation, UserAdministration],
  exports: [TokenRevocation, UserAdministration],
})
export class UserAccountsModule {}
