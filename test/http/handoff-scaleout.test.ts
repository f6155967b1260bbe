/**
 * Two instances on one Redis are one support desk: the user's turns go to one instance, the agent's calls
 * to the other (and back), and the queue, the take, the relay and the return all hold across them.
 */
import { buildApp, type App } from '../../src/index';
import { loadConfig } from '../../src/config';
import { close, listen } from '../../src/server';
import { fakeClock } from '../support/fake-clock';
import { REDIS_URL, requireRedis, type TestRedis } from '../support/redis';
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

let redis: TestRedis;
let channel: ConnectorStub;
const apps: App[] = [];
const bases: string[] = [];
const clock = fakeClock('2026-11-24T12:00:00+01:00');

beforeAll(async () => {
  redis = await requireRedis('handoff-scaleout');
  channel = await startConnectorStub();
  const config = loadConfig({
    STORAGE: 'redis',
    REDIS_URL,
    REDIS_KEY_PREFIX: redis.prefix,
    LOG_LEVEL: 'silent',
    PRIVACY_SECRET: 'handoff-scaleout-secret-0123456789',
    AGENT_TOKENS: `Kari:${KARI},Ola:${OLA}`,
  });
  for (let i = 0; i < 2; i += 1) {
    const app = await buildApp(config, { clock: clock.now });
    apps.push(app);
    bases.push(`http://127.0.0.1:${await listen(app.server, 0, '127.0.0.1')}`);
  }
});

afterAll(async () => {
  for (const app of apps) {
    await close(app.server);
    await app.close();
  }
  await channel.close();
  await redis.cleanup();
});

async function say(instance: number, conversation: string, text: string): Promise<string[]> {
  return repliesTo(channel, await postToChannel(bases[instance], channel, conversation, { text }));
}

async function agent(instance: number, method: 'GET' | 'POST', path: string, token: string, body?: unknown) {
  const res = await fetch(`${bases[instance]}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

const received = (conversation: string, from = 0) =>
  channel.posts
    .filter((p) => p.conversationId === conversation)
    .slice(from)
    .map((p) => String(p.body.text ?? ''));

it('user on one instance, agents on both: one take, relay both ways, return, the order finishes', async () => {
  const c = conversationId('scale-handoff');
  await say(0, c, 'hei');
  await say(1, c, '1');
  await say(0, c, personId('adult-plain'));
  expect(await say(1, c, 'snakke med et menneske')).toHaveLength(1);

  const queue = await agent(1, 'GET', '/api/agent/queue', OLA);
  const [entry] = queue.body as Array<{ id: string }>;
  expect(entry.id).toMatch(/^[0-9a-f]{16}$/);
  const takes = await Promise.all([
    agent(0, 'POST', `/api/agent/handoffs/${entry.id}/accept`, KARI),
    agent(1, 'POST', `/api/agent/handoffs/${entry.id}/accept`, OLA),
  ]);
  expect(takes.map((t) => t.status).sort()).toEqual([200, 409]);
  const [holder, instance] = takes[0].status === 200 ? [KARI, 0] : [OLA, 1];
  const other = 1 - instance;

  expect(
    (await agent(other, 'POST', `/api/agent/handoffs/${entry.id}/messages`, holder, { text: 'Hei!' })).status,
  ).toBe(200);
  expect(received(c).at(-1)).toMatch(/: Hei!$/);
  expect(await say(instance, c, 'Hei, koden kommer ikke')).toEqual([]);
  const messages = await agent(instance, 'GET', `/api/agent/handoffs/${entry.id}/messages?after=1`, holder);
  expect(messages.body).toMatchObject([
    { n: 2, from: 'agent', text: 'Hei!' },
    { n: 3, from: 'user', text: 'Hei, koden kommer ikke' },
  ]);

  const before = received(c).length;
  expect((await agent(other, 'POST', `/api/agent/handoffs/${entry.id}/end`, holder)).status).toBe(200);
  expect(received(c, before)).toEqual([localeText('nb', 'handoff.ended'), localeText('nb', 'phone.ask')]);
  expect((await say(1, c, '412 34 567')).join('\n')).toContain('+47 ••••••67');
  const code = /(\d{6})/.exec((await apps[0].sms.messagesTo(PHONE)).at(-1)?.text ?? '')?.[1] ?? '';
  expect((await say(0, c, code)).join('\n')).toContain('Aktiveringsbrevet ditt er bestilt!');

  // Nothing in Redis names the conversation or the phone.
  const keys = await redis.keys();
  const values = await Promise.all(
    keys.map(async (k) => {
      switch (await redis.redis.type(k)) {
        case 'list':
          return redis.redis.lrange(k, 0, -1);
        case 'zset':
          return redis.redis.zrange(k, '0', '-1');
        case 'set':
          return redis.redis.smembers(k);
        case 'hash':
          return redis.redis.hgetall(k);
        default:
          return redis.redis.get(k);
      }
    }),
  );
  const held = JSON.stringify([keys, values]);
  expect(held).not.toContain(c);
  expect(held).not.toContain('41234567');
  expect(held).not.toContain(personId('adult-plain'));
});
