/**
 * The web chat's Direct Line subset on the real server (port 0), driven as Web Chat's directlinejs and
 * as an attacker would: a whole order, tokens (cross-conversation, expired, forged, refreshed),
 * watermark paging, proactive messages, hostile bodies, the flood limit, resume, and no ID number in
 * anything stored or echoed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import { buildApp, type App } from '../../src/index';
import { loadConfig } from '../../src/config';
import { close, listen } from '../../src/server';
import { FLOOD_LIMIT, maskDigitRuns } from '../../src/channels/webchat/directLine';
import { loadVendoredBundle, VendoredBundleError } from '../../src/channels/webchat/page';
import { personId } from '../transcripts/format';
import { fakeClock } from '../support/fake-clock';
import { logCapture } from '../support/harness';
import { localeText, STACK_LIKE } from '../http/support';
import { REDIS_URL, requireRedis, type TestRedis } from '../support/redis';
import { MemorySharedStore } from '../../src/storage/memoryShared';

const NOW = '2026-11-24T12:00:00+01:00';

interface Session {
  conversationId: string;
  token: string;
  userId: string;
  watermark: string;
}

interface Page {
  activities: Partial<Activity>[];
  watermark: string;
}

let app: App;
let base: string;
const clock = fakeClock(NOW);
const logs = logCapture();

beforeAll(async () => {
  app = await buildApp(
    loadConfig({
      LOG_LEVEL: 'debug',
      PRIVACY_SECRET: 'webchat-test-secret-0123456789',
      WEBCHAT_MAX_ACTIVITIES: '20',
    }),
    { clock: clock.now, logDestination: logs.destination },
  );
  base = `http://127.0.0.1:${await listen(app.server, 0, '127.0.0.1')}`;
});

afterAll(async () => {
  await close(app.server);
  await app.close();
});

const dl = (path: string) => `${base}/v3/directline${path}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const json = { 'content-type': 'application/json' };

async function newSession(locale = 'nb-NO'): Promise<Session> {
  const generated = await fetch(dl('/tokens/generate'), { method: 'POST' });
  expect(generated.status).toBe(200);
  const body = (await generated.json()) as { conversationId: string; token: string; userId: string };
  expect(body.conversationId).toMatch(/^wc-/);
  // What directlinejs sends to start: its body is { user: {}, locale }.
  const started = await fetch(dl('/conversations'), {
    method: 'POST',
    headers: { ...bearer(body.token), ...json },
    body: JSON.stringify({ user: {}, locale }),
  });
  expect(started.status).toBe(201);
  const start = (await started.json()) as { conversationId: string; token: string };
  expect(start.conversationId).toBe(body.conversationId);
  return { ...body, token: start.token, watermark: '' };
}

async function poll(session: Session, watermark = session.watermark, token = session.token): Promise<Page> {
  const res = await fetch(dl(`/conversations/${session.conversationId}/activities?watermark=${watermark}`), {
    headers: bearer(token),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
}

function postActivity(session: Session, activity: unknown, token = session.token): Promise<Response> {
  return fetch(dl(`/conversations/${session.conversationId}/activities`), {
    method: 'POST',
    headers: { ...bearer(token), ...json },
    body: JSON.stringify(activity),
  });
}

let clientIds = 0;
function message(session: Session, text: string): Record<string, unknown> {
  clientIds += 1;
  // The shape Web Chat 4.18 posts.
  return {
    type: 'message',
    text,
    channelId: 'webchat',
    from: { id: session.userId, name: '', role: 'user' },
    locale: 'nb-NO',
    localTimestamp: '2026-11-24T12:00:00+01:00',
    localTimezone: 'Europe/Oslo',
    attachments: [],
    channelData: { clientActivityID: `client-${clientIds}` },
    entities: [{ type: 'ClientCapabilities', requiresBotState: true }],
  };
}

/** Posts a message, then polls as Web Chat does; returns the new activities (the echo first). */
async function say(session: Session, text: string): Promise<Partial<Activity>[]> {
  const res = await postActivity(session, message(session, text));
  expect(res.status).toBe(200);
  const { id } = (await res.json()) as { id: string };
  const page = await poll(session);
  session.watermark = page.watermark;
  expect(page.activities[0]?.id).toBe(id);
  return page.activities;
}

