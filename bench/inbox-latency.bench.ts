import { createEmbeddedApp } from '../apps/embedded/src/embedded-app';
import { ApiClient, eventually, sampleComplaint, startTestTemporal, temporaryDirectory, testConfig } from '@yixin/testing';
import { percentile, round, type Benchmark } from './bench-kit';

const CASES = 100;

/** From POST /cases to the task in GET /tasks/inbox: API, log, bridge, workflow, activity, projection. */
export const inboxLatency: Benchmark = {
  title: 'Filing to inbox, embedded mode (SQLite, Temporal dev server)',
  async run() {
    const temporal = await startTestTemporal();
    const app = await createEmbeddedApp(testConfig(temporaryDirectory(), temporal.address), { logger: false });
    try {
      await app.listen(0, '127.0.0.1');
      const api = new ApiClient(await app.getUrl());
      const [staff, company] = await Promise.all([api.login('staff.xiangyuan'), api.login('pc.beichen-aoyuan')]);
      const latencies: number[] = [];
      for (let i = 0; i < CASES; i++) {
        const started = performance.now();
        const { body } = await api.request('POST', '/cases', staff, sampleComplaint());
        await eventually(async () => {
          const inbox = await api.request<{ items: Array<{ caseId: string }> }>('GET', '/tasks/inbox?limit=200', company);
          return inbox.body.items.some((task) => task.caseId === body.caseId) ? true : undefined;
        }, 'the task in the inbox');
        latencies.push(performance.now() - started);
      }
      latencies.sort((a, b) => a - b);
      const note = `${CASES} cases filed one after another, inbox polled every 20 ms`;
      return [
        { name: 'file → inbox p50', value: round(percentile(latencies, 50)), unit: 'ms', note },
        { name: 'file → inbox p99', value: round(percentile(latencies, 99)), unit: 'ms', note },
      ];
    } finally {
      await app.close();
      await temporal.stop();
    }
  },
};
