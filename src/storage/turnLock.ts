import { randomBytes } from 'node:crypto';
import type { TurnLockPort } from '../bot/turnSerializer';
import type { SharedStore } from './shared';

const MAX_BACKOFF_MS = 50;

/**
 * A lock per key over the shared store: `SET key token NX PX ttl` to take it, compare-and-delete on the
 * token to release it, so a holder whose lock already expired can never release someone else's. With the
 * memory store it serves one instance; with Redis, all of them.
 */
export class SharedStoreTurnLock implements TurnLockPort {
  constructor(private readonly store: SharedStore) {}

  /** Takes the lock within `waitMs` (polling with jittered backoff), or resolves undefined. */
  async acquire(
    key: string,
    options: { ttlMs: number; waitMs: number },
  ): Promise<(() => Promise<void>) | undefined> {
    const token = randomBytes(16).toString('hex');
    const deadline = Date.now() + options.waitMs;
    let backoff = 2;
    for (;;) {
      if (await this.store.setIfAbsent(key, token, options.ttlMs)) {
        return async () => {
          await this.store.deleteIfEquals(key, token);
        };
      }
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, backoff + Math.random() * backoff)));
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }
  }
}
