import { Injectable, type OnModuleInit } from '@nestjs/common';
import { CommandBus, type ICommand } from '@nestjs/cqrs';
import { DomainError } from '../../../domain/src';
import { ConcurrentCaseUpdateError } from '../cases/case-command-executor';
import { Metrics } from './metrics';

/**
 * Counts every command the bus executes, from HTTP and from workflows alike, by type and outcome.
 * @nestjs/cqrs offers no hook after a handler ran (its command publisher sees a command before it
 * runs, never its outcome), so the bus's `execute` is wrapped once, when the application starts.
 */
@Injectable()
export class CommandMetering implements OnModuleInit {
  constructor(private readonly commandBus: CommandBus, private readonly metrics: Metrics) {}

  onModuleInit(): void {
    const bus = this.commandBus;
    const execute = bus.execute.bind(bus) as (command: ICommand, ...rest: unknown[]) => Promise<unknown>;
    const metered = async (command: ICommand, ...rest: unknown[]): Promise<unknown> => {
      const labels = { command: commandType(command) };
      try {
        const result = await execute(command, ...rest);
        this.metrics.commands.inc({ ...labels, outcome: 'ok' });
        return result;
      } catch (error) {
        this.metrics.commands.inc({ ...labels, outcome: outcome(error) });
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

function outcome(error: unknown): string {
  if (error instanceof DomainError) return error.kind;
  if (error instanceof ConcurrentCaseUpdateError) return 'concurrent_update';
  return 'error';
}
