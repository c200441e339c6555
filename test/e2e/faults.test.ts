import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client, Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationModule, CHECKPOINT_STORE, SQLITE_DATABASE, type YixinConfig } from '../../libs/application/src';
import type { CheckpointStore } from '../../libs/event-store/src';
import { pickFreePort, type TemporalDevServer } from '../../libs/infra/src/temporal-dev-server';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureHttpApp } from '../../apps/api/src/http-app';
import { createEmbeddedApp } from '../../apps/embedded/src/embedded-app';
import { BRIDGE_CHECKPOINT } from '../../apps/worker/src/case-bridge.service';
import { ApiClient, eventually, sampleComplaint, startTestTemporal, temporaryDirectory, testConfig } from '../support/harness';
import type { Database } from 'better-sqlite3';

const repoRoot = join(__dirname, '..', '..');

function eventTypes(db: Database, caseId: string): string[] {
  return (db.prepare('SELECT type FROM events WHERE stream_id = ? ORDER BY stream_revision').all(`case-${caseId}`) as Array<{ type: string }>).map(
    (row) => row.type,
  );
}

function lastPosition(db: Database): number {
  return (db.prepare('SELECT max(global_position) AS p FROM events').get() as { p: number }).p;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('faults', () => {
  it('dispatches a case filed while Temporal is down once it is back, and never twice', async () => {
    const port = await pickFreePort();
    const dataDir = temporaryDirectory();
    const config = testConfig(dataDir, `127.0.0.1:${port}`);
    let app: INestApplication | undefined = await createEmbeddedApp(config, { logger: false });
    let temporal: TemporalDevServer | undefined;
    try {
      await app.listen(0, '127.0.0.1');
      const api = new ApiClient(await app.getUrl());
      const db: Database = app.get(SQLITE_DATABASE);
      const staff = await api.login('staff.xiangyuan');
      const { body } = await api.request('POST', '/cases', staff, sampleComplaint);
      const caseId = body.caseId as string;

      await pause(1500);
      expect(eventTypes(db, caseId)).toEqual(['ComplaintFiled']);

      temporal = await startTestTemporal({ port, dbFilename: join(dataDir, 'temporal.sqlite') });
      await eventually(() => (eventTypes(db, caseId).includes('TaskDispatched') ? true : undefined), 'the dispatch after Temporal returns', 60_000);

      // Deliver the whole log again, as after a crash that lost the checkpoint: the workflow must ignore it.
      await app.close();
      app = await createEmbeddedApp(config, { logger: false });
      await app.get<CheckpointStore>(CHECKPOINT_STORE).save(BRIDGE_CHECKPOINT, 0);
      await app.init();
      const checkpoints = app.get<CheckpointStore>(CHECKPOINT_STORE);
      const reopened: Database = app.get(SQLITE_DATABASE);
      const end = lastPosition(reopened);
      await eventually(async () => ((await checkpoints.load(BRIDGE_CHECKPOINT)) >= end ? true : undefined), 'the redelivery');
      await pause(1000);
      expect(eventTypes(reopened, caseId)).toEqual(['ComplaintFiled', 'TaskDispatched']);
    } finally {
      await app?.close();
      await temporal?.stop();
    }
  });

  describe('a worker process killed in the middle of a case', () => {
    let temporal: TemporalDevServer;
    let config: YixinConfig;
    let dataDir: string;
    let apiApp: INestApplication;
    let worker: ChildProcess | undefined;

    const startWorker = () => {
      const child = spawn(process.execPath, ['-r', join(repoRoot, 'test/support/register-ts.js'), join(repoRoot, 'apps/worker/src/main.ts')], {
        cwd: repoRoot,
        env: {
          ...process.env,
          YIXIN_DATA_DIR: dataDir,
          JWT_SECRET: config.jwt.secret,
          TEMPORAL_ADDRESS: config.temporal.address,
          TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
          SQLITE_SYNCHRONOUS: config.sqliteSynchronous,
        },
        // The worker's own log, kept beside its data for whoever debugs a failure.
        stdio: ['ignore', openSync(join(dataDir, 'worker.log'), 'a'), openSync(join(dataDir, 'worker.log'), 'a')],
      });
      return child;
    };

    beforeAll(async () => {
      temporal = await startTestTemporal();
      dataDir = temporaryDirectory();
      config = testConfig(dataDir, temporal.address);
      @Module({ imports: [ApplicationModule.forRoot(config), ApiModule] })
      class ApiOnlyModule {}
      apiApp = configureHttpApp(await NestFactory.create(ApiOnlyModule, { logger: false }));
      await apiApp.listen(0, '127.0.0.1');
    });

    afterAll(async () => {
      worker?.kill('SIGKILL');
      await apiApp?.close();
      await temporal?.stop();
    });

    it('carries on after a restart: nothing lost, nothing done twice', async () => {
      const api = new ApiClient(await apiApp.getUrl());
      const db: Database = apiApp.get(SQLITE_DATABASE);
      const [staff, company] = await Promise.all([api.login('staff.xiangyuan'), api.login('pc.beichen-aoyuan')]);

      worker = startWorker();
      const { body } = await api.request('POST', '/cases', staff, sampleComplaint);
      const caseId = body.caseId as string;
      await eventually(() => (eventTypes(db, caseId).includes('TaskDispatched') ? true : undefined), 'the dispatch', 60_000);

      worker.kill('SIGKILL');
      await new Promise((resolve) => worker!.once('exit', resolve));
      expect((await api.request('POST', `/cases/${caseId}/task/sign-for`, company)).status).toBe(200);
      expect((await api.request('POST', `/cases/${caseId}/task/resolve`, company, { note: '已修复' })).status).toBe(200);
      expect((await api.request('POST', `/cases/${caseId}/call-back`, staff, { satisfied: false, rating: 1 })).status).toBe(200);
      await pause(1000);
      expect(eventTypes(db, caseId)).not.toContain('TaskRedoOrdered');

      worker = startWorker();
      await eventually(() => (eventTypes(db, caseId).includes('TaskRedoOrdered') ? true : undefined), 'the redo after the restart', 60_000);
      expect((await api.request('POST', `/cases/${caseId}/task/sign-for`, company)).status).toBe(200);
      expect((await api.request('POST', `/cases/${caseId}/task/resolve`, company, { note: '再次检修' })).status).toBe(200);
      expect((await api.request('POST', `/cases/${caseId}/call-back`, staff, { satisfied: true, rating: 5 })).status).toBe(200);

      const client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
      try {
        expect(await client.workflow.getHandle(caseId).result()).toBe('closed');
      } finally {
        await client.connection.close();
      }
      expect(eventTypes(db, caseId)).toEqual([
        'ComplaintFiled', 'TaskDispatched', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded',
        'TaskRedoOrdered', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded', 'CaseClosed',
      ]);
    });
  });
});
