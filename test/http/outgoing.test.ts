/**
 * Replies in ordinary delivery are posted to the activity's serviceUrl. The probe held a turn for 150 s
 * and more with a channel that accepted the connection and never answered. These tests run the real
 * server against stub channels on loopback: silent, failing then recovering, throttling with a huge
 * Retry-After, redirecting. No turn may outlive the outgoing budget by more than a small margin, the
 * conversation's next turn must work, and the log says what happened without URLs or ids.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp, type App } from '../../src/index';
import { loadConfig } from '../../src/config';
import { close, listen } from '../../src/server';
import { logCapture } from '../support/harness';
import { conversationId, localeText } from './support';

const BUDGET_MS = 1500;
const MARGIN_MS = 1000;

interface Attempt {
  mode: string;
  conversation: string;
  replyTo?: string;
  status: number | 'none';
  text: string;
}

/** A channel whose behaviour is chosen by the serviceUrl's first path segment. */
interface Channel {
  url: (mode: string) => string;
  attempts: Attempt[];
  close: () => Promise<void>;
}

async function startChannel(): Promise<Channel> {
  const attempts: Attempt[] = [];
  const seen = new Map<string, number>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const m = /^\/([^/]+)\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
      if (!m) {
        res.statusCode = 404;
        res.end();
        return;
      }
      const [, mode, conversation, replyTo] = m;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { text?: string };
      const key = `${conversation}|${replyTo ?? ''}|${body.text ?? ''}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      const record = (status: number | 'none') =>
        attempts.push({
          mode,
          conversation: decodeURIComponent(conversation),
          replyTo: replyTo && decodeURIComponent(replyTo),
          status,
          text: body.text ?? '',
        });
      const answer = (status: number, headers: Record<string, string> = {}) => {
        record(status);
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(status < 300 ? JSON.stringify({ id: `r-${attempts.length}` }) : '{}');
      };
      switch (mode) {
        case 'silent':
          record('none'); // accepted, never answered
          return;
        case 'flaky':
          return n <= 2 ? answer(503) : answer(200);
        case 'throttle':
          return answer(429, { 'retry-after': '3600' });
        case 'redirect':
          return answer(307, { location: `http://127.0.0.1:${port()}/ok${req.url?.slice(6) ?? ''}` });
        case 'down':
          return answer(503);
        default:
          return answer(200);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = () => (server.address() as AddressInfo).port;
  return {
    url: (mode) => `http://127.0.0.1:${port()}/${mode}`,
    attempts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let app: App;
let base: string;
let channel: Channel;
let logs: string[];
let counter = 0;

beforeAll(async () => {
  channel = await startChannel();
  const capture = logCapture();
  logs = capture.lines;
  app = await buildApp(
    loadConfig({
      LOG_LEVEL: 'warn',
      FIXED_NOW: '2026-11-24T12:00:00+01:00',
      PRIVACY_SECRET: 'outgoing-test-secret-0123456789',
      OUTGOING_TIMEOUT_MS: String(BUDGET_MS),
      OUTGOING_RETRIES: '2',
    }),
    { logDestination: capture.destination },
  );
  base = `http://127.0.0.1:${await listen(app.server, 0, '127.0.0.1')}`;
});

afterAll(async () => {
  await close(app.server);
  await app.close();
  await channel.close();
});

/** Posts a message with ordinary delivery; resolves once the server has answered, with the time taken. */
async function post(conversation: string, text: string, mode: string) {
  counter += 1;
  const id = `act-${counter}`;
  const started = Date.now();
  const res = await fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id,
      text,
      locale: 'nb-NO',
      channelId: 'webchat',
      serviceUrl: channel.url(mode),
      from: { id: `user-${conversation}` },
      recipient: { id: 'bot' },
      conversation: { id: conversation },
    }),
  });
  const body = await res.text();
  return { id, status: res.status, body, ms: Date.now() - started };
}

const answered = (activityId: string, mode: string) =>
  channel.attempts.filter((a) => a.replyTo === activityId && a.mode === mode && a.status === 200);

