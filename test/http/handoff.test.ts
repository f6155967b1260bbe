/**
 * Human handoff on the real server (buildApp + listen on a free port) with a stub channel connector on
 * loopback: the user's replies and the proactive messages from the hub both arrive at the stub, as they
 * would at Web Chat's or Teams' connector. The agent side is driven over the agent API as an agent's
 * console would.
 */
import { buildApp, type App } from '../../src/index';
import { loadConfig } from '../../src/config';
import { close, listen } from '../../src/server';
import { SUPPORT } from '../../src/rules';
import { fakeClock } from '../support/fake-clock';
import { logCapture } from '../support/harness';
import { personId } from '../transcripts/format';
import {
  conversationId,
  localeText,
  postToChannel,
  repliesTo,
  startConnectorStub,
  type ConnectorStub,
} from './support';

const KARI = 'kari-token-0123456789abcdefghijklmnopq';
const OLA = 'ola-token-0123456789abcdefghijklmnopqrs';
const PHONE = '+4741234567';
const MINUTE = 60_000;

let app: App;
let base: string;
let channel: ConnectorStub;
const clock = fakeClock('2026-11-24T12:00:00+01:00');
const logs = logCapture();

beforeAll(async () => {
  channel = await startConnectorStub();
  app = await buildApp(
    loadConfig({
      LOG_LEVEL: 'debug',
      PRIVACY_SECRET: 'handoff-http-secret-0123456789',
      AGENT_TOKENS: `Kari:${KARI},Ola:${OLA}`,
      HANDOFF_MAX_WAIT_MINUTES: '10',
    }),
    { clock: clock.now, logDestination: logs.destination },
  );
  base = `http://127.0.0.1:${await listen(app.server, 0, '127.0.0.1')}`;
});

afterAll(async () => {
  await close(app.server);
  await app.close();
  await channel.close();
});

beforeEach(() => {
  clock.set('2026-11-24T12:00:00+01:00');
});

/** Posts one user message with ordinary delivery; resolves with the texts the channel got for it. */
async function say(conversation: string, text: string, locale = 'nb-NO'): Promise<string[]> {
  const from = { id: `user-${conversation}`, name: 'Kari Nordmann' };
  return repliesTo(channel, await postToChannel(base, channel, conversation, { text, locale, from }));
}

/** Everything the channel got for a conversation from index `from` on (proactive messages included). */
function received(conversation: string, from = 0): string[] {
  return channel.posts
    .filter((p) => p.conversationId === conversation)
    .slice(from)
    .map((p) => String(p.body.text ?? ''));
}

