/**
 * The Twilio webhook (POST /api/sms) on the real server, port 0: requests signed as Twilio signs them
 * (the `twilio` package's own signer, so our hand-written verification is cross-checked), whole orders
 * by SMS in bokmål and English with the code read from the sandbox outbox, choices answered by number,
 * every reply GSM-7 in at most two segments, no phone number in clear in store keys or logs, and
 * hostile requests answered 400/403 with TwiML, never a crash.
 */
import { MemoryStorage } from 'botbuilder';
import twilio from 'twilio';
import { buildApp, type App } from '../../src/index';
import { loadConfig } from '../../src/config';
import { close, listen } from '../../src/server';
import { MemorySharedStore } from '../../src/storage/memoryShared';
import type { SharedStore } from '../../src/storage/shared';
import { isGsm7, smsSegments } from '../../src/bot/render';
import { logCapture } from '../support/harness';
import { personId } from '../transcripts/format';
import { localeText } from '../http/support';

const TOKEN = 'twilio-test-auth-token-0123456789';
const PUBLIC = 'https://bot.example.no';
const NOW = '2026-11-24T12:00:00+01:00';
const BOT_NUMBER = '+4759000000';

let app: App;
let base: string;
const logs = logCapture();
const memory: Record<string, string> = {};
const sharedKeys: string[] = [];

/** A shared store that notes every key it is asked about, to look for numbers in them. */
function recordingStore(inner: SharedStore): SharedStore {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (typeof args[0] === 'string') sharedKeys.push(args[0]);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

beforeAll(async () => {
  app = await buildApp(
    loadConfig({
      FIXED_NOW: NOW,
      LOG_LEVEL: 'debug',
      PRIVACY_SECRET: 'sms-webhook-test-secret-01234',
      TWILIO_AUTH_TOKEN: TOKEN,
      PUBLIC_BASE_URL: PUBLIC,
    }),
    {
      logDestination: logs.destination,
      storage: new MemoryStorage(memory),
      shared: recordingStore(new MemorySharedStore()),
    },
  );
  const port = await listen(app.server, 0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await close(app.server);
  await app.close();
});

let sid = 0;
function twilioForm(from: string, body: string): Record<string, string> {
  sid += 1;
  return {
    AccountSid: 'AC00000000000000000000000000000000',
    MessageSid: `SM${String(sid).padStart(32, '0')}`,
    From: from,
    To: BOT_NUMBER,
    Body: body,
    NumMedia: '0',
  };
}

/** Posts a form to the webhook; `signature` defaults to Twilio's own for PUBLIC + path. */
async function post(
  params: Record<string, string>,
  options: { signature?: string | null; path?: string; body?: string; contentType?: string } = {},
): Promise<{ status: number; type: string; body: string }> {
  const path = options.path ?? '/api/sms';
  const signature =
    options.signature === undefined
      ? twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}${path}`, params)
      : options.signature;
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
  };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers,
    body: options.body ?? new URLSearchParams(params).toString(),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

const unescape = (s: string) =>
  s.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');

/** The `<Message>` texts of a TwiML answer. */
function messages(twimlBody: string): string[] {
  expect(twimlBody).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response>.*<\/Response>$/s);
  return [...twimlBody.matchAll(/<Message>(.*?)<\/Message>/gs)].map((m) => unescape(m[1]));
}

const allReplies: string[] = [];

/** One SMS from `from`; the bot's answer messages, each checked for GSM-7 and two segments. */
async function sms(from: string, body: string): Promise<string[]> {
  const res = await post(twilioForm(from, body));
  expect(res.status).toBe(200);
  expect(res.type).toMatch(/^text\/xml/);
  const out = messages(res.body);
  for (const text of out) {
    expect({ text, gsm7: isGsm7(text) }).toEqual({ text, gsm7: true });
    const { segments, encoding } = smsSegments(text);
    expect({ text, segments: segments <= 2, encoding }).toEqual({ text, segments: true, encoding: 'GSM-7' });
  }
  allReplies.push(...out);
  return out;
}

async function lastCode(phone: string): Promise<string> {
  const sent = (await app.sms.messagesTo(phone)).at(-1);
  const code = sent && /(?<!\d)(\d{6})(?!\d)/.exec(sent.text)?.[1];
  if (!code) throw new Error('no code in the sandbox outbox');
  return code;
}

describe('POST /api/sms: the signature', () => {
  it('is verified: a signature made by the twilio package is accepted, ours agrees with its validator', async () => {
    const params = twilioForm('+4741111111', 'hei');
    const signature = twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}/api/sms`, params);
    expect(twilio.validateRequest(TOKEN, signature, `${PUBLIC}/api/sms`, params)).toBe(true);
    const res = await post(params, { signature });
    expect(res.status).toBe(200);
    expect(messages(res.body).join('\n')).toContain(localeText('nb', 'welcome.greeting').slice(0, 20));
  });

  it.each([
    ['missing', null],
    ['empty', ''],
    ['made with another token', twilio.getExpectedTwilioSignature('another-token', `${PUBLIC}/api/sms`, {})],
    ['garbage', 'not base64 at all'],
  ])('refuses a %s signature with 403 and empty TwiML', async (_what, signature) => {
    const res = await post(twilioForm('+4741111112', 'hei'), { signature });
    expect(res.status).toBe(403);
    expect(messages(res.body)).toEqual([]);
  });

  it('refuses a signature over other parameters (a body changed in transit) or another URL', async () => {
    const params = twilioForm('+4741111113', 'hei');
    const signedOther = twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}/api/sms`, {
      ...params,
      Body: 'slett alt',
    });
    expect((await post(params, { signature: signedOther })).status).toBe(403);
    const otherUrl = twilio.getExpectedTwilioSignature(TOKEN, 'https://evil.example/api/sms', params);
    expect((await post(params, { signature: otherUrl })).status).toBe(403);
  });

  it('covers the query string as Twilio calls it', async () => {
    const params = twilioForm('+4741111114', 'hei');
    const path = '/api/sms?tenant=a';
    const ok = await post(params, { path });
    expect(ok.status).toBe(200);
    const signedWithout = twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}/api/sms`, params);
    expect((await post(params, { path, signature: signedWithout })).status).toBe(403);
  });
});

