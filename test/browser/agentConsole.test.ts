/**
 * The agent console in a real Chromium against the real server (buildApp + listen on a free port) with
 * a stub channel connector on loopback: a user asks for a person over HTTP, an agent signs in by
 * keyboard, sees the redacted summary, accepts, answers (the channel gets the agent's text), reads the
 * user's reply, and ends (the user is welcomed back). Axe checks both views; the language picker
 * switches the page between bokmål and English; a failing stream falls back to polling.
 * requireChromium() fails, never skips, when Chromium is missing.
 */
import type { Page } from 'playwright-core';
import { buildApp, type App } from '../../src/index';
import { loadConfig } from '../../src/config';
import { close, listen } from '../../src/server';
import { requireChromium, seriousAxeViolations, type TestBrowser } from '../support/browser';
import { fakeClock } from '../support/fake-clock';
import { logCapture } from '../support/harness';
import {
  conversationId,
  localeText,
  postToChannel,
  startConnectorStub,
  type ConnectorStub,
} from '../http/support';

jest.setTimeout(120_000);

const KARI = 'kari-token-0123456789abcdefghijklmnopq';

let app: App;
let base: string;
let channel: ConnectorStub;
let browser: TestBrowser;
// A Tuesday at noon: support is open, so asking for a person queues.
const clock = fakeClock('2026-11-24T12:00:00+01:00');
const logs = logCapture();

beforeAll(async () => {
  browser = await requireChromium();
  channel = await startConnectorStub();
  app = await buildApp(
    loadConfig({
      LOG_LEVEL: 'debug',
      PRIVACY_SECRET: 'agent-console-secret-0123456789',
      AGENT_TOKENS: `Kari:${KARI}`,
      HANDOFF_MAX_WAIT_MINUTES: '60',
    }),
    { clock: clock.now, logDestination: logs.destination },
  );
  base = `http://127.0.0.1:${await listen(app.server, 0, '127.0.0.1')}`;
});

afterAll(async () => {
  await browser?.close();
  if (app) {
    await close(app.server);
    await app.close();
  }
  await channel?.close();
});

type Lang = 'nb' | 'en';
function text(lang: Lang, key: string, params: Record<string, string | number> = {}): string {
  return Object.entries(params).reduce(
    (t, [k, v]) => t.replace(`{{${k}}}`, String(v)),
    localeText(lang, key),
  );
}

async function say(conversation: string, words: string): Promise<void> {
  await postToChannel(base, channel, conversation, { text: words });
}

async function userWaits(conversation: string): Promise<void> {
  await say(conversation, 'hei');
  await say(conversation, '1');
  await say(conversation, 'snakke med et menneske');
}

