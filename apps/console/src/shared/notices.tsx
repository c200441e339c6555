import { createContext, lazy, Suspense, useCallback, useContext, useState, type ReactNode } from 'react';

export interface Notice {
  id: number;
  kind: 'success' | 'error';
  text: string;
}

type Notify = (kind: Notice['kind'], text: string) => void;

/** antd's message, its code loaded with the first notice: no screen shows one before the user acts (issue 15). */
const NoticeHolder = lazy(() => import('./notice-holder'));
const NoticesContext = createContext<Notify>(() => undefined);
let lastId = 0;

/**
 * The short notices at the top of the window (a success, a refusal) for what is inside, in the
 * theme and language of the ConfigProvider around it. Stands where antd's App stood: App brought
 * antd's message, notification and modal with their dialogs into the console's first load, for
 * notices that come only after an action.
 */
export function NoticesProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const notify = useCallback<Notify>((kind, text) => setNotices((now) => [...now, { id: ++lastId, kind, text }]), []);
  return (
    <NoticesContext.Provider value={notify}>
      {children}
      {notices.length > 0 ? (
        <Suspense>
          <NoticeHolder notices={notices} />
        </Suspense>
      ) : null}
    </NoticesContext.Provider>
  );
}

export function useNotify(): Notify {
  return useContext(NoticesContext);
}
