import { createHash, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { StoreUnavailableError, type SharedStore, type WindowHit } from './shared';

/** How {@link createRedisConnection} behaves when Redis is slow or gone. */
export interface RedisConnectionOptions {
  /** Longest wait for a TCP connect; a turn must not hang on a dead Redis. Default 1000 ms. */
  connectTimeoutMs?: number;
  /** Longest wait for any one reply once connected. Default 2000 ms. */
  commandTimeoutMs?: number;
  /**
   * Connection errors (refused, reset, timeout). ioredis emits them as events and, without a listener,
   * prints them with console; give a logger here. Receives only the error code, never a key or value.
   */
  onError?: (code: string) => void;
}

/**
 * One ioredis connection set up so that a turn never hangs when Redis is gone: it connects lazily on
 * first use, gives up a connect quickly, retries a command at most once, and, once it has been ready,
 * fails commands at once while disconnected instead of queueing them. It keeps reconnecting in the
 * background (capped backoff), so the bot recovers on its own when Redis returns.
 */
export function createRedisConnection(url: string, options: RedisConnectionOptions = {}): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 1000,
    commandTimeout: options.commandTimeoutMs ?? 2000,
    maxRetriesPerRequest: 1,
    // The queue is on until the first ready so the very first commands (lazy connect) are not refused.
    enableOfflineQueue: true,
    // Never null: giving up would leave the process unable to recover without a restart.
    retryStrategy: (times) => Math.min(100 * times, 2000),
  });
  redis.once('ready', () => {
    // ioredis reads this option per command, so switching it here takes effect immediately.
    redis.options.enableOfflineQueue = false;
  });
  redis.on('error', (err: NodeJS.ErrnoException) => options.onError?.(err.code ?? err.name));
  return redis;
}

/** Options of {@link RedisSharedStore}. */
export interface RedisSharedStoreOptions {
  redis: Redis;
  /** Put before every key, e.g. `minid:`; several bots (or test files) can share one Redis. */
  keyPrefix: string;
  /** Whether {@link RedisSharedStore.close} quits the connection. Default true. */
  ownsConnection?: boolean;
}

/** A Lua script sent by sha and loaded on the first NOSCRIPT (after a Redis restart or failover). */
class LuaScript {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes('NOSCRIPT')) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

// Window: events are ZSET members scored by the caller's nowMs; members carry a random suffix so two
// events in the same millisecond both count. Events outside (now - window, now] are dropped first, also
// "future" ones, as the memory store does, so a clock set back cannot block a key forever.
const HIT = new LuaScript(`
local now = tonumber(ARGV[1])
local win = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - win)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local retry = 1
  if oldest[2] then retry = math.max(1, tonumber(oldest[2]) + win - now) end
  if count > 0 then redis.call('PEXPIRE', KEYS[1], win) end
  return {0, count, retry}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], win)
return {1, count + 1, 0}
`);

const ADD_TO_SET = new LuaScript(`
local limit = tonumber(ARGV[2])
local size = redis.call('SCARD', KEYS[1])
local allowed = 0
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
  allowed = 1
elseif size < limit then
  redis.call('SADD', KEYS[1], ARGV[1])
  size = size + 1
  allowed = 1
end
if size > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return {allowed, size}
`);

const DELETE_IF_EQUALS = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

const APPEND = new LuaScript(`
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`);

/** PX needs a positive whole number of milliseconds. */
function px(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}

/**
 * {@link SharedStore} on Redis, for several instances behaving as one. Every multi-step operation is one
 * Lua script, so it is atomic against every other caller. Any Redis failure (down, timeout, refused
 * command) surfaces as {@link StoreUnavailableError}, which the bot turns into an apology with the
 * support phone.
 */
export class RedisSharedStore implements SharedStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly ownsConnection: boolean;

  constructor(options: RedisSharedStoreOptions) {
    this.redis = options.redis;
    this.prefix = options.keyPrefix;
    this.ownsConnection = options.ownsConnection ?? true;
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  /** Runs one Redis call and maps every failure to StoreUnavailableError (the cause is kept for logs). */
  private async call<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw new StoreUnavailableError(err);
    }
  }

  async hit(key: string, windowMs: number, limit: number, nowMs: number): Promise<WindowHit> {
    const reply = await this.call(() =>
      HIT.run(this.redis, [this.k(key)], [nowMs, windowMs, limit, `${nowMs}:${randomUUID()}`]),
    );
    const [allowed, count, retryAfterMs] = numbers(reply, 3);
    return { allowed: allowed === 1, count, retryAfterMs };
  }

  async count(key: string, windowMs: number, nowMs: number): Promise<number> {
    return this.call(() => this.redis.zcount(this.k(key), `(${nowMs - windowMs}`, nowMs));
  }

  async addToSet(
    key: string,
    member: string,
    limit: number,
    ttlMs: number,
  ): Promise<{ allowed: boolean; size: number }> {
    const reply = await this.call(() =>
      ADD_TO_SET.run(this.redis, [this.k(key)], [member, limit, px(ttlMs)]),
    );
    const [allowed, size] = numbers(reply, 2);
    return { allowed: allowed === 1, size };
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.call(() => this.redis.get(this.k(key)));
    return value ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.call(() => this.redis.set(this.k(key), value, 'PX', px(ttlMs)));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const reply = await this.call(() => this.redis.set(this.k(key), value, 'PX', px(ttlMs), 'NX'));
    return reply === 'OK';
  }

  async deleteIfEquals(key: string, value: string): Promise<boolean> {
    const reply = await this.call(() => DELETE_IF_EQUALS.run(this.redis, [this.k(key)], [value]));
    return reply === 1;
  }

  async delete(key: string): Promise<void> {
    await this.call(() => this.redis.del(this.k(key)));
  }

  async append(key: string, value: string, maxLength: number, ttlMs: number): Promise<void> {
    await this.call(() => APPEND.run(this.redis, [this.k(key)], [value, Math.max(1, maxLength), px(ttlMs)]));
  }

  async list(key: string): Promise<string[]> {
    return this.call(() => this.redis.lrange(this.k(key), 0, -1));
  }

  async ping(): Promise<void> {
    await this.call(() => this.redis.ping());
  }

  async close(): Promise<void> {
    if (!this.ownsConnection || this.redis.status === 'end') return;
    if (this.redis.status !== 'ready') {
      // Down or still connecting: QUIT would wait for a connection; disconnect also stops reconnecting.
      this.redis.disconnect();
      return;
    }
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}

/** A Lua reply that must be an array of integers; anything else means a broken script or server. */
function numbers(reply: unknown, length: number): number[] {
  if (!Array.isArray(reply) || reply.length < length || !reply.every((n) => typeof n === 'number')) {
    throw new StoreUnavailableError(new Error('unexpected reply from a Lua script'));
  }
  return reply.slice(0, length);
}