async function agent(
  method: 'GET' | 'POST',
  path: string,
  token: string | null = KARI,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

function nb(key: string, params: Record<string, string | number> = {}): string {
  return Object.entries(params).reduce(
    (text, [k, v]) => text.replace(`{{${k}}}`, String(v)),
    localeText('nb', key),
  );
}

async function lastCode(): Promise<string> {
  const outbox = await app.sms.messagesTo(PHONE);
  const code = /(?<!\d)(\d{6})(?!\d)/.exec(outbox.at(-1)?.text ?? '')?.[1];
  if (!code) throw new Error('no code in the sandbox outbox');
  return code;
}

interface QueueItem {
  id: string;
  [field: string]: unknown;
}
interface Message {
  n: number;
  from: string;
  text: string;
}

/** The one waiting handoff of the queue (tests run one at a time). */
async function waitingId(): Promise<string> {
  const queue = await agent('GET', '/api/agent/queue');
  expect(queue.status).toBe(200);
  expect(queue.body).toHaveLength(1);
  return (queue.body as QueueItem[])[0].id;
}

describe('human handoff over HTTP', () => {
  it('mid-order: queue place, agent accepts, messages both ways, agent ends, welcome back, the order finishes', async () => {
    const c = conversationId('handoff');
    const id11 = personId('adult-plain');
    await say(c, 'hei');
    await say(c, '1');
    await say(c, id11);
    const atPhone = await say(c, 'snakke med et menneske');
    expect(atPhone).toEqual([nb('handoff.queued', { place: 1, minutes: 5 })]);

    // The agent sees the queue with a redacted summary: flow and step, two digits at most.
    const queue = await agent('GET', '/api/agent/queue');
    expect(queue.status).toBe(200);
    expect(queue.body).toHaveLength(1);
    const entry = (queue.body as QueueItem[])[0];
    expect(entry).toMatchObject({
      language: 'nb',
      channel: 'webchat',
      waitingSince: '2026-11-24T11:00:00.000Z',
      summary: { flow: 'orderDialog', step: 'phonePrompt', numberEndsWith: id11.slice(-2) },
    });
    expect(Object.keys(entry).sort()).toEqual(['channel', 'id', 'language', 'summary', 'waitingSince']);
    expect(entry.id).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(queue.body)).not.toContain(c);
    expect(JSON.stringify(queue.body)).not.toContain(id11);

    // While waiting, the user is told their place; the dialogs do not see the message.
    expect(await say(c, 'hallo?')).toEqual([nb('handoff.stillWaiting', { place: 1 })]);

    const before = received(c).length;
    const accepted = await agent('POST', `/api/agent/handoffs/${entry.id}/accept`);
    expect(accepted).toEqual({ status: 200, body: { id: entry.id, status: 'active', agent: 'Kari' } });
    expect(received(c, before)).toEqual([nb('handoff.accepted', { name: 'Kari' })]);
    expect((await agent('POST', `/api/agent/handoffs/${entry.id}/accept`, OLA)).status).toBe(409);

    const sent = await agent('POST', `/api/agent/handoffs/${entry.id}/messages`, KARI, {
      text: 'Hei! Hva lurer du på?',
    });
    expect(sent.status).toBe(200);
    expect(received(c).at(-1)).toBe('Kari: Hei! Hva lurer du på?');
    // The user's answer goes to the agent, and the bot says nothing.
    expect(await say(c, 'Jeg vet ikke hvilket nummer jeg skal bruke')).toEqual([]);
    const messages = await agent('GET', `/api/agent/handoffs/${entry.id}/messages?after=0`);
    expect(messages.status).toBe(200);
    expect((messages.body as Message[]).map((m) => [m.n, m.from])).toEqual([
      [1, 'user'],
      [2, 'bot'],
      [3, 'agent'],
      [4, 'user'],
    ]);
    expect((messages.body as Message[])[3]).toMatchObject({
      text: 'Jeg vet ikke hvilket nummer jeg skal bruke',
    });
    const newer = await agent('GET', `/api/agent/handoffs/${entry.id}/messages?after=3`);
    expect(newer.body).toHaveLength(1);
    await agent('POST', `/api/agent/handoffs/${entry.id}/messages`, KARI, {
      text: 'Bruk mobilnummeret ditt.',
    });

    const beforeEnd = received(c).length;
    expect(await agent('POST', `/api/agent/handoffs/${entry.id}/end`, OLA)).toMatchObject({ status: 403 });
    expect(await agent('POST', `/api/agent/handoffs/${entry.id}/end`)).toMatchObject({ status: 200 });
    // Welcome back in the user's language, then the question they were answering, asked again.
    expect(received(c, beforeEnd)).toEqual([nb('handoff.ended'), localeText('nb', 'phone.ask')]);
    expect((await agent('POST', `/api/agent/handoffs/${entry.id}/end`)).status).toBe(409);

    // The dialog stack was kept: the phone number answers the phone question, and the order completes.
    const afterPhone = (await say(c, '412 34 567')).join('\n');
    expect(afterPhone).toContain('+47 ••••••67');
    const outcome = (await say(c, await lastCode())).join('\n');
    expect(outcome).toContain('Aktiveringsbrevet ditt er bestilt!');

    // Logs name the agent and the conversation's pseudonym, never the number, the phone or the conversation id.
    const handoffLogs = logs.lines.filter((l) => l.includes('handoff'));
    expect(handoffLogs.some((l) => l.includes('"agent":"Kari"') && l.includes('handoff accepted'))).toBe(
      true,
    );
    expect(handoffLogs.some((l) => l.includes('handoff ended'))).toBe(true);
    const all = logs.lines.join('\n');
    expect(all).not.toContain(id11);
    expect(all).not.toContain('41234567');
    expect(all).not.toContain(c);
    expect(all).not.toContain(KARI);
    // Nor what the user and the agent wrote to each other.
    expect(all).not.toContain('Hva lurer du på');
    expect(all).not.toContain('hvilket nummer');
  });

  it('the user cancels while waiting: out of the queue, the pending question again, the flow goes on', async () => {
    const c = conversationId('cancel');
    await say(c, 'hei');
    await say(c, '1');
    expect(await say(c, 'snakke med et menneske')).toEqual([nb('handoff.queued', { place: 1, minutes: 5 })]);
    const id = await waitingId();
    expect(await say(c, 'avbryt')).toEqual([nb('handoff.cancelled'), localeText('nb', 'nationalId.ask')]);
    expect((await agent('GET', '/api/agent/queue')).body).toEqual([]);
    expect((await agent('POST', `/api/agent/handoffs/${id}/accept`)).status).toBe(409);
    expect((await say(c, personId('adult-plain'))).join('\n')).toContain('slutter på 36');
  });

  it('a second agent gets 409; bad ids 404; bad bodies and queries 4xx with a short message', async () => {
    const c = conversationId('conflict');
    await say(c, 'hei');
    await say(c, '1');
    await say(c, 'snakke med et menneske');
    const id = await waitingId();
    const [a, b] = await Promise.all([
      agent('POST', `/api/agent/handoffs/${id}/accept`, KARI),
      agent('POST', `/api/agent/handoffs/${id}/accept`, OLA),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const holder = a.status === 200 ? KARI : OLA;
    const other = holder === KARI ? OLA : KARI;
    expect((await agent('POST', `/api/agent/handoffs/${id}/accept`, other)).body).toEqual({
      error: 'another agent has already accepted this handoff',
    });
    expect((await agent('POST', `/api/agent/handoffs/${id}/messages`, other, { text: 'hei' })).status).toBe(
      403,
    );

    for (const bad of ['0123456789abcdef', 'nope', '..%2F..%2Fetc', c]) {
      const res = await agent('POST', `/api/agent/handoffs/${bad}/accept`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'no such handoff' });
    }
    const msg = `/api/agent/handoffs/${id}/messages`;
    for (const body of [
      {},
      { text: '' },
      { text: '   ' },
      { text: 42 },
      { text: 'x'.repeat(2001) },
      { text: 'a', extra: 1 },
    ]) {
      const res = await agent('POST', msg, holder, body);
      expect(res.status).toBe(400);
      expect((res.body as { error: string }).error).toMatch(/text/);
    }
    expect((await agent('POST', msg, holder, '{not json')).status).toBe(400);
    const form = await fetch(`${base}${msg}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${holder}`, 'content-type': 'text/plain' },
      body: 'hei',
    });
    expect(form.status).toBe(415);
    await form.arrayBuffer();
    const huge = await agent('POST', msg, holder, { text: 'x'.repeat(40_000) });
    expect(huge.status).toBe(413);
    for (const after of ['-1', 'abc', '1e3', '9999999']) {
      expect((await agent('GET', `${msg}?after=${after}`)).status).toBe(400);
    }
    expect((await agent('POST', `/api/agent/handoffs/${id}/end`, holder)).status).toBe(200);
  });

  it('an agent reads one handoff and the opening hours', async () => {
    const c = conversationId('view');
    await say(c, 'hei');
    await say(c, '1');
    await say(c, 'snakke med et menneske');
    const id = await waitingId();
    const view = await agent('GET', `/api/agent/handoffs/${id}`);
    expect(view.body).toMatchObject({ id, status: 'waiting', language: 'nb', channel: 'webchat' });
    await say(c, 'avbryt');
    expect((await agent('GET', `/api/agent/handoffs/${id}`)).body).toMatchObject({ status: 'cancelled' });
    expect((await agent('GET', '/api/agent/handoffs/0123456789abcdef')).status).toBe(404);
    expect(await agent('GET', '/api/agent/hours')).toEqual({
      status: 200,
      body: { hours: 'mon-fri 08:00-15:30', open: true, closesAt: '2026-11-24T15:30:00+01:00' },
    });
  });

  it('unauthenticated calls get 401 with no hint, on every route', async () => {
    const routes: Array<['GET' | 'POST', string]> = [
      ['GET', '/api/agent/queue'],
      ['GET', '/api/agent/hours'],
      ['GET', '/api/agent/handoffs/0123456789abcdef'],
      ['POST', '/api/agent/handoffs/0123456789abcdef/accept'],
      ['POST', '/api/agent/handoffs/0123456789abcdef/messages'],
      ['GET', '/api/agent/handoffs/0123456789abcdef/messages'],
      ['POST', '/api/agent/handoffs/0123456789abcdef/end'],
    ];
    const tokens = [null, '', 'x', KARI.slice(0, -1), `${KARI}x`, KARI.toUpperCase(), `${KARI} ${OLA}`];
    const bodies = new Set<string>();
    for (const [method, path] of routes) {
      for (const token of tokens) {
        const res = await agent(method, path, token);
        expect(res.status).toBe(401);
        bodies.add(JSON.stringify(res.body));
      }
      // Another scheme with a right token is not a bearer token.
      const basic = await fetch(`${base}${path}`, { method, headers: { authorization: `Basic ${KARI}` } });
      expect(basic.status).toBe(401);
      bodies.add(await basic.text());
    }
    expect([...bodies]).toEqual([JSON.stringify({ error: 'unauthorized' })]);
  });

  it('out of hours: the next opening time and phone and e-mail, and nobody is queued', async () => {
    clock.set('2026-11-27T16:00:00+01:00'); // a Friday after closing
    const c = conversationId('closed');
    await say(c, 'hei');
    await say(c, '1');
    const replies = await say(c, 'snakke med et menneske');
    expect(replies[0]).toBe(
      localeText('nb', 'handoff.closed').replace('{{at, localtime}}', '30. november kl. 08:00'),
    );
    expect(replies[1]).toContain(SUPPORT.phone);
    expect(replies[1]).toContain(SUPPORT.email);
    expect(replies.at(-1)).toBe(localeText('nb', 'nationalId.ask'));
    expect((await agent('GET', '/api/agent/queue')).body).toEqual([]);
  });

  it('the user goes quiet past the idle timeout while handed off: the handoff ends, nothing dangles', async () => {
    const c = conversationId('idle');
    await say(c, 'hei');
    await say(c, '1');
    await say(c, 'snakke med et menneske');
    const id = await waitingId();
    expect((await agent('POST', `/api/agent/handoffs/${id}/accept`)).status).toBe(200);
    clock.advance(31 * MINUTE);
    const back = await say(c, 'hei igjen');
    expect(back[0]).toBe(localeText('nb', 'session.timedOut'));
    const sent = await agent('POST', `/api/agent/handoffs/${id}/messages`, KARI, { text: 'Er du der?' });
    expect(sent).toEqual({ status: 409, body: { error: 'this handoff is not active' } });
    const messages = await agent('GET', `/api/agent/handoffs/${id}/messages`);
    expect((messages.body as Message[]).at(-1)).toMatchObject({
      from: 'bot',
      text: localeText('nb', 'handoff.userLeft'),
    });
    // The fresh conversation is the bot's: the menu works again.
    expect((await say(c, '1')).join('\n')).toContain(localeText('nb', 'nationalId.ask'));
  });

  it('nobody accepts within the maximum wait: the user is told kindly with phone and e-mail, in nynorsk', async () => {
    const c = conversationId('expire');
    await say(c, 'hei', 'nn-NO');
    await say(c, '1', 'nn-NO');
    expect(await say(c, 'snakke med eit menneske', 'nn-NO')).toEqual([
      localeText('nn', 'handoff.queued').replace('{{place}}', '1').replace('{{minutes}}', '5'),
    ]);
    const id = await waitingId();
    const before = received(c).length;
    clock.advance(10 * MINUTE);
    await app.handoff?.hub.sweep();
    const told = received(c, before);
    expect(told[0]).toContain(SUPPORT.phone);
    expect(told[0]).toContain(SUPPORT.email);
    expect(told[0]).toContain('Orsak');
    expect(told[1]).toBe(localeText('nn', 'nationalId.ask'));
    expect((await agent('GET', '/api/agent/queue')).body).toEqual([]);
    expect((await agent('POST', `/api/agent/handoffs/${id}/accept`)).status).toBe(409);
    // Back with the bot: the next message answers the pending question.
    expect((await say(c, personId('adult-plain'), 'nn-NO')).join('\n')).toContain('36');
  });
});

