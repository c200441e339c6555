import { Module } from '@nestjs/common';
import { CaseCommandExecutor } from './case-command-executor';

/** The one writer of cases' streams, shared by every feature that decides a case command (cases, privacy). */
@Module({ providers: [CaseCommandExecutor], exports: [CaseCommandExecutor] })
export class CaseStreamModule {}
