import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TerminusModule } from '@nestjs/terminus';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import { AttachmentsModule } from '@yixin/attachments';
import { AuditModule } from '@yixin/audit';
import { CasesModule } from '@yixin/cases';
import { DirectoryModule, UserAccountsModule } from '@yixin/directory';
import { IdempotencyModule } from '@yixin/idempotency';
import { LiveUpdatesModule } from '@yixin/live-updates';
import { PrivacyModule } from '@yixin/privacy';
import { RatesModule } from '@yixin/rates';
import { AdminUsersController } from './admin/admin-users.controller';
import { AttachmentsController } from './attachments/attachments.controller';
import { UncitedPhotoSweep } from './attachments/uncited-photo-sweep';
import { AuditController } from './audit/audit.controller';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { CaseActionsController } from './cases/case-actions.controller';
import { CasesController } from './cases/cases.controller';
import { SupervisionController } from './cases/supervision.controller';
import { DirectoryController } from './directory/directory.controller';
import { DependencyHealth } from './health/dependency-health';
import { HealthController } from './health/health.controller';
import { IdempotencyGuard } from './idempotency/idempotency.guard';
import { MetricsController } from './observability/metrics.controller';
import { Open311HttpModule } from './open311/open311.module';
import { OutboxHttpModule } from './outbox/outbox-http.module';
import { PrivacyHttpModule } from './privacy/privacy.module';
import { RateLimitGuard } from './rate-limit/rate-limit';
import { RatesController } from './rates/rates.controller';
import { ResidentHttpModule } from './resident/resident.module';

/**
 * A key object, not the string: given a string, jsonwebtoken first tries to read it as a PEM public
 * key on every verification, and only then takes it as a secret. The same bytes, so tokens stay valid.
 */
function requireJwtSecret(config: YixinConfig): KeyObject {
  if (!config.jwt.secret) throw new Error('JWT_SECRET must be set (the embedded launcher generates one under the data directory)');
  return createSecretKey(Buffer.from(config.jwt.secret, 'utf8'));
}

/** The HTTP side: the features it serves and their controllers. Needs PlatformModule.forRoot(config) beside it. */
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
    // DependencyHealth logs why a dependency is down; terminus would only repeat it.
    TerminusModule.forRoot({ logger: false }),
    DirectoryModule,
    UserAccountsModule,
    CasesModule,
    LiveUpdatesModule,
    AttachmentsModule,
    AuditModule,
    RatesModule,
    PrivacyModule,
    IdempotencyModule,
    Open311HttpModule,
    PrivacyHttpModule,
    OutboxHttpModule,
    ResidentHttpModule,
  ],
  controllers: [
    AuthController,
    CasesController,
    CaseActionsController,
    SupervisionController,
    AuditController,
    HealthController,
    MetricsController,
    RatesController,
    AdminUsersController,
    AttachmentsController,
    DirectoryController,
  ],
  providers: [
    // Global guards run in this order: the rate limit and the idempotency keys need the user the AuthGuard found.
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: IdempotencyGuard },
    DependencyHealth,
    UncitedPhotoSweep,
  ],
})
export class ApiModule {}
