import { ConversationState, type StoreItem, type TurnContext } from 'botbuilder';
import { JSON_TO_WRITE, STORED_JSON, jsonWithoutETag } from './storeItems';

/** The turn's cached state, kept under this class's own turn-state key instead of BotState's. */
interface Cached {
  state: StoreItem;
  /** The state as JSON (without its eTag) when read or last saved; '' forces the next save. */
  snapshot: string;
  /** The eTag the state was read with; undefined when it was never stored. */
  eTag?: string;
}

/**
 * The state as JSON without its eTag, for change detection. botbuilder's calculateChangeHash (used by
 * BotState on every load and save) runs its own replacer over every value and then SHA-256; the state is
 * plain JSON (it is stored as JSON), so comparing the native JSON text finds exactly the same changes at
 * a fraction of the cost, and nothing needs a digest of it. Always stringified afresh (never a text a
 * writer or a storage attached), as it is what a change is found against.
 */
const snapshotOf = (state: StoreItem): string => jsonWithoutETag(state);

/**
 * The JSON text the storage attached to a state it read (STORED_JSON), removed from the state so it can
 * never be taken for a later version of it. The storage only attaches a text that JSON.stringify wrote
 * for an object without an eTag; JSON.parse then JSON.stringify gives that text back (same strings and
 * escapes, shortest round-trip numbers, keys in the same order: integer-like keys already come first
 * ascending, the rest in text order), and the eTag the storage adds after them is what snapshotOf drops,
 * so the text equals snapshotOf(state) without stringifying. Even a wrong text could not hide a change:
 * a save skips only when snapshotOf(the state) equals it, and then it is JSON.stringify output that
 * parses back to the state read, i.e. the state did not change.
 */
function takeStoredJson(state: StoreItem): string | undefined {
  const text = (state as { [STORED_JSON]?: unknown })[STORED_JSON];
  if (text === undefined) return undefined;
  delete (state as { [STORED_JSON]?: unknown })[STORED_JSON];
  return typeof text === 'string' ? text : undefined;
}

function storedETag(state: StoreItem): string | undefined {
  return typeof state.eTag === 'string' && state.eTag !== '*' ? state.eTag : undefined;
}

/**
 * ConversationState whose saves are compare-and-set. botbuilder's BotState.saveChanges always writes
 * with eTag `*`, so of two turns of one conversation running at once (two instances, or a retry) the
 * last save silently overwrites the first. Here a save writes with the eTag read at load, so the stale
 * one fails with StateConflictError from the storage; a state that was never stored (or was deleted)
 * writes unconditionally.
 *
 * It keeps the turn's cache itself (load, get, clear, delete and saveChanges all read it, and the
 * property accessors go through them), with the semantics of BotState's: a cached state is returned
 * until `force`, clear replaces it with an empty one that will be saved, delete drops it, and a forced
 * save with nothing loaded writes an empty state. The state is compared as JSON once at load and once
 * at save, instead of BotState's three stringify-and-hash passes a turn; the load takes the storage's own
 * text when it offers it (STORED_JSON) and the save hands its text to the storage (JSON_TO_WRITE), so a
 * changed turn stringifies the state once.
 *
 * Works best with storages that update the written item's eTag in place (RedisStorage,
 * ExpiringMemoryStorage); with others it re-reads the eTag after a write so a second save in the same
 * turn does not conflict with itself.
 */
export class EtagConversationState extends ConversationState {
  private readonly cacheKey = Symbol('etagConversationState');

  /** BotState's storage key, synchronously (with its error for a missing key). */
  private keyFor(context: TurnContext): string {
    const key = this.getStorageKey(context);
    if (!key) throw new Error('ConversationState: overridden getStorageKey method did not return a key.');
    return key;
  }

  /** Loads (or returns the turn's cached) state and records the eTag it was read with. */
  override async load(context: TurnContext, force = false): Promise<StoreItem> {
    const cached = context.turnState.get(this.cacheKey) as Cached | undefined;
    if (cached && !force) return cached.state;
    const key = await this.storageKey(context);
    const state = ((await this.storage.read([key]))[key] as StoreItem | undefined) ?? {};
    context.turnState.set(this.cacheKey, {
      state,
      snapshot: takeStoredJson(state) ?? snapshotOf(state),
      eTag: storedETag(state),
    } satisfies Cached);
    return state;
  }

  /** The turn's cached state, if loaded. */
  override get(context: TurnContext): StoreItem | undefined {
    return (context.turnState.get(this.cacheKey) as Cached | undefined)?.state;
  }

  /** Clears the turn's state; the next save still writes with the eTag read at load. */
  override async clear(context: TurnContext): Promise<void> {
    const cached = context.turnState.get(this.cacheKey) as Cached | undefined;
    context.turnState.set(this.cacheKey, { state: {}, snapshot: '', eTag: cached?.eTag } satisfies Cached);
  }

  /** Deletes the stored state; what is saved afterwards is a new state, written unconditionally. */
  override async delete(context: TurnContext): Promise<void> {
    context.turnState.delete(this.cacheKey);
    const key = await this.storageKey(context);
    await this.storage.delete([key]);
  }

  /**
   * Saves the cached state if it changed (always with `force`), as a compare-and-set against the eTag
   * read at load. Throws StateConflictError (from the storage) when another turn saved first.
   */
  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    let cached = context.turnState.get(this.cacheKey) as Cached | undefined;
    if (!cached) {
      if (!force) return;
      // As BotState: a forced save with nothing loaded writes an empty state.
      cached = { state: {}, snapshot: '' };
    }
    const { state } = cached;
    // The snapshot also serves as the saved state's, since the write changes nothing but the eTag.
    const snapshot = snapshotOf(state);
    if (!force && snapshot === cached.snapshot) return;
    // The key synchronously (not BotState's promise of it): nothing may change the state between its
    // snapshot and the storage serializing it, which happens synchronously inside write.
    const key = this.keyFor(context);
    const sent = cached.eTag;
    state.eTag = sent ?? '*';
    // The snapshot is the text to store: handed to the storage for this write only (see JSON_TO_WRITE).
    Object.defineProperty(state, JSON_TO_WRITE, { value: snapshot, configurable: true });
    try {
      await this.storage.write({ [key]: state });
    } finally {
      delete (state as { [JSON_TO_WRITE]?: string })[JSON_TO_WRITE];
    }
    if (state.eTag === (sent ?? '*')) {
      // The storage did not report the new eTag in place: ask it, or the next save would conflict.
      const stored = (await this.storage.read([key]))[key] as StoreItem | undefined;
      state.eTag = stored?.eTag;
    }
    context.turnState.set(this.cacheKey, { state, snapshot, eTag: storedETag(state) } satisfies Cached);
  }
}
