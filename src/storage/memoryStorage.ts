import { randomUUID } from 'node:crypto';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import { hashKey } from '../privacy/redact';
import { StateConflictError } from './errors';
import { conditionalETag, itemFromStored, serializeWithoutETag } from './storeItems';

interface Entry {
  eTag: string;
  /** JSON, so a reader never shares objects with the writer (as with a real store). */
  data: string;
  expiresAt: number;
}

/** Options of {@link ExpiringMemoryStorage}. */
export interface ExpiringMemoryStorageOptions {
  /** HMAC key for the keys held, so not even a heap dump shows conversation ids as keys. */
  secret: string;
  /** Every write (re)sets this TTL: the idle timeout. */
  ttlMs: number;
  /** The store's own time for TTLs. Default Date.now. */
  now?: () => number;
  /** How often expired items are swept; 0 turns the timer off (reads still ignore expired items). */
  sweepIntervalMs?: number;
}

/**
 * botbuilder `Storage` for one instance, with the same semantics as RedisStorage: eTags and
 * compare-and-set ({@link StateConflictError}), `*` or no eTag for unconditional writes, a TTL per write,
 * HMAC-hashed keys, and an unref'd periodic sweep so abandoned conversations are dropped after the idle
 * timeout even when never read again (botbuilder's MemoryStorage keeps them forever). Each call runs
 * synchronously inside, which makes it atomic in Node's single thread.
 */
export class ExpiringMemoryStorage implements Storage {
  private readonly entries = new Map<string, Entry>();
  private readonly secret: string;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly timer?: NodeJS.Timeout;

  constructor(options: ExpiringMemoryStorageOptions) {
    this.secret = options.secret;
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? Date.now;
    const every = options.sweepIntervalMs ?? 60_000;
    if (every > 0) {
      this.timer = setInterval(() => this.sweep(), every);
      this.timer.unref();
    }
  }

  /** Drops every expired item; returns how many went. */
  sweep(): number {
    const now = this.now();
    let dropped = 0;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) {
        this.entries.delete(key);
        dropped += 1;
      }
    }
    return dropped;
  }

  /** Keys held, expired ones included until swept (for tests and the privacy scan). */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Everything held, keys and JSON, as one string (for "no personal data kept" assertions). */
  dump(): string {
    return [...this.entries].map(([k, e]) => `${k} ${e.data}`).join('\n');
  }

  private live(hashed: string): Entry | undefined {
    const entry = this.entries.get(hashed);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(hashed);
      return undefined;
    }
    return entry;
  }

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    for (const key of keys) {
      const entry = this.live(hashKey(this.secret, key));
      // Every entry was written by serializeWithoutETag, so its text can be handed on as STORED_JSON.
      if (entry) items[key] = itemFromStored(entry.data, entry.eTag, true);
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const hashed = hashKey(this.secret, key);
      const expected = conditionalETag(item);
      if (expected && this.live(hashed)?.eTag !== expected) throw new StateConflictError();
      const eTag = randomUUID();
      this.entries.set(hashed, {
        eTag,
        data: serializeWithoutETag(item),
        expiresAt: this.now() + this.ttlMs,
      });
      // As RedisStorage: the caller's object now carries the stored eTag, so it can be written again.
      if (item && typeof item === 'object') (item as StoreItem).eTag = eTag;
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.entries.delete(hashKey(this.secret, key));
  }

  /** Stops the sweep and drops everything. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.entries.clear();
  }
}