const botTexts = (activities: Partial<Activity>[]) =>
  activities
    .filter((a) => a.type === 'message' && a.from?.role !== 'user')
    .map((a) => a.text ?? '')
    .join('\n');

async function sandboxCode(session: Session): Promise<string> {
  const res = await fetch(dl(`/conversations/${session.conversationId}/sandbox/sms`), {
    headers: bearer(session.token),
  });
  expect(res.status).toBe(200);
  const { messages } = (await res.json()) as { messages: { to: string; text: string }[] };
  expect(messages.at(-1)?.to).toBe('+47 ••••••67');
  const code = /(?<!\d)(\d{6})(?!\d)/.exec(messages.at(-1)?.text ?? '')?.[1];
  if (!code) throw new Error('no code in the sandbox phone');
  return code;
}

describe('an order through the Direct Line subset', () => {
  it('welcomes, orders with the code from the sandbox phone, and keeps no ID, phone or code in clear', async () => {
    const s = await newSession();
    const welcome = await poll(s);
    s.watermark = welcome.watermark;
    expect(botTexts(welcome.activities)).toContain(localeText('nb', 'welcome.greeting'));
    const menu = welcome.activities.at(-1);
    expect(menu?.suggestedActions?.actions.map((a) => a.title)).toContain('Bestille aktiveringsbrev');

    expect(botTexts(await say(s, '1'))).toContain('fødselsnummeret eller D-nummeret');
    const afterId = await say(s, personId('adult-plain'));
    expect(afterId[0]).toMatchObject({ text: '•••••••••••', from: { role: 'user' } });
    expect(afterId[0].channelData).toEqual({ clientActivityID: `client-${clientIds}` });
    expect(botTexts(afterId)).toContain('slutter på 36');
    const afterPhone = await say(s, '412 34 567');
    expect(afterPhone[0].text).toBe('••• •• •••');
    expect(botTexts(afterPhone)).toContain('+47 ••••••67');
    const code = await sandboxCode(s);
    const done = await say(s, code);
    expect(done[0].text).toBe('••••••');
    expect(botTexts(done)).toContain('Aktiveringsbrevet ditt er bestilt!');

    // Nothing the store keeps or any poll gives back holds the ID number, the phone or the code.
    const everything = JSON.stringify((await app.webchat!.store.after(s.conversationId, 0)).activities);
    expect(everything).toContain('Aktiveringsbrevet ditt er bestilt!');
    for (const secret of [personId('adult-plain'), '41234567', '412 34 567', code]) {
      expect(everything).not.toContain(secret);
    }
    expect(logs.lines.join('\n')).not.toContain(personId('adult-plain'));

    // Another conversation's sandbox phone shows none of it, though the number is the same everywhere.
    const other = await newSession();
    const panel = await fetch(dl(`/conversations/${other.conversationId}/sandbox/sms`), {
      headers: bearer(other.token),
    });
    expect(await panel.json()).toEqual({ messages: [] });
    expect(await app.sms.messagesTo('+4741234567')).not.toEqual([]);
  });

  it('turns a language event into the bot switching language', async () => {
    const s = await newSession();
    s.watermark = (await poll(s)).watermark;
    const res = await postActivity(s, {
      type: 'event',
      name: 'language',
      value: 'nn',
      from: { id: s.userId, role: 'user' },
      channelData: { clientActivityID: 'lang-1' },
    });
    expect(res.status).toBe(200);
    const page = await poll(s);
    expect(page.activities[0]).toMatchObject({ type: 'event', name: 'language', value: 'nn' });
    expect(botTexts(page.activities)).toContain(localeText('nn', 'language.switched'));
    for (const event of [
      { type: 'event', name: 'language', value: 'sv', from: { id: 'u' } },
      { type: 'event', name: 'webchat/join', value: {}, from: { id: 'u' } },
    ]) {
      const bad = await postActivity(s, event);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/language/);
    }
  });

  it('starts in the locale the client asked for', async () => {
    const s = await newSession('en-GB');
    expect(botTexts((await poll(s)).activities)).toContain(localeText('en', 'welcome.greeting'));
  });
});

