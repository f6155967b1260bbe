import { randomUUID } from 'node:crypto';
import type { SharedStore } from './shared';

/** Options of {@link TurnLock.acquire}. */
export interface AcquireOptions {
  /** How long the lock holds if its holder never releases it (a crashed instance). */
  ttlMs: number;
  /** How long to keep trying before giving up; 0 tries once. */
  waitMs: number;
}

/** Releases a lock; does nothing when the lock already expired and someone else holds it now. */
export type ReleaseLock = () => Promise<void>;

/** Options of {@link TurnLock}. */
export interface TurnLockOptions {
  /** Put before every lock key. Default `lock:`. */
  keyPrefix?: string;
  /** First pause between tries; it doubles up to `maxBackoffMs`, each with random jitter. Default 10. */
  minBackoffMs?: number;
  /** Default 100. */
  maxBackoffMs?: number;
  /** For tests. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A mutual-exclusion lock over any {@link SharedStore}, so one conversation's turns run one at a time
 * across instances. Acquire is `setIfAbsent` with a random token; release is `deleteIfEquals` with that
 * token, so a holder whose lock expired cannot release the next holder's lock. Keys must already be
 * pseudonymous (e.g. an HMAC of the conversation id): they reach the store as given.
 */
export class TurnLock {
  private readonly prefix: string;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly store: SharedStore,
    options: TurnLockOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? 'lock:';
    this.minBackoffMs = options.minBackoffMs ?? 10;
    this.maxBackoffMs = options.maxBackoffMs ?? 100;
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
  }

  /**
   * Tries to take the lock for `key`, polling with jittered backoff for up to `waitMs`. Returns the
   * release function, or undefined when the lock could not be had in time. Store failures
   * (StoreUnavailableError) propagate: the caller decides whether a turn may run unlocked.
   */
  async acquire(key: string, options: AcquireOptions): Promise<ReleaseLock | undefined> {
    const fullKey = this.prefix + key;
    const token = randomUUID();
    const deadline = this.now() + Math.max(0, options.waitMs);
    let backoff = this.minBackoffMs;
    for (;;) {
      if (await this.store.setIfAbsent(fullKey, token, options.ttlMs)) {
        let released = false;
        return async () => {
          if (released) return;
          released = true;
          await this.store.deleteIfEquals(fullKey, token);
        };
      }
      const left = deadline - this.now();
      if (left <= 0) return undefined;
      // Full jitter: waiters that collided once do not collide again in lockstep.
      const pause = Math.min(left, Math.max(1, Math.round(backoff / 2 + (Math.random() * backoff) / 2)));
      await this.sleep(pause);
      backoff = Math.min(this.maxBackoffMs, backoff * 2);
    }
  }
}
