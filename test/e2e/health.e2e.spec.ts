import { startE2eApp, type E2eApp } from '@yixin/testing';
import { E2E_BACKENDS, type ApiClient } from '@yixin/testing';

/** GET /health and /health/live of the API process, against a real Temporal dev server and a real store, then without them. */
describe.each(E2E_BACKENDS)('health on %s', (backend) => {
  let e2e: E2eApp;
  let api: ApiClient;

  beforeAll(async () => {
    e2e = await startE2eApp({ process: 'api', temporal: true, backend });
    api = e2e.api;
  });

  afterAll(() => e2e?.stop());

  it('is up when the event log, the read store and Temporal’s namespace answer, without a token', async () => {
    const health = await api.request('GET', '/health');
    expect(health.status).toBe(200);
    const up = {
      eventLog: { status: 'up', store: backend },
      readStore: { status: 'up', dialect: backend },
      temporal: { status: 'up', namespace: 'default' },
    };
    expect(health.body).toEqual({ status: 'ok', info: up, error: {}, details: up });
    expect((await api.request('GET', '/health/live')).body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });

  it('answers 503 naming Temporal when it is gone, while the process stays live', async () => {
    await e2e.temporal!.stop();
    const health = await api.request('GET', '/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'error',
      info: { eventLog: { status: 'up' }, readStore: { status: 'up' } },
      error: { temporal: { status: 'down', namespace: 'default', message: expect.any(String) } },
    });
    expect(Object.keys(health.body.details).sort()).toEqual(['eventLog', 'readStore', 'temporal']);
    expect((await api.request('GET', '/health/live')).status).toBe(200);
  });

  if (backend === 'postgres') {
    it('answers 503 naming the stores when PostgreSQL is gone', async () => {
      await e2e.backendServer.stop();
      const health = await api.request('GET', '/health');
      expect(health.status).toBe(503);
      expect(health.body.error).toMatchObject({ eventLog: { status: 'down' }, readStore: { status: 'down' }, temporal: { status: 'down' } });
      expect((await api.request('GET', '/health/live')).status).toBe(200);
    });
  }
});
