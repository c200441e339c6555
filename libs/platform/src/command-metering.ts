import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { CommandBus, type ICommand } from '@nestjs/cqrs';
import { DomainError } from '@yixin/domain';
import { ConcurrentCaseUpdateError } from '@yixin/case-stream';
import { Metrics } from '@yixin/observability';

/**
 * Counts and logs every command the bus executes, from HTTP and from workflows alike, by type and
 * outcome; each log line carries the command's id (the events' correlation id) and, during a
 * request, the request's correlation id.
 * @nestjs/cqrs offers no hook after a handler ran (its command publisher sees a command before it
 * runs, never its outcome), so the bus's `execute` is wrapped once, when the application starts.
 */
@Injectable()
export class CommandMetering implements OnModuleInit {
  private readonly logger = new Logger('Commands');

  constructor(private readonly commandBus: CommandBus, private readonly metrics: Metrics) {}

  onModuleInit(): void {
    const bus = this.commandBus;
    const execute = bus.execute.bind(bus) as (command: ICommand, ...rest: unknown[]) => Promise<unknown>;
    const metered = async (command: ICommand, ...rest: unknown[]): Promise<unknown> => {
      const labels = { command: commandType(command) };
      const started = performance.now();
      const record = (result: string, details: Record<string, unknown> = {}) => {
        this.metrics.commands.inc({ ...labels, outcome: result });
        this.logger.log({ message: 'command executed', ...labels, ...identify(command), outcome: result, durationMs: Math.round(performance.now() - started), ...details });
      };
      try {
        const result = await execute(command, ...rest);
        const { commandId } = (result ?? {}) as { commandId?: unknown };
        record('ok', typeof commandId === 'string' ? { commandId } : {});
        return result;
      } catch (error) {
        record(outcome(error), { reason: error instanceof Error ? error.message : String(error) });
        throw error;
      }
    };
    bus.execute = metered as CommandBus['execute'];
  }
}

/** A bus command that carries a domain command (a case command) is named by the domain command's type. */
function commandType(command: ICommand): string {
  const carried = (command as { command?: { type?: unknown } }).command?.type;
  return typeof carried === 'string' ? carried : command.constructor.name.replace(/Command$/, '');
}

/** The case and the command id a bus command carries, when it carries them. */
function identify(command: ICommand): Record<string, unknown> {
  const { commandId, command: carried } = command as { commandId?: unknown; command?: { caseId?: unknown } };
  return {
    ...(typeof carried?.caseId === 'string' ? { caseId: carried.caseId } : {}),
    ...(typeof commandId === 'string' ? { commandId } : {}),
  };
}

function outcome(error: unknown): string {
  if (error instanceof DomainError) return error.kind;
  if (error instanceof ConcurrentCaseUpdateError) return 'concurrent_update';
  return 'error';
}
