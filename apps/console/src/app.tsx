import { ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { HashRouter, useRoutes } from 'react-router';
import { SignInPage } from './pages/sign-in-page';
import { Guarded, Home, NotFound } from './shell/route-elements';
import ConsoleLayout from './shell/console-layout';
import { ROUTES } from './shell/routes';
import { THEME } from './shell/theme';
import { LanguageProvider, useLanguage } from './shared/i18n';
import { NoticesProvider } from './shared/notices';

/** Residents' own page (`/#/r`, where the SMS link `/r/…` leads), outside the signed-in layout: a resident has no account. */
const ResidentPage = lazy(() => import('./pages/resident/resident-page'));

/**
 * Routes live in the URL's fragment (`/#/cases`): the API serves its own routes at the same paths
 * (`GET /cases` is the API's), and the server then only ever serves the console's `/`.
 */
const ROUTE_TREE = [
  { path: '/login', element: <SignInPage /> },
  ...['/r', '/r/:caseNumber/:checkCode'].map((path) => ({ path, element: <Suspense><ResidentPage /></Suspense> })),
  {
    path: '/',
    element: <ConsoleLayout />,
    children: [{ index: true, element: <Home /> }, ...ROUTES.map((route) => ({ path: route.path, element: <Guarded route={route} /> })), { path: '*', element: <NotFound /> }],
  },
];

/**
 * The router of components (HashRouter, useRoutes), not the data router (createHashRouter): the
 * console uses no loader or action, and the data router's code was some 50 KiB of the main chunk
 * as built that every first load compiled (issue 15).
 */
function Screens() {
  return useRoutes(ROUTE_TREE);
}

function Localised() {
  const { language } = useLanguage();
  dayjs.locale(language === 'zh' ? 'zh-cn' : 'en');
  return (
    <ConfigProvider locale={language === 'zh' ? zhCN : enUS} theme={THEME}>
      {/* antd's App drew this box (its text's font, size and colour, console.css) before notices.tsx took its place. */}
      <div className="yx-app">
        <NoticesProvider>
          <HashRouter>
            <Screens />
          </HashRouter>
        </NoticesProvider>
      </div>
    </ConfigProvider>
  );
}

/** The console in `container`: the main chunk's entry point (main.tsx loads it). */
export function drawConsole(container: HTMLElement): void {
  createRoot(container).render(
    <LanguageProvider>
      <Localised />
    </LanguageProvider>,
  );
}
