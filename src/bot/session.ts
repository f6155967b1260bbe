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

export interface SessionState {
  lang?: Lang;
  /** How the language was chosen; an explicit choice is never overridden by detection. */
  langSource?: 'explicit' | 'words' | 'channel' | 'default';
  welcomed?: boolean;
  /** ISO instant of the last user activity, for idle expiry. */
  lastSeenAt?: string;
  /** What a support agent's summary needs beyond the dialog stack (src/handoff/summary.ts); no personal data. */
  notes?: HandoffNotes;
  /** Set while the conversation is handed off to a person: the pseudonymous handoff id. */
  handoff?: { id: string };
}

/** Failure tags with counts, the order outcome and at most two digits of the number. */
export interface HandoffNotes {
  failures?: Record<string, number>;
  outcome?: OrderOutcome;
  numberEndsWith?: string;
}
