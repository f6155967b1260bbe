import { createHash, randomUUID } from 'node:crypto';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import type Redis from 'ioredis';
import { hashKey } from '../privacy/redact';
import { StateConflictError } from './errors';
import { conditionalETag, itemFromStored, serializeWithoutETag } from './storeItems';
import { StoreUnavailableError } from './shared';

/** Options of {@link RedisStorage}. */
export interface RedisStorageOptions {
  redis: Redis;
  /** Put before every key, e.g. `minid:`; the storage adds `state:` after it. */
  keyPrefix: string;
  /** HMAC key for the storage keys; every instance on one Redis must use the same one. */
  secret: string;
  /** Every write (re)sets this TTL: the idle timeout, so abandoned conversations disappear. */
  ttlMs: number;
}

// Items live in a hash: `e` the eTag, `d` the JSON without it, so the compare needs no JSON in Lua, and
// `j` = '1' saying `d` is serializeWithoutETag's output (JSON.stringify of an object without an eTag),
// so a reader may take it as the item's JSON (STORED_JSON). An item written without `j` (by an older
// version or another writer) is only parsed.
// ARGV[1] is the expected eTag, or '' to write unconditionally. A missing item with an expected eTag is
// a conflict: what the caller read is gone (deleted by another turn, or expired).
const WRITE = `
if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], 'e') ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'e', ARGV[2], 'd', ARGV[3], 'j', '1')
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`;
const WRITE_SHA = createHash('sha1').update(WRITE).digest('hex');

/**
 * botbuilder `Storage` on Redis with real optimistic concurrency. A write whose item carries an eTag
 * (other than `*`) is a compare-and-set: it fails with {@link StateConflictError} when the stored eTag
 * differs. `*` or no eTag writes unconditionally. On success the item's `eTag` is updated in place to the
 * stored one, so the same object can be written again (see EtagConversationState). Keys are
 * `prefix + "state:" + HMAC(secret, key)`: botbuilder keys contain conversation ids.
 */
export class RedisStorage implements Storage {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly secret: string;
  private readonly ttlMs: number;

  constructor(options: RedisStorageOptions) {
    this.redis = options.redis;
    this.prefix = `${options.keyPrefix}state:`;
    this.secret = options.secret;
    this.ttlMs = Math.max(1, Math.ceil(options.ttlMs));
  }

  /** The Redis key an item is stored under (for tests and the privacy scan). */
  redisKey(key: string): string {
    return this.prefix + hashKey(this.secret, key);
  }

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    if (!keys.length) return items;
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.hmget(this.redisKey(key), 'e', 'd', 'j');
    const replies = await unavailableOnError(() => pipeline.exec());
    keys.forEach((key, i) => {
      const [err, value] = replies?.[i] ?? [new Error('no reply')];
      if (err) throw new StoreUnavailableError(err);
      if (!Array.isArray(value)) return;
      const [eTag, data, format] = value;
      if (typeof eTag !== 'string' || typeof data !== 'string') return;
      items[key] = itemFromStored(data, eTag, format === '1');
    });
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    // One key at a time, each atomic: botbuilder writes one state object per turn and scope.
    for (const [key, item] of Object.entries(changes)) {
      const expected = conditionalETag(item);
      const eTag = randomUUID();
      const args = [expected, eTag, serializeWithoutETag(item), this.ttlMs];
      const redisKey = this.redisKey(key);
      const written = await unavailableOnError(async () => {
        try {
          return await this.redis.evalsha(WRITE_SHA, 1, redisKey, ...args);
        } catch (err) {
          if (!(err instanceof Error) || !err.message.includes('NOSCRIPT')) throw err;
          return this.redis.eval(WRITE, 1, redisKey, ...args);
        }
      });
      if (written !== 1) throw new StateConflictError();
      if (item && typeof item === 'object') (item as StoreItem).eTag = eTag;
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys.length) return;
    await unavailableOnError(() => this.redis.del(...keys.map((k) => this.redisKey(k))));
  }
}

async function unavailableOnError<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw new StoreUnavailableError(err);
  }
}
