import type { Storage, StoreItem } from 'botbuilder';
import { StateConflictError } from '../../src/storage/errors';
import { ExpiringMemoryStorage } from '../../src/storage/memoryStorage';
import { RedisStorage } from '../../src/storage/redisStorage';
import { requireRedis, sleep, type TestRedis } from '../support/redis';

/**
 * One contract, run against both conversation storages: what the bot relies on must hold the same in
 * memory (one instance) and in Redis (several).
 */
interface Subject {
  /** A storage with this TTL; `second` is another instance on the same data (another bot instance). */
  make(ttlMs: number): { storage: Storage; second: Storage };
  /** Lets `ms` pass for the store's TTLs. */
  advance(ms: number): Promise<void>;
  /** Every key the store holds, as the store sees it. */
  rawKeys(): Promise<string[]>;
}

const SECRET = 'storage-contract-secret-0123456789';
const CONVERSATION_ID = 'a:1Xyz-CONVERSATION-7731';
const KEY = `emulator/conversations/${CONVERSATION_ID}/`;
const TTL = 60_000;

function memorySubject(): Subject {
  let now = 1_000_000;
  const made: ExpiringMemoryStorage[] = [];
  return {
    make(ttlMs) {
      // One instance in memory is the whole store: "another instance" shares it.
      const storage = new ExpiringMemoryStorage({
        secret: SECRET,
        ttlMs,
        now: () => now,
        sweepIntervalMs: 0,
      });
      made.push(storage);
      return { storage, second: storage };
    },
    advance: async (ms) => {
      now += ms;
    },
    rawKeys: async () => made.flatMap((s) => s.keys()),
  };
}

let redis: TestRedis;

function redisSubject(): Subject {
  return {
    make(ttlMs) {
      const options = { keyPrefix: redis.prefix, secret: SECRET, ttlMs };
      return {
        storage: new RedisStorage({ ...options, redis: redis.redis }),
        second: new RedisStorage({ ...options, redis: secondConnection }),
      };
    },
    advance: (ms) => sleep(ms),
    rawKeys: () => redis.keys(),
  };
}

let secondConnection: TestRedis['redis'];

beforeAll(async () => {
  redis = await requireRedis('storage-contract');
  secondConnection = await redis.connect();
});

afterAll(async () => {
  await redis?.cleanup();
});

