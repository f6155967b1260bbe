import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { createRedisConnection } from '../../src/storage/redisShared';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const NEEDS_REDIS =
  'These tests need a Redis server: .ci/run installs and starts redis-server; locally run ' +
  '`redis-server --daemonize yes` or set REDIS_URL';

/** A live Redis connection for one test file, and a key prefix no other file (or run) uses. */
export interface TestRedis {
  redis: Redis;
  prefix: string;
  /** Opens another connection to the same server (for "two instances" tests); closed by cleanup. */
  connect(): Promise<Redis>;
  /** Every key under this file's prefix. */
  keys(): Promise<string[]>;
  /** Deletes this file's keys and closes the connections. */
  cleanup(): Promise<void>;
}

async function open(): Promise<Redis> {
  const redis = createRedisConnection(REDIS_URL, { connectTimeoutMs: 2000 });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer within 2.5 s')), 2500);
  });
  try {
    await Promise.race([redis.connect().then(() => redis.ping()), deadline]);
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new Error(`${NEEDS_REDIS} (could not reach ${REDIS_URL}: ${String(err)})`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Connects to REDIS_URL (default redis://127.0.0.1:6379) or THROWS within about 2 s: these tests must
 * fail, never skip, when Redis is missing, or CI would pass without testing the Redis code at all.
 */
export async function requireRedis(file: string): Promise<TestRedis> {
  const redis = await open();
  const others: Redis[] = [];
  const prefix = `test:${file}:${randomUUID()}:`;
  const keys = async () => {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      found.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return found;
  };
  return {
    redis,
    prefix,
    keys,
    connect: async () => {
      const other = await open();
      others.push(other);
      return other;
    },
    cleanup: async () => {
      const left = await keys();
      if (left.length) await redis.del(...left);
      for (const r of [redis, ...others]) await r.quit().catch(() => r.disconnect());
    },
  };
}

/** Real time passing, for TTLs kept by Redis itself. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