describe('without AGENT_TOKENS', () => {
  it('there is no agent API, and "a person" gives the phone and e-mail as before', async () => {
    const plain = await buildApp(loadConfig({ LOG_LEVEL: 'silent', FIXED_NOW: '2026-11-24T12:00:00+01:00' }));
    const url = `http://127.0.0.1:${await listen(plain.server, 0, '127.0.0.1')}`;
    try {
      for (const [method, path] of [
        ['GET', '/api/agent/queue'],
        ['POST', '/api/agent/handoffs/0123456789abcdef/accept'],
      ]) {
        const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${KARI}` } });
        expect(res.status).toBe(404);
        await res.arrayBuffer();
      }
      const res = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          id: 'plain-1',
          text: 'snakke med et menneske',
          locale: 'nb-NO',
          channelId: 'webchat',
          serviceUrl: 'http://127.0.0.1:9',
          deliveryMode: 'expectReplies',
          from: { id: 'user-plain' },
          recipient: { id: 'bot' },
          conversation: { id: conversationId('plain') },
        }),
      });
      const body = (await res.json()) as { activities?: Array<{ text?: string }> };
      const texts = (body.activities ?? []).map((a) => a.text ?? '').join('\n');
      expect(texts).toContain(SUPPORT.phone);
      expect(texts).not.toContain(localeText('nb', 'handoff.queued').slice(0, 20));
    } finally {
      await close(plain.server);
      await plain.close();
    }
  });
});
