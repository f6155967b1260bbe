/** What the serializer needs from a distributed lock (src/storage/turnLock.ts implements it). */
export interface TurnLockPort {
  /** Resolves with a release function, or undefined when the lock could not be had within `waitMs`. */
  acquire(
    key: string,
    options: { ttlMs: number; waitMs: number },
  ): Promise<(() => Promise<void>) | undefined>;
}

/** Dependencies of {@link TurnSerializer}. */
export interface TurnSerializerDeps {
  lock: TurnLockPort;
  /** How long a held lock lives if its holder dies (SIGKILL) without releasing it. */
  lockTtlMs: number;
  /** How long a turn waits for the turns before it, in all, before it gets the "one moment" answer. */
  waitMs: number;
  /** Reports a failed release (the lock then expires by its TTL). */
  onReleaseError?: (err: unknown) => void;
}

/**
 * One turn at a time per conversation. Inside an instance, turns of one conversation queue in arrival
 * order (a promise chain per key), so two quick messages are answered in the order they were sent; across
 * instances the shared lock keeps them apart. Without it, overlapping turns each load the same state and
 * the last save wins: a code race counts one try for 300 guesses, and two quick answers contradict.
 */
export class TurnSerializer {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly deps: TurnSerializerDeps) {}

  /**
   * Runs `work` once every earlier turn of `key` is done and the shared lock is held; runs `busy` instead
   * when that takes longer than `waitMs`. Keys must already be pseudonymous.
   */
  async run<T>(key: string, work: () => Promise<T>, busy: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const before = this.tails.get(key) ?? Promise.resolve();
    let finished!: () => void;
    const mine = new Promise<void>((resolve) => (finished = resolve));
    // The next turn waits for this one and, through it, for every one before.
    const tail = before.then(() => mine);
    this.tails.set(key, tail);
    // Forget the key only once every turn queued so far is done: a turn that gave up ("busy") must not
    // let a later one skip ahead of the turn still running.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    try {
      const inTurn = await waitAtMost(before, this.deps.waitMs);
      if (!inTurn) return await busy();
      const waitMs = Math.max(0, this.deps.waitMs - (Date.now() - started));
      const release = await this.deps.lock.acquire(key, { ttlMs: this.deps.lockTtlMs, waitMs });
      if (!release) return await busy();
      try {
        return await work();
      } finally {
        await release().catch((err: unknown) => this.deps.onReleaseError?.(err));
      }
    } finally {
      finished();
    }
  }

  /** Conversations with a turn running or waiting in this instance (for graceful shutdown and tests). */
  get active(): number {
    return this.tails.size;
  }
}

/** True when `promise` settles within `ms`; a rejected predecessor still lets the next turn go. */
function waitAtMost(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}
