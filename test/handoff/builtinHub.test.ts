/**
 * The builtin hub over both shared stores: queue places, cancel, accept (exactly one agent wins a race),
 * messages both ways, end, the maximum wait (told once even with two instances sweeping), and what the
 * store holds (pseudonymous keys, a sealed conversation reference).
 */
import pino from 'pino';
import type { ConversationReference } from 'botbuilder';
import { BuiltinHub, HANDOFF_POLICY, type Deliver } from '../../src/handoff/builtinHub';
import type { HandoffSummary } from '../../src/handoff/summary';
import { MemorySharedStore } from '../../src/storage/memoryShared';
import { RedisSharedStore } from '../../src/storage/redisShared';
import type { SharedStore } from '../../src/storage/shared';
import { fakeClock } from '../support/fake-clock';
import { requireRedis, type TestRedis } from '../support/redis';

const SECRET = 'hub-test-secret-0123456789';
const MINUTE = 60_000;
const SUMMARY: HandoffSummary = {
  language: 'nb',
  channel: 'webchat',
  reason: 'asked',
  path: ['mainDialog', 'orderDialog'],
  flow: 'orderDialog',
  failures: {},
};

interface Delivered {
  reference: Partial<ConversationReference>;
  text: string;
  resumePrompt?: boolean;
}

function reference(conversation: string): Partial<ConversationReference> {
  return {
    channelId: 'sms',
    serviceUrl: 'http://127.0.0.1:9',
    // On an SMS channel the ids are phone numbers: the store must never hold them readable.
    conversation: { id: `+4741234567|${conversation}`, isGroup: false, name: '', conversationType: '' },
    user: { id: '+4741234567', name: 'Kari Nordmann' },
    bot: { id: 'bot', name: 'bot' },
  };
}

function makeHub(store: SharedStore, clock = fakeClock('2026-11-24T12:00:00+01:00')) {
  const delivered: Delivered[] = [];
  const deliver: Deliver = async (ref, text, options) => {
    delivered.push({ reference: ref, text, resumePrompt: options?.resumePrompt });
  };
  const hub = new BuiltinHub({
    store,
    secret: SECRET,
    clock: clock.now,
    logger: pino({ level: 'silent' }),
    maxWaitMs: 10 * MINUTE,
    deliver,
    text: (lang, key, params) => `${lang}:${key}:${JSON.stringify(params ?? {})}`,
    sweepIntervalMs: 0,
  });
  return { hub, delivered, clock };
}

const request = (conversation: string) => ({
  reference: reference(conversation),
  conversation: 'c0ffee0123456789',
  language: 'nn' as const,
  channel: 'webchat',
  summary: SUMMARY,
});

let redis: TestRedis;
beforeAll(async () => {
  redis = await requireRedis('builtin-hub');
});
afterAll(async () => {
  await redis.cleanup();
});

const stores: Array<[string, () => { store: SharedStore; raw: () => Promise<string> }]> = [
  [
    'memory',
    () => {
      const store = new MemorySharedStore({ sweepIntervalMs: 0 });
      return {
        store,
        raw: async () =>
          JSON.stringify(
            await Promise.all(store.keys().map(async (k) => [k, await store.get(k), await store.list(k)])),
          ),
      };
    },
  ],
  [
    'redis',
    () => {
      const prefix = `${redis.prefix}${Math.random().toString(16).slice(2)}:`;
      const store = new RedisSharedStore({ redis: redis.redis, keyPrefix: prefix, ownsConnection: false });
      return {
        store,
        raw: async () => {
          const keys = await redis.redis.keys(`${prefix}*`);
          const values = await Promise.all(
            keys.map(async (k) =>
              (await redis.redis.type(k)) === 'list' ? redis.redis.lrange(k, 0, -1) : redis.redis.get(k),
            ),
          );
          return JSON.stringify([keys, values]);
        },
      };
    },
  ],
];

