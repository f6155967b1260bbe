/**
 * GET /metrics on the real server: present only with METRICS_TOKEN, answered only to `Bearer <token>`,
 * counting turns and the order funnel as a user walks through it, and never holding anything a user
 * sent: no ID number, phone number, code, conversation id or client-chosen channel id.
 */
import { buildApp, type App } from '../../src/index';
import { loadConfig, ConfigError } from '../../src/config';
import { close, listen } from '../../src/server';
import { channelLabel, CHANNELS, ERROR_KINDS, FUNNEL_EVENTS, LANGUAGES } from '../../src/metrics';
import { personId } from '../transcripts/format';
import { conversationId } from './support';

const NOW = '2026-11-24T12:00:00+01:00';
const TOKEN = 'metrics-token-0123456789abcdefghijklmnop';
const PHONE = { typed: '412 34 567', national: '41234567', e164: '+4741234567' };

interface Reply {
  type?: string;
  text?: string;
}

let app: App;
let base: string;
let counter = 0;

beforeAll(async () => {
  app = await buildApp(
    loadConfig({
      FIXED_NOW: NOW,
      LOG_LEVEL: 'silent',
      METRICS_TOKEN: TOKEN,
      PRIVACY_SECRET: 'metrics-test-secret-0123456789',
    }),
  );
  base = `http://127.0.0.1:${await listen(app.server, 0, '127.0.0.1')}`;
});

afterAll(async () => {
  await close(app.server);
  await app.close();
});

/** One message with expectReplies; resolves with the HTTP status and the bot's replies. */
async function send(
  conversation: string,
  text: string,
  options: { channelId?: string; locale?: string } = {},
): Promise<{ status: number; replies: Reply[] }> {
  counter += 1;
  const res = await fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: `m-${counter}`,
      text,
      locale: options.locale ?? 'nb-NO',
      channelId: options.channelId ?? 'webchat',
      serviceUrl: 'http://127.0.0.1:9',
      deliveryMode: 'expectReplies',
      from: { id: `user-${conversation}` },
      recipient: { id: 'bot' },
      conversation: { id: conversation },
    }),
  });
  const body = (await res.json().catch(() => ({}))) as { activities?: Reply[] };
  return { status: res.status, replies: (body.activities ?? []).filter((a) => a.type === 'message') };
}

async function say(conversation: string, text: string, channelId?: string): Promise<string> {
  const { status, replies } = await send(conversation, text, { channelId });
  expect(status).toBe(200);
  return replies.map((r) => r.text ?? '').join('\n');
}

async function scrape(headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
  const res = await fetch(`${base}/metrics`, { headers });
  return { status: res.status, text: await res.text(), res };
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the exposition format's sample lines (label values here never hold quotes or commas). */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable metrics line: ${line.slice(0, 200)}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
      const [k, v] = pair.split('=');
      labels[k] = JSON.parse(v) as string;
    }
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

function value(samples: Sample[], name: string, labels: Record<string, string>): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

async function metrics(): Promise<Sample[]> {
  const { status, text } = await scrape();
  expect(status).toBe(200);
  return parse(text);
}

async function lastCode(): Promise<string> {
  const outbox = await app.sms.messagesTo(PHONE.e164);
  const code = /(?<!\d)(\d{6})(?!\d)/.exec(outbox.at(-1)?.text ?? '')?.[1];
  if (!code) throw new Error('no code in the sandbox outbox');
  return code;
}

const funnel = (samples: Sample[], event: string, channel = 'webchat') =>
  value(samples, 'minid_funnel_events_total', { event, channel, language: 'nb' });

