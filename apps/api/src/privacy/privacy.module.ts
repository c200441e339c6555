import { Module, type OnModuleInit } from '@nestjs/common';
import { PersonalDataKeys, PrivacyModule } from '@yixin/privacy';
import { PrivacyController } from './privacy.controller';

/** Erasure of residents' personal data. */
@Module({ imports: [PrivacyModule], controllers: [PrivacyController] })
export class PrivacyHttpModule implements OnModuleInit {
  constructor(private readonly keys: PersonalDataKeys) {}

  /** The API encrypts and decrypts residents' data: without its master key, or with the wrong one, it does not start. */
  async onModuleInit(): Promise<void> {
    await this.keys.checkMasterKey();
  }
}
