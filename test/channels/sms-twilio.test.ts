/**
 * SMS end to end with SMS_GATEWAY=twilio: the webhook on the real server, Twilio's Messages API played by
 * a loopback stub. The one-time code really goes out through the gateway (form body, sender, GSM-7);
 * when Twilio fails the user is told so in the webhook's answer; and messages outside a webhook answer
 * (a support agent's, in a handoff) reach the sealed number through the gateway, never a log.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { buildApp, type App } from '../../src/index';
import { loadConfig } from '../../src/config';
import { close, listen } from '../../src/server';
import { isGsm7, toGsm7 } from '../../src/bot/render';
import { SUPPORT } from '../../src/rules';
import { fakeClock } from '../support/fake-clock';
import { logCapture } from '../support/harness';
import { personId } from '../transcripts/format';
import { localeText } from '../http/support';

const TOKEN = 'twilio-e2e-auth-token-0123456789';
const SID = 'AC0123456789abcdef0123456789abcdef';
const PUBLIC = 'https://sms.example.no';
const FROM = '+4759000001';
const KARI = 'kari-token-0123456789abcdefghijklmnopq';

interface Sent {
  To: string;
  From: string;
  Body: string;
}

let app: App;
let base: string;
let stub: Server;
const sent: Sent[] = [];
/** Statuses the stub answers with, one per request; 201 once they run out. */
const failures: number[] = [];
const logs = logCapture();
const clock = fakeClock('2026-11-24T12:00:00+01:00');

beforeAll(async () => {
  stub = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = failures.shift() ?? 201;
      if (status === 201) {
        sent.push(
          Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString())) as unknown as Sent,
        );
      }
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  const twilioBase = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  app = await buildApp(
    loadConfig({
      LOG_LEVEL: 'debug',
      PRIVACY_SECRET: 'sms-twilio-e2e-secret-0123456',
      TWILIO_AUTH_TOKEN: TOKEN,
      PUBLIC_BASE_URL: PUBLIC,
      SMS_GATEWAY: 'twilio',
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_FROM: FROM,
      TWILIO_API_BASE: twilioBase,
      AGENT_TOKENS: `Kari:${KARI}`,
    }),
    { clock: clock.now, logDestination: logs.destination },
  );
  base = `http://127.0.0.1:${await listen(app.server, 0, '127.0.0.1')}`;
});

afterAll(async () => {
  await close(app.server);
  await app.close();
  stub.closeAllConnections();
  await new Promise<void>((resolve) => stub.close(() => resolve()));
});

/** One signed SMS to the webhook; the texts of its TwiML answer. */
async function sms(from: string, body: string): Promise<string[]> {
  const params = { From: from, To: FROM, Body: body, AccountSid: SID };
  const res = await fetch(`${base}/api/sms`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}/api/sms`, params),
    },
    body: new URLSearchParams(params).toString(),
  });
  expect(res.status).toBe(200);
  const xml = await res.text();
  return [...xml.matchAll(/<Message>(.*?)<\/Message>/gs)].map((m) =>
    m[1].replace(/&#(\d+);/g, (_s, n: string) => String.fromCharCode(Number(n))),
  );
}

async function agent(method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${KARI}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

const codeIn = (text: string) => /(?<!\d)(\d{6})(?!\d)/.exec(text)?.[1];

describe('SMS with the Twilio gateway', () => {
  it('sends the one-time code through Twilio, GSM-7, from TWILIO_FROM, and the order goes through', async () => {
    const phone = '+4741234567';
    await sms(phone, 'hei');
    await sms(phone, '1');
    await sms(phone, personId('adult-plain'));
    const before = sent.length;
    expect((await sms(phone, '412 34 567')).join('\n')).toContain('****67');
    const codeSms = sent.slice(before);
    expect(codeSms).toHaveLength(1);
    expect(codeSms[0]).toMatchObject({ To: phone, From: FROM });
    expect(isGsm7(codeSms[0].Body)).toBe(true);
    const code = codeIn(codeSms[0].Body);
    expect(code).toBeDefined();
    expect((await sms(phone, code ?? '')).join('\n')).toContain('bestilt');
    // Nothing went to the sandbox outbox: the gateway is Twilio's.
    expect(await app.sms.messagesTo(phone)).toEqual([]);
  });

  it('tells the user plainly when Twilio cannot take the code (5xx twice), with the support phone', async () => {
    const phone = '+4741234569';
    await sms(phone, 'hei');
    await sms(phone, '1');
    await sms(phone, personId('adult-postal'));
    failures.push(500, 503);
    const answer = (await sms(phone, '412 34 569')).join('\n');
    expect(answer).toContain(toGsm7(localeText('nb', 'sms.sendFailed').replace('{{phone}}', SUPPORT.phone)));
    expect(failures).toEqual([]);
    // The conversation is usable again: the next message gets the menu.
    expect((await sms(phone, 'hei')).join('\n')).toMatch(/1\. /);
  });

  it("relays a support agent's messages to the sealed number through the gateway", async () => {
    const phone = '+4741234570';
    await sms(phone, 'hei');
    await sms(phone, '1');
    await sms(phone, personId('adult-care-of'));
    // Mid-order "a person" is a handoff (at the menu it gives phone and e-mail).
    const queued = (await sms(phone, 'snakke med et menneske')).join('\n');
    expect(queued).toContain(toGsm7(localeText('nb', 'handoff.queued').slice(0, 30)));
    const queue = await agent('GET', '/api/agent/queue');
    const [entry] = queue.body as { id: string; channel: string }[];
    expect(entry).toBeDefined();
    const before = sent.length;
    expect((await agent('POST', `/api/agent/handoffs/${entry.id}/accept`)).status).toBe(200);
    expect(
      (
        await agent('POST', `/api/agent/handoffs/${entry.id}/messages`, {
          text: 'Hei! Jeg ser på saken «din» nå – et øyeblikk…',
        })
      ).status,
    ).toBe(200);
    const relayed = sent.slice(before);
    expect(relayed.map((s) => s.To)).toEqual([phone, phone]);
    expect(relayed[0].Body).toContain('Kari');
    expect(relayed[1].Body).toContain('Hei! Jeg ser på saken "din" nå - et øyeblikk...');
    for (const s of relayed) expect(isGsm7(s.Body)).toBe(true);
    // The user answers by SMS: the agent reads it.
    await sms(phone, 'Takk, jeg venter');
    const thread = await agent('GET', `/api/agent/handoffs/${entry.id}/messages?after=0`);
    expect(JSON.stringify(thread.body)).toContain('Takk, jeg venter');
    expect((await agent('POST', `/api/agent/handoffs/${entry.id}/end`)).status).toBe(200);
  });

  it('keeps every phone number and code out of the logs', () => {
    const all = logs.lines.join('\n');
    for (const n of ['41234567', '41234569', '41234570']) expect(all).not.toContain(n);
    for (const s of sent) {
      const code = codeIn(s.Body);
      if (code) expect(all).not.toContain(code);
    }
  });
});
