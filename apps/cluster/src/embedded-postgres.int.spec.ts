import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';

const compileOnly = join(__dirname, '..', '..', '..', 'test', 'support', 'compile-ts.js');

describe('startEmbeddedPostgres', () => {
  // The supervisor is this module run as a process of its own. Compiled, it runs with no package
  // aliases registered (the apps' entry points register them, the supervisor is none of those):
  // from the sources it runs the same when given the compiler alone.
  it('starts its supervisor as the compiled code does, without the packages’ aliases, and serves', async () => {
    const server = await startEmbeddedPostgres({ port: 0, password: 'supervised', execArgv: ['-r', compileOnly] });
    try {
      const client = new Client({ connectionString: server.serverUrl });
      await client.connect();
      try {
        expect((await client.query<{ answer: number }>('SELECT 6 * 7 AS answer')).rows).toEqual([{ answer: 42 }]);
      } finally {
        await client.end();
      }
    } finally {
      await server.stop();
    }
  });
});
