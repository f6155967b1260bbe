/**
 * The agent console's server side on the real server (buildApp + listen on a free port), with a stub
 * channel connector on loopback: the server-sent event streams (queue and one handoff), their limits and
 * their end at shutdown, /api/agent/me, and the static console page with its headers, strings and
 * refusals. Streams are read with fetch(), as the console reads them.
 */
import { request } from 'node:http';
import { buildApp, type App } from '../../src/index';
import { loadConfig } from '../../src/config';
import { close, listen } from '../../src/server';
import { fakeClock } from '../support/fake-clock';
import { logCapture } from '../support/harness';
import { REDIS_URL, requireRedis } from '../support/redis';
import {
  conversationId,
  localeText,
  postToChannel,
  readLocale,
  startConnectorStub,
  type ConnectorStub,
} from './support';

const KARI = 'kari-token-0123456789abcdefghijklmnopq';
const OLA = 'ola-token-0123456789abcdefghijklmnopqrs';
const CONFIG = {
  LOG_LEVEL: 'debug',
  PRIVACY_SECRET: 'agent-events-secret-0123456789',
  AGENT_TOKENS: `Kari:${KARI},Ola:${OLA}`,
  HANDOFF_MAX_WAIT_MINUTES: '30',
};

let app: App;
let base: string;
let channel: ConnectorStub;
const clock = fakeClock('2026-11-24T12:00:00+01:00');
const logs = logCapture();

beforeAll(async () => {
  channel = await startConnectorStub();
  app = await buildApp(loadConfig(CONFIG), { clock: clock.now, logDestination: logs.destination });
  base = `http://127.0.0.1:${await listen(app.server, 0, '127.0.0.1')}`;
});

afterAll(async () => {
  await close(app.server);
  await app.close();
  await channel.close();
});

/** One user message with ordinary delivery (replies go to the stub channel). */
async function say(conversation: string, text: string): Promise<void> {
  await postToChannel(base, channel, conversation, { text });
}

/** A user who starts an order and asks for a person (queued: support is open at the fake clock's time). */
async function userWaits(conversation: string): Promise<void> {
  await say(conversation, 'hei');
  await say(conversation, '1');
  await say(conversation, 'snakke med et menneske');
}

