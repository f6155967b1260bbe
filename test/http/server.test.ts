import { MemoryStorage } from 'botbuilder';
import { buildApp, type App, type AppOverrides } from '../../src/index';
import { MemorySharedStore } from '../../src/storage/memoryShared';
import { StoreUnavailableError } from '../../src/storage/shared';
import { loadConfig } from '../../src/config';
import { close, listen } from '../../src/server';
import { logCapture, REFERENCE_NOW } from '../support/harness';
import {
  apologyText,
  conversationId,
  localeText,
  STACK_LIKE,
  startConnectorStub,
  welcomeText,
  type ConnectorStub,
} from './support';

/**
 * The real HTTP server, built by the real composition root and listening on a free loopback port. Turns go
 * through restify and botbuilder's CloudAdapter exactly as in production (no auth: local mode).
 */

const PHONE = '+4741234567';
/** adult-plain in src/minid/population.json: can order on the reference date. */
const ADULT = '14838510036';

interface Running {
  app: App;
  base: string;
  logs: string[];
}

let running: Running[] = [];
let stubs: ConnectorStub[] = [];

async function start(
  env: Record<string, string> = {},
  overrides: Pick<AppOverrides, 'shared' | 'storage'> = {},
): Promise<Running> {
  const capture = logCapture();
  const app = await buildApp(
    loadConfig({
      LOG_LEVEL: 'debug',
      FIXED_NOW: REFERENCE_NOW,
      PRIVACY_SECRET: 'http-test-secret-0123456789',
      ...env,
    }),
    { logDestination: capture.destination, ...overrides },
  );
  const port = await listen(app.server, 0, '127.0.0.1');
  const r = { app, base: `http://127.0.0.1:${port}`, logs: capture.lines };
  running.push(r);
  return r;
}

async function stub(): Promise<ConnectorStub> {
  const s = await startConnectorStub();
  stubs.push(s);
  return s;
}

afterEach(async () => {
  const servers = running;
  const connectors = stubs;
  running = [];
  stubs = [];
  jest.restoreAllMocks();
  await Promise.all(connectors.map((s) => s.close()));
  await Promise.all(servers.map((r) => close(r.app.server)));
});

interface ActivityInput {
  conversation: string;
  text?: string;
  locale?: string;
  type?: string;
  serviceUrl?: string;
  expectReplies?: boolean;
  membersAdded?: Array<{ id: string }>;
}

let activityCounter = 0;
function activity(input: ActivityInput): Record<string, unknown> {
  activityCounter += 1;
  return {
    type: input.type ?? 'message',
    id: `activity-${activityCounter}`,
    channelId: 'emulator',
    serviceUrl: input.serviceUrl ?? 'http://127.0.0.1:9',
    conversation: { id: input.conversation },
    from: { id: 'user-1', name: 'User' },
    recipient: { id: 'bot-1', name: 'Bot' },
    locale: input.locale,
    text: input.text,
    membersAdded: input.membersAdded,
    timestamp: new Date().toISOString(),
    deliveryMode: input.expectReplies === false ? undefined : 'expectReplies',
  };
}

