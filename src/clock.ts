/** The one source of "now". Injected everywhere so tests and demos can pin it (FIXED_NOW). */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** A clock pinned to an instant; it still ticks forward from there so timeouts behave in demos. */
export function fixedClock(iso: string, ticking = false): Clock {
  const pinned = Date.parse(iso);
  const startedAt = Date.now();
  return ticking ? () => new Date(pinned + (Date.now() - startedAt)) : () => new Date(pinned);
}

/** The instant as an ISO string with offset, the form the rules module takes. */
export function isoNow(clock: Clock): string {
  return clock().toISOString();
}
