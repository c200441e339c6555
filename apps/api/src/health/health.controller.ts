import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';
import { DependencyHealth } from './dependency-health';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthCheckService, private readonly dependencies: DependencyHealth) {}

  /** Readiness: 200 when the event log, the read store and Temporal answer, 503 otherwise. */
  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'readiness: the event log, the read store and Temporal’s namespace answer (each probe gives up after 3 s)' })
  check() {
    return this.health.check([
      () => this.dependencies.eventLog(),
      () => this.dependencies.readStore(),
      () => this.dependencies.temporalNamespace(),
    ]);
  }

  /** Liveness: the process serves HTTP; asks no dependency, so a restart is never ordered for someone else's outage. */
  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'liveness: the process serves HTTP' })
  live() {
    return this.health.check([]);
  }
}
