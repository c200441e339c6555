// First: resolves the packages' aliases (@yixin/…) when Node runs the compiled code.
import '../../../libs/module-aliases/src/register';
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { QueryBus } from '@nestjs/cqrs';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { AuditModule, ExportEventsQuery, GetCaseStateAsOfQuery, VerifyLogQuery, type LogVerification } from '@yixin/audit';
import { CasesModule, GetCaseHistoryQuery } from '@yixin/cases';
import { loadCliSecrets, loadConfig, parseMasterKey } from '@yixin/config';
import { createAdministrator, DirectoryModule, DirectoryService, type OrganisationKind } from '@yixin/directory';
import { PlatformModule, PROJECTIONS } from '@yixin/platform';
import { rotateMasterKey } from '@yixin/privacy';
import { rebuildProjections } from '@yixin/projections';
import { EVENT_STORE, READ_STORE, RECORD_STORE } from '@yixin/stores';
import type { Actor, Role } from '@yixin/domain';

const USAGE = `yixin command-line tools, on the store configured by the environment (YIXIN_STORE, YIXIN_DATA_DIR,
DATABASE_URL, …: see docs/configuration.md):

  history <caseId>                              every event of a case with its envelope and the chain verdict
  state <caseId> [--at ISO] [--revision N]      the case as it stood at a past moment or revision
  verify [--case <caseId>]                      verify one case or the whole log; exit code 1 if anything is wrong
  export [--case <caseId>] [--from ISO] [--to ISO] [--format jsonl|csv] [--out FILE]
  rebuild-projections [name …]                  empty and replay read models (stop the workers first)

  create-organisation --id <id> --kind <kind> --name <name> [--parent <id>] [--property-company <id>]
                                                add an organisation to the directory (restart the API and workers after)
  create-admin --organisation <id> --username <name> [--display-name <name>] [--role <role>]
                                                add an administrator of the organisation; the password is read from
                                                YIXIN_ADMIN_PASSWORD, or else the first line of stdin
  rotate-pii-master-key                         rewrap residents' data keys from YIXIN_PII_MASTER_KEY to
                                                YIXIN_NEW_PII_MASTER_KEY (stop the API first: docs/privacy.md)`;

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
      id: { type: 'string' },
      kind: { type: 'string' },
      name: { type: 'string' },
      parent: { type: 'string' },
      'property-company': { type: 'string' },
      organisation: { type: 'string' },
      username: { type: 'string' },
      'display-name': { type: 'string' },
      role: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }

  const config = loadConfig();
  @Module({ imports: [PlatformModule.forRoot(config), CasesModule, AuditModule, DirectoryModule] })
  class CliModule {}
  const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error'] });
  const queryBus = app.get(QueryBus);
  const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));
  try {
    switch (command) {
      case 'history':
        print(await queryBus.execute(new GetCaseHistoryQuery(operator, requireArg(args[0], '<caseId>'))));
        return 0;
      case 'state':
        print(
          await queryBus.execute(
            new GetCaseStateAsOfQuery(operator, requireArg(args[0], '<caseId>'), {
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
      case 'create-organisation': {
        const organisation = {
          id: requireArg(values.id, '--id'),
          kind: requireArg(values.kind, '--kind') as OrganisationKind,
          name: requireArg(values.name, '--name'),
          parentId: values.parent,
          propertyCompanyId: values['property-company'],
        };
        await app.get(DirectoryService).addOrganisation(organisation);
        print(organisation);
        return 0;
      }
      case 'create-admin': {
        const organisationId = requireArg(values.organisation, '--organisation');
        const username = requireArg(values.username, '--username');
        const password = await readAdministratorPassword();
        print(
          await createAdministrator(app.get(RECORD_STORE), app.get(DirectoryService), {
            organisationId,
            username,
            displayName: values['display-name'],
            role: values.role as Role | undefined,
            password,
          }),
        );
        return 0;
      }
      case 'rotate-pii-master-key': {
        if (!config.piiMasterKey) throw new Error('YIXIN_PII_MASTER_KEY must be set to the current master key');
        const newKey = loadCliSecrets().newPiiMasterKey;
        if (!newKey) throw new Error('YIXIN_NEW_PII_MASTER_KEY must be set to the new master key (openssl rand -base64 32)');
        print(await rotateMasterKey(app.get(RECORD_STORE), config.piiMasterKey, parseMasterKey(newKey, 'YIXIN_NEW_PII_MASTER_KEY')));
        console.error('done: start the API with YIXIN_PII_MASTER_KEY set to the new key');
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
  if (!value) throw new Error(`missing ${name}\n\n${USAGE}`);
  return value;
}

/** Never an argument: every user of the machine sees those in `ps`. */
async function readAdministratorPassword(): Promise<string> {
  const password = loadCliSecrets().adminPassword || (process.stdin.isTTY ? await promptWithoutEcho('password: ') : await firstLineOfStdin());
  if (!password) throw new Error('no password: set YIXIN_ADMIN_PASSWORD, or give the password on the first line of stdin');
  return password;
}

async function firstLineOfStdin(): Promise<string> {
  for await (const line of createInterface({ input: process.stdin })) return line;
  return '';
}

/** readline puts the terminal in raw mode and echoes what is typed to its output, discarded here: nothing typed shows. */
async function promptWithoutEcho(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  const lines = createInterface({ input: process.stdin, output: new Writable({ write: (_chunk, _encoding, done) => done() }), terminal: true });
  try {
    return await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      lines.once('SIGINT', () => reject(new Error('cancelled')));
    });
  } finally {
    lines.close();
    process.stderr.write('\n');
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