describe('tokens', () => {
  it('never lets one conversation read or write another, nor reach it through /api/messages', async () => {
    const alice = await newSession();
    const mallory = await newSession();
    const aliceWithMalloryToken = { ...alice, token: mallory.token };
    const paths = [
      ['GET', `/conversations/${alice.conversationId}/activities?watermark=`],
      ['GET', `/conversations/${alice.conversationId}`],
      ['GET', `/conversations/${alice.conversationId}/sandbox/sms`],
    ];
    for (const [method, path] of paths) {
      const res = await fetch(dl(path), { method, headers: bearer(mallory.token) });
      expect(res.status).toBe(403);
      expect(await res.text()).not.toMatch(STACK_LIKE);
    }
    const before = (await poll(alice)).activities.length;
    const injected = await postActivity(aliceWithMalloryToken, message(alice, 'injected'));
    expect(injected.status).toBe(403);

    // The way the bot's replies travel is not reachable from outside either.
    const viaMessages = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        type: 'message',
        text: 'hei',
        channelId: 'webchat',
        serviceUrl: 'http://127.0.0.1:9/',
        deliveryMode: 'expectReplies',
        from: { id: 'mallory' },
        conversation: { id: alice.conversationId },
      }),
    });
    expect(viaMessages.status).toBe(403);
    const connectorPath = await fetch(`${base}/v3/conversations/${alice.conversationId}/activities`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ type: 'message', text: 'Your code is 123456', from: { id: 'bot' } }),
    });
    expect(connectorPath.status).toBeGreaterThanOrEqual(400);
    const after = (await poll(alice)).activities;
    expect(after.length).toBe(before);
    expect(JSON.stringify(after)).not.toMatch(/injected|123456/);
  });

  it('refuses missing, forged and tampered tokens with clear JSON errors', async () => {
    const s = await newSession();
    const missing = await fetch(dl(`/conversations/${s.conversationId}/activities`));
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: { code: 'missing', message: expect.any(String) } });
    const [prefix, payload, signature] = s.token.split('.');
    const other = await newSession();
    const swapped = `${prefix}.${other.token.split('.')[1]}.${signature}`;
    const flipped = `${prefix}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const token of [swapped, flipped, 'dl1.x.y', 'garbage', `${s.token}.extra`]) {
      const res = await fetch(dl(`/conversations/${s.conversationId}/activities`), {
        headers: bearer(token),
      });
      expect(res.status).toBe(403);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message).toMatch(/token/);
    }
  });

  it('expires, and refresh gives a new token for the same conversation', async () => {
    const s = await newSession();
    const refreshed = await fetch(dl('/tokens/refresh'), { method: 'POST', headers: bearer(s.token) });
    expect(refreshed.status).toBe(200);
    const body = (await refreshed.json()) as { conversationId: string; token: string; expires_in: number };
    expect(body.conversationId).toBe(s.conversationId);
    expect(body.expires_in).toBe(30 * 60);
    expect(body.token).not.toBe(s.token);
    clock.advance(20 * 60_000);
    const second = (await (
      await fetch(dl('/tokens/refresh'), { method: 'POST', headers: bearer(body.token) })
    ).json()) as { token: string };
    clock.advance(15 * 60_000);
    try {
      // 35 minutes after the start: the first tokens are expired, the one refreshed at 20 minutes is not.
      for (const token of [s.token, body.token]) {
        const res = await fetch(dl(`/conversations/${s.conversationId}/activities`), {
          headers: bearer(token),
        });
        expect(res.status).toBe(403);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('expired');
        const again = await fetch(dl('/tokens/refresh'), { method: 'POST', headers: bearer(token) });
        expect(again.status).toBe(403);
      }
      expect((await poll(s, '', second.token)).activities.length).toBeGreaterThan(0);
    } finally {
      clock.set(NOW);
    }
  });
});

describe('polling', () => {
  it('pages by watermark and keeps at most WEBCHAT_MAX_ACTIVITIES, oldest dropped', async () => {
    const s = await newSession();
    const first = await poll(s);
    s.watermark = first.watermark;
    expect(first.activities.length).toBe(Number(first.watermark));
    const later = await say(s, 'Hva koster det?');
    expect(later.length).toBeGreaterThan(1);
    const fromStart = await poll(s, '0');
    expect(fromStart.activities.slice(first.activities.length)).toEqual(later);
    expect((await poll(s, s.watermark)).activities).toEqual([]);
    const bad = await fetch(dl(`/conversations/${s.conversationId}/activities?watermark=abc`), {
      headers: bearer(s.token),
    });
    expect(bad.status).toBe(400);

    for (let i = 0; i < 8; i += 1) await say(s, 'Hva koster det?');
    const all = await poll(s, '');
    expect(all.activities.length).toBe(20);
    expect(Number(all.watermark)).toBeGreaterThan(20);
    const seqs = all.activities.map((a) => Number(a.id?.split('|')[1]));
    expect(seqs).toEqual(seqs.map((_, i) => Number(all.watermark) - 19 + i));
  });

  it('delivers a message the bot sends on its own, without a user turn', async () => {
    const s = await newSession();
    s.watermark = (await poll(s)).watermark;
    await app.channels.continueConversation(
      {
        channelId: 'webchat',
        serviceUrl: app.webchat!.serviceUrl,
        conversation: { id: s.conversationId, isGroup: false, conversationType: 'personal', name: '' },
        user: { id: s.userId, name: '' },
        bot: { id: 'minid-bot', name: 'MinID' },
      },
      async (context) => {
        await context.sendActivity('An agent has joined the chat.');
      },
    );
    const page = await poll(s);
    expect(page.activities.map((a) => a.text)).toEqual(['An agent has joined the chat.']);
  });

  it('resumes a conversation by id after a reload, with the whole history', async () => {
    const s = await newSession();
    s.watermark = (await poll(s)).watermark;
    await say(s, '1');
    const resumed = await fetch(dl(`/conversations/${s.conversationId}?watermark=`), {
      headers: bearer(s.token),
    });
    expect(resumed.status).toBe(200);
    const { token } = (await resumed.json()) as { token: string };
    const history = await poll(s, '', token);
    expect(botTexts(history.activities)).toContain(localeText('nb', 'welcome.greeting'));
    expect(botTexts(history.activities)).toContain('fødselsnummeret eller D-nummeret');
    const next = await say({ ...s, token, watermark: history.watermark }, personId('adult-plain'));
    expect(botTexts(next)).toContain('slutter på 36');
    // Starting the same conversation again does not welcome twice.
    const restart = await fetch(dl('/conversations'), {
      method: 'POST',
      headers: { ...bearer(token), ...json },
      body: '{}',
    });
    expect(restart.status).toBe(200);
    expect((await poll(s, history.watermark, token)).activities.length).toBe(next.length);
  });
});

describe('hostile requests', () => {
  it('answers bad bodies with 400 and a kind message, never a stack', async () => {
    const s = await newSession();
    const good = message(s, 'hei');
    const cases: [unknown, RegExp][] = [
      [{ ...good, type: 42 }, /type/],
      [{ ...good, text: ['a'] }, /text/],
      [{ ...good, text: 'x'.repeat(4001) }, /at most 4000/],
      [{ ...good, from: undefined }, /from/],
      [{ ...good, from: { name: 'no id' } }, /from/],
      [{ ...good, serviceUrl: 'https://evil.example/' }, /unknown field\(s\) serviceUrl/],
      [{ ...good, from: { id: 'u', role: 'bot' } }, /from/],
      [
        { ...good, attachments: [{ contentType: 'image/png', contentUrl: 'https://evil.example/x' }] },
        /attachments/,
      ],
      [{ ...good, channelData: { clientActivityID: 7 } }, /clientActivityID/],
      [{ ...good, text: '   ' }, /text/],
      [[good], /activity/],
      ['hei', /activity/],
    ];
    for (const [body, message] of cases) {
      const res = await postActivity(s, body);
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(text).not.toMatch(STACK_LIKE);
      expect((JSON.parse(text) as { error: { message: string } }).error.message).toMatch(message);
    }
    const notJson = await fetch(dl(`/conversations/${s.conversationId}/activities`), {
      method: 'POST',
      headers: { ...bearer(s.token), ...json },
      body: '{"type":',
    });
    expect(notJson.status).toBe(400);
    const huge = await postActivity(s, { ...good, text: 'x'.repeat(40_000) });
    expect(huge.status).toBe(413);
    const wrongType = await fetch(dl(`/conversations/${s.conversationId}/activities`), {
      method: 'POST',
      headers: { ...bearer(s.token), 'content-type': 'text/plain' },
      body: 'hei',
    });
    expect(wrongType.status).toBe(415);
    // None of it reached the transcript.
    expect((await poll(s)).activities.every((a) => a.from?.role !== 'user')).toBe(true);
  });

  it('limits new conversations per client address (429), across the shared store', async () => {
    const flood = await buildApp(
      loadConfig({ LOG_LEVEL: 'silent', PRIVACY_SECRET: 'webchat-flood-secret-0123456789' }),
      { clock: clock.now },
    );
    const floodBase = `http://127.0.0.1:${await listen(flood.server, 0, '127.0.0.1')}`;
    try {
      const statuses: number[] = [];
      for (let i = 0; i < FLOOD_LIMIT + 2; i += 1) {
        statuses.push((await fetch(`${floodBase}/v3/directline/tokens/generate`, { method: 'POST' })).status);
      }
      expect(statuses.slice(0, FLOOD_LIMIT).every((s) => s === 200)).toBe(true);
      expect(statuses.slice(FLOOD_LIMIT)).toEqual([429, 429]);
      const refused = await fetch(`${floodBase}/v3/directline/tokens/generate`, { method: 'POST' });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/too many/);
    } finally {
      await close(flood.server);
      await flood.close();
    }
  });
});

