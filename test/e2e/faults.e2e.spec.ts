import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client, Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type YixinConfig } from '@yixin/config';
import { PlatformModule } from '@yixin/platform';
import { CHECKPOINT_STORE, EVENT_STORE } from '@yixin/stores';
import { readCaseStream } from '@yixin/case-stream';
import type { CheckpointStore, EventStore } from '@yixin/event-store';
import { pickFreePort, type TemporalDevServer } from '@yixin/temporal-tooling';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureHttpApp } from '../../apps/api/src/http-app';
import { createEmbeddedApp } from '../../apps/embedded/src/embedded-app';
import { BRIDGE_CHECKPOINT } from '../../apps/worker/src/case-bridge.service';
import {
  ApiClient,
  backendEnvironment,
  caseEventTypes,
  E2E_BACKENDS,
  eventually,
  sampleComplaint,
  startTestTemporal,
  temporaryDirectory,
  testConfig,
  testEnvironment,
} from '@yixin/testing';

const repoRoot = join(__dirname, '..', '..');

/** The position of the case's last event: the bridge carries case streams only, not the notification outcomes beside them. */
async function lastPositionOfCase(store: EventStore, caseId: string): Promise<number> {
  return (await readCaseStream(store, caseId)).at(-1)!.globalPosition;
}

