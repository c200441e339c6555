import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** How long the mail catcher has to stop on SIGTERM before it is killed. */
const STOP_GRACE_MS = 2000;

export interface MailCatcher {
  /** Its web page, where the email sent is read. */
  webUrl: string;
  stop(): Promise<void>;
}

/**
 * maildev, the local mail catcher of `npm start`: the organisations' email goes to its SMTP port and
 * is read on its web page. In a child process of its own, since maildev takes over its process's
 * signals; the child exits when its IPC channel to this process closes, so a launcher killed
 * outright leaves no mail catcher behind.
 */
export async function startMailCatcher(options: { smtpPort: number; webPort: number; mailDirectory: string; signal: AbortSignal }): Promise<MailCatcher> {
  const { smtpPort, webPort, mailDirectory, signal } = options;
  const child = fork(join(__dirname, 'mail-catcher-process'), [String(smtpPort), String(webPort), mailDirectory], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const stop = () => stopChild(child);
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => void stop().then(() => reject(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    child.once('message', () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`the mail catcher (maildev) exited with code ${code} as it started: is port ${smtpPort} or ${webPort} taken? (MAIL_CATCHER_SMTP_PORT, MAIL_CATCHER_WEB_PORT)`)));
  });
  return { webUrl: `http://127.0.0.1:${webPort}/`, stop };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const forceKill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(forceKill);
}
