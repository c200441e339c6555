import type { LoggerService } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';

/** From the most to the least severe; a level lets through itself and everything above it. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What every log line written while serving one request carries (the HTTP side enters it). */
export interface LogContext {
  correlationId: string;
}

export const logContext = new AsyncLocalStorage<LogContext>();

export type LogFields = Record<string, unknown>;

const STACK_TRACE = /\n\s+at /;

/**
 * One JSON object per line: time, level, context, the request's correlation id when there is one,
 * message, then the fields given. Nest's calling conventions are understood: a trailing string is
 * the context, a stack trace string belongs to an error, an object message carries its own fields.
 */
export class JsonLogger implements LoggerService {
  private readonly threshold: number;

  constructor(level: LogLevel, private readonly writeLine: (line: string) => void = (line) => process.stdout.write(line)) {
    this.threshold = LOG_LEVELS.indexOf(level);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.fromNest('fatal', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.fromNest('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.fromNest('warn', message, params);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.fromNest('info', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.fromNest('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.fromNest('verbose', message, params);
  }

  private write(level: LogLevel, message: string, fields: LogFields, context: string | undefined): void {
    if (LOG_LEVELS.indexOf(level) > this.threshold) return;
    const entry: LogFields = { time: new Date().toISOString(), level, context, correlationId: logContext.getStore()?.correlationId, message };
    for (const [name, value] of Object.entries(fields)) {
      if (!(name in entry)) entry[name] = value;
    }
    this.writeLine(`${JSON.stringify(entry, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))}\n`);
  }

  private fromNest(level: LogLevel, message: unknown, params: unknown[]): void {
    const rest = params.filter((param) => param !== undefined);
    const context = typeof rest.at(-1) === 'string' ? (rest.pop() as string) : undefined;
    const fields: LogFields = {};
    const texts: string[] = [];
    for (const part of [message, ...rest]) {
      if (part instanceof Error) {
        texts.push(part.message);
        fields.stack = part.stack;
      } else if (typeof part === 'string' && STACK_TRACE.test(part) && part !== message) {
        fields.stack = part;
      } else if (part !== null && typeof part === 'object') {
        const { message: text, ...own } = part as LogFields;
        if (text !== undefined) texts.push(String(text));
        Object.assign(fields, own);
      } else {
        texts.push(String(part));
      }
    }
    this.write(level, texts.join(' '), fields, context);
  }
}