describe('GET /metrics', () => {
  it('counts turns and the funnel of a whole order, and none of the seeded personal data shows', async () => {
    const before = await metrics();
    const c = conversationId('metrics-order');
    const nationalId = personId('adult-plain');
    await say(c, 'hei');
    await say(c, '1');
    expect(await say(c, nationalId)).toContain('36');
    await say(c, PHONE.typed);
    const code = await lastCode();
    expect(await say(c, code)).not.toBe('');
    const after = await metrics();

    const turns = (s: Sample[]) => value(s, 'minid_turns_total', { channel: 'webchat', language: 'nb' });
    expect(turns(after) - turns(before)).toBe(5);
    const latency = (s: Sample[]) =>
      value(s, 'minid_turn_duration_seconds_count', { channel: 'webchat', language: 'nb' });
    expect(latency(after) - latency(before)).toBe(5);
    for (const event of ['started', 'id-accepted', 'code-sent', 'code-verified', 'ordered']) {
      expect([event, funnel(after, event) - funnel(before, event)]).toEqual([event, 1]);
    }
    for (const event of ['has-minid', 'active-order', 'locked', 'too-young', 'not-found']) {
      expect([event, funnel(after, event) - funnel(before, event)]).toEqual([event, 0]);
    }

    // The same person again: refused (active order), counted as such and not as ordered.
    const again = conversationId('metrics-again');
    await say(again, 'hei');
    await say(again, '1');
    await say(again, nationalId);
    await say(again, PHONE.typed);
    await say(again, await lastCode());
    const refused = await metrics();
    expect(funnel(refused, 'active-order') - funnel(after, 'active-order')).toBe(1);
    expect(funnel(refused, 'ordered') - funnel(after, 'ordered')).toBe(0);

    const { text } = await scrape();
    for (const secret of [nationalId, PHONE.national, PHONE.e164, '4741234567', c, again]) {
      expect(text).not.toContain(secret);
    }
    // Numbers appear as sample values (byte counts, timestamps); the code must not appear as a token.
    expect(text).not.toMatch(new RegExp(`(?<![\\d.])${code}(?![\\d.])`));
    // No label value (bucket bounds aside) holds a run of digits; ours come from the fixed lists only.
    const fixed = new Set<string>([...CHANNELS, ...LANGUAGES, ...FUNNEL_EVENTS, ...ERROR_KINDS]);
    for (const s of parse(text)) {
      for (const [k, v] of Object.entries(s.labels)) {
        if (k !== 'le') expect(v).not.toMatch(/\d{4}/);
        if (s.name.startsWith('minid_') && k !== 'le' && k !== 'limit' && k !== 'outcome') {
          expect(fixed).toContain(v);
        }
      }
    }
  }, 60_000);

  it('counts verification failures: three wrong codes lock the attempt', async () => {
    const before = await metrics();
    const c = conversationId('metrics-locked');
    await say(c, 'hei');
    await say(c, '1');
    await say(c, personId('has-minid'));
    await say(c, PHONE.typed);
    const right = await lastCode();
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 3; i += 1) await say(c, wrong);
    const after = await metrics();
    expect(funnel(after, 'locked') - funnel(before, 'locked')).toBe(1);
    expect(funnel(after, 'code-verified') - funnel(before, 'code-verified')).toBe(0);
    expect(funnel(after, 'has-minid') - funnel(before, 'has-minid')).toBe(0);
    // The third wrong code also completes the shared wrong-code lock of the phone and the ID number,
    // reported by the limits module's onHit as limit hits (by name only).
    const hits = (s: Sample[], limit: string) => value(s, 'minid_limit_hits_total', { limit });
    expect(hits(after, 'wrong-codes-phone') - hits(before, 'wrong-codes-phone')).toBeGreaterThanOrEqual(1);
    expect(hits(after, 'other')).toBe(0);
  }, 30_000);

  it('a client-chosen channelId never becomes a label value', async () => {
    const hostile = [
      PHONE.e164,
      '14838510036',
      'WebChat',
      'webchat"} 1\nminid_turns_total{channel="x',
      'ø'.repeat(64),
      'x'.repeat(64),
    ];
    for (const channelId of hostile) {
      const { status } = await send(conversationId('metrics-hostile'), 'hei', { channelId });
      expect(status).toBe(200);
    }
    // A 10 KB channelId is refused at the edge, and is not counted under any label either.
    const huge = await send(conversationId('metrics-huge'), 'hei', { channelId: 'y'.repeat(10_000) });
    expect(huge.status).toBe(400);

    const { text } = await scrape();
    const samples = parse(text);
    const channels = new Set(samples.map((s) => s.labels.channel).filter((v) => v !== undefined));
    for (const channel of channels) expect(CHANNELS).toContain(channel);
    expect(value(samples, 'minid_turns_total', { channel: 'other' })).toBeGreaterThanOrEqual(hostile.length);
    for (const h of hostile) expect(text).not.toContain(h);
    expect(text).not.toContain('yyyyyyyy');
    expect(text).not.toContain('xxxxxxxx');
    expect(channelLabel('msteams')).toBe('msteams');
    expect(channelLabel('other')).toBe('other');
    expect(channelLabel(undefined)).toBe('other');
  }, 30_000);

  it('answers 401 without the right bearer token, saying nothing about which part was wrong', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: '' },
      { authorization: TOKEN },
      { authorization: `Basic ${TOKEN}` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.toUpperCase()}` },
      { authorization: 'Bearer ' },
      { authorization: `Bearer ${'a'.repeat(4000)}` },
    ];
    const bodies = new Set<string>();
    for (const headers of attempts) {
      const { status, text, res } = await scrape(headers);
      expect(status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(text).not.toContain('minid_');
      bodies.add(text);
    }
    expect([...bodies]).toEqual([JSON.stringify({ error: 'unauthorized' })]);
    expect((await scrape({ authorization: `bearer ${TOKEN}` })).status).toBe(200);
  });
});

describe('without METRICS_TOKEN', () => {
  it('/metrics does not exist (404), with or without a token', async () => {
    const plain = await buildApp(loadConfig({ FIXED_NOW: NOW, LOG_LEVEL: 'silent' }));
    const url = `http://127.0.0.1:${await listen(plain.server, 0, '127.0.0.1')}/metrics`;
    try {
      expect((await fetch(url)).status).toBe(404);
      expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
      expect((await fetch(url, { headers: { authorization: 'Bearer ' } })).status).toBe(404);
    } finally {
      await close(plain.server);
      await plain.close();
    }
  });

  it('a token shorter than 32 characters stops start-up, naming the variable but not the value', () => {
    const short = 'short-token-1234567890';
    let error: unknown;
    try {
      loadConfig({ METRICS_TOKEN: short });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/\bMETRICS_TOKEN\b/);
    expect((error as Error).message).not.toContain(short);
    expect(() => loadConfig({ METRICS_TOKEN: `${'a'.repeat(20)} ${'b'.repeat(20)}` })).toThrow(
      /METRICS_TOKEN/,
    );
    expect(loadConfig({ METRICS_TOKEN: TOKEN }).METRICS_TOKEN).toBe(TOKEN);
  });
});
