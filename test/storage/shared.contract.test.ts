import { MemorySharedStore } from '../../src/storage/memoryShared';
import { RedisSharedStore } from '../../src/storage/redisShared';
import type { SharedStore } from '../../src/storage/shared';
import { TurnLock } from '../../src/storage/turnLock';
import { requireRedis, sleep, type TestRedis } from '../support/redis';

/** One contract for both shared stores, and the turn lock on top of each. */
interface Subject {
  store: SharedStore;
  /** Lets `ms` pass for the store's own TTL clock. */
  advance(ms: number): Promise<void>;
}

function memorySubject(): Subject {
  let now = 5_000_000;
  return {
    store: new MemorySharedStore({ now: () => now, sweepIntervalMs: 0 }),
    advance: async (ms) => {
      now += ms;
    },
  };
}

let redis: TestRedis;

function redisSubject(): Subject {
  // ownsConnection false: the file's connection is closed once, by cleanup.
  return {
    store: new RedisSharedStore({ redis: redis.redis, keyPrefix: redis.prefix, ownsConnection: false }),
    advance: (ms) => sleep(ms),
  };
}

beforeAll(async () => {
  redis = await requireRedis('shared-contract');
});

afterAll(async () => {
  await redis?.cleanup();
});

let n = 0;
/** A key no other test in this file uses (Redis keeps keys across tests until they expire). */
const fresh = (name: string) => `${name}:${(n += 1)}`;

