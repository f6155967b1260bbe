/**
 * The shared store port: the small set of atomic operations that limits, the turn lock, the sandbox
 * services and (later) the handoff queue and web chat tokens need, so two instances on one Redis behave
 * as one. Conversation state itself goes through botbuilder's `Storage` (see ./index.ts); this is for
 * everything else.
 *
 * Contract for every implementation (memory for one instance, Redis for several):
 * - Every key the caller passes is already pseudonymous (an HMAC or a fixed name); implementations never
 *   see a phone number, an ID number or a code, and callers must never pass one.
 * - Every write carries a TTL in milliseconds; nothing lives forever.
 * - Times for windows (`nowMs`) come from the caller's clock, so tests and FIXED_NOW control them; TTLs
 *   are only for clean-up and use the store's own time.
 * - Every operation is atomic with respect to other callers of the same key (Lua in Redis).
 */
export interface SharedStore {
  /**
   * Sliding-window counter: counts the events of `key` in `(nowMs - windowMs, nowMs]`; when fewer than
   * `limit`, records one at `nowMs` and allows it. `retryAfterMs` is how long until the oldest counted
   * event leaves the window (0 when allowed).
   */
  hit(key: string, windowMs: number, limit: number, nowMs: number): Promise<WindowHit>;
  /** The same count as `hit`, without recording anything. */
  count(key: string, windowMs: number, nowMs: number): Promise<number>;
  /**
   * Adds `member` to the set at `key` unless that would make it larger than `limit`; a member already in
   * the set is always allowed. The set's TTL is (re)set to `ttlMs`.
   */
  addToSet(
    key: string,
    member: string,
    limit: number,
    ttlMs: number,
  ): Promise<{ allowed: boolean; size: number }>;
  /** Plain value with a TTL. */
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** `SET key value NX PX ttlMs`: true when this caller set it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes the key only while it still holds `value` (a lock's token); true when deleted. */
  deleteIfEquals(key: string, value: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Appends to a list capped at `maxLength` (oldest dropped), TTL (re)set to `ttlMs`. */
  append(key: string, value: string, maxLength: number, ttlMs: number): Promise<void>;
  /** The whole list, oldest first. */
  list(key: string): Promise<string[]>;
  /** Throws when the store cannot be reached (for /readyz). */
  ping(): Promise<void>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** The outcome of {@link SharedStore.hit}. */
export interface WindowHit {
  allowed: boolean;
  /** Events in the window after this call. */
  count: number;
  retryAfterMs: number;
}

/** Thrown when the shared store (Redis) cannot be reached; the bot apologises with the support phone. */
export class StoreUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('The shared store is unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}
