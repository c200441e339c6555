import { Alert } from 'antd';
import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { ApiError, newIdempotencyKey } from '../api/client';
import { useT, type Translate } from './i18n';
import { useNotify } from './notices';

/** What a refusal means, in the user's language, by its status; the API's own words follow it. */
export function refusalTitle(error: unknown, t: Translate): string {
  if (!(error instanceof ApiError)) return t('无法连接服务器，请检查网络后重试', 'The server could not be reached: check the connection and retry');
  const titles: Record<number, [string, string]> = {
    400: ['填写的内容有误', 'Something in the form is not right'],
    401: ['登录已失效，请重新登录', 'Your session ended: sign in again'],
    403: ['您的角色不能执行此操作', 'Your role cannot do this'],
    404: ['未找到，或不在您的职责范围内', 'Not found, or outside your scope'],
    409: ['案件状态已变化，此操作已不可用，请刷新', 'The case changed meanwhile: refresh and try again'],
    413: ['文件或内容过大', 'The file or the form is too large'],
    415: ['文件类型不支持（仅限 JPEG、PNG、WebP 照片）', 'Unsupported file (JPEG, PNG or WebP photos only)'],
    422: ['请求无法处理', 'The request cannot be processed'],
    429: ['操作过于频繁，请稍后再试', 'Too many requests: wait a moment'],
  };
  const [zh, en] = titles[error.status] ?? ['服务器出错，请稍后重试', 'The server failed: retry later'];
  return t(zh, en);
}

/** A refusal shown where it happened: the meaning first, then each of the API's messages. */
export function RefusalAlert({ error }: { error: unknown }) {
  const t = useT();
  if (!error) return null;
  const messages = error instanceof ApiError ? error.messages : [];
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      message={refusalTitle(error, t)}
      description={messages.length > 0 ? <ul style={{ margin: 0, paddingInlineStart: 18 }}>{messages.map((m) => <li key={m}>{m}</li>)}</ul> : undefined}
    />
  );
}

export interface Action<A extends unknown[], R> {
  run(...args: A): Promise<R | undefined>;
  pending: boolean;
  /** The last refusal, shown by <RefusalAlert> beside the form, which keeps what was typed. */
  error: unknown;
}

/**
 * A write of the user's: one Idempotency-Key per intent, kept until it succeeds, so that a double
 * click or a retry after a dropped connection files nothing twice; while it runs, a second run is
 * ignored. An intent is the arguments it runs with: run again with others (the form corrected after
 * a refusal, another resident's phone), it is another request and takes a key of its own, so that it
 * can never be answered with what the API kept for the first. A success may say so; a refusal is
 * kept in `error` and, unless `quiet`, shown as a message.
 */
export function useAction<A extends unknown[], R>(
  perform: (idempotencyKey: string, ...args: A) => Promise<R>,
  options: { success?: string; quiet?: boolean } = {},
): Action<A, R> {
  const notify = useNotify();
  const t = useT();
  const key = useRef<{ value: string; intent?: string }>({ value: newIdempotencyKey() });
  const running = useRef(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(
    async (...args: A): Promise<R | undefined> => {
      if (running.current) return undefined;
      running.current = true;
      setPending(true);
      setError(undefined);
      const intent = intentOf(args);
      if (key.current.intent !== undefined && key.current.intent !== intent) key.current = { value: newIdempotencyKey() };
      key.current.intent = intent;
      try {
        const result = await perform(key.current.value, ...args);
        key.current = { value: newIdempotencyKey() };
        if (options.success) notify('success', options.success);
        return result;
      } catch (caught) {
        setError(caught);
        if (!options.quiet) notify('error', refusalTitle(caught, t));
        return undefined;
      } finally {
        running.current = false;
        setPending(false);
      }
    },
    [perform, options.success, options.quiet, notify, t],
  );
  return { run, pending, error };
}

/** The arguments of a run as text, to tell a retry from another request; what JSON cannot write (a File) by its name and size. */
function intentOf(args: unknown[]): string {
  try {
    return JSON.stringify(args, (_key, value: unknown) => (typeof File !== 'undefined' && value instanceof File ? `${value.name}:${value.size}:${value.lastModified}` : value));
  } catch {
    return ''; // not text (a cycle): taken as the same intent, the key kept as before
  }
}

export interface Loaded<T> {
  data: T | undefined;
  loading: boolean;
  error: unknown;
  reload(): void;
}

/** Data of the API for a screen: loaded again when `deps` change or on reload(); the last answer stays on screen while the next loads. */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setLoading(true);
    load().then(
      (value) => {
        if (!current) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (caught: unknown) => {
        if (!current) return;
        setError(caught);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  return { data, loading, error, reload: useCallback(() => setGeneration((n) => n + 1), []) };
}
