import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const registerTs = join(__dirname, '..', '..', '..', '..', '..', 'test', 'support', 'register-ts.js');

/** Forks serve-sqlite-writes.ts on `filename` and resolves once it serves writes over the IPC channel. */
export async function startLogWriterProcess(filename: string): Promise<ChildProcess> {
  const writerProcess = fork(join(__dirname, 'serve-sqlite-writes.ts'), [filename], {
    execArgv: ['-r', registerTs],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await once(writerProcess, 'message');
  return writerProcess;
}
