import type { Lang } from '../i18n';

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
}
