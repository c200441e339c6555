import { Logger } from '@nestjs/common';
import { loadConfig } from '@yixin/config';
import { JsonLogger, logContext, type LogLevel } from './json-logger';

function capture(level: LogLevel): { logger: JsonLogger; entries: () => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const logger = new JsonLogger(level, (line) => lines.push(line));
  return { logger, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('JsonLogger', () => {
  it('writes time, level, context, correlation id, message and fields, one object per line', () => {
    const { logger, entries } = capture('info');
    logContext.run({ correlationId: 'c-1' }, () => logger.log({ message: 'request', method: 'GET', status: 200 }, 'Http'));
    logger.warn('plain', 'Worker');
    expect(entries()).toEqual([
      { time: expect.any(String), level: 'info', context: 'Http', correlationId: 'c-1', message: 'request', method: 'GET', status: 200 },
      { time: expect.any(String), level: 'warn', context: 'Worker', message: 'plain' },
    ]);
  });

  it('writes nothing below its level', () => {
    const { logger, entries } = capture('warn');
    logger.log('hidden');
    logger.debug('hidden');
    logger.error('shown');
    expect(entries().map((entry) => entry.level)).toEqual(['error']);
  });

  it('understands Nest’s calls: an error’s stack, a Logger’s context, and fields that cannot replace its own', () => {
    const { logger, entries } = capture('verbose');
    Logger.overrideLogger(logger);
    try {
      const error = new Error('disk full');
      new Logger('Store').error(error.message, error.stack);
      new Logger('Store').error(error);
      logger.log({ message: 'x', level: 'fatal', time: 'never', big: 10n });
    } finally {
      Logger.overrideLogger(false);
    }
    const [withStack, fromError, guarded] = entries();
    expect(withStack).toMatchObject({ level: 'error', context: 'Store', message: 'disk full', stack: expect.stringContaining('disk full\n    at ') });
    expect(fromError).toMatchObject({ level: 'error', context: 'Store', message: 'disk full', stack: expect.stringContaining('\n    at ') });
    expect(guarded).toMatchObject({ level: 'info', message: 'x', big: '10' });
    expect(guarded.time).not.toBe('never');
  });
});

describe('the operations settings of the configuration', () => {
  it('has defaults and reads the environment', () => {
    expect(loadConfig({})).toMatchObject({
      httpBodyLimitBytes: 1024 * 1024,
      rateLimits: { loginsPerMinute: 10, writesPerMinute: 600 },
      idempotencyKeyTtlHours: 24,
      logLevel: 'info',
    });
    expect(loadConfig({ RATE_LIMIT_WRITES_PER_MINUTE: '60', LOG_LEVEL: 'DEBUG', HTTP_BODY_LIMIT_BYTES: '2048' })).toMatchObject({
      rateLimits: { writesPerMinute: 60 },
      logLevel: 'debug',
      httpBodyLimitBytes: 2048,
    });
  });

  it('refuses values that are not what they should be', () => {
    expect(() => loadConfig({ RATE_LIMIT_LOGINS_PER_MINUTE: '0' })).toThrow('RATE_LIMIT_LOGINS_PER_MINUTE must be a positive integer, not 0');
    expect(() => loadConfig({ IDEMPOTENCY_KEY_TTL_HOURS: '1.5' })).toThrow(/IDEMPOTENCY_KEY_TTL_HOURS/);
    expect(() => loadConfig({ HTTP_BODY_LIMIT_BYTES: '1mb' })).toThrow(/HTTP_BODY_LIMIT_BYTES/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow('LOG_LEVEL must be one of fatal, error, warn, info, debug, verbose, not loud');
  });
});
