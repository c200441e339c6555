import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCache, extractStyle, StyleProvider } from '@ant-design/cssinjs';
import { InboxOutlined } from '@ant-design/icons';
import { Alert, Badge, Button, Card, ConfigProvider, Empty, Flex, Form, Input, Popconfirm, Result, Segmented, Skeleton, Space, Spin, Tag, Typography } from 'antd';
import { createElement as h, type ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { THEME } from '../src/shell/theme';

const outDir = join(__dirname, '..', '..', '..', 'dist', 'console');

/**
 * The components the first screens draw (sign-in, the layout, the inbox and its cards): antd builds
 * each one's styles in the browser the first time it renders (its CSS-in-JS: the theme's tokens, then
 * the style objects, serialised, inserted), a fifth of the inbox's first render (issue 15). Rendered
 * here once, in the console's theme, their styles go into a stylesheet of index.html instead, with
 * antd's own record of what it holds, so that the browser skips building those; any other
 * component's are built at run time as before.
 */
function firstScreens(): ReactNode {
  const icon = h(InboxOutlined);
  return h(
    ConfigProvider,
    { theme: THEME },
    h(
      'div',
      null,
      h(Space, null, h(Button, { type: 'primary', icon }, 'a'), h(Button, { type: 'text' }, 'b'), h(Tag, { color: 'blue' }, 'c'), h(Tag, { color: 'success' }, 'c')),
      h(Flex, { gap: 8 }, h(Typography.Title, { level: 3 }, 'd'), h(Typography.Text, { type: 'secondary' }, 'e'), h(Typography.Paragraph, null, 'f'), h(Typography.Link, null, 'g')),
      h(Segmented, { options: ['h', 'i'] }),
      h(Form, null, h(Form.Item, { label: 'j', name: 'j' }, h(Input, { prefix: icon })), h(Form.Item, { label: 'k', name: 'k' }, h(Input.Password))),
      h(Badge.Ribbon, { text: 'm' }, h(Card, { size: 'small' }, 'n')),
      h(Popconfirm, { title: 'o' }, h(Button, null, 'p')),
      h(Alert, { type: 'error', showIcon: true, message: 'q' }),
      h(Spin),
      h(Skeleton, { active: true }),
      h(Result, { status: 'error', title: 'r' }),
      h(Empty),
    ),
  );
}

/** Writes the stylesheet into dist/console/assets and names it in index.html, before the console's own. */
function main(): void {
  const cache = createCache();
  renderToString(h(StyleProvider, { cache }, firstScreens()));
  const css = extractStyle(cache, { plain: true });
  const file = `assets/antd-${createHash('sha256').update(css).digest('hex').slice(0, 8)}.css`;
  writeFileSync(join(outDir, file), css);
  const indexFile = join(outDir, 'index.html');
  const html = readFileSync(indexFile, 'utf8');
  const at = html.indexOf('<link rel="stylesheet"');
  if (at < 0) throw new Error('dist/console/index.html names no stylesheet');
  writeFileSync(indexFile, `${html.slice(0, at)}<link rel="stylesheet" crossorigin href="/${file}">\n    ${html.slice(at)}`);
}

main();
