import type { Storage, StoreItem } from 'botbuilder';
import { EtagConversationState } from '../../src/storage/conversationState';
import { StateConflictError } from '../../src/storage/errors';
import { ExpiringMemoryStorage } from '../../src/storage/memoryStorage';
import { RedisStorage } from '../../src/storage/redisStorage';
import {
  JSON_TO_WRITE,
  STORED_JSON,
  itemFromStored,
  serializeWithoutETag,
} from '../../src/storage/storeItems';
import { requireRedis, type TestRedis } from '../support/redis';
import { turn } from './support';

// The storages hand their JSON text to EtagConversationState on read (STORED_JSON) and take its text on
// write (JSON_TO_WRITE). These tests pin that the shortcuts give exactly what stringifying would.

const SECRET = 'stored-json-secret-0123456789abcdef';
let redis: TestRedis;

beforeAll(async () => {
  redis = await requireRedis('stored-json');
});

afterAll(async () => {
  await redis?.cleanup();
});

/** Values whose JSON text must survive parse + stringify unchanged. */
const VALUES: Record<string, unknown> = {
  unicode: { s: 'æøå ÆØÅ – “sitat” 😀 \u2028\u2029 \u0000\u001f \\ "q" /', lone: '\ud800x\udfff' },
  numbers: [
    0,
    -0,
    1,
    -1.5,
    0.1 + 0.2,
    1e21,
    1e-7,
    123456789012345680000,
    5e-324,
    Number.MAX_SAFE_INTEGER,
    1.7976931348623157e308,
  ],
  nested: { a: [[1, [2, [3, []]]], [{ b: [null, true, false, ''] }]], e: {}, f: [] },
  keyOrder: { b: 1, 2: 'two', a: { z: 1, 10: 'ten', 1: 'one', y: 2 }, 0: 'zero', '-1': 'neg', '01': 'lead' },
  dropped: { u: undefined, f: () => 1, n: NaN, i: Infinity, d: new Date(0), arr: [undefined, () => 1] },
  proto: JSON.parse('{"__proto__":{"x":1},"constructor":"c"}') as unknown,
};

/** What snapshotting the state (JSON without the eTag) gives. */
function jsonOf(item: StoreItem): string {
  const rest: Record<string, unknown> = { ...item };
  delete rest.eTag;
  return JSON.stringify(rest);
}

describe('JSON text round trip (why STORED_JSON may stand for the parsed item)', () => {
  it.each(Object.entries(VALUES))(
    '%s: stringify(parse(s)) === s, and equals the read item’s JSON',
    (_, value) => {
      const s = serializeWithoutETag(value as StoreItem);
      expect(JSON.stringify(JSON.parse(s))).toBe(s);
      const item = itemFromStored(s, 'etag-1', true);
      expect(item.eTag).toBe('etag-1');
      expect(jsonOf(item)).toBe(s);
    },
  );

  it('a text not from JSON.stringify does not round trip (so it must not be trusted)', () => {
    const s = '{ "b": 1, "2": 2 }';
    expect(JSON.stringify(JSON.parse(s))).not.toBe(s);
  });
});

describe('itemFromStored and serializeWithoutETag', () => {
  it('attaches the text only when trusted, invisibly', () => {
    const item = itemFromStored('{"a":1}', 'e', true);
    expect((item as { [STORED_JSON]?: string })[STORED_JSON]).toBe('{"a":1}');
    expect(Object.keys(item)).toEqual(['a', 'eTag']);
    expect(JSON.stringify(item)).toBe('{"a":1,"eTag":"e"}');
    expect(Object.getOwnPropertySymbols({ ...item })).toEqual([]);
    expect(Object.getOwnPropertySymbols(itemFromStored('{"a":1}', 'e', false))).toEqual([]);
  });

  it('uses the writer’s JSON_TO_WRITE text, never STORED_JSON (which may be stale)', () => {
    const read = itemFromStored('{"a":1}', 'e', true);
    read.a = 2;
    expect(serializeWithoutETag(read)).toBe('{"a":2}');
    Object.defineProperty(read, JSON_TO_WRITE, { value: '{"a":3}', configurable: true });
    expect(serializeWithoutETag(read)).toBe('{"a":3}');
    expect(serializeWithoutETag(null)).toBe('{}');
  });
});