async function post(base: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

interface ReplyActivity {
  type: string;
  text?: string;
  suggestedActions?: { actions: Array<{ title: string; value: string }> };
}

/** Sends a message with deliveryMode expectReplies and returns the replies from the HTTP body. */
async function say(
  base: string,
  conversation: string,
  text: string,
  locale = 'en-US',
): Promise<{ status: number; activities: ReplyActivity[]; raw: string }> {
  const res = await post(base, activity({ conversation, text, locale }));
  let activities: ReplyActivity[] = [];
  if (res.status === 200) {
    const parsed = JSON.parse(res.text) as { activities?: ReplyActivity[] };
    activities = parsed.activities ?? [];
  }
  return { status: res.status, activities, raw: res.text };
}

function texts(activities: ReplyActivity[]): string[] {
  return activities.map((a) => a.text ?? '');
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** Walks the order flow up to the point where the bot waits for the SMS code; returns the code. */
async function orderUntilCode(base: string, app: App, conversation: string, locale: string): Promise<string> {
  const before = (await app.sms.messagesTo(PHONE)).length;
  const lang = locale.startsWith('en') ? 'en' : locale.startsWith('nn') ? 'nn' : 'nb';
  expect((await say(base, conversation, 'hei', locale)).status).toBe(200);
  const intro = await say(base, conversation, localeText(lang, 'menu.items.order'), locale);
  expect(texts(intro.activities)).toContain(localeText(lang, 'nationalId.ask'));
  const id = await say(base, conversation, ADULT, locale);
  expect(texts(id.activities)).toContain(localeText(lang, 'phone.ask'));
  const phone = await say(base, conversation, PHONE, locale);
  expect(phone.status).toBe(200);
  const sent = await app.sms.messagesTo(PHONE);
  expect(sent).toHaveLength(before + 1);
  const code = /\b(\d{6})\b/.exec(sent[sent.length - 1].text)?.[1];
  if (!code) throw new Error('no code in the SMS');
  return code;
}

describe('POST /api/messages with deliveryMode expectReplies', () => {
  it.each([
    ['en-US', 'en'],
    ['nb-NO', 'nb'],
    ['nn-NO', 'nn'],
  ] as const)('welcomes a %s user in %s, saying it is a bot, with the privacy line', async (locale, lang) => {
    const { base } = await start();
    const res = await say(base, conversationId(), 'hei', locale);
    expect(res.status).toBe(200);
    expect(res.activities.length).toBeGreaterThanOrEqual(2);
    const [first, second] = res.activities;
    expect(first.type).toBe('message');
    expect(first.text).toBe(welcomeText(lang));
    expect(first.text).toContain(localeText(lang, 'welcome.privacy'));
    // The other languages' welcomes are not what was said.
    for (const other of (['nb', 'nn', 'en'] as const).filter((l) => l !== lang)) {
      expect(first.text).not.toBe(welcomeText(other));
    }
    // Then the menu, with the four choices as buttons on this channel.
    expect(second.text).toBe(localeText(lang, 'menu.ask'));
    expect(second.suggestedActions?.actions.map((a) => a.title)).toEqual(
      ['order', 'letter', 'app', 'human'].map((k) => localeText(lang, `menu.items.${k}`)),
    );
  });

  it('welcomes only once per conversation', async () => {
    const { base } = await start();
    const conversation = conversationId();
    await say(base, conversation, 'hei', 'en-US');
    const again = await say(base, conversation, 'hello', 'en-US');
    expect(again.status).toBe(200);
    expect(texts(again.activities)).not.toContain(welcomeText('en'));
    expect(texts(again.activities)).toContain(localeText('en', 'menu.ask'));
  });
});

describe('replies through the serviceUrl (normal delivery)', () => {
  it('posts the welcome and the menu to the connector and answers the channel with 200/202', async () => {
    const { base } = await start();
    const connector = await stub();
    const conversation = conversationId('svc');
    const incoming = activity({
      conversation,
      text: 'hei',
      locale: 'en-US',
      serviceUrl: connector.url,
      expectReplies: false,
    });
    const res = await post(base, incoming);
    expect([200, 202]).toContain(res.status);
    expect(res.text).not.toMatch(STACK_LIKE);

    expect(connector.posts.map((p) => p.body.text)).toEqual([
      welcomeText('en'),
      localeText('en', 'menu.ask'),
    ]);
    for (const p of connector.posts) {
      expect(p.conversationId).toBe(conversation);
      // Replies thread to the incoming activity.
      expect(p.activityId).toBe(incoming.id);
      expect(p.body.replyToId).toBe(incoming.id);
      expect(p.body.type).toBe('message');
      expect((p.body.recipient as { id: string }).id).toBe('user-1');
    }
  });

  it('welcomes exactly once for a conversationUpdate adding the user and the bot', async () => {
    const { base } = await start();
    const connector = await stub();
    const conversation = conversationId('upd');
    const update = activity({
      conversation,
      type: 'conversationUpdate',
      locale: 'en-US',
      serviceUrl: connector.url,
      expectReplies: false,
      membersAdded: [{ id: 'user-1' }, { id: 'bot-1' }],
    });
    expect([200, 202]).toContain((await post(base, update)).status);
    const welcomes = () => connector.posts.filter((p) => p.body.text === welcomeText('en')).length;
    expect(welcomes()).toBe(1);
    expect(connector.posts.map((p) => p.body.text)).toContain(localeText('en', 'menu.ask'));

    // A second update (Web Chat sends one per member) and a first message do not welcome again.
    const botOnly = activity({
      conversation,
      type: 'conversationUpdate',
      locale: 'en-US',
      serviceUrl: connector.url,
      expectReplies: false,
      membersAdded: [{ id: 'bot-1' }],
    });
    expect([200, 202]).toContain((await post(base, botOnly)).status);
    const message = activity({
      conversation,
      text: 'hello',
      locale: 'en-US',
      serviceUrl: connector.url,
      expectReplies: false,
    });
    expect([200, 202]).toContain((await post(base, message)).status);
    expect(welcomes()).toBe(1);
  });

  it('does not welcome when only the bot joins', async () => {
    const { base } = await start();
    const connector = await stub();
    const update = activity({
      conversation: conversationId('bot-only'),
      type: 'conversationUpdate',
      locale: 'en-US',
      serviceUrl: connector.url,
      expectReplies: false,
      membersAdded: [{ id: 'bot-1' }],
    });
    expect([200, 202]).toContain((await post(base, update)).status);
    expect(connector.posts).toEqual([]);
  });
});

describe('health, readiness and the sandbox SMS outbox', () => {
  it('answers /healthz and /readyz with 200', async () => {
    const { base } = await start();
    const health = await getJson(`${base}/healthz`);
    expect(health).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await getJson(`${base}/readyz`);
    expect(ready).toEqual({ status: 200, body: { status: 'ready' } });
  });

  it('answers /readyz with 503 while the MinID service is not ready', async () => {
    const { app, base } = await start();
    jest.spyOn(app.minid, 'isReady').mockResolvedValue(false);
    expect(await getJson(`${base}/readyz`)).toEqual({ status: 503, body: { status: 'starting' } });
    jest.spyOn(app.minid, 'isReady').mockRejectedValue(new Error('register down'));
    expect(await getJson(`${base}/readyz`)).toEqual({ status: 503, body: { status: 'starting' } });
  });

  it('lists the codes sent to a number, oldest first, each as {to, text, sentAt}', async () => {
    const { app, base } = await start();
    const url = `${base}/sandbox/sms?to=${encodeURIComponent(PHONE)}`;
    expect(await getJson(url)).toEqual({ status: 200, body: [] });

    // Two conversations send a code to the same phone: the first in English, the second in bokmål.
    const enCode = await orderUntilCode(base, app, conversationId('sms-en'), 'en-US');
    const nbCode = await orderUntilCode(base, app, conversationId('sms-nb'), 'nb-NO');

    const res = await getJson(url);
    expect(res.status).toBe(200);
    const list = res.body as Array<Record<string, unknown>>;
    expect(list).toHaveLength(2);
    for (const sms of list) {
      expect(Object.keys(sms).sort()).toEqual(['sentAt', 'text', 'to']);
      expect(sms.to).toBe(PHONE);
      expect(Number.isNaN(Date.parse(String(sms.sentAt)))).toBe(false);
    }
    const smsPrefix = (lang: 'en' | 'nb') => localeText(lang, 'sms.code').split('{{code}}')[0];
    expect(String(list[0].text)).toContain(enCode);
    expect(String(list[0].text).startsWith(smsPrefix('en'))).toBe(true);
    expect(String(list[1].text)).toContain(nbCode);
    expect(String(list[1].text).startsWith(smsPrefix('nb'))).toBe(true);
    expect(Date.parse(String(list[0].sentAt))).toBeLessThanOrEqual(Date.parse(String(list[1].sentAt)));

    // The same number with the "+" left unencoded, as people type it into a browser or curl.
    expect((await getJson(`${base}/sandbox/sms?to=${PHONE}`)).body).toEqual(list);

    // Another number's outbox stays empty.
    expect(await getJson(`${base}/sandbox/sms?to=%2B4799999999`)).toEqual({ status: 200, body: [] });
  });

  it.each(['', '41234567', '+47 41234567', '+47abc', '+12345', 'foo'])(
    'rejects to=%p with 400',
    async (to) => {
      const { base } = await start();
      const res = await getJson(`${base}/sandbox/sms?to=${encodeURIComponent(to)}`);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('to');
    },
  );

  it('answers 503 without details when the outbox cannot be read', async () => {
    const { app, base } = await start();
    jest.spyOn(app.sms, 'messagesTo').mockRejectedValue(new StoreUnavailableError());
    const res = await getJson(`${base}/sandbox/sms?to=${encodeURIComponent(PHONE)}`);
    expect(res).toEqual({ status: 503, body: { error: 'the sandbox outbox is unavailable' } });
  });

  it('two instances on one shared store: a code sent by one is read from the other, and the order is seen by both', async () => {
    // Two apps, as two processes behind a load balancer: one shared store and one conversation storage
    // (standing in for Redis), the same PRIVACY_SECRET (from start()), nothing else in common.
    const shared = new MemorySharedStore({ sweepIntervalMs: 0 });
    const storage = new MemoryStorage();
    const a = await start({}, { shared, storage });
    const b = await start({}, { shared, storage });
    expect(a.app.shared).toBe(shared);

    const conversation = conversationId('two-instances');
    const code = await orderUntilCode(a.base, a.app, conversation, 'en-US');
    const fromB = await getJson(`${b.base}/sandbox/sms?to=${encodeURIComponent(PHONE)}`);
    expect(fromB.status).toBe(200);
    expect(String((fromB.body as Array<{ text: string }>).at(-1)?.text)).toContain(code);

    // The user's next turn lands on the other instance and the order is recorded there.
    const outcome = await say(b.base, conversation, code, 'en-US');
    expect(outcome.status).toBe(200);
    expect(texts(outcome.activities).join('\n')).toContain('Your activation letter is ordered!');
    await expect(a.app.minid.listOrders(ADULT)).resolves.toHaveLength(1);
    await expect(b.app.minid.listOrders(ADULT)).resolves.toHaveLength(1);

    // Neither the phone number nor the ID number is part of any key the instances wrote.
    for (const key of shared.keys()) {
      expect(key).not.toContain(PHONE.slice(1));
      expect(key).not.toContain(ADULT);
    }
  });

  it('has no /sandbox/sms route when SANDBOX_ENDPOINTS=false', async () => {
    const { base } = await start({ SANDBOX_ENDPOINTS: 'false' });
    const res = await fetch(`${base}/sandbox/sms?to=${encodeURIComponent(PHONE)}`);
    expect(res.status).toBe(404);
    await res.text();
    // The rest of the server is unaffected.
    expect((await getJson(`${base}/healthz`)).status).toBe(200);
  });
});

describe('malformed requests', () => {
  it.each([
    ['invalid JSON', '{"type": "message", "text": '],
    [
      'an activity without a type',
      JSON.stringify({ ...activity({ conversation: 'x', text: 'hei' }), type: undefined }),
    ],
    ['an empty object', '{}'],
    [
      'a type that is not a string',
      JSON.stringify({ ...activity({ conversation: 'x', text: 'hei' }), type: 42 }),
    ],
    ['a JSON array', '[1, 2]'],
  ])('answers %s with 4xx and no stack trace', async (_name, body) => {
    const { base, logs } = await start();
    const res = await post(base, body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.text).not.toMatch(STACK_LIKE);
    // Nor the adapter's internals (function names, zod's issue dumps).
    expect(res.text).not.toMatch(/validateAndFixActivity|ZodError|"code":"invalid_type"/);
    // The server keeps working afterwards.
    expect((await say(base, conversationId(), 'hei')).status).toBe(200);
    expect(logs.join('\n')).not.toMatch(/"level":"fatal"/);
  });
});

describe('turn errors', () => {
  it.each(['en-US', 'nb-NO', 'nn-NO'] as const)(
    'apologises in the user language (%s), leaks no stack, and the conversation stays usable',
    async (locale) => {
      const lang = locale === 'en-US' ? 'en' : locale === 'nb-NO' ? 'nb' : 'nn';
      const { app, base, logs } = await start();
      const conversation = conversationId('err');
      const code = await orderUntilCode(base, app, conversation, locale);

      const secretPath = '/work/main/src/minid/sandbox.ts:123';
      const findPerson = jest
        .spyOn(app.minid, 'findPerson')
        .mockRejectedValueOnce(new Error(`register exploded at ${secretPath} for ${ADULT}`));
      const failed = await say(base, conversation, code, locale);
      expect(findPerson).toHaveBeenCalledTimes(1);
      expect(failed.status).toBe(200);
      expect(texts(failed.activities)).toContain(localeText(lang, 'code.verified'));
      expect(texts(failed.activities).at(-1)).toBe(apologyText(lang));
      expect(failed.raw).not.toMatch(STACK_LIKE);
      expect(failed.raw).not.toContain('exploded');

      // The error was logged, without the number that was in its message.
      const errorLines = logs.filter((l) => l.includes('unhandled turn error'));
      expect(errorLines).toHaveLength(1);
      expect(errorLines[0]).toContain('exploded');
      expect(logs.join('\n')).not.toContain(ADULT);

      // The next message works: the dialog stack was reset, no second welcome.
      const next = await say(base, conversation, 'hei', locale);
      expect(next.status).toBe(200);
      expect(texts(next.activities)).toEqual([localeText(lang, 'menu.ask')]);
      // And a new order can run to the end.
      const order = await say(base, conversation, localeText(lang, 'menu.items.order'), locale);
      expect(texts(order.activities)).toContain(localeText(lang, 'nationalId.ask'));
    },
  );
});
