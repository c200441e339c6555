import { LogoutOutlined, MenuOutlined } from '@ant-design/icons';
import { Button, Space, Spin, Tag } from 'antd';
import { lazy, Suspense, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { api } from '../api/client';
import { session, useSession, type SignedIn } from '../api/session';
import { useLabel, useT } from '../shared/i18n';
import { useScreens } from '../shared/screens';
import { ROLE } from '../shared/labels';
import { LanguageSwitch } from './language-switch';
import { homeOf, mayOpen, ROUTES, type ConsoleRoute } from './routes';

/** A phone's menu, in a drawer: its code loads when first opened. */
const Drawer = lazy(() => import('antd/es/drawer'));

/**
 * Every screen but sign-in: the menu of the signed-in role, the user, the language, sign-out. Part of
 * the console's main chunk (a few KiB), its stylesheet in index.html (main.tsx): a signed-in first
 * load then waits for two requests fewer (its script and its stylesheet) before it draws.
 *
 * Drawn with the console's own markup and stylesheet (console-layout.css), as ProLayout's "mix"
 * layout drew it before: ProLayout (its providers, its menu, its styles built at run time) cost some
 * 200 to 300 ms of the inbox's way to its first rows (issue 15), for a header, a side menu and a drawer.
 */
export default function ConsoleLayout() {
  const user = useSession();
  const location = useLocation();
  const t = useT();
  const screens = useScreens();
  // As ProLayout did: a narrow desk starts with the menu folded; a phone has it in a drawer.
  const [folded, setFolded] = useState(() => !screens.lg);
  const [drawerOpen, setDrawerOpen] = useState(false);
  if (!user) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  const phone = !screens.md;
  const menu = ROUTES.filter((route) => route.menu && mayOpen(route, user));
  const selected = selectedMenuPath(location.pathname);
  const siderWidth = folded ? 64 : 215;
  return (
    <div className="yx-layout">
      <header className="yx-header">
        <div className="yx-header-inner">
          {phone ? (
            <button type="button" className="yx-menu-button" aria-label={t('打开菜单', 'Open the menu')} aria-expanded={drawerOpen} onClick={() => setDrawerOpen(true)}>
              <MenuOutlined />
            </button>
          ) : null}
          <Logo user={user} withTitle={!phone} />
          <div className="yx-header-actions">
            <div className="yx-header-action">
              <LanguageSwitch />
            </div>
            <span className="yx-header-user">
              <UserMenu user={user} phone={phone} />
            </span>
          </div>
        </div>
      </header>
      {phone ? (
        drawerOpen ? (
          <Suspense>
            <Drawer open placement="left" width={215} closable={false} onClose={() => setDrawerOpen(false)} styles={{ body: { padding: '0 8px' } }} title={<Logo user={user} withTitle />}>
              <SideMenu routes={menu} selected={selected} folded={false} onChosen={() => setDrawerOpen(false)} />
            </Drawer>
          </Suspense>
        ) : null
      ) : (
        <>
          <div className="yx-sider-space" style={{ width: siderWidth, flex: `0 0 ${siderWidth}px` }} />
          {/* One pixel wider than its place, its border on the place's edge, as ProLayout drew it. */}
          <aside className={folded ? 'yx-sider yx-sider-folded' : 'yx-sider'} style={{ width: siderWidth + 1 }}>
            <SideMenu routes={menu} selected={selected} folded={folded} />
            <button
              type="button"
              className={folded ? 'yx-fold-button yx-fold-button-folded' : 'yx-fold-button'}
              aria-label={folded ? t('展开菜单', 'Unfold the menu') : t('收起菜单', 'Fold the menu')}
              aria-expanded={!folded}
              onClick={() => setFolded((now) => !now)}
            >
              <svg width="1em" height="1em" viewBox="0 0 12 12" fill="currentColor" aria-hidden="true">
                <path d="M6.432 7.967a.448.448 0 01-.318.133h-.228a.46.46 0 01-.318-.133L2.488 4.85a.305.305 0 010-.43l.427-.43a.293.293 0 01.42 0L6 6.687l2.665-2.699a.299.299 0 01.426 0l.42.431a.305.305 0 010 .43L6.432 7.967z" />
              </svg>
            </button>
          </aside>
        </>
      )}
      <div className="yx-container">
        <div className="yx-header-space" />
        <main className="yx-content" style={{ paddingInline: screens.md ? 24 : 8 }}>
          <Suspense fallback={<Spin size="large" style={{ display: 'block', margin: '20vh auto' }} />}>
            <Outlet />
          </Suspense>
        </main>
      </div>
    </div>
  );
}

function Logo({ user, withTitle }: { user: SignedIn; withTitle: boolean }) {
  const t = useT();
  return (
    <Link to={homeOf(user)} className="yx-logo">
      <span aria-hidden className="yx-logo-mark">
        一心
      </span>
      {withTitle ? <h1 className="yx-logo-title">{t('一心 · 两会协同', 'yixin · One Center')}</h1> : <span className="yx-visually-hidden">{t('一心 · 两会协同', 'yixin · One Center')}</span>}
    </Link>
  );
}

/** The role's screens, as a menu: each item opens its screen (Enter or Space from the keyboard). */
function SideMenu({ routes, selected, folded, onChosen }: { routes: ConsoleRoute[]; selected: string; folded: boolean; onChosen?: () => void }) {
  const navigate = useNavigate();
  const label = useLabel();
  const open = (route: ConsoleRoute) => {
    navigate(route.path);
    onChosen?.();
  };
  return (
    <ul role="menu" className="yx-menu" aria-orientation="vertical">
      {routes.map((route) => (
        <MenuItem key={route.path} name={label(route.title)} icon={route.icon} selected={route.path === selected} folded={folded} onOpen={() => open(route)} />
      ))}
    </ul>
  );
}

function MenuItem({ name, icon, selected, folded, onOpen }: { name: string; icon: ReactNode; selected: boolean; folded: boolean; onOpen: () => void }) {
  const onKeyDown = (event: KeyboardEvent<HTMLLIElement>) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onOpen();
    }
  };
  return (
    <li role="menuitem" tabIndex={0} aria-current={selected ? 'page' : undefined} className={selected ? 'yx-menu-item yx-menu-item-selected' : 'yx-menu-item'} title={folded ? name : undefined} onClick={onOpen} onKeyDown={onKeyDown}>
      <span className="yx-menu-icon">{icon}</span>
      <span className="yx-menu-text">{name}</span>
    </li>
  );
}

/** A case's page keeps its list selected in the menu. */
function selectedMenuPath(pathname: string): string {
  if (pathname.startsWith('/audit/')) return '/audit';
  if (pathname.startsWith('/cases/') && pathname !== '/cases/new') return '/cases';
  return pathname;
}

function UserMenu({ user, phone }: { user: SignedIn; phone: boolean }) {
  const t = useT();
  const label = useLabel();
  const signOut = async () => {
    // Revoked at the API first, so that the token is worthless even if copied; forgotten here whatever the answer.
    await api.POST('/auth/logout', {}).catch(() => undefined);
    session.expire();
  };
  // A phone's header has room for the menu, the logo, the language and sign-out only.
  return (
    <Space size="small" wrap={false} className="yx-header-user-space">
      {/* On a phone an empty item, so that sign-out keeps its place. */}
      {phone ? <span /> : <div className="yx-header-user-name">{user.displayName}</div>}
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
