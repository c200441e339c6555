import { Module, type OnModuleInit } from '@nestjs/common';
import { PersonalDataKeys } from '@yixin/privacy';
import { PrivacyController } from './privacy.controller';

/** Erasure of residents' personal data. */
@Module({ controllers: [PrivacyController] })
export class PrivacyModule implements OnModuleInit {
  constructor(private readonly keys: PersonalDataKeys) {}

  /** The API encrypts and decrypts residents' data: without its master key, or with the wrong one, it does not start. */
  async onModuleInit(): Promise<void> {
    await this.keys.checkMasterKey();
  }
}