/** A probe for `eventually`: has the case an event of this type yet? */
const hasEvent = (store: EventStore, caseId: string, type: string) => async () =>
  (await caseEventTypes(store, caseId)).includes(type) ? true : undefined;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(E2E_BACKENDS)('faults on %s', (backend) => {
  it('dispatches a case filed while Temporal is down once it is back, and never twice', async () => {
    const port = await pickFreePort();
    const backendServer = await backendEnvironment(backend);
    const dataDir = temporaryDirectory();
    const config = testConfig(dataDir, `127.0.0.1:${port}`, backendServer.env);
    let app: INestApplication | undefined = await createEmbeddedApp(config, { logger: false });
    let temporal: TemporalDevServer | undefined;
    try {
      await app.listen(0, '127.0.0.1');
      const api = new ApiClient(await app.getUrl());
      const store: EventStore = app.get(EVENT_STORE);
      const staff = await api.login('staff.xiangyuan');
      const { body } = await api.request('POST', '/cases', staff, sampleComplaint());
      const caseId = body.caseId as string;

      await pause(1500);
      expect(await caseEventTypes(store, caseId)).toEqual(['ComplaintFiled']);

      temporal = await startTestTemporal({ port, dbFilename: join(dataDir, 'temporal.sqlite') });
      await eventually(hasEvent(store, caseId, 'TaskDispatched'), 'the dispatch after Temporal returns', 60_000);

      // Deliver the whole log again, as after a crash that lost the checkpoint: the workflow must ignore it.
      await app.close();
      app = await createEmbeddedApp(config, { logger: false });
      await app.get<CheckpointStore>(CHECKPOINT_STORE).save(BRIDGE_CHECKPOINT, 0);
      await app.init();
      const checkpoints = app.get<CheckpointStore>(CHECKPOINT_STORE);
      const reopened: EventStore = app.get(EVENT_STORE);
      const end = await lastPositionOfCase(reopened, caseId);
      await eventually(async () => ((await checkpoints.load(BRIDGE_CHECKPOINT)) >= end ? true : undefined), 'the redelivery');
      await pause(1000);
      expect(await caseEventTypes(reopened, caseId)).toEqual(['ComplaintFiled', 'TaskDispatched']);
    } finally {
      await app?.close();
      await temporal?.stop();
      await backendServer.stop();
    }
  });

  it('carries a running case on in the same workflow run after the Temporal server restarts', async () => {
    const port = await pickFreePort();
    const backendServer = await backendEnvironment(backend);
    const dataDir = temporaryDirectory();
    const dbFilename = join(dataDir, 'temporal.sqlite');
    let temporal: TemporalDevServer | undefined = await startTestTemporal({ port, dbFilename });
    const config = testConfig(dataDir, `127.0.0.1:${port}`, backendServer.env);
    const app = await createEmbeddedApp(config, { logger: false });
    const client = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${port}` }) });
    try {
      await app.listen(0, '127.0.0.1');
      const api = new ApiClient(await app.getUrl());
      const store: EventStore = app.get(EVENT_STORE);
      const [staff, company] = await Promise.all([api.login('staff.xiangyuan'), api.login('pc.beichen-aoyuan')]);
      const caseId = (await api.request('POST', '/cases', staff, sampleComplaint())).body.caseId as string;
      await eventually(hasEvent(store, caseId, 'TaskDispatched'), 'the dispatch');
      const runBefore = (await client.workflow.getHandle(caseId).describe()).runId;

      await temporal.stop();
      temporal = undefined;
      // While Temporal is down the company works on; the bridge keeps the events for later.
      expect((await api.request('POST', `/cases/${caseId}/task/sign-for`, company)).status).toBe(200);
      expect((await api.request('POST', `/cases/${caseId}/task/resolve`, company, { note: '已修复' })).status).toBe(200);
      temporal = await startTestTemporal({ port, dbFilename });

      expect((await api.request('POST', `/cases/${caseId}/call-back`, staff, { outcome: 'satisfied', rating: 5 })).status).toBe(200);
      const handle = client.workflow.getHandle(caseId);
      expect(await handle.result()).toBe('closed');
      expect((await handle.describe()).runId).toBe(runBefore);
      expect(await caseEventTypes(store, caseId)).toEqual(['ComplaintFiled', 'TaskDispatched', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded', 'CaseClosed']);
    } finally {
      await client.connection.close();
      await app.close();
      await temporal?.stop();
      await backendServer.stop();
    }
  });

  describe('a worker process killed in the middle of a case', () => {
    let temporal: TemporalDevServer;
    let environment: NodeJS.ProcessEnv;
    let config: YixinConfig;
    let dataDir: string;
    let apiApp: INestApplication;
    let worker: ChildProcess | undefined;
    let backendServer: Awaited<ReturnType<typeof backendEnvironment>>;

    const startWorker = () => {
      const child = spawn(process.execPath, ['-r', join(repoRoot, 'test/support/register-ts.js'), join(repoRoot, 'apps/worker/src/main.ts')], {
        cwd: repoRoot,
        // The API's own configuration: the case's workflow ends only once its messages are sent, which
        // takes the personal data key, the link secret and no quiet hours, as for the API.
        env: { ...process.env, ...environment },
        // The worker's own log, kept beside its data for whoever debugs a failure.
        stdio: ['ignore', openSync(join(dataDir, 'worker.log'), 'a'), openSync(join(dataDir, 'worker.log'), 'a')],
      });
      return child;
    };

    beforeAll(async () => {
      [temporal, backendServer] = await Promise.all([startTestTemporal(), backendEnvironment(backend)]);
      dataDir = temporaryDirectory();
      environment = testEnvironment(dataDir, temporal.address, backendServer.env);
      config = loadConfig(environment);
      @Module({ imports: [PlatformModule.forRoot(config), ApiModule] })
      class ApiOnlyModule {}
      apiApp = configureHttpApp(await NestFactory.create(ApiOnlyModule, { logger: false }));
      await apiApp.listen(0, '127.0.0.1');
    });

    afterAll(async () => {
      worker?.kill('SIGKILL');
      await apiApp?.close();
      await temporal?.stop();
      await backendServer?.stop();
    });

    it('carries on after a restart: nothing lost, nothing done twice', async () => {
      const api = new ApiClient(await apiApp.getUrl());
      const store: EventStore = apiApp.get(EVENT_STORE);
      const [staff, company] = await Promise.all([api.login('staff.xiangyuan'), api.login('pc.beichen-aoyuan')]);

      worker = startWorker();
      const { body } = await api.request('POST', '/cases', staff, sampleComplaint());
      const caseId = body.caseId as string;
      await eventually(hasEvent(store, caseId, 'TaskDispatched'), 'the dispatch', 60_000);

      worker.kill('SIGKILL');
      await new Promise((resolve) => worker!.once('exit', resolve));
      expect((await api.request('POST', `/cases/${caseId}/task/sign-for`, company)).status).toBe(200);
      expect((await api.request('POST', `/cases/${caseId}/task/resolve`, company, { note: '已修复' })).status).toBe(200);
      expect((await api.request('POST', `/cases/${caseId}/call-back`, staff, { outcome: 'not_satisfied', rating: 1 })).status).toBe(200);
      await pause(1000);
      expect(await caseEventTypes(store, caseId)).not.toContain('TaskRedoOrdered');

      worker = startWorker();
      await eventually(hasEvent(store, caseId, 'TaskRedoOrdered'), 'the redo after the restart', 60_000);
      expect((await api.request('POST', `/cases/${caseId}/task/sign-for`, company)).status).toBe(200);
      expect((await api.request('POST', `/cases/${caseId}/task/resolve`, company, { note: '再次检修' })).status).toBe(200);
      expect((await api.request('POST', `/cases/${caseId}/call-back`, staff, { outcome: 'satisfied', rating: 5 })).status).toBe(200);

      const client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
      try {
        expect(await client.workflow.getHandle(caseId).result()).toBe('closed');
      } finally {
        await client.connection.close();
      }
      expect(await caseEventTypes(store, caseId)).toEqual([
        'ComplaintFiled', 'TaskDispatched', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded',
        'TaskRedoOrdered', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded', 'CaseClosed',
      ]);
    });
  });
});
