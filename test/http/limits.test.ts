/**
 * The probe's abuse, replayed against the real server (composition root, restify, CloudAdapter in local
 * mode, expectReplies delivery), codes read from the sandbox outbox as a tester would:
 * - one conversation asking for 50 codes, and 300 conversations asking for a code to one phone;
 * - one phone sweeping 24 ID numbers through the register;
 * first on one instance (memory), then on TWO instances sharing one Redis, requests alternating between
 * them. Every limit must hold across conversations and across instances.
 */
import { buildApp, type App } from '../../src/index';
import { loadConfig } from '../../src/config';
import { close, listen } from '../../src/server';
import { LIMIT_POLICY } from '../../src/rules';
import { PEOPLE, personId } from '../transcripts/format';
import { withControlDigits } from '../dialogs/support';
import { fakeClock } from '../support/fake-clock';
import { REFERENCE_NOW, logCapture } from '../support/harness';
import { REDIS_URL, requireRedis, type TestRedis } from '../support/redis';
import { conversationId, localeText, sayTexts } from './support';

const PHONE = '+4741234567';
const PHONE_TYPED = '412 34 567';
const MINUTE = 60_000;
const SECRET = 'limits-http-secret-0123456789';

interface Instance {
  app: App;
  base: string;
  logs: string[];
  /** Names of the limits that refused something (AppOverrides.onLimitHit, where metrics go). */
  hits: string[];
}

interface Cluster {
  instances: Instance[];
  clock: ReturnType<typeof fakeClock>;
  /** Request n goes to instance n mod size: consecutive requests alternate between instances. */
  pick(): Instance;
  close(): Promise<void>;
}

async function startCluster(size: number, env: Record<string, string> = {}): Promise<Cluster> {
  const clock = fakeClock(REFERENCE_NOW);
  const instances: Instance[] = [];
  for (let i = 0; i < size; i += 1) {
    const capture = logCapture();
    const hits: string[] = [];
    const app = await buildApp(
      loadConfig({ FIXED_NOW: REFERENCE_NOW, LOG_LEVEL: 'info', PRIVACY_SECRET: SECRET, ...env }),
      { clock: clock.now, logDestination: capture.destination, onLimitHit: (name) => hits.push(name) },
    );
    const port = await listen(app.server, 0, '127.0.0.1');
    instances.push({ app, base: `http://127.0.0.1:${port}`, logs: capture.lines, hits });
  }
  let n = 0;
  return {
    instances,
    clock,
    pick: () => instances[(n += 1) % instances.length],
    close: async () => {
      for (const i of instances) {
        await close(i.app.server);
        await i.app.close();
      }
    },
  };
}

/** One message over HTTP with expectReplies; resolves with the texts of the replies. */
function say(instance: Instance, conversation: string, text: string): Promise<string> {
  return sayTexts(instance.base, conversation, text);
}

