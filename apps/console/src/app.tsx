import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, Suspense } from 'react';
import { createHashRouter, RouterProvider } from 'react-router';
import { SignInPage } from './pages/sign-in-page';
import { Guarded, Home, NotFound } from './shell/route-elements';
import './shell/console.css';
import ConsoleLayout from './shell/console-layout';
import { ROUTES } from './shell/routes';
import { LanguageProvider, useLanguage } from './shared/i18n';

/** Residents' own page (`/#/r`, where the SMS link `/r/…` leads), outside the signed-in layout: a resident has no account. */
const ResidentPage = lazy(() => import('./pages/resident/resident-page'));

/**
 * Routes live in the URL's fragment (`/#/cases`): the API serves its own routes at the same paths
 * (`GET /cases` is the API's), and the server then only ever serves the console's `/`.
 */
const router = createHashRouter([
  { path: '/login', element: <SignInPage /> },
  ...['/r', '/r/:caseNumber/:checkCode'].map((path) => ({ path, element: <Suspense><ResidentPage /></Suspense> })),
  {
    path: '/',
    element: <ConsoleLayout />,
    children: [{ index: true, element: <Home /> }, ...ROUTES.map((route) => ({ path: route.path, element: <Guarded route={route} /> })), { path: '*', element: <NotFound /> }],
  },
]);

/**
 * Ant Design's blue, red, orange and its secondary greys, darker: white on #1677ff or #ff4d4f, a form's
 * error in #ff4d4f, its warning in #faad14 and grey text at 45% fall short of the 4.5:1 contrast that
 * WCAG AA asks of small text. A warning's tint and border stay antd's light ones, which a darker
 * orange would otherwise turn muddy.
 */
const THEME = { token: { colorPrimary: '#0958d9', colorPrimaryHover: '#1f6ae0', colorLink: '#0958d9', colorLinkHover: '#1f6ae0', colorError: '#cf1322', colorWarning: '#874d00', colorWarningBg: '#fffbe6', colorWarningBorder: '#ffe58f', colorTextSecondary: 'rgba(0, 0, 0, 0.65)', colorTextDescription: 'rgba(0, 0, 0, 0.65)', colorTextTertiary: 'rgba(0, 0, 0, 0.6)', borderRadius: 6 } };

function Localised() {
  const { language } = useLanguage();
  dayjs.locale(language === 'zh' ? 'zh-cn' : 'en');
  return (
    <ConfigProvider locale={language === 'zh' ? zhCN : enUS} theme={THEME}>
      <AntApp>
        <RouterProvider router={router} />
      </AntApp>
    </ConfigProvider>
  );
}

export function ConsoleApp() {
  return (
    <LanguageProvider>
      <Localised />
    </LanguageProvider>
  );
}