describe.each([
  ['ExpiringMemoryStorage', memorySubject],
  ['RedisStorage', redisSubject],
])('%s (Storage contract)', (_name, makeSubject) => {
  let subject: Subject;
  let storage: Storage;
  let second: Storage;
  let key: string;
  let n = 0;

  beforeEach(() => {
    subject = makeSubject();
    ({ storage, second } = subject.make(TTL));
    // A fresh conversation per test: the Redis subject shares one prefix for the whole file.
    n += 1;
    key = `${KEY}${n}`;
  });

  it('reads nothing for a key never written', async () => {
    expect(await storage.read([key])).toEqual({});
    expect(await storage.read([])).toEqual({});
  });

  it('returns what was written, with an eTag, and updates the written item in place', async () => {
    const item: StoreItem = { session: { lang: 'nn' }, n: 1 };
    await storage.write({ [key]: item });
    const read = await second.read([key]);
    expect(read[key]).toEqual({ session: { lang: 'nn' }, n: 1, eTag: expect.any(String) });
    expect(item.eTag).toBe(read[key].eTag);
  });

  it('writes with the current eTag, and a new eTag comes back each time', async () => {
    await storage.write({ [key]: { n: 1 } });
    const first = (await storage.read([key]))[key];
    await storage.write({ [key]: { ...first, n: 2 } });
    const next = (await storage.read([key]))[key];
    expect(next.n).toBe(2);
    expect(next.eTag).not.toBe(first.eTag);
  });

  it('rejects a write with a stale eTag (StateConflictError) and keeps the stored item', async () => {
    await storage.write({ [key]: { n: 1 } });
    const stale = (await storage.read([key]))[key];
    await second.write({ [key]: { ...stale, n: 2 } });
    await expect(storage.write({ [key]: { ...stale, n: 3 } })).rejects.toBeInstanceOf(StateConflictError);
    expect((await storage.read([key]))[key].n).toBe(2);
  });

  it('treats an eTag write to an item that is gone as a conflict', async () => {
    await storage.write({ [key]: { n: 1 } });
    const read = (await storage.read([key]))[key];
    await second.delete([key]);
    await expect(storage.write({ [key]: { ...read, n: 2 } })).rejects.toBeInstanceOf(StateConflictError);
  });

  it('writes unconditionally with eTag "*" or no eTag', async () => {
    await storage.write({ [key]: { n: 1 } });
    await second.write({ [key]: { n: 2, eTag: '*' } });
    expect((await storage.read([key]))[key].n).toBe(2);
    await storage.write({ [key]: { n: 3 } });
    expect((await second.read([key]))[key].n).toBe(3);
  });

  it('the conflict message names no key (keys carry conversation ids)', async () => {
    await storage.write({ [key]: { n: 1 } });
    const err = await storage.write({ [key]: { n: 2, eTag: 'not-the-etag' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateConflictError);
    expect(String((err as Error).message)).not.toContain(CONVERSATION_ID);
  });

  it('deletes, and deleting a missing key is fine', async () => {
    await storage.write({ [key]: { n: 1 } });
    await second.delete([key]);
    expect(await storage.read([key])).toEqual({});
    await storage.delete([key, `${key}-never`]);
  });

  it('reads several keys at once, leaving out the missing ones', async () => {
    await storage.write({ [`${key}a`]: { n: 1 } });
    await storage.write({ [`${key}b`]: { n: 2 } });
    const read = await storage.read([`${key}a`, `${key}missing`, `${key}b`]);
    expect(Object.keys(read).sort()).toEqual([`${key}a`, `${key}b`]);
  });

  it('drops an item after the TTL; each write restarts it', async () => {
    // Wide margins: Redis keeps real time, and CI machines are slow.
    ({ storage, second } = subject.make(600));
    await storage.write({ [key]: { n: 1 } });
    await subject.advance(400);
    await storage.write({ [key]: { n: 2 } });
    await subject.advance(400);
    expect((await second.read([key]))[key]?.n).toBe(2);
    await subject.advance(500);
    expect(await second.read([key])).toEqual({});
  });

  it('of N concurrent writes with the same eTag exactly one wins', async () => {
    await storage.write({ [key]: { n: 0 } });
    const base = (await storage.read([key]))[key];
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? second : storage).write({ [key]: { ...base, n: i + 1 } }),
      ),
    );
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i + 1] : []));
    expect(won).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StateConflictError);
    }
    expect((await storage.read([key]))[key].n).toBe(won[0]);
  });

  it('never holds a key with the conversation id in clear', async () => {
    await storage.write({ [key]: { n: 1 } });
    const keys = await subject.rawKeys();
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) {
      expect(k).not.toContain(CONVERSATION_ID);
      expect(k).not.toContain('conversations');
      expect(k).toMatch(/[0-9a-f]{64}$/);
    }
  });
});

describe('RedisStorage keys', () => {
  it('are prefix + "state:" + a 64-hex HMAC, and differ per secret', async () => {
    const a = new RedisStorage({ redis: redis.redis, keyPrefix: 'p:', secret: SECRET, ttlMs: TTL });
    const b = new RedisStorage({ redis: redis.redis, keyPrefix: 'p:', secret: `${SECRET}x`, ttlMs: TTL });
    expect(a.redisKey(KEY)).toMatch(/^p:state:[0-9a-f]{64}$/);
    expect(a.redisKey(KEY)).not.toBe(b.redisKey(KEY));
  });
});

describe('ExpiringMemoryStorage sweep', () => {
  it('drops abandoned items on its timer, without anyone reading them again', async () => {
    jest.useFakeTimers();
    try {
      let now = 0;
      const storage = new ExpiringMemoryStorage({
        secret: SECRET,
        ttlMs: 1000,
        now: () => now,
        sweepIntervalMs: 500,
      });
      await storage.write({ [KEY]: { n: 1 } });
      now = 1001;
      jest.advanceTimersByTime(500);
      expect(storage.keys()).toEqual([]);
      storage.close();
    } finally {
      jest.useRealTimers();
    }
  });
});
