import type { Lang } from '../i18n';
import type { OrderOutcome } from '../rules';

/**
 * The bot's own per-conversation state besides the dialog stack. Plain and small: it is serialised to
 * storage every turn (memory now, Redis later). Personal data never goes here; the order dialog keeps the
 * number and phone in its own waterfall values, which vanish when the dialog ends or is cancelled.
 */
/** Property names in conversation state, shared by the bot and the turn error handler. */
export const SESSION_PROPERTY = 'session';
export const DIALOG_STATE_PROPERTY = 'dialogState';

/**
 * What this conversation has established, so later questions can use it ("when does it come?" right after
 * ordering). Small and plain, and never any ID number, phone number or code: dates and outcomes only.
 */
export interface ConversationMemory {
  /** The flow that ran last. */
  flow?: 'order' | 'letter' | 'app' | 'age';
  /** An order made in this conversation, with its dates (Europe/Oslo local dates). */
  order?: { orderedOn: string; deliveryBy: string; validUntil: string };
  /** How the last order attempt ended (the rules module's outcome). */
  orderOutcome?: 'can-order' | 'too-young' | 'has-minid' | 'active-order' | 'no-address';
  /** The age rule's answer, from the number or the birth year. */
  ageOutcome?: 'can-order' | 'too-young';
  /** Fallbacks in a row at the top level; two in a row offer a person. */
  fallbacks?: number;
}

export interface SessionState {
  lang?: Lang;
  /** How the language was chosen; an explicit choice is never overridden by detection. */
  langSource?: 'explicit' | 'words' | 'channel' | 'default';
  welcomed?: boolean;
  /** ISO instant of the last user activity, for idle expiry. */
  lastSeenAt?: string;
  memory?: ConversationMemory;
  /** What a support agent's summary needs beyond the dialog stack (src/handoff/summary.ts); no personal data. */
  notes?: HandoffNotes;
  /** Set while the conversation is handed off to a person: the pseudonymous handoff id. */
  handoff?: { id: string };
  /**
   * A person offered and not yet answered (yes queues, no goes on): why it was offered. Dropped by any
   * other message, kept across a language switch.
   */
  offer?: { reason: 'asked' | 'failed-tries' | 'rule' | 'not-understood' };
}

/** Failure tags with counts, the order outcome and at most two digits of the number. */
export interface HandoffNotes {
  failures?: Record<string, number>;
  outcome?: OrderOutcome;
  numberEndsWith?: string;
}
