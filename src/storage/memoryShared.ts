import type { SharedStore, WindowHit } from './shared';

interface Entry {
  expiresAt: number;
  value?: string;
  /** Event timestamps of a sliding window, ascending. */
  events?: number[];
  members?: Set<string>;
  items?: string[];
}

/** Dependencies of {@link MemorySharedStore}. */
export interface MemorySharedStoreOptions {
  /** The store's own time for TTLs; windows use the caller's `nowMs`. */
  now?: () => number;
  /** How often expired keys are swept; 0 turns the timer off (reads still ignore expired keys). */
  sweepIntervalMs?: number;
}

/**
 * {@link SharedStore} for one instance: a Map with TTLs and a periodic sweep, so nothing outlives its TTL
 * even when nobody reads it again. Operations run synchronously inside each call, which makes them
 * atomic in Node's single thread.
 */
export class MemorySharedStore implements SharedStore {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly timer?: NodeJS.Timeout;

  constructor(options: MemorySharedStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    const every = options.sweepIntervalMs ?? 30_000;
    if (every > 0) {
      this.timer = setInterval(() => this.sweep(), every);
      this.timer.unref();
    }
  }

  /** Drops every expired key; returns how many went. */
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

  /** Keys currently held (expired ones excluded), for tests and the privacy scan. */
  keys(): string[] {
    const now = this.now();
    return [...this.entries].filter(([, e]) => e.expiresAt > now).map(([k]) => k);
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private put(key: string, entry: Omit<Entry, 'expiresAt'>, ttlMs: number): void {
    this.entries.set(key, { ...entry, expiresAt: this.now() + ttlMs });
  }

  async hit(key: string, windowMs: number, limit: number, nowMs: number): Promise<WindowHit> {
    const events = (this.live(key)?.events ?? []).filter((t) => t > nowMs - windowMs && t <= nowMs);
    if (events.length >= limit) {
      this.put(key, { events }, windowMs);
      return {
        allowed: false,
        count: events.length,
        retryAfterMs: Math.max(1, events[0] + windowMs - nowMs),
      };
    }
    events.push(nowMs);
    this.put(key, { events }, windowMs);
    return { allowed: true, count: events.length, retryAfterMs: 0 };
  }

  async count(key: string, windowMs: number, nowMs: number): Promise<number> {
    return (this.live(key)?.events ?? []).filter((t) => t > nowMs - windowMs && t <= nowMs).length;
  }

  async addToSet(
    key: string,
    member: string,
    limit: number,
    ttlMs: number,
  ): Promise<{ allowed: boolean; size: number }> {
    const members = new Set(this.live(key)?.members ?? []);
    const allowed = members.has(member) || members.size < limit;
    if (allowed) members.add(member);
    this.put(key, { members }, ttlMs);
    return { allowed, size: members.size };
  }

  async get(key: string): Promise<string | undefined> {
    return this.live(key)?.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.put(key, { value }, ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.put(key, { value }, ttlMs);
    return true;
  }

  async deleteIfEquals(key: string, value: string): Promise<boolean> {
    if (this.live(key)?.value !== value) return false;
    this.entries.delete(key);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async append(key: string, value: string, maxLength: number, ttlMs: number): Promise<void> {
    const items = [...(this.live(key)?.items ?? []), value].slice(-maxLength);
    this.put(key, { items }, ttlMs);
  }

  async list(key: string): Promise<string[]> {
    return [...(this.live(key)?.items ?? [])];
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.entries.clear();
  }
}