describe('POST /api/sms: hostile requests', () => {
  it.each([
    ['JSON instead of a form', { contentType: 'application/json', body: '{"From":"+4741234567"}' }, 415],
    ['a huge body', { body: `Body=${'a'.repeat(40_000)}` }, 413],
    ['too many fields', { body: Array.from({ length: 200 }, (_, i) => `f${i}=1`).join('&') }, 400],
  ])('%s gets a TwiML-safe refusal', async (_what, options, status) => {
    const res = await post({}, { signature: 'x', ...options });
    expect(res.status).toBe(status);
    expect(messages(res.body)).toEqual([]);
  });

  it.each([
    ['no From', { Body: 'hei', To: BOT_NUMBER }],
    ['a From that is no phone number', { From: 'client:alice', Body: 'hei', To: BOT_NUMBER }],
    ['a From with a script', { From: '<script>', Body: 'hei', To: BOT_NUMBER }],
    ['a Body longer than any SMS', { From: '+4741111115', Body: 'x'.repeat(2000), To: BOT_NUMBER }],
  ])('a correctly signed request with %s gets 400', async (_what, params: Record<string, string>) => {
    const res = await post(params);
    expect(res.status).toBe(400);
    expect(messages(res.body)).toEqual([]);
  });

  it('answers a message of markup with escaped TwiML, and the server keeps serving', async () => {
    const out = await sms('+4741111116', '</Message><Redirect>https://evil.example</Redirect>&amp;');
    expect(out.length).toBeGreaterThan(0);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
  });
});

describe('a whole order by SMS', () => {
  it('in bokmål: numbered menu answered by number, code from the sandbox, letter ordered', async () => {
    const phone = '+4741234567';
    const welcome = await sms(phone, 'hei');
    const joined = welcome.join('\n');
    expect(joined).toContain(localeText('nb', 'welcome.capabilities_sms'));
    expect(joined).toContain(`1. ${localeText('nb', 'topics.order-letter')}`);
    // One turn's several messages came as fewer SMS than the bot's activities (welcome + menu).
    expect(welcome).toHaveLength(1);

    expect((await sms(phone, '1')).join('\n')).toContain('fødselsnummeret');
    expect((await sms(phone, personId('adult-plain'))).join('\n')).toContain('36');
    expect((await sms(phone, '412 34 567')).join('\n')).toContain('****67');
    const done = (await sms(phone, await lastCode(phone))).join('\n');
    expect(done).toContain('bestilt');
    expect(done).toMatch(/1\. Ja\n2\. Nei/);
    const after = (await sms(phone, '2')).join('\n');
    expect(after).toContain(`1. ${localeText('nb', 'topics.order-letter')}`);
  });

  it('in English', async () => {
    const phone = '+4741234568';
    const first = (await sms(phone, 'Hello, I want to order the letter in English')).join('\n');
    expect(first).toContain(localeText('en', 'welcome.greeting').replace('–', '-'));
    const flow: string[] = [first];
    if (!first.includes('national identity number')) flow.push(...(await sms(phone, '1')));
    expect(flow.join('\n')).toContain('national identity number');
    expect((await sms(phone, personId('adult-postal'))).join('\n')).toContain('mobile number');
    expect((await sms(phone, '412 34 568')).join('\n')).toContain('****68');
    const done = (await sms(phone, await lastCode(phone))).join('\n');
    expect(done).toContain('ordered');
    expect(done).toMatch(/1\. Yes\n2\. No/);
    expect((await sms(phone, '2')).join('\n')).toContain('anything else');
  });

  it('never puts a phone number in clear in store keys, state keys or logs', () => {
    const phones = ['4741234567', '41234567', '4741234568', '41234568', '4741111116'];
    const places = [...sharedKeys, ...Object.keys(memory), ...logs.lines];
    for (const phone of phones) {
      expect(places.filter((p) => p.includes(phone))).toEqual([]);
    }
    // The state itself holds the conversation under the HMAC id, not the number.
    expect(JSON.stringify(memory)).not.toContain('+4741234567');
    expect(allReplies.length).toBeGreaterThanOrEqual(10);
  });
});
