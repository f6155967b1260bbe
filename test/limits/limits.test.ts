/**
 * AbuseLimits over both shared stores (memory, and a real Redis as two instances would share it), with a
 * fake clock: every limit of LIMIT_POLICY lets exactly its number through, refuses the next with the
 * right wait, opens again when its window has passed, and keeps only pseudonymous keys with TTLs.
 */
import { randomUUID } from 'node:crypto';
import { AbuseLimits, AUDIT, type CodeRequester } from '../../src/limits';
import { createLogger } from '../../src/logging';
import { LIMIT_POLICY, type LimitName } from '../../src/rules';
import { MemorySharedStore } from '../../src/storage/memoryShared';
import { RedisSharedStore } from '../../src/storage/redisShared';
import type { SharedStore } from '../../src/storage/shared';
import { fakeClock } from '../support/fake-clock';
import { logCapture } from '../support/harness';
import { requireRedis, type TestRedis } from '../support/redis';

const MINUTE = 60_000;
const PHONE = '+4741234567';
const OTHER_PHONE = '+4798765432';
const ID = '14838510036';
const OTHER_ID = '02879010090';

let redis: TestRedis;

beforeAll(async () => {
  redis = await requireRedis('limits');
});

afterAll(async () => {
  await redis?.cleanup();
});

interface Subject {
  store: SharedStore;
  /** Every key the store holds, with its remaining TTL in ms (-1: none). */
  keys(): Promise<Array<{ key: string; ttlMs: number }>>;
}

function memorySubject(): Subject {
  const store = new MemorySharedStore({ sweepIntervalMs: 0 });
  return { store, keys: async () => store.keys().map((key) => ({ key, ttlMs: 1 })) };
}

function redisSubject(): Subject {
  // A prefix per test: keys() sees this test's keys only.
  const prefix = `${redis.prefix}${randomUUID()}:`;
  const store = new RedisSharedStore({ redis: redis.redis, keyPrefix: prefix, ownsConnection: false });
  return {
    store,
    keys: async () => {
      const found = (await redis.keys()).filter((k) => k.startsWith(prefix));
      return Promise.all(found.map(async (key) => ({ key, ttlMs: await redis.redis.pttl(key) })));
    },
  };
}

