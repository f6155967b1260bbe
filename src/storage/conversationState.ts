import { ConversationState, calculateChangeHash, type StoreItem, type TurnContext } from 'botbuilder';

/** What this class remembers per turn beside BotState's own (private) cache. */
interface Tracked {
  /** The cached state object this was recorded for; a different one means clear() replaced it. */
  state: StoreItem;
  hash: string;
  /** The eTag the state was read with; undefined when it was never stored. */
  eTag?: string;
}

/**
 * ConversationState whose saves are compare-and-set. botbuilder's BotState.saveChanges always writes
 * with eTag `*`, so of two turns of one conversation running at once (two instances, or a retry) the
 * last save silently overwrites the first. Here a save writes with the eTag read at load, so the stale
 * one fails with StateConflictError from the storage; a state that was never stored (or was deleted)
 * writes unconditionally. Everything else (caching, the force flag, clear, delete) behaves as in
 * BotState.
 *
 * Works best with storages that update the written item's eTag in place (RedisStorage,
 * ExpiringMemoryStorage); with others it re-reads the eTag after a write so a second save in the same
 * turn does not conflict with itself.
 */
export class EtagConversationState extends ConversationState {
  private readonly tracked = Symbol('etagConversationState');

  /** Loads (or returns the turn's cached) state and records the eTag it was read with. */
  override async load(context: TurnContext, force = false): Promise<StoreItem> {
    const state = (await super.load(context, force)) as StoreItem;
    const known = context.turnState.get(this.tracked) as Tracked | undefined;
    if (force || !known || known.state !== state) {
      context.turnState.set(this.tracked, {
        state,
        hash: calculateChangeHash(state),
        eTag: typeof state.eTag === 'string' && state.eTag !== '*' ? state.eTag : undefined,
      } satisfies Tracked);
    }
    return state;
  }

  /** Clears the turn's state; the next save still writes with the eTag read at load. */
  override async clear(context: TurnContext): Promise<void> {
    const known = context.turnState.get(this.tracked) as Tracked | undefined;
    await super.clear(context);
    const state = this.get(context) as StoreItem;
    context.turnState.set(this.tracked, { state, hash: '', eTag: known?.eTag } satisfies Tracked);
  }

  /** Deletes the stored state; what is saved afterwards is a new state, written unconditionally. */
  override async delete(context: TurnContext): Promise<void> {
    context.turnState.delete(this.tracked);
    await super.delete(context);
  }

  /**
   * Saves the cached state if it changed (always with `force`), as a compare-and-set against the eTag
   * read at load. Throws StateConflictError (from the storage) when another turn saved first.
   */
  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    let state = this.get(context) as StoreItem | undefined;
    let known = context.turnState.get(this.tracked) as Tracked | undefined;
    // One hash per save (a stringify of the whole state): it also serves as the saved state's hash, since
    // the write changes nothing but the eTag, which the hash leaves out.
    let hash = state === undefined ? '' : calculateChangeHash(state);
    const changed = state !== undefined && (known?.state !== state || known.hash !== hash);
    if (!force && !changed) return;
    if (!state) {
      // As BotState: a forced save with nothing loaded writes an empty state.
      await super.clear(context);
      state = this.get(context) as StoreItem;
      hash = calculateChangeHash(state);
      known = undefined;
    }
    const key = await this.storageKey(context);
    const sent = known?.eTag;
    state.eTag = sent ?? '*';
    await this.storage.write({ [key]: state });
    if (state.eTag === (sent ?? '*')) {
      // The storage did not report the new eTag in place: ask it, or the next save would conflict.
      const stored = (await this.storage.read([key]))[key] as StoreItem | undefined;
      state.eTag = stored?.eTag;
    }
    context.turnState.set(this.tracked, {
      state,
      hash,
      eTag: typeof state.eTag === 'string' && state.eTag !== '*' ? state.eTag : undefined,
    } satisfies Tracked);
  }
}