async function agent(
  method: 'GET' | 'POST',
  path: string,
  token = KARI,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

interface SseEvent {
  event: string;
  id?: string;
  data: unknown;
}

interface Stream {
  status: number;
  headers: Headers;
  /** The JSON body of a refused stream. */
  body?: unknown;
  events: SseEvent[];
  /** Comment lines seen (": open", ": heartbeat"). */
  comments: string[];
  /** The first event (from index `from` on) that matches, waiting up to `ms`. */
  next(match: (e: SseEvent) => boolean, ms?: number, from?: number): Promise<SseEvent>;
  /** Resolves 'ended' when the server ended the stream cleanly, 'broken' when it was cut. */
  ended: Promise<'ended' | 'broken'>;
  close(): void;
}

const open: Stream[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

async function stream(
  path: string,
  token: string | null = KARI,
  headers: Record<string, string> = {},
): Promise<Stream> {
  const ctl = new AbortController();
  const res = await fetch(`${base}${path}`, {
    headers: { ...headers, ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    signal: ctl.signal,
  });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  let ended: Promise<'ended' | 'broken'> = Promise.resolve('ended');
  let body: unknown;
  if (res.status === 200 && res.body) {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    ended = (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return 'ended';
          buffer += value;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const event: SseEvent = { event: 'message', data: undefined };
            let hasData = false;
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) comments.push(line.slice(1).trim());
              else if (line.startsWith('event: ')) event.event = line.slice(7);
              else if (line.startsWith('id: ')) event.id = line.slice(4);
              else if (line.startsWith('data: ')) {
                event.data = JSON.parse(line.slice(6));
                hasData = true;
              }
            }
            if (hasData) events.push(event);
            notify();
          }
        }
      } catch {
        return 'broken';
      } finally {
        notify();
      }
    })();
  } else {
    body = await res.json();
  }
  const s: Stream = {
    status: res.status,
    headers: res.headers,
    body,
    events,
    comments,
    next: (match, ms = 6000, from = 0) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = events.slice(from).find(match);
          if (!found) return false;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event in ${ms} ms; got ${JSON.stringify(events)}`));
        }, ms);
        waiters.add(check);
        check();
      }),
    ended,
    close: () => ctl.abort(),
  };
  open.push(s);
  return s;
}

/** A raw GET whose path is sent exactly as written (fetch would resolve `..` before sending). */
function rawGet(path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

interface QueueEntry {
  id: string;
  [field: string]: unknown;
}

/** Empties the queue between tests (each test's waiting user cancels). */
async function cancelWaiting(conversation: string): Promise<void> {
  await say(conversation, 'avbryt');
}

describe('agent event streams', () => {
  it('refuses every stream and /me without a token or with a wrong one (401, no hint)', async () => {
    for (const path of [
      '/api/agent/events',
      '/api/agent/handoffs/0123456789abcdef/events',
      '/api/agent/me',
    ]) {
      for (const token of [null, 'x'.repeat(40), `${KARI}x`]) {
        const s = await stream(path, token);
        expect(s.status).toBe(401);
        expect(s.body).toEqual({ error: 'unauthorized' });
      }
    }
    const basic = await fetch(`${base}/api/agent/events`, { headers: { authorization: `Basic ${KARI}` } });
    expect(basic.status).toBe(401);
    await basic.arrayBuffer();
  });

  it("/me names the token's agent and gives the opening hours", async () => {
    const me = await agent('GET', '/api/agent/me', OLA);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      name: 'Ola',
      // The app's clock, so the console counts waiting time as the server does.
      now: '2026-11-24T11:00:00.000Z',
      hours: { open: true, closesAt: '2026-11-24T15:30:00+01:00' },
    });
    const weekly = (me.body as { hours: { weekly: unknown[] } }).hours.weekly;
    expect(weekly).toHaveLength(5);
    expect(weekly[0]).toEqual({ day: 1, open: '08:00', close: '15:30' });
  });

  it('the queue stream gives the waiting list at once and again when a user starts waiting', async () => {
    const s = await stream('/api/agent/events');
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(s.headers.get('cache-control')).toBe('no-store');
    const first = await s.next((e) => e.event === 'queue');
    expect(first.data).toEqual([]);

    const c = conversationId('events-queue');
    await userWaits(c);
    const changed = await s.next((e) => e.event === 'queue' && (e.data as unknown[]).length === 1);
    const [entry] = changed.data as QueueEntry[];
    expect(Object.keys(entry).sort()).toEqual(['channel', 'id', 'language', 'summary', 'waitingSince']);
    expect(entry).toMatchObject({ language: 'nb', channel: 'webchat', summary: { flow: 'orderDialog' } });
    expect(JSON.stringify(changed.data)).not.toContain(c);
    expect(s.comments).toContain('open');

    // Nothing changes: no new event. The user cancels: the list empties.
    const seen = s.events.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(s.events).toHaveLength(seen);
    await cancelWaiting(c);
    await s.next((e) => e.event === 'queue' && (e.data as unknown[]).length === 0, 6000, seen);
  });

  it("the handoff stream delivers the user's messages and status changes, then ends after `ended`", async () => {
    const c = conversationId('events-handoff');
    await userWaits(c);
    await say(c, 'Er det noen der?');
    const [{ id }] = (await agent('GET', '/api/agent/queue')).body as QueueEntry[];

    const s = await stream(`/api/agent/handoffs/${id}/events`);
    expect(s.status).toBe(200);
    expect(s.headers.get('cache-control')).toBe('no-store');
    const waiting = await s.next((e) => e.event === 'status');
    expect(waiting.data).toEqual({ status: 'waiting' });
    const early = await s.next((e) => e.event === 'message');
    expect(early).toMatchObject({ id: '1', data: { n: 1, from: 'user', text: 'Er det noen der?' } });

    expect((await agent('POST', `/api/agent/handoffs/${id}/accept`)).status).toBe(200);
    expect(
      (await s.next((e) => e.event === 'status' && (e.data as { status: string }).status === 'active')).data,
    ).toEqual({
      status: 'active',
      agent: 'Kari',
    });
    await s.next((e) => e.event === 'message' && (e.data as { from: string }).from === 'bot');

    await say(c, 'Jeg får ikke koden på SMS');
    const reply = await s.next((e) => e.event === 'message' && (e.data as { n: number }).n === 3);
    expect(reply.data).toMatchObject({ from: 'user', text: 'Jeg får ikke koden på SMS' });

    expect((await agent('POST', `/api/agent/handoffs/${id}/end`)).status).toBe(200);
    await s.next((e) => e.event === 'status' && (e.data as { status: string }).status === 'ended');
    // The bot's welcome-back note is relayed too, and the server then ends the stream cleanly.
    await s.next(
      (e) => e.event === 'message' && (e.data as { text: string }).text === localeText('nb', 'handoff.ended'),
    );
    expect(await s.ended).toBe('ended');
    // Numbers never repeat or go backwards.
    const ns = s.events.filter((e) => e.event === 'message').map((e) => (e.data as { n: number }).n);
    expect(ns).toEqual([...ns].sort((a, b) => a - b));
    expect(new Set(ns).size).toBe(ns.length);

    // `after` resumes: only what came later, from the query or from Last-Event-ID.
    const resumed = await stream(`/api/agent/handoffs/${id}/events?after=2`);
    const firstResumed = await resumed.next((e) => e.event === 'message');
    expect(firstResumed.id).toBe('3');
    const byHeader = await stream(`/api/agent/handoffs/${id}/events`, KARI, { 'last-event-id': '3' });
    const firstByHeader = await byHeader.next((e) => e.event === 'message');
    expect(firstByHeader.id).toBe('4');
    expect(await byHeader.ended).toBe('ended');

    // What the user wrote reached the agent, never the logs.
    expect(logs.lines.join('\n')).not.toContain('koden på SMS');
  });

  it('refuses bad ids, unknown handoffs and a bad `after` with a clear 4xx', async () => {
    expect((await stream('/api/agent/handoffs/not-an-id/events')).status).toBe(404);
    const unknown = await stream('/api/agent/handoffs/0123456789abcdef/events');
    expect(unknown).toMatchObject({ status: 404, body: { error: 'no such handoff' } });
    const c = conversationId('events-bad');
    await userWaits(c);
    const [{ id }] = (await agent('GET', '/api/agent/queue')).body as QueueEntry[];
    for (const after of ['abc', '-1', '1e3', '9999999']) {
      const bad = await stream(`/api/agent/handoffs/${id}/events?after=${after}`);
      expect(bad).toMatchObject({
        status: 400,
        body: { error: 'query parameter "after" must be a whole number' },
      });
    }
    await cancelWaiting(c);
  });

  it('a fifth open stream of one agent gets 429; closing one lets a new one open; other agents are not affected', async () => {
    const four = await Promise.all([1, 2, 3, 4].map(() => stream('/api/agent/events', OLA)));
    expect(four.map((s) => s.status)).toEqual([200, 200, 200, 200]);
    const fifth = await stream('/api/agent/events', OLA);
    expect(fifth.status).toBe(429);
    expect((fifth.body as { error: string }).error).toMatch(/at most 4 event streams per agent/);
    expect((await stream('/api/agent/events', KARI)).status).toBe(200);

    four[0].close();
    // The server sees the close when the socket does; give it a moment.
    let again: Stream | undefined;
    for (let i = 0; i < 20 && again?.status !== 200; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      again = await stream('/api/agent/events', OLA);
    }
    expect(again?.status).toBe(200);
  });
});

describe('the console page', () => {
  it('serves /agent as HTML with a strict CSP, nosniff, and its assets with their types', async () => {
    const page = await fetch(`${base}/agent`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'self';/);
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).toContain('<script src="/agent/page.js" defer></script>');
    // No inline script or style for the CSP to block, and nothing from another origin.
    expect(html).not.toMatch(/<script>|<style|style=|onclick=|https?:\/\//);
    for (const [path, type] of [
      ['/agent/page.js', 'text/javascript; charset=utf-8'],
      ['/agent/page.css', 'text/css; charset=utf-8'],
      ['/agent/icon.svg', 'image/svg+xml'],
    ]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      await res.arrayBuffer();
    }
  });

  it('never serves anything outside public/agent: traversal, encoded or not, gets 404', async () => {
    for (const path of [
      '/agent/../package.json',
      '/agent/%2e%2e/package.json',
      '/agent/..%2fpackage.json',
      '/agent/%2e%2e%2fpackage.json',
      '/agent/%2E%2E%2Fpackage.json',
      '/agent/..%5cpackage.json',
      '/agent/....//package.json',
      '/agent/%252e%252e%252fpackage.json',
      '/agent/strings/..%2f..%2fpackage.json',
      '/agent/strings/..%2fnb',
      '/agent/index.html%00.js',
      '/agent/PAGE.JS',
    ]) {
      const res = await rawGet(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.body).not.toContain('minid-helpline-bot');
      expect(res.body).not.toContain('devDependencies');
    }
  });

  it('serves the console strings of nb, nn and en, and 404 for any other language', async () => {
    for (const lang of ['nb', 'nn', 'en'] as const) {
      const res = await fetch(`${base}/agent/strings/${lang}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(readLocale(lang).console);
    }
    for (const lang of ['de', 'NB', 'constructor', '__proto__', 'toString']) {
      const res = await rawGet(`/agent/strings/${lang}`);
      expect({ lang, status: res.status }).toEqual({ lang, status: 404 });
    }
  });
});

