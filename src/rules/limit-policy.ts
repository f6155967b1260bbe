/**
 * Abuse limits that hold across restarts of the flow, across conversations and across instances (they
 * live in the shared store). The per-attempt rules of CODE_POLICY stay; these sit above them, so that
 * "start again" or a new conversation buys no fresh SMS codes, guesses or lookups.
 */

/** A sliding window: at most `max` events in any `windowMinutes`. */
export interface LimitWindow {
  readonly max: number;
  readonly windowMinutes: number;
}

/**
 * The product owner's limits:
 * - `codesPerPhoneShort` / `codesPerPhoneDay`: one-time codes sent to one phone number (resends count);
 * - `codesPerConversation`: codes sent from one conversation, whatever the number;
 * - `codesPerClient`: codes sent for one client address (only where the address identifies the user);
 * - `wrongCodes`: wrong codes per phone number and per ID number before verification of either pauses;
 * - `idsPerPhone`: distinct ID numbers looked up in the register with one verified phone number;
 * - `messagesPerConversation`: messages one conversation may send before the bot stops reading;
 * - `retryAsClockTimeFromMinutes`: waits this long or longer are told as a clock time, shorter ones in
 *   minutes.
 */
export const LIMIT_POLICY = {
  codesPerPhoneShort: { max: 3, windowMinutes: 15 },
  codesPerPhoneDay: { max: 10, windowMinutes: 24 * 60 },
  codesPerConversation: { max: 5, windowMinutes: 60 },
  codesPerClient: { max: 10, windowMinutes: 60 },
  wrongCodes: { max: 3, windowMinutes: 60 },
  idsPerPhone: { max: 3, windowMinutes: 24 * 60 },
  messagesPerConversation: { max: 30, windowMinutes: 1 },
  retryAsClockTimeFromMinutes: 60,
} as const satisfies Record<string, LimitWindow | number>;

/** The names limits are known by in answers, audit entries and metrics (never an id or a number). */
export const LIMIT_NAMES = [
  'codes-per-phone',
  'codes-per-conversation',
  'codes-per-client',
  'wrong-codes-phone',
  'wrong-codes-id',
  'ids-per-phone',
  'messages-per-conversation',
] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

/** How a wait is told: in whole minutes (rounded up, at least 1) or as the clock time it ends. */
export type RetryWording = { unit: 'minutes'; minutes: number } | { unit: 'clock'; at: string };

/**
 * How to tell the user when a limit lets them try again: `waitMs` from now, ending at the instant
 * `retryAt` (ISO). Short waits in minutes, long ones as a clock time.
 */
export function retryWording(waitMs: number, retryAt: string): RetryWording {
  const minutes = Math.max(1, Math.ceil(Math.max(0, waitMs) / 60_000));
  if (minutes >= LIMIT_POLICY.retryAsClockTimeFromMinutes) return { unit: 'clock', at: retryAt };
  return { unit: 'minutes', minutes };
}