describe.each([
  ['MemorySharedStore', memorySubject],
  ['RedisSharedStore', redisSubject],
])('%s (SharedStore contract)', (_name, makeSubject) => {
  let subject: Subject;
  let store: SharedStore;

  beforeEach(() => {
    subject = makeSubject();
    store = subject.store;
  });

  describe('hit / count (sliding window on the caller clock)', () => {
    it('allows up to the limit, then refuses with retryAfterMs until the oldest event leaves', async () => {
      const key = fresh('win');
      const t0 = 1_700_000_000_000;
      expect(await store.hit(key, 10_000, 3, t0)).toEqual({ allowed: true, count: 1, retryAfterMs: 0 });
      expect(await store.hit(key, 10_000, 3, t0 + 1000)).toEqual({
        allowed: true,
        count: 2,
        retryAfterMs: 0,
      });
      expect(await store.hit(key, 10_000, 3, t0 + 2000)).toEqual({
        allowed: true,
        count: 3,
        retryAfterMs: 0,
      });
      expect(await store.hit(key, 10_000, 3, t0 + 4000)).toEqual({
        allowed: false,
        count: 3,
        retryAfterMs: 6000,
      });
      expect(await store.count(key, 10_000, t0 + 4000)).toBe(3);
      // t0 leaves the window at exactly t0 + 10 000 (the window is (now - window, now]).
      expect(await store.count(key, 10_000, t0 + 10_000)).toBe(2);
      expect(await store.hit(key, 10_000, 3, t0 + 10_000)).toEqual({
        allowed: true,
        count: 3,
        retryAfterMs: 0,
      });
    });

    it('counts two events in the same millisecond as two', async () => {
      const key = fresh('same-ms');
      await store.hit(key, 1000, 5, 42_000);
      await store.hit(key, 1000, 5, 42_000);
      expect(await store.count(key, 1000, 42_000)).toBe(2);
    });

    it('a refused hit records nothing', async () => {
      const key = fresh('refused');
      await store.hit(key, 1000, 1, 1000);
      await store.hit(key, 1000, 1, 1500);
      expect(await store.count(key, 1000, 1500)).toBe(1);
      expect((await store.hit(key, 1000, 1, 2000)).allowed).toBe(true);
    });

    it('count of an unknown key is 0', async () => {
      expect(await store.count(fresh('none'), 1000, 1000)).toBe(0);
    });

    it('is atomic: of 30 concurrent hits with limit 10 exactly 10 are allowed', async () => {
      const key = fresh('race');
      const hits = await Promise.all(Array.from({ length: 30 }, () => store.hit(key, 60_000, 10, 9_000)));
      expect(hits.filter((h) => h.allowed)).toHaveLength(10);
    });
  });

  describe('addToSet', () => {
    it('adds up to the limit, always allows a member already in, refuses a new one beyond', async () => {
      const key = fresh('set');
      expect(await store.addToSet(key, 'a', 2, 60_000)).toEqual({ allowed: true, size: 1 });
      expect(await store.addToSet(key, 'b', 2, 60_000)).toEqual({ allowed: true, size: 2 });
      expect(await store.addToSet(key, 'c', 2, 60_000)).toEqual({ allowed: false, size: 2 });
      expect(await store.addToSet(key, 'a', 2, 60_000)).toEqual({ allowed: true, size: 2 });
    });
  });

  describe('get / set / setIfAbsent / deleteIfEquals / delete', () => {
    it('set and get; get of a missing key is undefined', async () => {
      const key = fresh('kv');
      expect(await store.get(key)).toBeUndefined();
      await store.set(key, 'v1', 60_000);
      expect(await store.get(key)).toBe('v1');
      await store.delete(key);
      expect(await store.get(key)).toBeUndefined();
    });

    it('setIfAbsent sets once; deleteIfEquals deletes only with the right value', async () => {
      const key = fresh('nx');
      expect(await store.setIfAbsent(key, 'token-1', 60_000)).toBe(true);
      expect(await store.setIfAbsent(key, 'token-2', 60_000)).toBe(false);
      expect(await store.get(key)).toBe('token-1');
      expect(await store.deleteIfEquals(key, 'token-2')).toBe(false);
      expect(await store.get(key)).toBe('token-1');
      expect(await store.deleteIfEquals(key, 'token-1')).toBe(true);
      expect(await store.deleteIfEquals(key, 'token-1')).toBe(false);
      expect(await store.setIfAbsent(key, 'token-3', 60_000)).toBe(true);
    });
  });

  describe('append / list', () => {
    it('keeps the newest maxLength, oldest first', async () => {
      const key = fresh('list');
      expect(await store.list(key)).toEqual([]);
      for (const v of ['1', '2', '3', '4', '5']) await store.append(key, v, 3, 60_000);
      expect(await store.list(key)).toEqual(['3', '4', '5']);
    });
  });

  describe('TTL (the store clock)', () => {
    it('expires values, windows, sets and lists', async () => {
      const [kv, nx, win, set, list] = ['kv', 'nx', 'win', 'set', 'list'].map((k) => fresh(`ttl-${k}`));
      await store.set(kv, 'v', 300);
      await store.setIfAbsent(nx, 'v', 300);
      await store.hit(win, 300, 5, 10_000);
      await store.addToSet(set, 'a', 5, 300);
      await store.append(list, 'x', 5, 300);
      await subject.advance(100);
      expect(await store.get(kv)).toBe('v');
      expect(await store.list(list)).toEqual(['x']);
      await subject.advance(400);
      expect(await store.get(kv)).toBeUndefined();
      expect(await store.setIfAbsent(nx, 'w', 300)).toBe(true);
      // Nothing of the window survives its TTL, even read with the same caller time.
      expect(await store.count(win, 300, 10_000)).toBe(0);
      expect(await store.addToSet(set, 'b', 1, 300)).toEqual({ allowed: true, size: 1 });
      expect(await store.list(list)).toEqual([]);
    });
  });

  it('ping answers', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  describe('TurnLock', () => {
    it('is mutually exclusive under 50 concurrent acquirers, and each gets its turn', async () => {
      const lock = new TurnLock(store, { maxBackoffMs: 20 });
      const key = fresh('lock');
      let inside = 0;
      let most = 0;
      let done = 0;
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          const release = await lock.acquire(key, { ttlMs: 10_000, waitMs: 20_000 });
          if (!release) throw new Error('did not get the lock in time');
          inside += 1;
          most = Math.max(most, inside);
          await sleep(1);
          inside -= 1;
          done += 1;
          await release();
        }),
      );
      expect(most).toBe(1);
      expect(done).toBe(50);
    });

    it('returns undefined when the lock is not free within waitMs', async () => {
      const lock = new TurnLock(store);
      const key = fresh('lock-timeout');
      const release = await lock.acquire(key, { ttlMs: 10_000, waitMs: 0 });
      expect(release).toBeDefined();
      const started = Date.now();
      expect(await lock.acquire(key, { ttlMs: 10_000, waitMs: 80 })).toBeUndefined();
      expect(Date.now() - started).toBeGreaterThanOrEqual(75);
      await release?.();
      expect(await lock.acquire(key, { ttlMs: 10_000, waitMs: 0 })).toBeDefined();
    });

    it('a release after the lock expired and passed on does not free the new holder', async () => {
      const lock = new TurnLock(store);
      const key = fresh('lock-stale');
      const stale = await lock.acquire(key, { ttlMs: 200, waitMs: 0 });
      await subject.advance(400);
      const current = await lock.acquire(key, { ttlMs: 10_000, waitMs: 0 });
      expect(current).toBeDefined();
      await stale?.();
      expect(await lock.acquire(key, { ttlMs: 10_000, waitMs: 0 })).toBeUndefined();
      await current?.();
      expect(await lock.acquire(key, { ttlMs: 10_000, waitMs: 0 })).toBeDefined();
    });
  });
});
