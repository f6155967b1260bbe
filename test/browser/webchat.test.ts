/**
 * The web chat page in a real Chromium: a newcomer opens `/`, orders an activation letter for a sandbox
 * person reading the code from the sandbox phone, switches to nynorsk and to English with the picker,
 * reloads and carries on. Axe finds no serious or critical violation; the page's CSP blocks nothing
 * Web Chat needs. With UPDATE_SCREENSHOTS=1 the screenshot in docs/ is rewritten.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildApp, type App } from '../../src/index';
import { loadConfig } from '../../src/config';
import { close, listen } from '../../src/server';
import { requireChromium, seriousAxeViolations, type TestBrowser } from '../support/browser';
import { localeText } from '../http/support';

jest.setTimeout(180_000);

const ID = '14838510036';

let app: App;
let base: string;
let browser: TestBrowser;

beforeAll(async () => {
  browser = await requireChromium();
  app = await buildApp(
    loadConfig({
      FIXED_NOW: '2026-11-24T12:00:00+01:00',
      LOG_LEVEL: 'silent',
      PRIVACY_SECRET: 'webchat-browser-secret-0123456789',
    }),
  );
  base = `http://127.0.0.1:${await listen(app.server, 0, '127.0.0.1')}`;
});

afterAll(async () => {
  await browser?.close();
  if (app) {
    await close(app.server);
    await app.close();
  }
});

/** The text of a locale entry up to its first placeholder (the part that is the same in every reply). */
function stem(lang: 'nb' | 'nn' | 'en', key: string): string {
  return localeText(lang, key).split('{{')[0].trim();
}

async function send(page: Page, text: string): Promise<void> {
  const box = page.locator('[data-id="webchat-sendbox-input"], .webchat__send-box-text-box__input').first();
  await box.click();
  await box.fill(text);
  await box.press('Enter');
}

/** Waits until the transcript shows `text` (Web Chat renders each bot message once visibly). */
async function expectInTranscript(page: Page, text: string): Promise<void> {
  await page.locator('.webchat__basic-transcript').getByText(text, { exact: false }).first().waitFor({
    state: 'visible',
    timeout: 20_000,
  });
}

async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousAxeViolations(page)).toEqual([]);
}

it('orders a letter in the browser, switching language and reloading on the way', async () => {
  const { page } = await browser.newPage({ locale: 'nb-NO' });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));

  await page.goto(`${base}/`);
  expect(await page.getAttribute('html', 'lang')).toBe('nb');
  expect(await page.locator('h1').textContent()).toBe(localeText('nb', 'webchat.page.heading'));
  expect(await page.locator('main').count()).toBe(1);
  await expectInTranscript(page, localeText('nb', 'welcome.greeting'));
  await expectAccessible(page);

  // Keyboard: the first Tab reaches the language picker, and its focus is visible.
  await page.keyboard.press('Tab');
  // (Strings: this file is compiled without the DOM library.)
  expect(await page.evaluate<string>('document.activeElement.id')).toBe('language');
  const outline = await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle');
  expect(outline).not.toBe('none');

  // The bot's choices are Web Chat suggested actions, reached and pressed with the keyboard alone.
  await page.getByRole('button', { name: 'Bestille aktiveringsbrev' }).waitFor();
  let reached = false;
  for (let presses = 0; presses < 40 && !reached; presses += 1) {
    await page.keyboard.press('Tab');
    reached =
      (await page.evaluate<string>('document.activeElement.textContent || ""')) ===
      'Bestille aktiveringsbrev';
  }
  expect(reached).toBe(true);
  await page.keyboard.press('Enter');
  await expectInTranscript(page, 'fødselsnummeret eller D-nummeret');
  await send(page, ID);
  await expectInTranscript(page, 'slutter på 36');
  await send(page, '412 34 567');
  await expectInTranscript(page, '+47 ••••••67');

  // The code, from the sandbox phone panel of this conversation.
  const sms = page.locator('#sandbox-messages li p').last();
  await sms.waitFor({ state: 'visible', timeout: 10_000 });
  const code = /(?<!\d)(\d{6})(?!\d)/.exec((await sms.textContent()) ?? '')?.[1];
  expect(code).toBeDefined();
  expect(await page.locator('#sandbox-messages li strong').last().textContent()).toContain('+47 ••••••67');

  // Nynorsk with the picker: the page, Web Chat's own strings and the bot all follow.
  await page.selectOption('#language', 'nn');
  await expectInTranscript(page, localeText('nn', 'language.switched'));
  expect(await page.getAttribute('html', 'lang')).toBe('nn');
  expect(await page.locator('h1').textContent()).toBe(localeText('nn', 'webchat.page.heading'));
  await page
    .getByPlaceholder(localeText('nn', 'webchat.webChat.TEXT_INPUT_PLACEHOLDER'))
    .waitFor({ timeout: 10_000 });

  // A reload resumes the same conversation, in the language chosen.
  await page.reload();
  await expectInTranscript(page, localeText('nn', 'language.switched'));
  expect(await page.getAttribute('html', 'lang')).toBe('nn');
  await send(page, code!);
  await expectInTranscript(page, stem('nn', 'outcome.can-order'));
  await expectAccessible(page);

  // The ID number the user typed is shown back masked once the echo is in, never in clear.
  expect(await page.locator('.webchat__basic-transcript').innerText()).not.toContain(ID);

  // English: the bot switches and says so in English.
  await page.selectOption('#language', 'en');
  await expectInTranscript(page, localeText('en', 'language.switched'));
  expect(await page.getAttribute('html', 'lang')).toBe('en');
  expect(await page.locator('#sandbox-title').textContent()).toBe(
    localeText('en', 'webchat.page.sandboxTitle'),
  );
  await expectAccessible(page);

  if (process.env.UPDATE_SCREENSHOTS === '1') {
    await page.screenshot({ path: join(__dirname, '..', '..', 'docs', 'webchat.png'), fullPage: true });
  }
  expect(problems).toEqual([]);
});
