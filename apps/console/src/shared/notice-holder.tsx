import message from 'antd/es/message';
import { useEffect, useRef } from 'react';
import type { Notice } from './notices';

/** Shows each notice once, with antd's message in the surrounding ConfigProvider's theme (notices.tsx loads it on demand). */
export default function NoticeHolder({ notices }: { notices: Notice[] }) {
  const [messages, holder] = message.useMessage();
  const lastShown = useRef(0);
  useEffect(() => {
    for (const notice of notices.filter(({ id }) => id > lastShown.current)) {
      void messages[notice.kind](notice.text);
      lastShown.current = notice.id;
    }
  }, [notices, messages]);
  return holder;
}
