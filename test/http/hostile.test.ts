/**
 * What a security probe sent, against the real server on a free loopback port: corrupt gzip (it used to
 * kill the process), a gzip bomb, multipart files (written to /tmp and never deleted), form bodies,
 * oversized and deeply nested JSON, wrong field types that came back as 500s with internal messages, and
 * then ten thousand generated hostile requests. The server must answer each with a 4xx or 200, never a
 * 500 or a stack trace, stay up, keep its memory bounded, and log none of the seeded secrets.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { buildApp, type App } from '../../src/index';
import { loadConfig } from '../../src/config';
import type { ActivityHandler } from 'botbuilder';
import type { EdgeAdapter } from '../../src/http/edgeAdapter';
import { close, createServer, listen } from '../../src/server';
import { createLogger } from '../../src/logging';
import { logCapture, REFERENCE_NOW } from '../support/harness';
import { STACK_LIKE } from './support';

const SEEDED_ID = '14838510036';
const SEEDED_BEARER = 'Bearer eyJhbGciOiJSUzI1NiJ9.c2VlZGVkLXRva2Vu.c2lnbmF0dXJl';

interface Running {
  app: App;
  base: string;
  logs: string[];
}

const running: Running[] = [];

async function start(env: Record<string, string> = {}): Promise<Running> {
  const capture = logCapture();
  const app = await buildApp(
    loadConfig({
      LOG_LEVEL: 'debug',
      FIXED_NOW: REFERENCE_NOW,
      PRIVACY_SECRET: 'hostile-secret-0123456789',
      ...env,
    }),
    { logDestination: capture.destination },
  );
  const port = await listen(app.server, 0, '127.0.0.1');
  const r = { app, base: `http://127.0.0.1:${port}`, logs: capture.lines };
  running.push(r);
  return r;
}

afterAll(async () => {
  await Promise.all(running.map((r) => close(r.app.server)));
});

function activity(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: 'a1',
    text: `mitt nummer er ${SEEDED_ID}`,
    channelId: 'emulator',
    serviceUrl: 'http://127.0.0.1:9',
    deliveryMode: 'expectReplies',
    conversation: { id: 'hostile-1' },
    from: { id: 'user-1' },
    recipient: { id: 'bot' },
    ...overrides,
  };
}

async function send(
  base: string,
  body: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}/api/messages`, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

/** The texts the bot wrote in an expectReplies answer (empty for any other answer). */
function botTexts(res: { status: number; text: string }): string {
  if (res.status !== 200 || !res.text.startsWith('{')) return '';
  const body = JSON.parse(res.text) as { activities?: Array<{ text?: unknown }> };
  return (body.activities ?? []).map((a) => String(a.text ?? '')).join('\n');
}

async function healthy(base: string): Promise<boolean> {
  return (await fetch(`${base}/healthz`)).status === 200;
}

