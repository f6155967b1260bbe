import { existsSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium package; CHROMIUM_PATH overrides it (another distribution, a local install). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const NEEDS_CHROMIUM =
  "These tests need a real Chromium: .ci/run installs Debian's `chromium` with apt-get; locally run " +
  '`apt-get install -y chromium` or set CHROMIUM_PATH';

/**
 * The flags this machine needs: no sandbox (CI runs as root), and no background networking, which
 * a closed network otherwise answers with refused connections at every start.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A launched browser for one test file (playwright gives it a fresh, empty profile). */
export interface TestBrowser {
  browser: Browser;
  /** A new context (axe needs pages made through a context) with one page in it. */
  newPage(options?: { locale?: string }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium headless or THROWS naming what is missing: browser tests must fail,
 * never skip, when Chromium is absent, or CI would pass without the page ever being opened.
 */
export async function requireChromium(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${NEEDS_CHROMIUM} (no file at ${CHROMIUM_PATH})`);
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 30_000,
    });
  } catch (err) {
    throw new Error(`${NEEDS_CHROMIUM} (launch failed: ${String(err)})`);
  }
  return {
    browser,
    async newPage(options) {
      const context = await browser.newContext({ locale: options?.locale ?? 'nb-NO' });
      const page = await context.newPage();
      return { context, page };
    },
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
}

/** One axe finding, cut to what a failing assertion needs to name. */
export interface AxeFinding {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/**
 * Runs axe (WCAG 2.0/2.1 A and AA rules) on the page as it is now and returns the serious and
 * critical violations; a test expects an empty list.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeFinding[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
}
