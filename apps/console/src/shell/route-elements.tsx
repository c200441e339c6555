import { Typography } from 'antd';
import { Navigate } from 'react-router';
import { useSession } from '../api/session';
import { Result } from '../shared/result';
import { useT } from '../shared/i18n';
import { homeOf, mayOpen, type ConsoleRoute } from './routes';

/** A screen the signed-in role may not open is not offered; reached by its address, it says so. */
export function Guarded({ route }: { route: ConsoleRoute }) {
  const user = useSession();
  const t = useT();
  const Page = route.page;
  if (user && !mayOpen(route, user)) {
    return <Result status="403" title={t('无权访问', 'Not for your role')} subTitle={t('您的角色不能使用此页面。', 'Your role cannot use this screen.')} />;
  }
  return <Page />;
}

export function NotFound() {
  const t = useT();
  return (
    <Result
      status="404"
      title={t('页面不存在', 'No such page')}
      extra={
        <Typography.Link href="#/">{t('返回首页', 'Back to the start')}</Typography.Link>
      }
    />
  );
}

export function Home() {
  const user = useSession();
  return user ? <Navigate to={homeOf(user)} replace /> : <Navigate to="/login" replace />;
}
