import { Client, Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CASE_SEARCH_ATTRIBUTES } from '../../../workflows/src/case-search-attributes';
import { pickFreePorts, startTemporalDevServer, TemporalDevServer } from './temporal-dev-server';
import { readToolPaths } from './tool-paths';

/** The live processes with `argument` on their command line. */
function processesWithArgument(argument: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(argument);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 5 of proc(5); the command name before it may hold spaces and parentheses.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

describe('startTemporalDevServer', () => {
  const cliPath = readToolPaths().temporalCli;
  let dataDir: string;
  let server: TemporalDevServer | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'yixin-temporal-dev-server-'));
  });

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function withClient<T>(address: string, use: (client: Client) => Promise<T>): Promise<T> {
    const connection = await Connection.connect({ address });
    try {
      return await use(new Client({ connection }));
    } finally {
      await connection.close();
    }
  }

  it('keeps workflows in its database file across a restart', async () => {
    const dbFilename = join(dataDir, 'temporal.db');
    const workflowId = 'infra-spec-persisted';

    // No worker polls this task queue: the workflow only has to be recorded, not run.
    server = await startTemporalDevServer({ cliPath, dbFilename, port: 0, headless: true });
    const runId = await withClient(server.address, async (client) => {
      const handle = await client.workflow.start('recordedOnly', { taskQueue: 'infra-spec', workflowId, args: [] });
      return handle.firstExecutionRunId;
    });
    await server.stop();

    server = await startTemporalDevServer({ cliPath, dbFilename, port: 0, headless: true });
    const description = await withClient(server.address, (client) => client.workflow.getHandle(workflowId).describe());

    expect(description.runId).toBe(runId);
    expect(description.type).toBe('recordedOnly');
    expect(description.status.name).toBe('RUNNING');
  });

  it('has the search attributes of the case workflows, also when started on a database file that lacks them', async () => {
    const dbFilename = join(dataDir, 'search-attributes.db');
    const namespace = 'default';
    const keys = Object.values(CASE_SEARCH_ATTRIBUTES);
    const customAttributes = (address: string) =>
      withClient(address, async (client) => (await client.connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {});
    const expected = Object.fromEntries(keys.map(({ name, type }) => [name, encodeSearchAttributeIndexedValueType(type)]));

    server = await startTemporalDevServer({ cliPath, dbFilename, port: 0, headless: true });
    expect(await customAttributes(server.address)).toMatchObject(expected);
    // As a file from before the attributes existed has it.
    await withClient(server.address, (client) =>
      client.connection.operatorService.removeSearchAttributes({ namespace, searchAttributes: keys.map(({ name }) => name) }),
    );
    expect(Object.keys(await customAttributes(server.address))).not.toContain(keys[0].name);
    await server.stop();

    server = await startTemporalDevServer({ cliPath, dbFilename, port: 0, headless: true });
    expect(await customAttributes(server.address)).toMatchObject(expected);
  });

  it('serves the Web UI on the port it reports', async () => {
    server = await startTemporalDevServer({ cliPath, port: 0, uiPort: 0 });

    const response = await fetch(server.uiUrl as string);

    expect(response.status).toBe(200);
  });

  it('stops the server it is starting when the start is aborted, and rejects with the reason; the server has a process group of its own', async () => {
    const dbFilename = join(dataDir, 'aborted-start.db');
    const aborted = new AbortController();
    const starting = startTemporalDevServer({ cliPath, dbFilename, port: 0, headless: true, signal: aborted.signal });
    const result = starting.then(
      async (started) => {
        await started.stop();
        return 'started before the abort';
      },
      (error: Error) => error.message,
    );
    let pid: number | undefined;
    while (pid === undefined) {
      pid = processesWithArgument(dbFilename)[0];
      await sleep(10);
    }
    expect(processGroupOf(pid)).toBe(pid);

    aborted.abort(new Error('start abandoned by the test'));

    expect(await result).toBe('start abandoned by the test');
    expect(processesWithArgument(dbFilename)).toEqual([]);
  });

  it('fails with the server output when the server exits during start', async () => {
    const unusableDbFilename = join(dataDir, 'missing-folder', 'temporal.db');

    await expect(
      startTemporalDevServer({ cliPath, dbFilename: unusableDbFilename, port: 0, headless: true }),
    ).rejects.toThrow(/exited with code 1[\s\S]*Output:[\s\S]*missing-folder/);
  });
});

describe('pickFreePorts', () => {
  /** The local ports of this machine's IPv4 TCP sockets in TIME_WAIT, from proc(5)'s /proc/net/tcp. */
  function portsInTimeWait(): number[] {
    const timeWait = '06';
    return readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === timeWait)
      .map((fields) => parseInt(fields[1].split(':')[1], 16));
  }

  it('leaves each port in TIME_WAIT, so that no bind to port 0 gets it, and free to bind by number', async () => {
    const ports = await pickFreePorts(3);

    expect(new Set(ports).size).toBe(3);
    expect(portsInTimeWait()).toEqual(expect.arrayContaining(ports));
    for (const port of ports) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
