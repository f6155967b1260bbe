/**
 * End to end over HTTP: the real server (composition root, restify, botbuilder's CloudAdapter in local
 * mode) on a free port. A whole order goes through POST /api/messages with deliveryMode "expectReplies"
 * (the replies come back in the response body), the SMS code is read from the sandbox outbox
 * (GET /sandbox/sms), and the same person ordering again is refused: the order was really recorded.
 */
import { buildApp, type App } from '../../src/index';
import { loadConfig } from '../../src/config';
import { close, listen } from '../../src/server';
import { personId } from '../transcripts/format';

const NOW = '2026-11-24T12:00:00+01:00';
const PHONE_E164 = '+4741234567';

interface Reply {
  type?: string;
  text?: string;
  suggestedActions?: { actions: { title?: string }[] };
}

let app: App;
let base: string;

beforeAll(async () => {
  app = await buildApp(loadConfig({ FIXED_NOW: NOW, LOG_LEVEL: 'silent' }));
  const port = await listen(app.server, 0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await close(app.server);
});

let activityCounter = 0;

/** One user message in a conversation; resolves with the bot's replies to it. */
async function say(conversation: string, text: string): Promise<Reply[]> {
  activityCounter += 1;
  const res = await fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: `activity-${activityCounter}`,
      text,
      locale: 'nb-NO',
      channelId: 'webchat',
      serviceUrl: 'http://127.0.0.1:9', // never called: expectReplies returns the replies in the body
      deliveryMode: 'expectReplies',
      from: { id: 'user-1', role: 'user' },
      recipient: { id: 'bot', role: 'bot' },
      conversation: { id: conversation },
    }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { activities?: Reply[] };
  return (body.activities ?? []).filter((a) => a.type === 'message');
}

const texts = (replies: Reply[]) => replies.map((r) => r.text ?? '').join('\n');

/** The last code the sandbox sent, read over HTTP as a tester would ('+' must be encoded in a query). */
async function lastCodeOverHttp(): Promise<string> {
  const res = await fetch(`${base}/sandbox/sms?to=${encodeURIComponent(PHONE_E164)}`);
  expect(res.status).toBe(200);
  const outbox = (await res.json()) as { to: string; text: string }[];
  const code = /(?<!\d)(\d{6})(?!\d)/.exec(outbox.at(-1)?.text ?? '')?.[1];
  if (!code) throw new Error('no code in the sandbox outbox');
  return code;
}

/** hei -> 1 -> number -> phone -> code; returns the replies to the code. */
async function orderUpToOutcome(conversation: string): Promise<Reply[]> {
  const welcome = await say(conversation, 'hei');
  expect(welcome.at(-1)?.suggestedActions?.actions.map((a) => a.title)).toEqual([
    'Bestille aktiveringsbrev',
    'Spørsmål om brevet',
    'Ta i bruk MinID-appen',
    'Snakke med et menneske',
  ]);
  expect(texts(await say(conversation, '1'))).toContain('fødselsnummeret eller D-nummeret');
  const afterId = texts(await say(conversation, personId('adult-plain')));
  expect(afterId).toContain('slutter på 36');
  expect(afterId).not.toContain(personId('adult-plain'));
  const afterPhone = texts(await say(conversation, '412 34 567'));
  expect(afterPhone).toContain('+47 ••••••67');
  expect(afterPhone).not.toMatch(/412\s?34\s?567|41234567/);
  return say(conversation, await lastCodeOverHttp());
}

describe('ordering over HTTP (expectReplies)', () => {
  it('orders the letter, then refuses a second order for the same person because one is active', async () => {
    const first = texts(await orderUpToOutcome('e2e-first'));
    expect(first).toContain('Aktiveringsbrevet ditt er bestilt!');
    // Ordered Tue 24 Nov 2026: 10 working days -> Tue 8 Dec; + 60 days -> 23 Jan 2027.
    expect(first).toContain('8. desember 2026');
    expect(first).toContain('23. januar 2027');
    expect(texts(await say('e2e-first', 'nei'))).toContain('Er det noe mer jeg kan hjelpe deg med?');

    // Later the same day, in a new conversation: the register now holds today's order.
    const second = texts(await orderUpToOutcome('e2e-second'));
    expect(second).toContain('Du bestilte allerede et brev 24. november 2026');
    expect(second).toContain('8. desember 2026');
    expect(second).toContain('gyldig til 23. januar 2027');
    expect(second).toContain('bestille et nytt fra 23. januar 2027');
    expect(second).not.toContain('Aktiveringsbrevet ditt er bestilt!');
  });
});
