// The mail catcher's process (see mail-catcher.ts): maildev on the ports given, until its parent goes.
import { mkdirSync } from 'node:fs';

// maildev 2 has no type declarations: this is the little of it used here.
type MailDevServer = { listen(): Promise<void> };
const MailDev = require('maildev') as new (options: Record<string, unknown>) => MailDevServer;

const [smtpPort, webPort, mailDirectory] = process.argv.slice(2);
mkdirSync(mailDirectory, { recursive: true });
const maildev = new MailDev({ smtp: Number(smtpPort), web: Number(webPort), ip: '127.0.0.1', mailDirectory, silent: true });
// maildev's own handlers wait for its servers to close, which open connections can hold up: the
// launcher decides when this process stops (SIGTERM, or its going away), and it stops at once, its
// mail already on disk. A Ctrl-C to the terminal's process group is the launcher's to act on.
process.removeAllListeners('SIGINT');
process.removeAllListeners('SIGTERM');
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
maildev.listen().then(
  () => process.send?.('ready'),
  (error: unknown) => {
    console.error(`maildev: ${String(error)}`);
    process.exit(1);
  },
);
