import { Client, Connection } from '@temporalio/client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTemporalDevServer, TemporalDevServer } from './temporal-dev-server';
import { readToolPaths } from './tool-paths';

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

  it('serves the Web UI on the port it reports', async () => {
    server = await startTemporalDevServer({ cliPath, port: 0, uiPort: 0 });

    const response = await fetch(server.uiUrl as string);

    expect(response.status).toBe(200);
  });

  it('fails with the server output when the server exits during start', async () => {
    const unusableDbFilename = join(dataDir, 'missing-folder', 'temporal.db');

    await expect(
      startTemporalDevServer({ cliPath, dbFilename: unusableDbFilename, port: 0, headless: true }),
    ).rejects.toThrow(/exited with code 1[\s\S]*Recent output:[\s\S]*missing-folder/);
  });
});
