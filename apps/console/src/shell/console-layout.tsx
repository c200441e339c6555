import { LogoutOutlined } from '@ant-design/icons';
import { ProLayout } from '@ant-design/pro-components';
import { Button, Space, Spin, Tag } from 'antd';
import { Suspense } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { api } from '../api/client';
import { session, useSession, type SignedIn } from '../api/session';
import { useLabel, useT } from '../shared/i18n';
import { useScreens } from '../shared/screens';
import { ROLE } from '../shared/labels';
import { LanguageSwitch } from './language-switch';
import { homeOf, mayOpen, ROUTES } from './routes';

/**
 * Every screen but sign-in: the menu of the signed-in role, the user, the language, sign-out. Loaded
 * after sign-in, so that the sign-in page's first load carries no layout.
 */
export default function ConsoleLayout() {
  const user = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const t = useT();
  const label = useLabel();
  const screens = useScreens();
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
  // A phone's header has room for the menu, the logo, the language and sign-out only.
  const phone = !useScreens().md;
  return (
    <Space size="small" wrap={false}>
      {children}
      {phone ? null : (
        <Tag color="blue" style={{ marginInlineEnd: 0 }}>
          {label(ROLE[user.role])}
          {user.isAdministrator ? t(' · 管理员', ' · admin') : ''}
        </Tag>
      )}
      <Button type="text" size="small" icon={<LogoutOutlined />} onClick={() => void signOut()} aria-label={t('退出登录', 'Sign out')}>
        {phone ? null : t('退出', 'Sign out')}
      </Button>
    </Space>
  );
}
