import type { ThemeConfig } from 'antd';

/**
 * Ant Design's blue, red, orange and its secondary greys, darker: white on #1677ff or #ff4d4f, a form's
 * error in #ff4d4f, its warning in #faad14 and grey text at 45% fall short of the 4.5:1 contrast that
 * WCAG AA asks of small text. A warning's tint and border stay antd's light ones, which a darker
 * orange would otherwise turn muddy. Also read by the build (tools/extract-antd-styles.ts), whose
 * stylesheet of antd's styles holds for this theme only.
 */
export const THEME: ThemeConfig = { token: { colorPrimary: '#0958d9', colorPrimaryHover: '#1f6ae0', colorLink: '#0958d9', colorLinkHover: '#1f6ae0', colorError: '#cf1322', colorWarning: '#874d00', colorWarningBg: '#fffbe6', colorWarningBorder: '#ffe58f', colorTextSecondary: 'rgba(0, 0, 0, 0.65)', colorTextDescription: 'rgba(0, 0, 0, 0.65)', colorTextTertiary: 'rgba(0, 0, 0, 0.6)', borderRadius: 6 } };