/** The sandbox outbox of a number, read over HTTP as a tester would. */
async function outbox(instance: Instance, to = PHONE): Promise<Array<{ text: string }>> {
  const res = await fetch(`${instance.base}/sandbox/sms?to=${encodeURIComponent(to)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Array<{ text: string }>;
}

async function lastCode(instance: Instance): Promise<string | undefined> {
  return /(?<!\d)(\d{6})(?!\d)/.exec((await outbox(instance)).at(-1)?.text ?? '')?.[1];
}

function auditEntries(cluster: Cluster): Array<Record<string, unknown>> {
  return cluster.instances
    .flatMap((i) => i.logs)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((e) => e.msg === 'audit');
}

/** 12 people of the sandbox register and 12 valid numbers it does not know: the probe's 24. */
const SWEEP_IDS = [
  ...PEOPLE.map((p) => p.nationalId),
  ...Array.from({ length: 12 }, (_, i) => withControlDigits(`0101${String(80 + i)}400`)),
];

/** Everything the register could reveal about a person, in the words the bot would use. */
const REVEALING = [
  localeText('nb', 'order.notFound').split('{{')[0],
  'Aktiveringsbrevet ditt er bestilt!',
  'Du bestilte allerede et brev',
  localeText('nb', 'outcome.has-minid').split('{{')[0],
  localeText('nb', 'outcome.no-address').split('{{')[0],
  localeText('nb', 'outcome.too-young').split('{{')[0],
  localeText('nb', 'order.careOf'),
];

/**
 * The probe's sweep: one phone, 24 ID numbers, each in a fresh conversation, 16 minutes apart so the
 * phone's 15-minute code window never refuses (only the daily one and the lookup limit can).
 */
async function sweep(cluster: Cluster): Promise<string[]> {
  const outcomes: string[] = [];
  for (const id of SWEEP_IDS) {
    const c = conversationId('sweep');
    await say(cluster.pick(), c, 'jeg vil bestille aktiveringsbrev');
    await say(cluster.pick(), c, id);
    const afterPhone = await say(cluster.pick(), c, PHONE_TYPED);
    const code = afterPhone.includes('+47 ••••••67') ? await lastCode(cluster.pick()) : undefined;
    outcomes.push(code ? await say(cluster.pick(), c, code) : afterPhone);
    cluster.clock.advance(16 * MINUTE);
  }
  return outcomes;
}

async function expectSweepRefused(cluster: Cluster): Promise<void> {
  const outcomes = await sweep(cluster);
  const revealed = outcomes.map((o, i) => ({ i, shown: REVEALING.filter((r) => o.includes(r)) }));
  // The first three people are looked up; nobody after them, whatever the register holds.
  expect(revealed.slice(0, 3).every((r) => r.shown.length > 0)).toBe(true);
  expect(revealed.slice(3).filter((r) => r.shown.length > 0)).toEqual([]);
  expect(outcomes[3]).toContain(localeText('nb', 'limits.idsPerPhone'));
  expect(outcomes[3]).toContain(localeText('nb', 'human.contact').split('{{')[0]);
  // The phone's daily codes run out at the 10th; later people get no code at all.
  const verified = outcomes.filter((o) => o.includes(localeText('nb', 'code.verified')));
  expect(verified).toHaveLength(LIMIT_POLICY.codesPerPhoneDay.max);
  expect(outcomes.at(-1)).toContain(localeText('nb', 'limits.codesPerPhone'));
  // Letters ordered for the first three at most, none for anyone else.
  const instance = cluster.instances[0];
  const ordered: string[] = [];
  const sinceStart = (o: { orderedAt: string }) => Date.parse(o.orderedAt) >= Date.parse(REFERENCE_NOW);
  for (const id of SWEEP_IDS) {
    if ((await instance.app.minid.listOrders(id)).some(sinceStart)) ordered.push(id);
  }
  expect(ordered.length).toBeLessThanOrEqual(3);
  expect(SWEEP_IDS.slice(3).filter((id) => ordered.includes(id))).toEqual([]);
  // The audit log: exactly three lookups, and the refusals, with pseudonyms only.
  const audit = auditEntries(cluster);
  expect(audit.filter((e) => e.event === 'lookup')).toHaveLength(3);
  expect(audit.filter((e) => e.limit === 'ids-per-phone').length).toBeGreaterThan(0);
  const logs = cluster.instances.flatMap((i) => i.logs).join('\n');
  for (const id of SWEEP_IDS) expect(logs).not.toContain(id);
  expect(logs).not.toContain('41234567');
}

/** 50 code requests from ONE conversation: restart, ID, phone, again and again (the probe's flood). */
async function floodOneConversation(cluster: Cluster, phones: string[]): Promise<string[]> {
  const c = conversationId('flood');
  const answers: string[] = [];
  for (let i = 0; i < 50; i += 1) {
    await say(cluster.pick(), c, 'jeg vil bestille aktiveringsbrev');
    await say(cluster.pick(), c, personId('adult-plain'));
    // The code itself is asked of each instance in turn.
    const asked = cluster.instances[i % cluster.instances.length];
    answers.push(await say(asked, c, phones[i % phones.length]));
    await say(cluster.pick(), c, 'start på nytt');
    // 4 messages per request, 2.5 s apart: below the messages-per-minute limit, all within 9 minutes.
    cluster.clock.advance(10_000);
  }
  return answers;
}

/** 300 conversations at once, each asking for a code to the same phone. */
async function floodManyConversations(cluster: Cluster): Promise<string[]> {
  const conversations = Array.from({ length: 300 }, () => conversationId('many'));
  const answers: string[] = [];
  // 30 at a time: concurrent, without queueing 300 sockets on one event loop.
  for (let i = 0; i < conversations.length; i += 30) {
    const batch = conversations.slice(i, i + 30);
    answers.push(
      ...(await Promise.all(
        batch.map(async (c) => {
          await say(cluster.pick(), c, 'jeg vil bestille aktiveringsbrev');
          await say(cluster.pick(), c, personId('adult-postal'));
          return say(cluster.pick(), c, PHONE_TYPED);
        }),
      )),
    );
  }
  return answers;
}

describe('limits over HTTP, one instance', () => {
  let cluster: Cluster;

  beforeEach(async () => {
    cluster = await startCluster(1);
  });

  afterEach(async () => {
    await cluster.close();
  });

  it('50 code requests from one conversation to one phone send at most 3 SMS', async () => {
    const answers = await floodOneConversation(cluster, [PHONE_TYPED]);
    expect((await outbox(cluster.instances[0])).length).toBeLessThanOrEqual(3);
    expect(answers.filter((a) => a.includes('+47 ••••••67'))).toHaveLength(3);
    expect(answers[3]).toContain(localeText('nb', 'limits.codesPerPhone'));
    expect(answers[3]).toContain(localeText('nb', 'human.contact').split('{{')[0]);
    // Each refusal is reported to onLimitHit by name (47 refused code requests).
    expect(cluster.instances[0].hits).toEqual(Array(47).fill('codes-per-phone'));
  }, 60_000);

  it('50 code requests from one conversation to 10 phones send at most 5 SMS in all', async () => {
    const phones = Array.from({ length: 10 }, (_, i) => `+47400000${String(10 + i)}`);
    const answers = await floodOneConversation(cluster, phones);
    let sent = 0;
    for (const p of phones) sent += (await outbox(cluster.instances[0], p)).length;
    expect(sent).toBe(LIMIT_POLICY.codesPerConversation.max);
    expect(answers[5]).toContain(localeText('nb', 'limits.codesPerConversation'));
  }, 60_000);

  it('300 conversations asking for a code to one phone send at most 3 SMS', async () => {
    const answers = await floodManyConversations(cluster);
    expect((await outbox(cluster.instances[0])).length).toBeLessThanOrEqual(3);
    expect(answers.filter((a) => a.includes('+47 ••••••67'))).toHaveLength(3);
    // Refused by the phone's limit, or (all 300 come from 127.0.0.1 in local mode) by the client's.
    const limitTexts = ['limits.codesPerPhone', 'limits.codesPerClient'].map((k) => localeText('nb', k));
    const refused = answers.filter((a) => limitTexts.some((l) => a.includes(l)));
    expect(refused).toHaveLength(297);
  }, 120_000);

  it('one phone sweeping 24 ID numbers: 3 looked up, nothing revealed or ordered for the others', async () => {
    await expectSweepRefused(cluster);
  }, 120_000);

  it('11 codes from one client address, each in a new conversation to a new phone: the 11th is refused', async () => {
    const answers: string[] = [];
    for (let i = 0; i < LIMIT_POLICY.codesPerClient.max + 1; i += 1) {
      const c = conversationId('client');
      await say(cluster.pick(), c, 'jeg vil bestille aktiveringsbrev');
      await say(cluster.pick(), c, personId('adult-plain'));
      answers.push(await say(cluster.pick(), c, `+47400000${String(20 + i)}`));
    }
    expect(answers.slice(0, -1).every((a) => a.includes(localeText('nb', 'code.ask')))).toBe(true);
    expect(answers.at(-1)).toContain(localeText('nb', 'limits.codesPerClient'));
    // The address is known to the limits only as a pseudonym.
    const logs = cluster.instances[0].logs.join('\n');
    expect(logs).not.toContain('127.0.0.1');
    expect(auditEntries(cluster).filter((e) => e.limit === 'codes-per-client')).toHaveLength(1);
  }, 60_000);

  it('100 messages in a burst to one conversation: 30 answered, then ONE kind answer; usable after the minute', async () => {
    const c = conversationId('burst');
    const replies: string[] = [];
    for (let i = 0; i < 100; i += 1) replies.push(await say(cluster.pick(), c, ['hei', '1'][i] ?? 'hjelp'));
    expect(replies.slice(0, 30).every((r) => r.length > 0)).toBe(true);
    expect(replies[30]).toContain(localeText('nb', 'limits.messagesPerConversation'));
    expect(replies[30]).toContain('Du kan prøve igjen om 1 minutt.');
    expect(replies.slice(31)).toEqual(Array(69).fill(''));
    cluster.clock.advance(MINUTE);
    // The order begun before the burst is still waiting for the ID number.
    expect(await say(cluster.pick(), c, personId('adult-plain'))).toContain('slutter på 36');
  }, 60_000);
});

describe('limits over HTTP, two instances on one Redis', () => {
  let redis: TestRedis;
  let cluster: Cluster;
  let tests = 0;

  beforeAll(async () => {
    // A short file name: the prefix plus a per-test suffix must stay within REDIS_KEY_PREFIX's 64 characters.
    redis = await requireRedis('lh');
  });

  afterAll(async () => {
    await redis?.cleanup();
  });

  beforeEach(async () => {
    // A prefix per test: each starts from empty limits, as two fresh instances on a fresh Redis would.
    cluster = await startCluster(2, {
      STORAGE: 'redis',
      REDIS_URL,
      REDIS_KEY_PREFIX: `${redis.prefix}${(tests += 1)}:`,
    });
  });

  afterEach(async () => {
    await cluster.close();
  });

  it('50 code requests from one conversation, alternating instances: at most 3 SMS', async () => {
    await floodOneConversation(cluster, [PHONE_TYPED]);
    expect((await outbox(cluster.instances[0])).length).toBeLessThanOrEqual(3);
    expect((await outbox(cluster.instances[1])).length).toBeLessThanOrEqual(3);
  }, 60_000);

  it('300 conversations, alternating instances, asking for a code to one phone: at most 3 SMS', async () => {
    const answers = await floodManyConversations(cluster);
    expect((await outbox(cluster.instances[1])).length).toBeLessThanOrEqual(3);
    expect(answers.filter((a) => a.includes('+47 ••••••67'))).toHaveLength(3);
  }, 120_000);

  it('the sweep, alternating instances: 3 looked up, nothing revealed or ordered for the others', async () => {
    await expectSweepRefused(cluster);
  }, 120_000);
});
