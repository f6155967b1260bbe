/**
 * Every call the bot makes to something outside itself (the channel's serviceUrl, the SMS gateway, the
 * MinID register) gets a deadline and a bounded number of retries. Without them a channel that accepts
 * the connection and never answers held a turn, and with it the conversation's turn lock, for minutes;
 * and botbuilder's own pipeline honours any `Retry-After` a serviceUrl sends, however long.
 */

/** How long one outgoing call may take in all, and how often it may be tried again. */
export interface OutgoingPolicy {
  /** The whole budget of one call: every attempt and every pause between attempts fit in it. */
  timeoutMs: number;
  /** Further attempts after the first, on errors that are safe to repeat. */
  retries: number;
  /** Pause before the first retry; doubled for each further one (cut short by the budget). */
  backoffMs?: number;
}

export type OutgoingFailure = 'timeout' | 'network' | 'status' | 'redirect' | 'too-large';

/**
 * An outgoing call that failed or ran out of time. The message names only the kind of failure and the
 * status: URLs carry conversation ids, and headers carry credentials.
 */
export class OutgoingCallError extends Error {
  constructor(
    /** What was called: `channel`, `sms` or `minid`. */
    readonly target: string,
    readonly failure: OutgoingFailure,
    readonly status?: number,
    readonly attempts = 1,
  ) {
    super(
      `outgoing call to ${target} failed: ${failure}${status ? ` (HTTP ${status})` : ''} after ${attempts} attempt(s)`,
    );
    this.name = 'OutgoingCallError';
  }
}

/** Thrown inside an attempt to ask for another one (after `delayMs`, when the budget allows). */
export class RetryableError extends Error {
  constructor(
    readonly cause: OutgoingCallError,
    readonly delayMs?: number,
  ) {
    super(cause.message);
    this.name = 'RetryableError';
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });

/**
 * Runs `attempt` under the policy: each attempt gets a signal that aborts when the call's budget is
 * spent; an attempt that throws {@link RetryableError} is repeated (at most `retries` times, after a
 * short pause) while budget is left. Whatever happens, the returned promise settles within the budget:
 * an attempt that ignores its signal is left behind, its late result dropped.
 */
export async function callWithPolicy<T>(
  target: string,
  policy: OutgoingPolicy,
  attempt: (signal: AbortSignal, attemptNo: number) => Promise<T>,
  upstream?: AbortSignal,
): Promise<T> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), policy.timeoutMs);
  const signal = upstream ? AbortSignal.any([deadline.signal, upstream]) : deadline.signal;
  const started = Date.now();
  let attempts = 0;
  try {
    for (;;) {
      attempts += 1;
      let outcome: { ok: true; value: T } | { ok: false; error: unknown };
      try {
        outcome = { ok: true, value: await untilAborted(attempt(signal, attempts), signal) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      if (outcome.ok) return outcome.value;
      const { error } = outcome;
      if (signal.aborted) throw new OutgoingCallError(target, 'timeout', undefined, attempts);
      if (!(error instanceof RetryableError)) throw error;
      const left = policy.timeoutMs - (Date.now() - started);
      const pause = error.delayMs ?? (policy.backoffMs ?? 200) * 2 ** (attempts - 1);
      // A pause the budget cannot hold (a long Retry-After, say) ends the call now rather than later.
      if (attempts > policy.retries || pause >= left) {
        throw new OutgoingCallError(target, error.cause.failure, error.cause.status, attempts);
      }
      await sleep(pause, signal);
      if (signal.aborted) throw new OutgoingCallError(target, 'timeout', undefined, attempts);
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Settles with `work`, or rejects as soon as `signal` aborts (a late rejection of `work` is swallowed). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(new Error('aborted'));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