describe.each<[string, () => Storage, (key: string) => Promise<string | undefined>]>([
  [
    'ExpiringMemoryStorage',
    () => new ExpiringMemoryStorage({ secret: SECRET, ttlMs: 60_000, sweepIntervalMs: 0 }),
    async () => undefined,
  ],
  [
    'RedisStorage',
    () => new RedisStorage({ redis: redis.redis, keyPrefix: redis.prefix, secret: SECRET, ttlMs: 60_000 }),
    async (key) => {
      const storage = new RedisStorage({
        redis: redis.redis,
        keyPrefix: redis.prefix,
        secret: SECRET,
        ttlMs: 1,
      });
      return (await redis.redis.hget(storage.redisKey(key), 'd')) ?? undefined;
    },
  ],
])('%s with EtagConversationState', (name, makeStorage, storedText) => {
  let storage: Storage;
  let state: EtagConversationState;
  let n = 0;
  let conversation: string;
  const keyOf = (c: string) => `test/conversations/${c}/`;

  beforeEach(() => {
    storage = makeStorage();
    state = new EtagConversationState(storage);
    conversation = `${name}-${(n += 1)}`;
  });

  /** The JSON the storage holds for the conversation. */
  async function held(): Promise<string | undefined> {
    // One entry per storage here: `hashedKey json`.
    if (storage instanceof ExpiringMemoryStorage)
      return storage.dump().split(' ').slice(1).join(' ') || undefined;
    return storedText(keyOf(conversation));
  }

  it('reads hand the stored text on (trusted), and a direct write of a changed read item stores the change', async () => {
    await storage.write({ [keyOf(conversation)]: { v: VALUES.unicode, eTag: '*' } });
    const item = (await storage.read([keyOf(conversation)]))[keyOf(conversation)] as StoreItem;
    expect((item as { [STORED_JSON]?: string })[STORED_JSON]).toBe(jsonOf(item));
    item.v = 'changed';
    await storage.write({ [keyOf(conversation)]: item });
    expect(await held()).toBe('{"v":"changed"}');
  });

  it('every save stores exactly JSON.stringify of the state, and no symbol stays on the state', async () => {
    for (const [i, value] of Object.values(VALUES).entries()) {
      const ctx = turn(conversation);
      const s = await state.load(ctx);
      expect(Object.getOwnPropertySymbols(s)).toEqual([]);
      s[`k${i}`] = value;
      if (i > 0) (s[`k${i - 1}`] as unknown) = { replaced: i };
      await state.saveChanges(ctx);
      expect(Object.getOwnPropertySymbols(s)).toEqual([]);
      expect(await held()).toBe(jsonOf(s));
      // Read back fresh: same JSON, and it parses to what was saved.
      const again = await state.load(turn(conversation));
      expect(jsonOf(again)).toBe(jsonOf(s));
    }
  });

  it('a nested change after load is saved (the load snapshot is the text read, not a live view)', async () => {
    const a = turn(conversation);
    (await state.load(a)).dialog = { stack: [{ id: 'x', step: 1 }] };
    await state.saveChanges(a);
    const b = turn(conversation);
    const loaded = await state.load(b);
    ((loaded.dialog as { stack: { step: number }[] }).stack[0] as { step: number }).step = 2;
    await state.saveChanges(b);
    expect(await held()).toBe('{"dialog":{"stack":[{"id":"x","step":2}]}}');
    // Changed twice in one turn, saved twice: the second save writes the second change.
    ((loaded.dialog as { stack: { step: number }[] }).stack[0] as { step: number }).step = 3;
    await state.saveChanges(b);
    expect(await held()).toBe('{"dialog":{"stack":[{"id":"x","step":3}]}}');
    // An unchanged state is not written (its eTag stays), as before.
    const c = turn(conversation);
    const eTag = (await state.load(c)).eTag;
    await state.saveChanges(c);
    expect((await storage.read([keyOf(conversation)]))[keyOf(conversation)]?.eTag).toBe(eTag);
  });

  it('clear, force and conflicts write what they wrote before, and leave no symbol', async () => {
    const a = turn(conversation);
    (await state.load(a)).n = 1;
    await state.saveChanges(a);
    const b = turn(conversation);
    const c = turn(conversation);
    (await state.load(b)).n = 2;
    const sc = await state.load(c);
    sc.n = 3;
    await state.saveChanges(b);
    await expect(state.saveChanges(c)).rejects.toBeInstanceOf(
      name === 'RedisStorage' ? StateConflictError : Error,
    );
    expect(Object.getOwnPropertySymbols(sc)).toEqual([]);
    expect(await held()).toBe('{"n":2}');
    const d = turn(conversation);
    await state.load(d);
    await state.clear(d);
    await state.saveChanges(d);
    expect(await held()).toBe('{}');
    const e = turn(conversation);
    (await state.load(e)).n = 4;
    await state.saveChanges(e, true);
    expect(await held()).toBe('{"n":4}');
  });
});

describe('RedisStorage items not written in this format', () => {
  it('a text without the format mark (e.g. an older writer, with whitespace) is parsed, not trusted', async () => {
    const storage = new RedisStorage({
      redis: redis.redis,
      keyPrefix: redis.prefix,
      secret: SECRET,
      ttlMs: 60_000,
    });
    const state = new EtagConversationState(storage);
    const key = 'test/conversations/legacy/';
    await redis.redis.hset(storage.redisKey(key), 'e', 'old-etag', 'd', '{ "n": 1, "2": [ 1.0 ] }');
    const item = (await storage.read([key]))[key] as StoreItem;
    expect(Object.getOwnPropertySymbols(item)).toEqual([]);
    expect(item).toEqual({ 2: [1], n: 1, eTag: 'old-etag' });
    // Unchanged: not written (the snapshot was computed, not taken from the text, which never matches).
    const a = turn('legacy');
    expect((await state.load(a)).n).toBe(1);
    await state.saveChanges(a);
    expect(await redis.redis.hget(storage.redisKey(key), 'e')).toBe('old-etag');
    // Changed: written as JSON.stringify, now marked.
    (await state.load(a, true)).n = 2;
    await state.saveChanges(a);
    expect(await redis.redis.hmget(storage.redisKey(key), 'd', 'j')).toEqual(['{"2":[1],"n":2}', '1']);
  });
});
