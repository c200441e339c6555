import {
  type AppendResult,
  type CheckpointStore,
  type EventStore,
  type ExpectedRevision,
  IdempotencyConflictError,
  type NewEvent,
  WrongExpectedRevisionError,
} from '../event-store';

/**
 * Makes the writes of a connection to the log's SQLite file in another process, the one writer of
 * the file: the API process of `npm start` for its worker. SQLite lets one connection write at a
 * time, and a worker under SCHED_IDLE that took the write lock could keep the API's filings
 * waiting until it got a core again (a priority inversion, up to 85 ms measured); its commits also
 * emptied the API connection's page cache. Reads stay on the connection of the process that asks.
 */
export interface SqliteLogWriter {
  append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  saveCheckpoint(name: string, position: number): Promise<void>;
}

/** Both ends of a Node IPC channel: a forked child's `process`, and the parent's ChildProcess of it. */
export interface IpcChannel {
  send(message: unknown, callback: (error: Error | null) => void): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'disconnect', listener: () => void): unknown;
}

type LogWrite = { kind: 'append'; streamId: string; events: NewEvent[]; expected: ExpectedRevision } | { kind: 'saveCheckpoint'; name: string; position: number };

interface LogWriteRequest {
  logWrite: number;
  write: LogWrite;
}

/** A failed write as it crosses the channel: the fields of the errors callers tell apart, with the name and message of any. */
type WrittenError = { name: string; message: string } & Partial<Pick<WrongExpectedRevisionError, 'streamId' | 'expected' | 'actual'> & Pick<IdempotencyConflictError, 'eventId'>>;

interface LogWriteReply {
  logWriteReply: number;
  result?: AppendResult;
  error?: WrittenError;
}

const isRequest = (message: unknown): message is LogWriteRequest => typeof (message as LogWriteRequest | undefined)?.logWrite === 'number';
const isReply = (message: unknown): message is LogWriteReply => typeof (message as LogWriteReply | undefined)?.logWriteReply === 'number';

/** The asking side: sends each write over `channel` and settles with what the writer answered. */
export class IpcLogWriter implements SqliteLogWriter {
  private lastRequest = 0;
  private readonly waiting = new Map<number, { resolve(result: AppendResult | undefined): void; reject(error: Error): void }>();
  private disconnected = false;

  constructor(private readonly channel: IpcChannel) {
    channel.on('message', (message) => {
      if (!isReply(message)) return;
      const waiter = this.waiting.get(message.logWriteReply);
      this.waiting.delete(message.logWriteReply);
      if (message.error) waiter?.reject(toError(message.error));
      else waiter?.resolve(message.result);
    });
    channel.on('disconnect', () => {
      this.disconnected = true;
      const lost = new Error('the log writer process is gone: the write may or may not have been made');
      for (const waiter of this.waiting.values()) waiter.reject(lost);
      this.waiting.clear();
    });
  }

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return (await this.request({ kind: 'append', streamId, events, expected }))!;
  }

  async saveCheckpoint(name: string, position: number): Promise<void> {
    await this.request({ kind: 'saveCheckpoint', name, position });
  }

  private request(write: LogWrite): Promise<AppendResult | undefined> {
    if (this.disconnected) return Promise.reject(new Error('the log writer process is gone'));
    return new Promise((resolve, reject) => {
      const id = ++this.lastRequest;
      this.waiting.set(id, { resolve, reject });
      const request: LogWriteRequest = { logWrite: id, write };
      this.channel.send(request, (error) => {
        if (!error) return;
        this.waiting.delete(id);
        reject(error);
      });
    });
  }
}

/** The writing side: makes the writes asked over `channel` with its own stores, and answers each. */
export function serveLogWrites(channel: IpcChannel, eventStore: EventStore, checkpoints: CheckpointStore): void {
  channel.on('message', (message) => {
    if (!isRequest(message)) return;
    const { write } = message;
    const written = write.kind === 'append' ? eventStore.append(write.streamId, write.events, write.expected) : checkpoints.save(write.name, write.position);
    void written.then(
      (result) => answer(channel, { logWriteReply: message.logWrite, result: result ?? undefined }),
      (error: unknown) => answer(channel, { logWriteReply: message.logWrite, error: fromError(error) }),
    );
  });
}

/** An asker that has gone learns nothing more: its pending writes were rejected on its side. */
function answer(channel: IpcChannel, reply: LogWriteReply): void {
  channel.send(reply, () => undefined);
}

function fromError(error: unknown): WrittenError {
  if (error instanceof WrongExpectedRevisionError) {
    return { name: error.name, message: error.message, streamId: error.streamId, expected: error.expected, actual: error.actual };
  }
  if (error instanceof IdempotencyConflictError) return { name: error.name, message: error.message, streamId: error.streamId, eventId: error.eventId };
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}

/** The store's own errors come back as the classes their callers look for; any other failure with its name and message. */
function toError(written: WrittenError): Error {
  if (written.name === 'WrongExpectedRevisionError') return new WrongExpectedRevisionError(written.streamId!, written.expected!, written.actual!);
  if (written.name === 'IdempotencyConflictError') return new IdempotencyConflictError(written.streamId!, written.eventId!);
  return Object.assign(new Error(written.message), { name: written.name });
}
