import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SUPPORT } from '../../src/rules';

/** Locale files read as data, so a test compares with the product's own words and never copies them. */
export type LocaleTree = { [key: string]: string | string[] | LocaleTree };

export function readLocale(lang: 'nb' | 'nn' | 'en'): LocaleTree {
  return JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'locales', `${lang}.json`), 'utf8'),
  ) as LocaleTree;
}

/** A string value of a locale file by dotted key; throws when absent, so a renamed key fails the test. */
export function localeText(lang: 'nb' | 'nn' | 'en', key: string): string {
  let node: string | string[] | LocaleTree | undefined = readLocale(lang);
  for (const part of key.split('.')) {
    node = node && typeof node === 'object' && !Array.isArray(node) ? node[part] : undefined;
  }
  if (typeof node !== 'string') throw new Error(`locales/${lang}.json has no string at ${key}`);
  return node;
}

/** The welcome the bot sends on first contact, as the bot joins it. */
export function welcomeText(lang: 'nb' | 'nn' | 'en'): string {
  return ['welcome.greeting', 'welcome.capabilities', 'welcome.privacy']
    .map((k) => localeText(lang, k))
    .join(' ');
}

export function apologyText(lang: 'nb' | 'nn' | 'en'): string {
  return localeText(lang, 'errors.apology').replace('{{phone}}', SUPPORT.phone);
}

/** A stack trace line ("    at fn (/path/file.ts:1:2)") or an absolute source path in a response body. */
export const STACK_LIKE = /(^|\n)\s*at\s|\/(work|home|src|node_modules|usr)\/|\.[jt]s:\d+/;

export interface RecordedPost {
  path: string;
  conversationId: string;
  activityId?: string;
  body: Record<string, unknown>;
}

/**
 * A stand-in for the Bot Framework connector (the channel's serviceUrl): records every activity the bot
 * posts to `/v3/conversations/:conversationId/activities[/:activityId]` and answers `{ id }`.
 */
export interface ConnectorStub {
  url: string;
  posts: RecordedPost[];
  close: () => Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startConnectorStub(): Promise<ConnectorStub> {
  const posts: RecordedPost[] = [];
  const server: HttpServer = createHttpServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = (req.url ?? '').split('?')[0];
      const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
      if (req.method !== 'POST' || !match) {
        res.statusCode = 404;
        res.end();
        return;
      }
      posts.push({
        path,
        conversationId: decodeURIComponent(match[1]),
        activityId: match[2] === undefined ? undefined : decodeURIComponent(match[2]),
        body: JSON.parse(body) as Record<string, unknown>,
      });
      res.statusCode = 200;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: 'x' }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let counter = 0;
/** A fresh conversation id per call, so tests sharing nothing can never share state either. */
export function conversationId(prefix = 'conv'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

let activityCounter = 0;

/** A bokmål web chat message of `conversation` asking for its replies in the HTTP answer (expectReplies). */
export function expectRepliesMessage(conversation: string, text: string): Record<string, unknown> {
  activityCounter += 1;
  return {
    type: 'message',
    id: `msg-${activityCounter}`,
    text,
    locale: 'nb-NO',
    channelId: 'webchat',
    serviceUrl: 'http://127.0.0.1:9',
    deliveryMode: 'expectReplies',
    from: { id: `user-${conversation}` },
    recipient: { id: 'bot' },
    conversation: { id: conversation },
  };
}

/** Sends one message to the bot at `base`; expects 200 and resolves with its reply texts, one per line. */
export async function sayTexts(base: string, conversation: string, text: string): Promise<string> {
  const res = await fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(expectRepliesMessage(conversation, text)),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { activities?: Array<{ type?: string; text?: string }> };
  return (body.activities ?? [])
    .filter((a) => a.type === 'message')
    .map((a) => a.text ?? '')
    .join('\n');
}

/**
 * Posts one activity of `conversation` to the bot at `base` with ordinary delivery, so the replies go to
 * the stub `channel`, and expects it accepted; resolves with the activity's id. `fields` override the
 * defaults of a bokmål web chat message (an event's type and name, another locale, the user's name).
 */
export async function postToChannel(
  base: string,
  channel: Pick<ConnectorStub, 'url'>,
  conversation: string,
  fields: Record<string, unknown>,
): Promise<string> {
  activityCounter += 1;
  const id = `act-${activityCounter}`;
  const res = await fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id,
      locale: 'nb-NO',
      channelId: 'webchat',
      serviceUrl: channel.url,
      from: { id: `user-${conversation}` },
      recipient: { id: 'bot' },
      conversation: { id: conversation },
      ...fields,
    }),
  });
  expect(res.status).toBeLessThan(300);
  await res.arrayBuffer();
  return id;
}

/** The texts the stub channel got in reply to one activity, in the order it received them. */
export function repliesTo(channel: Pick<ConnectorStub, 'posts'>, activityId: string): string[] {
  return channel.posts.filter((p) => p.activityId === activityId).map((p) => String(p.body.text ?? ''));
}