describe('request hygiene at the edge', () => {
  let r: Running;
  beforeAll(async () => {
    r = await start();
  });

  it('a body that claims gzip but is not: 415, and the process keeps serving', async () => {
    const res = await send(r.base, 'hello', {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(415);
    expect(await healthy(r.base)).toBe(true);
  });

  it('a gzip bomb is refused before it is inflated', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, ' '));
    expect(bomb.length).toBeLessThan(256 * 1024);
    const rssBefore = process.memoryUsage().rss;
    const started = Date.now();
    const res = await send(r.base, bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(res.status).toBe(415);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(40 * 1024 * 1024);
  });

  it('multipart and form bodies: 415, nothing written to disk', async () => {
    const uploadsBefore = readdirSync(tmpdir()).filter((f) => f.startsWith('upload_')).length;
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(2 * 1024 * 1024, 'x')]), 'big.bin');
    form.append('field', 'x'.repeat(1024 * 1024));
    const multipart = await fetch(`${r.base}/api/messages`, { method: 'POST', body: form });
    expect(multipart.status).toBe(415);
    const urlencoded = await send(r.base, 'type=message&text=hei', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(urlencoded.status).toBe(415);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('upload_')).length).toBe(uploadsBefore);
  });

  it('an oversized body: 413', async () => {
    const res = await send(r.base, JSON.stringify(activity({ text: 'x'.repeat(300 * 1024) })));
    expect(res.status).toBe(413);
    expect(await healthy(r.base)).toBe(true);
  });

  it.each([
    ['conversation.id as a number', activity({ conversation: { id: 12345678901 } })],
    ['serviceUrl as a number', activity({ serviceUrl: 42 })],
    ['serviceUrl not a URL', activity({ serviceUrl: 'javascript:alert(1)' })],
    ['from missing', activity({ from: undefined })],
    ['text as an object', activity({ text: { a: 1 } })],
    ['type missing', activity({ type: undefined })],
    ['an array', [activity()]],
    ['null', null],
  ])('%s: 400 with a short fixed message', async (_name, body) => {
    const res = await send(r.base, JSON.stringify(body));
    expect(res.status).toBe(400);
    expect(res.text).not.toMatch(STACK_LIKE);
    expect(res.text).not.toContain(SEEDED_ID);
    expect(res.text.length).toBeLessThan(200);
  });

  it('very deep nesting: 400, and the server is not stuck', async () => {
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    const res = await send(r.base, `{"type":"message","channelData":${deep}}`);
    expect(res.status).toBe(400);
    expect(await healthy(r.base)).toBe(true);
  });

  it('bad JSON: 400', async () => {
    const res = await send(r.base, '{"type": "message",');
    expect(res.status).toBe(400);
    expect(res.text).not.toMatch(STACK_LIKE);
  });

  it('a malformed HTTP request line gets 400 from the socket and the server goes on', async () => {
    const { connect } = await import('node:net');
    const port = Number(new URL(r.base).port);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('GARBAGE \u0000\u0001 HTTP/9\r\n\r\n'));
      let data = '';
      socket.on('data', (c) => (data += c.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(await healthy(r.base)).toBe(true);
  });
});

describe('fuzzing the real server', () => {
  it('10,000 hostile requests: no 500, no stack trace, still serving, memory bounded, nothing seeded logged', async () => {
    const r = await start({ LOG_LEVEL: 'debug' });
    const contentTypes = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      '',
      'application/JSON',
    );
    const hostileValue = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.jsonValue({ maxDepth: 6 }),
      fc.constant(SEEDED_ID),
    );
    const mutated = fc
      .record({
        field: fc.constantFrom(
          'type',
          'text',
          'channelId',
          'serviceUrl',
          'conversation',
          'from',
          'recipient',
          'locale',
          'membersAdded',
          'entities',
          'value',
          'channelData',
          'deliveryMode',
          'attachments',
          'id',
        ),
        value: hostileValue,
      })
      .map(({ field, value }) => JSON.stringify(activity({ [field]: value })));
    const nested = fc
      .integer({ min: 1, max: 3000 })
      .map((n) =>
        JSON.stringify(activity({ channelData: JSON.parse('{"a":'.repeat(n) + '1' + '}'.repeat(n)) })),
      );
    const body = fc.oneof(
      mutated,
      nested,
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ unit: 'grapheme', maxLength: 2000 }),
      fc.string({ maxLength: 500 }).map((s) => `{"type":"message","text":"${s}`),
      fc
        .integer({ min: 200, max: 400 })
        .map((kb) => JSON.stringify(activity({ text: 'ø'.repeat(kb * 512) }))),
    );
    const request = fc.record({
      body,
      contentType: contentTypes,
      encoding: fc.constantFrom(undefined, undefined, undefined, 'gzip', 'deflate', 'br', 'identity'),
      gzipped: fc.boolean(),
    });
    const samples = fc.sample(request, { numRuns: 10_000, seed: 424242 });
    const rssBefore = process.memoryUsage().rss;
    const statuses = new Map<number, number>();
    const bad: string[] = [];
    const concurrency = 32;
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < samples.length) {
          const sample = samples[next++];
          const headers: Record<string, string> = { authorization: SEEDED_BEARER };
          if (sample.contentType) headers['content-type'] = sample.contentType;
          if (sample.encoding) headers['content-encoding'] = sample.encoding;
          const payload = sample.gzipped && sample.encoding === 'gzip' ? gzipSync(sample.body) : sample.body;
          const res = await send(r.base, payload, headers);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          // Protocol fields echo what the client sent (its own ids); what the bot says must never hold it.
          if (res.status >= 500 || STACK_LIKE.test(res.text) || botTexts(res).includes(SEEDED_ID)) {
            bad.push(`${res.status}: ${res.text.slice(0, 200)}`);
          }
        }
      }),
    );
    expect(bad).toEqual([]);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    expect(await healthy(r.base)).toBe(true);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(300 * 1024 * 1024);
    const logs = r.logs.join('\n');
    expect(logs).not.toContain(SEEDED_ID);
    expect(logs).not.toContain('c2VlZGVkLXRva2Vu');
  }, 240_000);
});

