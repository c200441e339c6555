import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { QueryBus } from '@nestjs/cqrs';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import {
  ApplicationModule,
  EVENT_STORE,
  ExportEventsQuery,
  GetCaseHistoryQuery,
  GetCaseStateAsOfQuery,
  loadConfig,
  PROJECTIONS,
  READ_STORE,
  rebuildProjections,
  VerifyLogQuery,
  type LogVerification,
} from '../../../libs/application/src';
import type { Actor } from '../../../libs/domain/src';

const USAGE = `yixin command-line tools (read-only, except rebuild-projections), on the store configured by the
environment (YIXIN_STORE, YIXIN_DATA_DIR, DATABASE_URL, …: see README):

  history <caseId>                              every event of a case with its envelope and the chain verdict
  state <caseId> [--at ISO] [--revision N]      the case as it stood at a past moment or revision
  verify [--case <caseId>]                      verify one case or the whole log; exit code 1 if anything is wrong
  export [--case <caseId>] [--from ISO] [--to ISO] [--format jsonl|csv] [--out FILE]
  rebuild-projections [name …]                  empty and replay read models (stop the workers first)`;

/** The operator at the terminal reads as an auditor; what they do is theirs, not a web user's. */
const operator: Actor = { userId: `cli:${userInfo().username}`, role: 'auditor', organisationId: 'cli' };

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      at: { type: 'string' },
      revision: { type: 'string' },
      case: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string', default: 'jsonl' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }

  @Module({ imports: [ApplicationModule.forRoot(loadConfig())] })
  class CliModule {}
  const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error'] });
  const queryBus = app.get(QueryBus);
  const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));
  try {
    switch (command) {
      case 'history':
        print(await queryBus.execute(new GetCaseHistoryQuery(operator, requireArg(args[0], 'caseId'))));
        return 0;
      case 'state':
        print(
          await queryBus.execute(
            new GetCaseStateAsOfQuery(operator, requireArg(args[0], 'caseId'), {
              at: values.at,
              revision: values.revision === undefined ? undefined : Number(values.revision),
            }),
          ),
        );
        return 0;
      case 'verify': {
        const verification: LogVerification = await queryBus.execute(new VerifyLogQuery(operator, values.case));
        print(verification);
        return verification.intact ? 0 : 1;
      }
      case 'export': {
        if (values.format !== 'jsonl' && values.format !== 'csv') throw new Error('--format must be jsonl or csv');
        const lines: AsyncGenerator<string> = await queryBus.execute(
          new ExportEventsQuery(operator, { caseId: values.case, from: values.from, to: values.to }, values.format),
        );
        const file = values.out ? createWriteStream(values.out) : undefined;
        const out = file ?? process.stdout;
        for await (const line of lines) {
          if (!out.write(line)) await once(out, 'drain');
        }
        if (file) {
          file.end();
          await once(file, 'finish');
        }
        return 0;
      }
      case 'rebuild-projections': {
        const unknown = args.filter((name) => !PROJECTIONS.some((projection) => projection.name === name));
        if (unknown.length > 0) {
          throw new Error(`unknown projection ${unknown.join(', ')}; known: ${PROJECTIONS.map((projection) => projection.name).join(', ')}`);
        }
        const chosen = args.length > 0 ? PROJECTIONS.filter((projection) => args.includes(projection.name)) : PROJECTIONS;
        const started = performance.now();
        const { events } = await rebuildProjections(app.get(EVENT_STORE), app.get(READ_STORE), chosen);
        const names = chosen.map((projection) => projection.name).join(', ');
        console.log(`${names}: rebuilt from ${events} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        return 0;
      }
      default:
        console.error(`unknown command ${command}\n\n${USAGE}`);
        return 2;
    }
  } finally {
    await app.close();
  }
}

function requireArg(value: string | undefined, name: string): string {
  if (!value) throw new Error(`missing <${name}>\n\n${USAGE}`);
  return value;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
