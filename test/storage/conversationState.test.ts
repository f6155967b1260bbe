import { MemoryStorage, type Storage } from 'botbuilder';
import { EtagConversationState } from '../../src/storage/conversationState';
import { StateConflictError } from '../../src/storage/errors';
import { ExpiringMemoryStorage } from '../../src/storage/memoryStorage';
import { RedisStorage } from '../../src/storage/redisStorage';
import { requireRedis, type TestRedis } from '../support/redis';
import { turn } from './support';

const SECRET = 'conversation-state-secret-0123456789';
let redis: TestRedis;

beforeAll(async () => {
  redis = await requireRedis('conversation-state');
});

afterAll(async () => {
  await redis?.cleanup();
});

let n = 0;

describe.each<[string, () => Storage]>([
  [
    'ExpiringMemoryStorage',
    () => new ExpiringMemoryStorage({ secret: SECRET, ttlMs: 60_000, sweepIntervalMs: 0 }),
  ],
  [
    'RedisStorage',
    () => new RedisStorage({ redis: redis.redis, keyPrefix: redis.prefix, secret: SECRET, ttlMs: 60_000 }),
  ],
  // A storage that does not report eTags in place (botbuilder's own).
  ['botbuilder MemoryStorage', () => new MemoryStorage()],
])('EtagConversationState on %s', (name, makeStorage) => {
  let state: EtagConversationState;
  let conversation: string;

  beforeEach(() => {
    state = new EtagConversationState(makeStorage());
    conversation = `conv-${(n += 1)}`;
  });

  async function seed(value: number): Promise<void> {
    const ctx = turn(conversation);
    await state.createProperty<number>('n').set(ctx, value);
    await state.saveChanges(ctx);
  }

  async function stored(): Promise<number | undefined> {
    return state.createProperty<number>('n').get(turn(conversation));
  }

  it('two turns load the same state: the second save fails, the first one stays', async () => {
    await seed(1);
    const a = turn(conversation);
    const b = turn(conversation);
    const prop = state.createProperty<number>('n');
    expect(await prop.get(a)).toBe(1);
    expect(await prop.get(b)).toBe(1);
    await prop.set(a, 2);
    await prop.set(b, 3);
    await state.saveChanges(a);
    const err = await state.saveChanges(b).catch((e: unknown) => e);
    // botbuilder's MemoryStorage has its own (unnamed) conflict error; ours are named.
    if (name === 'botbuilder MemoryStorage') expect(err).toBeInstanceOf(Error);
    else expect(err).toBeInstanceOf(StateConflictError);
    expect(await stored()).toBe(2);
  });

  it('a fresh state (never stored) writes unconditionally', async () => {
    const a = turn(conversation);
    await state.createProperty<number>('n').set(a, 7);
    await state.saveChanges(a);
    expect(await stored()).toBe(7);
  });

  it('saves twice in one turn without conflicting with itself', async () => {
    await seed(1);
    const a = turn(conversation);
    const prop = state.createProperty<number>('n');
    await prop.set(a, 2);
    await state.saveChanges(a);
    await prop.set(a, 3);
    await state.saveChanges(a);
    await state.saveChanges(a, true);
    expect(await stored()).toBe(3);
  });

  it('does not write an unchanged state, unless forced', async () => {
    await seed(1);
    const a = turn(conversation);
    const b = turn(conversation);
    const prop = state.createProperty<number>('n');
    await prop.get(a);
    await prop.get(b);
    await prop.set(b, 2);
    await state.saveChanges(b);
    // Unchanged: nothing is written, so no conflict either.
    await expect(state.saveChanges(a)).resolves.toBeUndefined();
    // Forced: written with the stale eTag, so it conflicts.
    await expect(state.saveChanges(a, true)).rejects.toBeInstanceOf(Error);
    expect(await stored()).toBe(2);
  });

  it('a forced save with nothing loaded writes an empty state', async () => {
    const a = turn(conversation);
    await state.saveChanges(a, true);
    expect(await state.load(turn(conversation))).toEqual({ eTag: expect.any(String) });
  });

  it('clear keeps the compare-and-set: a cleared stale state does not overwrite', async () => {
    await seed(1);
    const a = turn(conversation);
    const prop = state.createProperty<number>('n');
    await prop.get(a);
    await seed(5);
    await state.clear(a);
    await expect(state.saveChanges(a)).rejects.toBeInstanceOf(Error);
    expect(await stored()).toBe(5);
  });

  it('after delete the turn starts fresh and its save is unconditional', async () => {
    await seed(1);
    const a = turn(conversation);
    const prop = state.createProperty<number>('n');
    await prop.get(a);
    await state.delete(a);
    expect(await prop.get(a)).toBeUndefined();
    await prop.set(a, 9);
    await state.saveChanges(a);
    expect(await stored()).toBe(9);
  });
});
