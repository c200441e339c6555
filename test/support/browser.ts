import AxeBuilder from '@axe-core/playwright';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const repoRoot = join(__dirname, '..', '..');

/** Where the browser tests save their screenshots: one PNG per main screen, at desk and at phone size. */
export const SCREENSHOT_DIR = join(repoRoot, 'test-results', 'screens');

export const VIEWPORTS = {
  desk: { width: 1440, height: 900 },
  phone: { width: 375, height: 812 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

/** The Chromium that `npm test` settled on (scripts/setup.mjs --with-browser): Debian's, or the one YIXIN_CHROMIUM_PATH names. */
export function chromiumPath(): string {
  if (process.env.YIXIN_CHROMIUM_PATH) return process.env.YIXIN_CHROMIUM_PATH;
  const pathsFile = join(repoRoot, '.tools', 'paths.json');
  const fromSetup = existsSync(pathsFile) ? (JSON.parse(readFileSync(pathsFile, 'utf8')) as { chromium?: string }).chromium : undefined;
  if (fromSetup) return fromSetup;
  throw new Error('no Chromium for the browser tests: run `npm test` (it installs Debian’s chromium) or set YIXIN_CHROMIUM_PATH');
}

export async function launchChromium(): Promise<Browser> {
  // --no-sandbox: Chromium's sandbox refuses to run as root, which CI and these machines are.
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A browser context as a user in China has it: Chinese, China time, desk or phone size. */
export async function newConsoleContext(browser: Browser, baseURL: string, viewport: ViewportName = 'desk'): Promise<BrowserContext> {
  return browser.newContext({
    baseURL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: VIEWPORTS[viewport],
    ...(viewport === 'phone' ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
}

/**
 * Signs in through the sign-in page, as a user would, and waits to leave it. A page already sent to
 * sign-in stays there, so that it goes on to the screen it was sent from.
 */
export async function signIn(page: Page, username: string, password = 'yixin-demo'): Promise<void> {
  if (!page.url().includes('#/login')) await page.goto('/#/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登 录' }).or(page.getByRole('button', { name: '登录', exact: true })).first().click();
  await page.waitForURL((url) => !url.hash.startsWith('#/login'));
}

/** Serious or critical accessibility violations of what the page shows now (axe-core), as readable lines. */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
}

/**
 * Saves the whole page as test-results/screens/<name>-<viewport>.png, from its top: scrolled, the
 * layout's fixed header would be drawn across the middle of a full-page shot.
 */
export async function saveScreenshot(page: Page, name: string, viewport: ViewportName): Promise<void> {
  await scrollToTop(page);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${viewport}.png`), fullPage: true });
}

// The tests are type-checked with Node's types, not the DOM's: what runs in the page is given as text.

/** The token of the console's session in this page. */
export async function sessionToken(page: Page): Promise<string | undefined> {
  return (await page.evaluate("JSON.parse(localStorage.getItem('yixin.session') ?? '{}').accessToken")) as string | undefined;
}

/** How many pixels the page is wider than the viewport: more than 0 means a sideways scroll on a phone. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
}

export async function scrollToTop(page: Page): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
}