describe.each(stores)('BuiltinHub over the %s store', (_name, makeStore) => {
  it('queues users in order with a rough wait, and cancel takes one out', async () => {
    const { store } = makeStore();
    const { hub, clock } = makeHub(store);
    const first = await hub.request(request('a'));
    clock.advance(1000);
    const second = await hub.request(request('b'));
    expect(first).toEqual({ id: first.id, place: 1, waitMinutes: HANDOFF_POLICY.minutesPerPlace });
    expect(second.place).toBe(2);
    expect(second.waitMinutes).toBe(2 * HANDOFF_POLICY.minutesPerPlace);
    expect((await hub.queue()).map((v) => v.id)).toEqual([first.id, second.id]);

    expect(await hub.cancel(first.id)).toBe(true);
    expect(await hub.cancel(first.id)).toBe(false);
    expect((await hub.view(first.id))?.status).toBe('cancelled');
    expect((await hub.place(second.id))?.place).toBe(1);
    expect(await hub.accept(first.id, 'Kari')).toEqual({ ok: false, refusal: 'not-waiting' });
  });

  it('one agent accepts; a second gets "taken", also when ten accept at once', async () => {
    const { store } = makeStore();
    const { hub, delivered } = makeHub(store);
    const { id } = await hub.request(request('race'));
    const agents = Array.from({ length: 10 }, (_, i) => `Agent ${i}`);
    const results = await Promise.all(agents.map((a) => hub.accept(id, a)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.refusal === 'taken')).toHaveLength(9);
    const view = await hub.view(id);
    expect(view?.status).toBe('active');
    expect(agents[results.findIndex((r) => r.ok)]).toBe(view?.agent);
    expect(await hub.accept(id, 'Ola')).toEqual({ ok: false, refusal: 'taken' });
    expect(await hub.queue()).toEqual([]);
    // The user is told once who took over, in the user's language.
    expect(delivered.map((d) => d.text)).toEqual([`nn:handoff.accepted:{"name":"${view?.agent}"}`]);
  });

  it('relays both ways with numbered messages, only for the holding agent, and ends with a welcome back', async () => {
    const { store } = makeStore();
    const { hub, delivered, clock } = makeHub(store);
    const { id } = await hub.request(request('talk'));
    await hub.fromUser(id, 'Hallo? Er det nokon der?');
    expect(await hub.fromAgent(id, 'Kari', 'Hei')).toEqual({ ok: false, refusal: 'not-active' });
    await hub.accept(id, 'Kari');
    clock.advance(1000);
    expect(await hub.fromAgent(id, 'Kari', 'Hei, eg ser du står fast.')).toEqual({ ok: true });
    expect(await hub.fromAgent(id, 'Ola', 'Hei')).toEqual({ ok: false, refusal: 'not-yours' });
    await hub.fromUser(id, 'Ja, koden kjem ikkje');
    const all = await hub.messages(id, 0);
    expect(all?.map(({ n, from }) => [n, from])).toEqual([
      [1, 'user'],
      [2, 'bot'],
      [3, 'agent'],
      [4, 'user'],
    ]);
    expect(all?.[2]).toEqual({
      n: 3,
      from: 'agent',
      text: 'Hei, eg ser du står fast.',
      at: '2026-11-24T11:00:01.000Z',
    });
    expect((await hub.messages(id, 3))?.map((m) => m.text)).toEqual(['Ja, koden kjem ikkje']);
    expect(delivered.at(-1)?.text).toBe(
      'nn:handoff.fromAgent:{"name":"Kari","text":"Hei, eg ser du står fast."}',
    );
    // The reference comes back whole for delivery (it is sealed only in the store).
    expect(delivered.at(-1)?.reference).toEqual(reference('talk'));

    expect(await hub.end(id, 'Ola')).toEqual({ ok: false, refusal: 'not-yours' });
    expect(await hub.end(id, 'Kari')).toEqual({ ok: true });
    expect(await hub.end(id, 'Kari')).toEqual({ ok: false, refusal: 'not-active' });
    expect(delivered.at(-1)).toMatchObject({ text: 'nn:handoff.ended:{}', resumePrompt: true });
    expect((await hub.view(id))?.status).toBe('ended');
    expect(await hub.fromAgent(id, 'Kari', 'Hallo?')).toEqual({ ok: false, refusal: 'not-active' });
  });

  it('a wait past the maximum is expired and the user told once, with two instances sweeping', async () => {
    const { store } = makeStore();
    const clock = fakeClock('2026-11-24T12:00:00+01:00');
    const one = makeHub(store, clock);
    const two = makeHub(store, clock);
    const { id } = await one.hub.request(request('slow'));
    clock.advance(10 * MINUTE - 1);
    expect(await one.hub.sweep()).toBe(0);
    expect((await two.hub.view(id))?.status).toBe('waiting');
    clock.advance(1);
    await Promise.all([one.hub.sweep(), two.hub.sweep(), one.hub.view(id), two.hub.queue()]);
    const told = [...one.delivered, ...two.delivered];
    expect(told).toHaveLength(1);
    expect(told[0].text).toContain('nn:handoff.expired');
    expect(told[0].text).toContain('800 30 300');
    expect(told[0].resumePrompt).toBe(true);
    expect(await one.hub.accept(id, 'Kari')).toEqual({ ok: false, refusal: 'not-waiting' });
    expect(await one.hub.cancel(id)).toBe(false);
  });

  it('a user gone idle ends the handoff: the agent sees a note and can no longer write', async () => {
    const { store } = makeStore();
    const { hub, delivered } = makeHub(store);
    const { id } = await hub.request(request('idle'));
    await hub.accept(id, 'Kari');
    const told = delivered.length;
    await hub.userLeft(id);
    expect((await hub.view(id))?.status).toBe('ended');
    expect((await hub.messages(id, 0))?.at(-1)).toMatchObject({
      from: 'bot',
      text: 'nn:handoff.userLeft:{}',
    });
    expect(await hub.fromAgent(id, 'Kari', 'Hallo?')).toEqual({ ok: false, refusal: 'not-active' });
    // Nothing is sent to the user: the bot itself tells them the conversation started afresh.
    expect(delivered).toHaveLength(told);
    await hub.userLeft(id);
    expect((await hub.messages(id, 0))?.filter((m) => m.from === 'bot')).toHaveLength(2);
  });

  it('unknown and malformed ids are "not found", never a crash', async () => {
    const { store } = makeStore();
    const { hub } = makeHub(store);
    for (const id of ['0123456789abcdef', '../../etc', '', 'x'.repeat(5000)]) {
      expect(await hub.view(id)).toBeUndefined();
      expect(await hub.accept(id, 'Kari')).toEqual({ ok: false, refusal: 'not-found' });
      expect(await hub.messages(id, 0)).toBeUndefined();
      expect(await hub.cancel(id)).toBe(false);
    }
  });

  it('the store holds no phone, no conversation id, no user name: keys are random ids, the reference sealed', async () => {
    const { store, raw } = makeStore();
    const { hub } = makeHub(store);
    const { id } = await hub.request(request('private'));
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    const held = await raw();
    expect(held).toContain(id);
    expect(held).not.toContain('4741234567');
    expect(held).not.toContain('Kari Nordmann');
    expect(held).not.toContain('private');
  });
});
