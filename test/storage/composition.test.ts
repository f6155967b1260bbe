import { ConfigError, loadConfig } from '../../src/config';
import { buildBot } from '../../src/index';
import { EtagConversationState } from '../../src/storage/conversationState';
import { MemorySharedStore } from '../../src/storage/memoryShared';
import { ExpiringMemoryStorage } from '../../src/storage/memoryStorage';
import { RedisSharedStore } from '../../src/storage/redisShared';
import { RedisStorage } from '../../src/storage/redisStorage';
import { REDIS_URL, requireRedis, type TestRedis } from '../support/redis';

const SECRET = 'composition-secret-0123456789';

describe('storage configuration', () => {
  it('defaults to memory, the local Redis URL and the minid: prefix', () => {
    const config = loadConfig({});
    expect(config.STORAGE).toBe('memory');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.REDIS_KEY_PREFIX).toBe('minid:');
  });

  it.each([
    [{ STORAGE: 'postgres' }, 'STORAGE'],
    [{ REDIS_URL: 'http://localhost:6379' }, 'REDIS_URL'],
    [{ REDIS_KEY_PREFIX: 'has space' }, 'REDIS_KEY_PREFIX'],
    [{ STORAGE: 'redis' }, 'PRIVACY_SECRET'],
  ])('a bad value (%o) fails naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`${name}:`));
  });

  it('never echoes a Redis URL back (it may carry a password)', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://:hunter2@x' })).toThrow(/^(?![\s\S]*hunter2)/);
  });
});

describe('buildBot stores', () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await requireRedis('composition');
  });

  afterAll(async () => {
    await redis?.cleanup();
  });

  it('memory: MemorySharedStore, ExpiringMemoryStorage and the eTag-checking state', async () => {
    const built = await buildBot(loadConfig({ LOG_LEVEL: 'silent' }));
    try {
      expect(built.shared).toBeInstanceOf(MemorySharedStore);
      expect(built.storage).toBeInstanceOf(ExpiringMemoryStorage);
      expect(built.conversationState).toBeInstanceOf(EtagConversationState);
    } finally {
      await built.close();
    }
  });

  it('redis: RedisSharedStore and RedisStorage on one connection, under the prefix', async () => {
    const built = await buildBot(
      loadConfig({
        LOG_LEVEL: 'silent',
        STORAGE: 'redis',
        REDIS_URL,
        REDIS_KEY_PREFIX: redis.prefix,
        PRIVACY_SECRET: SECRET,
      }),
    );
    try {
      expect(built.shared).toBeInstanceOf(RedisSharedStore);
      expect(built.storage).toBeInstanceOf(RedisStorage);
      await built.shared.ping();
      await built.shared.set('k', 'v', 60_000);
      await built.storage.write({ 'test/conversations/c-1/': { n: 1 } });
      const keys = await redis.keys();
      expect(keys).toContain(`${redis.prefix}k`);
      expect(keys.some((k) => k.startsWith(`${redis.prefix}state:`))).toBe(true);
    } finally {
      await built.close();
    }
  });

  it('keeps an overriding storage (tests pass one)', async () => {
    const storage = new ExpiringMemoryStorage({ secret: SECRET, ttlMs: 1000, sweepIntervalMs: 0 });
    const built = await buildBot(loadConfig({ LOG_LEVEL: 'silent' }), { storage });
    try {
      expect(built.storage).toBe(storage);
    } finally {
      await built.close();
    }
  });
});
