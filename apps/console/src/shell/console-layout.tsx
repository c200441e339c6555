import { GlobalOutlined, LogoutOutlined } from '@ant-design/icons';
import { ProLayout } from '@ant-design/pro-components';
import { Button, Grid, Result, Segmented, Space, Spin, Tag, Typography } from 'antd';
import { Suspense } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { api } from '../api/client';
import { session, useSession, type SignedIn } from '../api/session';
import { useLabel, useLanguage, useT } from '../shared/i18n';
import { ROLE } from '../shared/labels';
import { homeOf, mayOpen, ROUTES, type ConsoleRoute } from './routes';

/** Every screen but sign-in: the menu of the signed-in role, the user, the language, sign-out. */
export function ConsoleLayout() {
  const user = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const t = useT();
  const label = useLabel();
  const screens = Grid.useBreakpoint();
  if (!user) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  const menu = ROUTES.filter((route) => route.menu && mayOpen(route, user));
  return (
    <ProLayout
      title={t('一心 · 两会协同', 'yixin · One Center')}
      logo={
        <span aria-hidden style={{ fontSize: 20, fontWeight: 600, whiteSpace: 'nowrap', color: '#0958d9' }}>
          一心
        </span>
      }
      layout="mix"
      fixSiderbar
      splitMenus={false}
      location={{ pathname: selectedMenuPath(location.pathname) }}
      route={{ path: '/', routes: menu.map((route) => ({ path: route.path, name: label(route.title), icon: route.icon })) }}
      menuItemRender={(item, dom) => <a onClick={() => item.path && navigate(item.path)}>{dom}</a>}
      onMenuHeaderClick={() => navigate(homeOf(user))}
      avatarProps={{ title: screens.md ? user.displayName : undefined, size: 'small', render: (_props, dom) => <UserMenu user={user}>{dom}</UserMenu> }}
      actionsRender={() => [<LanguageSwitch key="language" />]}
      token={{ pageContainer: { paddingInlinePageContainerContent: screens.md ? 24 : 8 } }}
    >
      <Suspense fallback={<Spin size="large" style={{ display: 'block', margin: '20vh auto' }} />}>
        <Outlet />
      </Suspense>
    </ProLayout>
  );
}

/** A case's page keeps its list selected in the menu. */
function selectedMenuPath(pathname: string): string {
  if (pathname.startsWith('/audit/')) return '/audit';
  if (pathname.startsWith('/cases/') && pathname !== '/cases/new') return '/cases';
  return pathname;
}

function UserMenu({ user, children }: { user: SignedIn; children: React.ReactNode }) {
  const t = useT();
  const label = useLabel();
  const signOut = async () => {
    // Revoked at the API first, so that the token is worthless even if copied; forgotten here whatever the answer.
    await api.POST('/auth/logout', {}).catch(() => undefined);
    session.expire();
  };
  return (
    <Space size="small" wrap={false}>
      {children}
      <Tag color="blue" style={{ marginInlineEnd: 0 }}>
        {label(ROLE[user.role])}
        {user.isAdministrator ? t(' · 管理员', ' · admin') : ''}
      </Tag>
      <Button type="text" size="small" icon={<LogoutOutlined />} onClick={() => void signOut()} aria-label={t('退出登录', 'Sign out')}>
        {t('退出', 'Sign out')}
      </Button>
    </Space>
  );
}

export function LanguageSwitch() {
  const { language, setLanguage } = useLanguage();
  return (
    <Segmented
      size="small"
      aria-label="语言 / Language"
      value={language}
      onChange={(value) => setLanguage(value as 'zh' | 'en')}
      options={[
        { label: '中文', value: 'zh', icon: <GlobalOutlined /> },
        { label: 'EN', value: 'en' },
      ]}
    />
  );
}

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
