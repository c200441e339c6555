import type { ResultProps } from 'antd';
import { lazy, Suspense } from 'react';

const AntResult = lazy(() => import('antd/es/result'));

/**
 * antd's Result, its code loaded the first time one shows: it carries its 403, 404 and 500
 * illustrations (some 33 KiB as built), which the console's first load and the inbox's chunk
 * would otherwise compile for a page that mostly never shows one (issue 15).
 */
export function Result(props: ResultProps) {
  return (
    <Suspense>
      <AntResult {...props} />
    </Suspense>
  );
}