describe.each([
  ['MemorySharedStore', memorySubject],
  ['RedisSharedStore', redisSubject],
])('AbuseLimits over %s', (_name, makeSubject) => {
  let subject: Subject;
  let clock: ReturnType<typeof fakeClock>;
  let limits: AbuseLimits;
  let hits: LimitName[];
  let logs: string[];
  let n = 0;

  beforeEach(() => {
    subject = makeSubject();
    clock = fakeClock('2026-11-24T12:00:00+01:00');
    hits = [];
    const capture = logCapture();
    logs = capture.lines;
    limits = new AbuseLimits({
      store: subject.store,
      secret: 'limits-test-secret-0123456789',
      clock: clock.now,
      logger: createLogger({ level: 'info', destination: capture.destination }),
      onHit: (name) => hits.push(name),
    });
  });

  /** A code request from a fresh conversation (so only the limit under test can refuse). */
  function request(phone = PHONE, extra: Partial<CodeRequester> = {}): CodeRequester {
    n += 1;
    return {
      phone: limits.ref('phone', phone),
      conversation: limits.ref('conversation', `c-${n}`),
      ...extra,
    };
  }

  async function sendMany(count: number, make: () => CodeRequester) {
    const out = [];
    for (let i = 0; i < count; i += 1) out.push(await limits.beforeCodeSend(make()));
    return out;
  }

  describe('codes per phone', () => {
    it('allows 3 in 15 minutes across conversations, refuses the 4th until the oldest leaves the window', async () => {
      expect(LIMIT_POLICY.codesPerPhoneShort).toEqual({ max: 3, windowMinutes: 15 });
      expect(await sendMany(3, () => request())).toEqual([undefined, undefined, undefined]);
      clock.advance(5 * MINUTE);
      const refused = await limits.beforeCodeSend(request());
      expect(refused).toEqual({
        limit: 'codes-per-phone',
        retryAfterMs: 10 * MINUTE,
        retryAt: '2026-11-24T11:15:00.000Z',
      });
      // Another number is not affected.
      expect(await limits.beforeCodeSend(request(OTHER_PHONE))).toBeUndefined();
      clock.advance(10 * MINUTE);
      expect(await limits.beforeCodeSend(request())).toBeUndefined();
      expect(hits).toEqual(['codes-per-phone']);
    });

    it('allows 10 in 24 hours, then refuses until the first of them is a day old', async () => {
      const results = [];
      for (let i = 0; i < 12; i += 1) {
        results.push(await limits.beforeCodeSend(request()));
        // 16 minutes apart: the 15-minute window never fills.
        clock.advance(16 * MINUTE);
      }
      expect(results.slice(0, 10)).toEqual(Array(10).fill(undefined));
      expect(results[10]?.limit).toBe('codes-per-phone');
      // First code at 11:00Z; the 11th asked at 11:00Z + 160 min: the wait ends a day after the first.
      expect(results[10]?.retryAt).toBe('2026-11-25T11:00:00.000Z');
      expect(results[11]?.limit).toBe('codes-per-phone');
    });

    it('holds under a race: 50 simultaneous requests to one phone send exactly 3', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, () => limits.beforeCodeSend(request())));
      expect(results.filter((r) => r === undefined)).toHaveLength(3);
      expect(new Set(results.filter(Boolean).map((r) => r?.limit))).toEqual(new Set(['codes-per-phone']));
    });
  });

  describe('codes per conversation and per client', () => {
    it('allows 5 codes an hour from one conversation, whatever the number; a refused send uses no phone slot', async () => {
      const conversation = limits.ref('conversation', 'one');
      const phones = ['+4740000001', '+4740000002', '+4740000003', '+4740000004', '+4740000005'];
      for (const p of phones) {
        expect(await limits.beforeCodeSend({ phone: limits.ref('phone', p), conversation })).toBeUndefined();
      }
      for (let i = 0; i < 5; i += 1) {
        const refused = await limits.beforeCodeSend({ phone: limits.ref('phone', PHONE), conversation });
        expect(refused?.limit).toBe('codes-per-conversation');
      }
      // The flood from that conversation used up none of PHONE's three codes.
      expect(await sendMany(3, () => request())).toEqual([undefined, undefined, undefined]);
      clock.advance(60 * MINUTE);
      expect(await limits.beforeCodeSend({ phone: limits.ref('phone', OTHER_PHONE), conversation })).toBe(
        undefined,
      );
    });

    it('allows 10 codes an hour per client address, and counts none without one', async () => {
      const client = limits.ref('client', '203.0.113.9');
      let i = 0;
      const fromClient = () => request(`+47400000${String((i += 1)).padStart(2, '0')}`, { client });
      expect(await sendMany(10, fromClient)).toEqual(Array(10).fill(undefined));
      expect((await limits.beforeCodeSend(fromClient()))?.limit).toBe('codes-per-client');
      const other = limits.ref('client', '203.0.113.10');
      expect(await limits.beforeCodeSend(request(OTHER_PHONE, { client: other }))).toBeUndefined();
      // No client (behind Azure Bot Service): only the other windows apply.
      expect(await limits.beforeCodeSend(request('+4740000099'))).toBeUndefined();
    });
  });

  describe('wrong-code lock per phone and per ID number', () => {
    const who = () => ({ phone: limits.ref('phone', PHONE), nationalId: limits.ref('id', ID) });

    it('locks the phone and the ID number after 3 wrong codes in an hour, each on its own', async () => {
      expect(await limits.wrongCode(who())).toBeUndefined();
      clock.advance(MINUTE);
      expect(await limits.wrongCode(who())).toBeUndefined();
      clock.advance(MINUTE);
      const locked = await limits.wrongCode(who());
      expect(locked?.limit).toMatch(/^wrong-codes-(phone|id)$/);
      // The first wrong code was at 11:00Z: both open again at 12:00Z.
      expect(locked?.retryAt).toBe('2026-11-24T12:00:00.000Z');
      // The phone with another ID number, and the ID number with another phone: both locked.
      const byPhone = await limits.verificationLock({
        phone: limits.ref('phone', PHONE),
        nationalId: limits.ref('id', OTHER_ID),
      });
      expect(byPhone?.limit).toBe('wrong-codes-phone');
      const byId = await limits.verificationLock({
        phone: limits.ref('phone', OTHER_PHONE),
        nationalId: limits.ref('id', ID),
      });
      expect(byId?.limit).toBe('wrong-codes-id');
      // No new code for either, from any conversation.
      expect((await limits.beforeCodeSend(request()))?.limit).toBe('wrong-codes-phone');
      expect(
        (await limits.beforeCodeSend(request(OTHER_PHONE, { nationalId: limits.ref('id', ID) })))?.limit,
      ).toBe('wrong-codes-id');
      // Neither is unlocked early; both are when the window has passed.
      clock.advance(57 * MINUTE);
      expect(await limits.verificationLock(who())).toBeDefined();
      clock.advance(MINUTE);
      expect(await limits.verificationLock(who())).toBeUndefined();
      expect(await limits.beforeCodeSend(request())).toBeUndefined();
    });

    it('counts wrong codes per phone across different ID numbers', async () => {
      for (const id of ['14838510036', '02879010090']) {
        await limits.wrongCode({ phone: limits.ref('phone', PHONE), nationalId: limits.ref('id', id) });
      }
      expect(await limits.verificationLock({ phone: limits.ref('phone', PHONE) })).toBeUndefined();
      await limits.wrongCode({
        phone: limits.ref('phone', PHONE),
        nationalId: limits.ref('id', '30917810024'),
      });
      expect((await limits.verificationLock({ phone: limits.ref('phone', PHONE) }))?.limit).toBe(
        'wrong-codes-phone',
      );
    });
  });

  describe('distinct ID numbers looked up per phone', () => {
    it('allows 3 distinct numbers a day (the same again always), refuses the 4th for a day', async () => {
      const phone = limits.ref('phone', PHONE);
      const ids = ['14838510036', '02879010090', '30917810024', '21816910037'];
      for (const id of ids.slice(0, 3)) {
        expect(await limits.beforeLookup({ phone, nationalId: limits.ref('id', id) })).toBeUndefined();
      }
      expect(await limits.beforeLookup({ phone, nationalId: limits.ref('id', ids[0]) })).toBeUndefined();
      const refused = await limits.beforeLookup({ phone, nationalId: limits.ref('id', ids[3]) });
      expect(refused).toEqual({
        limit: 'ids-per-phone',
        retryAfterMs: 24 * 60 * MINUTE,
        retryAt: '2026-11-25T11:00:00.000Z',
      });
      // Another phone looks the fourth number up.
      const other = limits.ref('phone', OTHER_PHONE);
      expect(await limits.beforeLookup({ phone: other, nationalId: limits.ref('id', ids[3]) })).toBe(
        undefined,
      );
    });
  });

  describe('messages per conversation', () => {
    it('reads 30 a minute, refuses the rest with one notice per window, and opens again after it', async () => {
      const conversation = limits.ref('conversation', 'busy');
      const verdicts = [];
      for (let i = 0; i < 100; i += 1) verdicts.push(await limits.message(conversation));
      expect(verdicts.filter((v) => v.allowed)).toHaveLength(30);
      const refused = verdicts.filter((v) => !v.allowed);
      expect(refused.filter((v) => !v.allowed && v.notify)).toHaveLength(1);
      expect(verdicts[30]).toMatchObject({ allowed: false, notify: true });
      expect(hits).toEqual(['messages-per-conversation']);
      // Another conversation is not affected.
      expect(await limits.message(limits.ref('conversation', 'calm'))).toEqual({ allowed: true });
      clock.advance(MINUTE);
      expect(await limits.message(conversation)).toEqual({ allowed: true });
    });
  });

  it('keeps only pseudonymous keys, each with a TTL, and audits lookups and hits with refs only', async () => {
    const phone = limits.ref('phone', PHONE);
    const nationalId = limits.ref('id', ID);
    await sendMany(4, () => request(PHONE, { nationalId, client: limits.ref('client', '198.51.100.7') }));
    for (let i = 0; i < 3; i += 1) await limits.wrongCode({ phone, nationalId });
    await limits.beforeLookup({ phone, nationalId });
    for (let i = 0; i < 31; i += 1) await limits.message(limits.ref('conversation', 'conv-secret-id'));

    const keys = await subject.keys();
    expect(keys.length).toBeGreaterThan(5);
    for (const { key, ttlMs } of keys) {
      expect(ttlMs).toBeGreaterThan(0);
      expect(key).toMatch(/limit:[a-z-]+(:\d+m)?:[0-9a-f]{64}$/);
      for (const secret of ['41234567', ID, '198.51.100.7', 'conv-secret-id'])
        expect(key).not.toContain(secret);
    }

    const audit = logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === AUDIT);
    expect(audit.find((e) => e.event === 'lookup')).toEqual(
      expect.objectContaining({ event: 'lookup', phoneRef: phone, idRef: nationalId }),
    );
    const limitHits = audit.filter((e) => e.event === 'limit-hit').map((e) => e.limit);
    expect(limitHits).toEqual(
      expect.arrayContaining(['codes-per-phone', 'wrong-codes-phone', 'messages-per-conversation']),
    );
    // The refs reach the log as they are (the value redaction keeps 16-hex pseudonyms), nothing in clear.
    expect(audit.every((e) => e.phoneRef === undefined || e.phoneRef === phone)).toBe(true);
    const all = logs.join('\n');
    for (const secret of ['41234567', ID, '198.51.100.7', 'conv-secret-id'])
      expect(all).not.toContain(secret);
  });
});
