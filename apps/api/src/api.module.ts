import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { YIXIN_CONFIG, type YixinConfig } from '../../../libs/application/src';
import { AuditController } from './audit/audit.controller';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { CasesController } from './cases/cases.controller';
import { HealthController } from './health/health.controller';
import { Open311Module } from './open311/open311.module';

function requireJwtSecret(config: YixinConfig): string {
  if (!config.jwt.secret) throw new Error('JWT_SECRET must be set (the embedded launcher generates one under the data directory)');
  return config.jwt.secret;
}

/** The HTTP side. Needs ApplicationModule.forRoot(config) beside it. */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [YIXIN_CONFIG],
      useFactory: (config: YixinConfig) => ({
        secret: requireJwtSecret(config),
        signOptions: { expiresIn: config.jwt.expiresInSeconds, algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    Open311Module,
  ],
  controllers: [AuthController, CasesController, AuditController, HealthController],
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
})
export class ApiModule {}