describe('maskDigitRuns', () => {
  it('masks runs of six or more digits, with or without separators, and keeps shorter numbers', () => {
    expect(maskDigitRuns('fnr 14838510036!')).toBe('fnr •••••••••••!');
    expect(maskDigitRuns('148385 10036')).toBe('•••••• •••••');
    expect(maskDigitRuns('+47 412 34 567')).toBe('+•• ••• •• •••');
    expect(maskDigitRuns('kode 123456')).toBe('kode ••••••');
    expect(maskDigitRuns('valg 1, år 2026, 12345')).toBe('valg 1, år 2026, 12345');
  });
});

describe('configuration', () => {
  async function started(env: Record<string, string>): Promise<{ app: App; base: string }> {
    const other = await buildApp(
      loadConfig({ LOG_LEVEL: 'silent', PRIVACY_SECRET: 'webchat-config-secret-0123456789', ...env }),
      { clock: clock.now },
    );
    return { app: other, base: `http://127.0.0.1:${await listen(other.server, 0, '127.0.0.1')}` };
  }
  async function stop(other: App): Promise<void> {
    await close(other.server);
    await other.close();
  }

  it.each([
    ['SANDBOX_ENDPOINTS=false', { SANDBOX_ENDPOINTS: 'false' }],
    [
      // Codes really sent must never be readable on the page: anyone could give another person's phone.
      'a real SMS gateway',
      {
        SMS_GATEWAY: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'twilio-auth-token-for-tests-0123',
        TWILIO_FROM: '+4790000000',
        TWILIO_API_BASE: 'http://127.0.0.1:9',
        PUBLIC_BASE_URL: 'https://bot.example.org',
      },
    ],
  ])('shows no sandbox phone with %s', async (_name, env: Record<string, string>) => {
    const { app: other, base: otherBase } = await started(env);
    try {
      const page = await (await fetch(`${otherBase}/`)).text();
      expect(page).toContain('<main');
      expect(page).not.toMatch(/id="sandbox|sandkasse|sandbox phone|sandbox\/sms/i);
      const gen = (await (
        await fetch(`${otherBase}/v3/directline/tokens/generate`, { method: 'POST' })
      ).json()) as {
        conversationId: string;
        token: string;
      };
      const panel = await fetch(
        `${otherBase}/v3/directline/conversations/${gen.conversationId}/sandbox/sms`,
        {
          headers: bearer(gen.token),
        },
      );
      expect(panel.status).toBe(404);
    } finally {
      await stop(other);
    }
  });

  it('serves neither the page nor Direct Line with WEBCHAT=false', async () => {
    const { app: other, base: otherBase } = await started({ WEBCHAT: 'false' });
    try {
      expect((await fetch(`${otherBase}/`)).status).toBe(404);
      expect((await fetch(`${otherBase}/v3/directline/tokens/generate`, { method: 'POST' })).status).toBe(
        404,
      );
      expect(other.webchat).toBeUndefined();
    } finally {
      await stop(other);
    }
  });

  it('serves the page with a nonce CSP and the bundle under SRI', async () => {
    const res = await fetch(`${base}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("'unsafe-inline'");
    const html = await res.text();
    const lock = (await import('../../vendor/botframework-webchat/botframework-webchat.lock.json')).default;
    expect(html).toContain(`integrity="${lock.sha384}"`);
    expect(html).toContain(`nonce="${nonce}"`);
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    const bundle = await fetch(`${base}/webchat/vendor/${lock.file}`);
    expect(bundle.status).toBe(200);
    expect(Buffer.from(await bundle.arrayBuffer()).length).toBe(lock.bytes);
    // A second page gets another nonce.
    const again = (await fetch(`${base}/`)).headers.get('content-security-policy');
    expect(again).not.toBe(csp);
  });
});

describe('the vendored bundle', () => {
  it('is refused at start-up when it does not match its lock file', () => {
    const root = mkdtempSync(join(tmpdir(), 'webchat-vendor-'));
    try {
      const dir = join(root, 'vendor', 'botframework-webchat');
      mkdirSync(dir, { recursive: true });
      const source = join(__dirname, '..', '..', 'vendor', 'botframework-webchat');
      const lockName = 'botframework-webchat.lock.json';
      writeFileSync(join(dir, lockName), readFileSync(join(source, lockName)));
      const bundle = readFileSync(join(source, 'webchat-minimal.js'));
      writeFileSync(join(dir, 'webchat-minimal.js'), bundle);
      expect(loadVendoredBundle(root).body.length).toBe(bundle.length);
      writeFileSync(join(dir, 'webchat-minimal.js'), Buffer.concat([bundle, Buffer.from(';alert(1)')]));
      expect(() => loadVendoredBundle(root)).toThrow(/does not match/);
      rmSync(join(dir, 'webchat-minimal.js'));
      expect(() => loadVendoredBundle(root)).toThrow(VendoredBundleError);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('slow turns', () => {
  /** A store whose turn locks take 700 ms to take, so every turn is slower than the typing threshold. */
  class SlowLocks extends MemorySharedStore {
    override async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
      if (key.startsWith('lock:')) await new Promise((resolve) => setTimeout(resolve, 700));
      return super.setIfAbsent(key, value, ttlMs);
    }
  }

  it('show the typing indicator before the replies', async () => {
    const slow = await buildApp(
      loadConfig({ LOG_LEVEL: 'silent', PRIVACY_SECRET: 'webchat-slow-secret-0123456789' }),
      { clock: clock.now, shared: new SlowLocks() },
    );
    const slowBase = `http://127.0.0.1:${await listen(slow.server, 0, '127.0.0.1')}`;
    try {
      const gen = (await (
        await fetch(`${slowBase}/v3/directline/tokens/generate`, { method: 'POST' })
      ).json()) as {
        conversationId: string;
        token: string;
        userId: string;
      };
      const conv = `${slowBase}/v3/directline/conversations/${gen.conversationId}`;
      await fetch(`${slowBase}/v3/directline/conversations`, { method: 'POST', headers: bearer(gen.token) });
      const before = (
        (await (await fetch(`${conv}/activities`, { headers: bearer(gen.token) })).json()) as Page
      ).watermark;
      const posted = await fetch(`${conv}/activities`, {
        method: 'POST',
        headers: { ...bearer(gen.token), ...json },
        body: JSON.stringify({ type: 'message', text: 'Hva koster det?', from: { id: gen.userId } }),
      });
      expect(posted.status).toBe(200);
      const page = (await (
        await fetch(`${conv}/activities?watermark=${before}`, { headers: bearer(gen.token) })
      ).json()) as Page;
      expect(page.activities.map((a) => a.type).slice(0, 3)).toEqual(['message', 'typing', 'message']);
      expect(page.activities[1].from?.id).toBe('minid-bot');
    } finally {
      await close(slow.server);
      await slow.close();
    }
  });
});

describe('two instances on one Redis', () => {
  let redis: TestRedis;
  const instances: { app: App; base: string }[] = [];

  beforeAll(async () => {
    redis = await requireRedis('webchat');
    for (let i = 0; i < 2; i += 1) {
      const one = await buildApp(
        loadConfig({
          LOG_LEVEL: 'silent',
          STORAGE: 'redis',
          REDIS_URL,
          REDIS_KEY_PREFIX: redis.prefix,
          PRIVACY_SECRET: 'webchat-redis-secret-0123456789',
        }),
        { clock: clock.now },
      );
      instances.push({ app: one, base: `http://127.0.0.1:${await listen(one.server, 0, '127.0.0.1')}` });
    }
  });
  afterAll(async () => {
    for (const one of instances) {
      await close(one.app.server);
      await one.app.close();
    }
    await redis?.cleanup();
  });

  it('starts on one instance, posts on the other, polls on either; Redis holds no ID number', async () => {
    const [a, b] = instances;
    const gen = (await (
      await fetch(`${a.base}/v3/directline/tokens/generate`, { method: 'POST' })
    ).json()) as {
      conversationId: string;
      token: string;
      userId: string;
    };
    await fetch(`${a.base}/v3/directline/conversations`, { method: 'POST', headers: bearer(gen.token) });
    const path = `/v3/directline/conversations/${gen.conversationId}/activities`;
    for (const text of ['1', personId('adult-plain')]) {
      const res = await fetch(`${b.base}${path}`, {
        method: 'POST',
        headers: { ...bearer(gen.token), ...json },
        body: JSON.stringify({ type: 'message', text, from: { id: gen.userId } }),
      });
      expect(res.status).toBe(200);
    }
    const fromA = (await (await fetch(`${a.base}${path}`, { headers: bearer(gen.token) })).json()) as Page;
    const fromB = (await (await fetch(`${b.base}${path}`, { headers: bearer(gen.token) })).json()) as Page;
    expect(fromA).toEqual(fromB);
    expect(botTexts(fromA.activities)).toContain('slutter på 36');

    // Everything the web chat keeps (the bot's own conversation state is not the web chat's to judge).
    let stored = '';
    const keys = (await redis.keys()).filter((key) => key.startsWith(`${redis.prefix}webchat:`));
    expect(keys.length).toBeGreaterThan(3);
    for (const key of keys) {
      const type = await redis.redis.type(key);
      const values =
        type === 'string'
          ? [await redis.redis.get(key)]
          : type === 'list'
            ? await redis.redis.lrange(key, 0, -1)
            : type === 'set'
              ? await redis.redis.smembers(key)
              : await redis.redis.zrange(key, '0', '-1');
      stored += `${key}\n${values.join('\n')}\n`;
    }
    expect(stored).toContain('slutter på 36');
    expect(stored).toContain('•••••••••••');
    expect(stored).not.toContain(personId('adult-plain'));
    expect(keys.join('\n')).not.toContain(gen.conversationId);
  });
});

describe('human handoff through the web chat', () => {
  const KARI = 'kari-token-0123456789abcdefghijklmnopq';
  let hand: App;
  let handBase: string;

  beforeAll(async () => {
    hand = await buildApp(
      loadConfig({
        LOG_LEVEL: 'silent',
        PRIVACY_SECRET: 'webchat-handoff-secret-0123456789',
        AGENT_TOKENS: `Kari:${KARI}`,
      }),
      { clock: clock.now },
    );
    handBase = `http://127.0.0.1:${await listen(hand.server, 0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await close(hand.server);
    await hand.close();
  });

  async function agentCall(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${handBase}/api/agent${path}`, {
      method,
      headers: { authorization: `Bearer ${KARI}`, ...(body ? json : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    expect(res.status).toBe(200);
    return res.json();
  }

  it("brings the agent's acceptance and messages to the page without a user turn, and the user's words to the agent", async () => {
    clock.set(NOW);
    const gen = (await (
      await fetch(`${handBase}/v3/directline/tokens/generate`, { method: 'POST' })
    ).json()) as {
      conversationId: string;
      token: string;
      userId: string;
    };
    await fetch(`${handBase}/v3/directline/conversations`, { method: 'POST', headers: bearer(gen.token) });
    const path = `${handBase}/v3/directline/conversations/${gen.conversationId}/activities`;
    const pollHere = async (watermark: string) =>
      (await (await fetch(`${path}?watermark=${watermark}`, { headers: bearer(gen.token) })).json()) as Page;
    const sayHere = async (text: string) => {
      const res = await fetch(path, {
        method: 'POST',
        headers: { ...bearer(gen.token), ...json },
        body: JSON.stringify({ type: 'message', text, from: { id: gen.userId } }),
      });
      expect(res.status).toBe(200);
    };
    // Mid-order, as the handoff is offered there (at the menu "a person" gives phone and e-mail).
    await sayHere('1');
    const before = await pollHere('');
    await sayHere('snakke med et menneske');
    const queued = await pollHere(before.watermark);
    expect(botTexts(queued.activities)).toContain(localeText('nb', 'handoff.queued').split('{{')[0]);

    const [entry] = (await agentCall('GET', '/queue')) as { id: string; channel: string }[];
    expect(entry.channel).toBe('webchat');
    await agentCall('POST', `/handoffs/${entry.id}/accept`);
    await agentCall('POST', `/handoffs/${entry.id}/messages`, { text: 'Hei! Hva lurer du på?' });
    const fromAgent = await pollHere(queued.watermark);
    expect(fromAgent.activities.map((a) => a.text)).toEqual([
      localeText('nb', 'handoff.accepted').replace('{{name}}', 'Kari'),
      'Kari: Hei! Hva lurer du på?',
    ]);

    await sayHere('Brevet har ikke kommet');
    const messages = (await agentCall('GET', `/handoffs/${entry.id}/messages?after=0`)) as { text: string }[];
    expect(messages.at(-1)?.text).toBe('Brevet har ikke kommet');
    await agentCall('POST', `/handoffs/${entry.id}/end`);
    expect(botTexts((await pollHere(fromAgent.watermark)).activities)).toContain(
      localeText('nb', 'handoff.ended'),
    );
  });
});