describe('replies to the channel', () => {
  it('a channel that never answers holds the turn no longer than the budget; the next turn is answered', async () => {
    const c = conversationId('silent');
    const hung = post(c, 'hei', 'silent');
    // The conversation's next message arrives while the first turn is stuck: it waits its turn.
    await new Promise((r) => setTimeout(r, 100));
    const next = post(c, 'hjelp', 'ok');
    const first = await hung;
    expect(first.status).toBe(200);
    expect(first.ms).toBeGreaterThanOrEqual(BUDGET_MS - 100);
    expect(first.ms).toBeLessThan(BUDGET_MS + MARGIN_MS);
    // One post to the silent channel, never repeated: a timed-out post may have arrived.
    expect(channel.attempts.filter((a) => a.conversation === c && a.mode === 'silent')).toHaveLength(1);

    const second = await next;
    expect(second.status).toBe(200);
    expect(second.ms).toBeLessThan(BUDGET_MS + MARGIN_MS);
    const replies = answered(second.id, 'ok').map((a) => a.text);
    expect(replies.length).toBeGreaterThan(0);
    // It was a real turn, not the "one moment" answer of a turn that could not get the lock.
    expect(replies.join(' ')).not.toContain(localeText('nb', 'session.busy'));

    const third = await post(c, 'hei', 'ok');
    expect(answered(third.id, 'ok').length).toBeGreaterThan(0);

    // The failed turn was handled inside its turn lock: its clean-up did not overwrite the next turn's state.
    expect(logs.join('\n')).not.toContain('StateConflictError');
    const errorLines = logs.filter((l) => l.includes('OutgoingCallError'));
    expect(errorLines.length).toBeGreaterThan(0);
    expect(errorLines.join('\n')).toContain('timeout');
    for (const line of logs) {
      expect(line).not.toContain(c);
      expect(line).not.toContain('127.0.0.1');
    }
  }, 20_000);

  it('503 twice then 200: the reply is delivered once, on the third attempt', async () => {
    const c = conversationId('flaky');
    const turn = await post(c, 'hei', 'flaky');
    expect(turn.status).toBe(200);
    const mine = channel.attempts.filter((a) => a.conversation === c);
    // The welcome and the menu are sent as separate activities; each took three attempts.
    const byText = new Map<string, Array<number | 'none'>>();
    for (const a of mine) byText.set(a.text, [...(byText.get(a.text) ?? []), a.status]);
    expect(byText.size).toBeGreaterThan(0);
    for (const statuses of byText.values()) expect(statuses).toEqual([503, 503, 200]);
    expect(turn.ms).toBeLessThan(BUDGET_MS * byText.size + MARGIN_MS);
  }, 20_000);

  it('a channel that stays down: two retries, then the turn ends within the budget', async () => {
    const c = conversationId('down');
    const turn = await post(c, 'hei', 'down');
    expect(turn.status).toBe(200);
    expect(turn.ms).toBeLessThan(BUDGET_MS + MARGIN_MS);
    const mine = channel.attempts.filter((a) => a.conversation === c);
    // Only the first reply is tried (3 times); the failure ends the turn, and no apology is tried.
    expect(mine.map((a) => a.status)).toEqual([503, 503, 503]);
    const next = await post(c, 'hei', 'ok');
    expect(answered(next.id, 'ok').length).toBeGreaterThan(0);
  }, 20_000);

  it('a Retry-After of an hour is not waited for, and a redirect is not followed', async () => {
    const throttled = conversationId('throttle');
    const t = await post(throttled, 'hei', 'throttle');
    expect(t.status).toBe(200);
    expect(t.ms).toBeLessThan(MARGIN_MS);
    expect(channel.attempts.filter((a) => a.conversation === throttled)).toHaveLength(1);

    const redirected = conversationId('redirect');
    const r = await post(redirected, 'hei', 'redirect');
    expect(r.status).toBe(200);
    expect(channel.attempts.filter((a) => a.conversation === redirected).map((a) => a.mode)).toEqual([
      'redirect',
    ]);
  }, 20_000);
});
