import AxeBuilder from '@axe-core/playwright';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

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

/**
 * Waits until nothing on the page is moving in or out: Ant Design's dialogs, drawers, dropdowns and
 * messages zoom and fade (rc-motion's `…-appear`, `…-enter`, `…-leave` steps, then a CSS animation),
 * and a check of colours made meanwhile reads half-transparent text. A dialog is visible to Playwright
 * from its first frame, at opacity 0. Endless animations (spinners, skeletons) are not waited for.
 */
export async function motionSettled(page: Page, timeoutMs = 30_000): Promise<void> {
  // What moves: an element about to start its motion (rc-motion's `-prepare` and `-start` steps, a frame
  // or two), and any finite CSS animation or transition running. A `-active` class alone is not: rc-motion
  // leaves it on a form's message when no transition ends. Polled by evaluating an expression (the
  // console's CSP forbids the eval of waitForFunction), once a frame; what moves is named on a timeout.
  const moving = `new Promise((resolve) => requestAnimationFrame(() => {
    const starting = /-(appear|enter|leave)-(prepare|start)$/;
    const about = [...document.querySelectorAll('[class*="-prepare"], [class*="-start"]')].filter((element) => [...element.classList].some((name) => starting.test(name)));
    const running = document.getAnimations().filter((animation) => animation.playState === 'running' && animation.effect?.getComputedTiming().endTime !== Infinity);
    resolve([...about.map((element) => element.className), ...running.map((animation) => (animation.animationName ?? animation.transitionProperty ?? 'animation') + ' on ' + (animation.effect?.target?.className ?? ''))]);
  }))`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = (await page.evaluate(moving)) as string[];
    if (now.length === 0) return;
    if (Date.now() > deadline) throw new Error(`the page was still moving after ${timeoutMs} ms: ${now.join('; ')}`);
  }
}

/** Serious or critical accessibility violations of what the page shows once it has stopped moving (axe-core), as readable lines. */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  await motionSettled(page);
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
  await motionSettled(page);
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

/** Waits for the first element `locator` finds to show; the bound only guards against a hang on a loaded machine. */
export async function expectVisible(locator: Locator, timeoutMs = 30_000): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** A button by its text: Ant Design puts a space between the two characters of a two-character Chinese label. */
export function buttonNamed(scope: Page | Locator, text: string): Locator {
  const pattern = [...text].map((character) => character.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s?');
  return scope.getByRole('button', { name: new RegExp(`^${pattern}$`) });
}

/** Picks an option of an Ant Design Select, found by its label or given. */
export async function chooseOption(page: Page, select: string | Locator, option: string): Promise<void> {
  await (typeof select === 'string' ? page.getByLabel(select, { exact: true }) : select).first().click();
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: option }).first().click();
}

/** A real PNG of one colour, which the browser decodes and draws; each colour has its own hash. */
export function solidPng([red, green, blue]: [number, number, number], width = 48, height = 48): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const checksum = Buffer.alloc(4);
    checksum.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, checksum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3).fill(Buffer.from([red, green, blue]))]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}