/** Waits until the channel got `expected` for the conversation (a proactive message). */
async function channelReceives(conversation: string, expected: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  const got = () =>
    channel.posts.filter((p) => p.conversationId === conversation).map((p) => String(p.body.text));
  while (!got().includes(expected)) {
    if (Date.now() > deadline)
      throw new Error(`the channel never got ${JSON.stringify(expected)}; got ${JSON.stringify(got())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The test is compiled without the DOM library: what runs in the page is passed as a string.
const js = (value: unknown) => JSON.stringify(value);

function activeId(page: Page): Promise<string> {
  return page.evaluate<string>('document.activeElement ? document.activeElement.id : ""');
}

function storageValues(page: Page, storage: 'sessionStorage' | 'localStorage'): Promise<string[]> {
  return page.evaluate<string[]>(`Object.values(${storage})`);
}

/**
 * Waits until `expression` (evaluated in the page) is true. Not page.waitForFunction: that evaluates its
 * predicate with eval inside the page, which the console's CSP (rightly) refuses.
 */
async function waitUntil(page: Page, expression: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) throw new Error(`still false after ${ms} ms: ${expression}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the element's text is exactly `expected`. */
async function waitText(page: Page, id: string, expected: string): Promise<void> {
  await waitUntil(page, `(document.getElementById(${js(id)}) || {}).textContent === ${js(expected)}`);
}

async function waitLang(page: Page, lang: string): Promise<void> {
  await waitUntil(page, `document.documentElement.lang === ${js(lang)}`);
}

async function openConsole(): Promise<Page> {
  const { page } = await browser.newPage({ locale: 'nb-NO' });
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(String(err)));
  page.on('console', (msg) => {
    // A refused request (the wrong token's 401) is logged by Chromium itself; script errors and CSP
    // refusals ("Refused to ...") are what must not happen.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
      problems.push(msg.text());
  });
  (page as Page & { problems?: string[] }).problems = problems;
  await page.goto(`${base}/agent`);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

/** Signs in with the keyboard alone: Tab to the token field, type it, Enter. */
async function signInByKeyboard(page: Page): Promise<void> {
  for (let i = 0; i < 10; i += 1) {
    await page.keyboard.press('Tab');
    if ((await activeId(page)) === 'token') break;
  }
  expect(await activeId(page)).toBe('token');
  await page.keyboard.type(KARI);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#who:not([hidden])');
}

describe('agent console in Chromium', () => {
  it('signed out: no serious axe violation; the picker switches bokmål and English, <html lang> follows', async () => {
    const page = await openConsole();
    expect(await page.getAttribute('html', 'lang')).toBe('nb');
    expect(await page.textContent('h1')).toBe(text('nb', 'console.title'));
    expect(await page.textContent('#sign-in-heading')).toBe(text('nb', 'console.signIn.heading'));
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.selectOption('#lang', 'en');
    await waitLang(page, 'en');
    expect(await page.textContent('#sign-in-heading')).toBe(text('en', 'console.signIn.heading'));
    expect(await page.textContent('label[for="token"]')).toBe(text('en', 'console.signIn.token'));
    expect(await page.title()).toBe(text('en', 'console.title'));
    expect(await seriousAxeViolations(page)).toEqual([]);

    // A wrong token: a clear message in the chosen language, still signed out, nothing stored.
    await page.fill('#token', 'not-the-right-token-0123456789abcdef');
    await page.press('#token', 'Enter');
    await waitText(page, 'sign-in-error', text('en', 'console.signIn.wrong'));
    expect(await page.textContent('#sign-in-error')).toBe(text('en', 'console.signIn.wrong'));
    expect(await storageValues(page, 'sessionStorage')).not.toContain('not-the-right-token-0123456789abcdef');

    await page.selectOption('#lang', 'nb');
    await waitLang(page, 'nb');
    expect(await page.textContent('#sign-in-heading')).toBe(text('nb', 'console.signIn.heading'));
    expect((page as Page & { problems?: string[] }).problems).toEqual([]);
    await page.context().close();
  });

  it('a user asks for a person; the agent signs in by keyboard, accepts, answers, reads the reply and ends', async () => {
    const c = conversationId('console');
    await userWaits(c);

    const page = await openConsole();
    await signInByKeyboard(page);
    expect(await page.textContent('#who')).toBe(text('nb', 'console.signedInAs', { name: 'Kari' }));
    // The token lives in this tab's sessionStorage only.
    expect(await storageValues(page, 'sessionStorage')).toContain(KARI);
    expect(await storageValues(page, 'localStorage')).not.toContain(KARI);
    expect(await page.evaluate<string>('document.cookie')).toBe('');

    // The opening hours are shown.
    await waitUntil(page, 'document.getElementById("hours-week").children.length === 7');
    expect(await page.textContent('#hours-now')).toContain(
      text('nb', 'console.hours.openNow', { time: '15:30' }),
    );

    // The queue shows the redacted summary, with the title badge.
    const item = page.locator('#queue li');
    await item.first().waitFor();
    expect(await item.count()).toBe(1);
    const itemText = await item.textContent();
    expect(itemText).toContain(text('nb', 'console.reasons.asked'));
    expect(itemText).toContain('orderDialog');
    expect(itemText).toContain('webchat');
    // Waiting time by the server's clock (a fake one here, stopped at the time the user asked).
    expect(itemText).toContain(text('nb', 'console.queue.waited', { minutes: 0 }));
    expect(itemText).not.toContain(c);
    expect(await page.title()).toBe(`(1) ${text('nb', 'console.title')}`);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Accept by keyboard.
    await page.locator('#queue li button').press('Enter');
    await page.waitForSelector('#conversation:not([hidden])');
    await channelReceives(c, text('nb', 'handoff.accepted', { name: 'Kari' }));
    expect(await activeId(page)).toBe('reply');

    // Enter sends; Shift+Enter makes a new line within the message.
    await page.keyboard.type('Hei, dette er Kari.');
    await page.keyboard.press('Enter');
    await channelReceives(c, text('nb', 'handoff.fromAgent', { name: 'Kari', text: 'Hei, dette er Kari.' }));
    // A reload keeps the tab signed in (sessionStorage) and back in the same conversation.
    await page.reload();
    await page.waitForSelector('#conversation:not([hidden])');
    await page.locator('#log li.from-agent .text', { hasText: 'Hei, dette er Kari.' }).waitFor();
    expect(await page.textContent('#who')).toBe(text('nb', 'console.signedInAs', { name: 'Kari' }));
    await page.focus('#reply');
    await page.keyboard.type('Linje en');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('linje to');
    await page.keyboard.press('Enter');
    await channelReceives(c, text('nb', 'handoff.fromAgent', { name: 'Kari', text: 'Linje en\nlinje to' }));
    expect(await page.inputValue('#reply')).toBe('');

    // The user's reply shows up in the page as written, markup included as text, and is announced.
    const reply = 'Takk! Koden kommer ikke <img src=x onerror=alert(1)>';
    await say(c, reply);
    const userLine = page.locator('#log li.from-user .text', { hasText: 'Koden kommer ikke' });
    await userLine.waitFor({ timeout: 10_000 });
    expect(await userLine.textContent()).toBe(reply);
    expect(await page.locator('#log img').count()).toBe(0);
    await waitUntil(
      page,
      `document.getElementById('announcer').textContent.includes(${js(text('nb', 'console.live.message', { text: reply }))})`,
    );
    expect(await page.locator('#log li.from-agent').count()).toBe(2);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // End: the user is welcomed back; the page says the conversation ended.
    await page.locator('#end').press('Enter');
    await channelReceives(c, text('nb', 'handoff.ended'));
    await waitText(page, 'conversation-status', text('nb', 'console.status.ended'));
    expect(await page.isHidden('#reply-form')).toBe(true);
    await page.locator('#close-conversation').press('Enter');
    expect(await page.isHidden('#conversation')).toBe(true);

    // Sign out forgets the token.
    await page.click('#sign-out');
    await page.waitForSelector('#signed-out:not([hidden])');
    expect(await storageValues(page, 'sessionStorage')).not.toContain(KARI);
    expect((page as Page & { problems?: string[] }).problems).toEqual([]);
    await page.context().close();
  });

  it('a new waiting user: announced, the title badge counts them, the entry is marked', async () => {
    const page = await openConsole();
    await signInByKeyboard(page);
    await page.waitForSelector('#queue-empty:not([hidden])');
    expect(await page.title()).toBe(text('nb', 'console.title'));

    const c = conversationId('console-new');
    await userWaits(c);
    await page.waitForSelector('#queue li.new', { timeout: 10_000 });
    expect(await page.title()).toBe(`(1) ${text('nb', 'console.title')}`);
    expect(await page.textContent('#announcer')).toContain(text('nb', 'console.live.newUser'));

    // Signed in in English, the same queue reads in English.
    await page.selectOption('#lang', 'en');
    await waitLang(page, 'en');
    expect(await page.textContent('#queue li')).toContain(text('en', 'console.reasons.asked'));
    expect(await page.textContent('#queue li button')).toBe(text('en', 'console.queue.accept'));
    await say(c, 'avbryt');
    await page.waitForSelector('#queue-empty:not([hidden])', { timeout: 10_000 });
    expect(await page.title()).toBe(text('en', 'console.title'));
    await page.context().close();
  });

  it('falls back to polling the JSON API when the event streams fail: queue and conversation still live', async () => {
    const { context, page } = await browser.newPage({ locale: 'en-GB' });
    const refused: string[] = [];
    await context.route(
      (url) => url.pathname.endsWith('/events'),
      (route) => {
        refused.push(new URL(route.request().url()).pathname);
        return route.abort();
      },
    );
    await page.goto(`${base}/agent`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await signInByKeyboard(page);
    await waitText(page, 'mode', text('en', 'console.live.polling'));
    const c = conversationId('console-poll');
    await userWaits(c);
    await page.waitForSelector('#queue li', { timeout: 15_000 });

    await page.locator('#queue li button').press('Enter');
    await channelReceives(c, text('nb', 'handoff.accepted', { name: 'Kari' }));
    await say(c, 'Svar via polling');
    await page
      .locator('#log li.from-user .text', { hasText: 'Svar via polling' })
      .waitFor({ timeout: 15_000 });
    expect(refused).toContain('/api/agent/events');
    expect(refused.some((p) => /^\/api\/agent\/handoffs\/[0-9a-f]{16}\/events$/.test(p))).toBe(true);
    await page.locator('#end').press('Enter');
    await channelReceives(c, text('nb', 'handoff.ended'));
    await waitText(page, 'conversation-status', text('en', 'console.status.ended'));
    await context.close();
  });
});
