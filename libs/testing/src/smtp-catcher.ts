import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on a free local port, keeping what it accepted, parsed, for a test to read. */
export interface SmtpCatcher {
  url: string;
  /** The messages accepted (answered 250), in order, with the instant each was. */
  received: Array<{ mail: ParsedMail; acceptedAt: number }>;
  /** Messages whose data has arrived and whose answer is being held back (see holdAnswers). */
  readonly held: number;
  /**
   * Holds back the answer to each message's data by `ms` (0: answers at once): a client that goes
   * meanwhile never hears its message was accepted, and then it is not.
   */
  holdAnswers(ms: number): void;
  stop(): Promise<void>;
}

export async function startSmtpCatcher(): Promise<SmtpCatcher> {
  const received: SmtpCatcher['received'] = [];
  const closedSessions = new Set<string>();
  let holdMs = 0;
  let held = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onClose(session) {
      closedSessions.add(session.id);
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        async (mail) => {
          if (holdMs > 0) {
            held++;
            await new Promise((resolve) => setTimeout(resolve, holdMs));
            held--;
          }
          if (closedSessions.has(session.id)) return;
          received.push({ mail, acceptedAt: Date.now() });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  // A client that goes in the middle of a message (a worker killed, in a test) resets its connection: that is no fault of the server's.
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET') throw error;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    received,
    get held() {
      return held;
    },
    holdAnswers(ms) {
      holdMs = ms;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