describe('authenticated mode', () => {
  it('without a token: 401; the sandbox outbox is absent; it would listen on all interfaces', async () => {
    const env = {
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppType: 'MultiTenant',
    };
    const r = await start(env);
    const res = await send(r.base, JSON.stringify(activity()));
    expect(res.status).toBe(401);
    expect(res.text).not.toMatch(STACK_LIKE);
    expect((await fetch(`${r.base}/sandbox/sms?to=%2B4741234567`)).status).toBe(404);
    expect(loadConfig(env).HOST).toBe('0.0.0.0');
  });

  it('local mode without auth listens on loopback only by default', () => {
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
  });
});

describe("restify's own logger", () => {
  it('a reply that cannot be serialised logs no request: no header, no ID, no bearer token', async () => {
    const capture = logCapture();
    const logger = createLogger({ level: 'trace', destination: capture.destination });
    // The probe's case: restify's JSON formatter throws on the reply and restify logs `req` whole. A
    // stand-in adapter makes a reply that JSON cannot hold; everything else is the real server.
    const circular: Record<string, unknown> = { text: `ditt nummer ${SEEDED_ID}` };
    circular.self = circular;
    const adapter: Pick<EdgeAdapter, 'processValidated'> = {
      processValidated: async () => ({ status: 200, body: circular }),
    };
    const server = createServer({
      adapter,
      bot: {} as ActivityHandler,
      logger,
      isReady: async () => true,
    });
    const port = await listen(server, 0, '127.0.0.1');
    try {
      const res = await send(`http://127.0.0.1:${port}`, JSON.stringify(activity()), {
        'content-type': 'application/json',
        authorization: SEEDED_BEARER,
        cookie: `session=${SEEDED_ID}`,
      });
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.text).not.toMatch(STACK_LIKE);
      expect(res.text).not.toContain(SEEDED_ID);
      // restify did log the failure (so this is not vacuous) ...
      const lines = capture.lines.join('\n');
      expect(lines).toContain('could not format response body');
      // ... and nothing of the request that carried the secrets.
      expect(lines).not.toContain(SEEDED_ID);
      expect(lines).not.toContain('c2VlZGVkLXRva2Vu');
      expect(lines).not.toMatch(/"(authorization|cookie)":"[^[]/i);
    } finally {
      await close(server);
    }
  });

  it("a turn that fails outside the bot's error handler: 500 with a fixed text, the error only in the log", async () => {
    const capture = logCapture();
    const logger = createLogger({ level: 'info', destination: capture.destination });
    const adapter: Pick<EdgeAdapter, 'processValidated'> = {
      processValidated: async () => {
        throw new Error(`connector exploded at /srv/app/internal.js for ${SEEDED_ID}`);
      },
    };
    const server = createServer({ adapter, bot: {} as ActivityHandler, logger, isReady: async () => true });
    const port = await listen(server, 0, '127.0.0.1');
    try {
      const res = await send(`http://127.0.0.1:${port}`, JSON.stringify(activity()), {
        'content-type': 'application/json',
      });
      expect(res.status).toBe(500);
      expect(JSON.parse(res.text)).toEqual({ error: 'the activity could not be processed' });
      expect(res.text).not.toContain('exploded');
      expect(capture.lines.join('\n')).toContain('activity failed');
    } finally {
      await close(server);
    }
  });
});