describe('without agents', () => {
  it('there is no console and no event stream (404)', async () => {
    const bare = await buildApp(loadConfig({ ...CONFIG, AGENT_TOKENS: '' }), {
      clock: clock.now,
      logDestination: logs.destination,
    });
    const bareBase = `http://127.0.0.1:${await listen(bare.server, 0, '127.0.0.1')}`;
    try {
      for (const path of [
        '/agent',
        '/agent/page.js',
        '/agent/strings/nb',
        '/api/agent/events',
        '/api/agent/me',
      ]) {
        const res = await fetch(`${bareBase}${path}`, { headers: { authorization: `Bearer ${KARI}` } });
        expect({ path, status: res.status }).toEqual({ path, status: 404 });
        await res.arrayBuffer();
      }
    } finally {
      await close(bare.server);
      await bare.close();
    }
  });
});

describe('shutdown', () => {
  it('a drain ends open streams cleanly at once instead of holding the grace period', async () => {
    const other = await buildApp(loadConfig(CONFIG), { clock: clock.now, logDestination: logs.destination });
    const otherBase = `http://127.0.0.1:${await listen(other.server, 0, '127.0.0.1')}`;
    try {
      const res = await fetch(`${otherBase}/api/agent/events`, {
        headers: { authorization: `Bearer ${KARI}` },
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      await reader.read();
      const started = Date.now();
      const { unfinished } = await other.lifecycle.drain(20_000);
      expect(unfinished).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000);
      // The stream was finished by the server (a clean end), not cut.
      let done = false;
      while (!done) done = (await reader.read()).done;
      expect(done).toBe(true);
    } finally {
      await other.close();
    }
  });
});

describe('two instances on one Redis', () => {
  it('a console on one instance sees the queue and the relay of users served by the other', async () => {
    const redis = await requireRedis('agent-events');
    const config = loadConfig({ ...CONFIG, STORAGE: 'redis', REDIS_URL, REDIS_KEY_PREFIX: redis.prefix });
    const instances: App[] = [];
    const saved = base;
    try {
      const urls: string[] = [];
      for (let i = 0; i < 2; i += 1) {
        const instance = await buildApp(config, { clock: clock.now, logDestination: logs.destination });
        instances.push(instance);
        urls.push(`http://127.0.0.1:${await listen(instance.server, 0, '127.0.0.1')}`);
      }
      // The console is on instance 1; the user's turns go to instance 0.
      base = urls[1];
      const queue = await stream('/api/agent/events');
      await queue.next((e) => e.event === 'queue');
      base = urls[0];
      const c = conversationId('events-redis');
      await userWaits(c);
      base = urls[1];
      const waiting = await queue.next((e) => e.event === 'queue' && (e.data as unknown[]).length === 1);
      const [{ id }] = waiting.data as QueueEntry[];
      expect((await agent('POST', `/api/agent/handoffs/${id}/accept`)).status).toBe(200);
      const relay = await stream(`/api/agent/handoffs/${id}/events`);
      base = urls[0];
      await say(c, 'Hei fra instans null');
      const got = await relay.next(
        (e) => e.event === 'message' && (e.data as { from: string }).from === 'user',
      );
      expect(got.data).toMatchObject({ text: 'Hei fra instans null' });
    } finally {
      base = saved;
      for (const s of open.splice(0)) s.close();
      for (const instance of instances) {
        await close(instance.server);
        await instance.close();
      }
      await redis.cleanup();
    }
  });
});
