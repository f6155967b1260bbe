import type { BotState, TurnContext } from 'botbuilder';
import type { i18n } from 'i18next';
import { localeToLang, type Lang } from '../i18n';
import type { Logger } from '../logging';
import { pseudonymize } from '../privacy/redact';
import { SUPPORT } from '../rules';
import { StateConflictError } from '../storage/errors';
import { StoreUnavailableError } from '../storage/shared';
import { channelLocale } from './language';
import { renderMessage } from './render';
import { DIALOG_STATE_PROPERTY } from './session';
import { turnLangIfSet } from './turn';

/** How the handler treats a failed turn; one kind per failure that needs a different answer. */
export type TurnErrorKind = 'conflict' | 'store-unavailable' | 'other';

/** Sorts a turn error into the kinds the handler (and the metrics) tell apart. */
export function turnErrorKind(error: unknown): TurnErrorKind {
  if (error instanceof StateConflictError) return 'conflict';
  if (error instanceof StoreUnavailableError) return 'store-unavailable';
  return 'other';
}

const ANSWER: Record<TurnErrorKind, string> = {
  conflict: 'errors.conflict',
  'store-unavailable': 'errors.storeUnavailable',
  other: 'errors.apology',
};

/**
 * The adapter's last line of defence. It logs (redacted by the logger), apologises in the user's language
 * and keeps the conversation usable. No stack trace or error text ever reaches the user.
 *
 * - `other` (a bug, a failing service): the dialog stack is cleared so the next message starts from a
 *   working state; the session (language, welcome) is kept.
 * - `conflict`: another turn of this conversation saved first (a turn lock outlived by a very slow turn,
 *   or state expired meanwhile). The stored state is the newer one and valid: it is left alone, and the
 *   user is asked to send the message again. Clearing it here would destroy the other turn's work.
 * - `store-unavailable`: the store (Redis) is down; writing to it would fail again, so nothing is
 *   written. The user gets the support phone; the bot recovers by itself when the store returns.
 */
export function createTurnErrorHandler(deps: {
  logger: Logger;
  i18n: i18n;
  conversationState: BotState;
  privacySecret: string;
  /** Told of every failed turn (metrics). */
  onError?: (kind: TurnErrorKind) => void;
}): (context: TurnContext, error: Error) => Promise<void> {
  return async (context, error) => {
    const kind = turnErrorKind(error);
    deps.onError?.(kind);
    const fields = {
      err: error,
      kind,
      conversation: pseudonymize(context.activity.conversation?.id, deps.privacySecret),
      channel: context.activity.channelId,
    };
    // A conflict or an outage is an expected condition of a shared store, not a bug.
    if (kind === 'other') deps.logger.error(fields, 'unhandled turn error');
    else deps.logger.warn(fields, 'turn failed on the store');
    try {
      const t = deps.i18n.getFixedT(languageOf(context));
      await context.sendActivity(
        renderMessage(context.activity.channelId, t(ANSWER[kind], { phone: SUPPORT.phone })),
      );
      if (kind !== 'other') return;
      const dialogState = deps.conversationState.createProperty(DIALOG_STATE_PROPERTY);
      await dialogState.delete(context);
      await deps.conversationState.saveChanges(context, true);
    } catch (inner) {
      deps.logger.error({ err: inner }, 'turn error handler failed');
    }
  };
}

/** The turn's language; when the turn failed before it was settled (store down at load), the channel's. */
function languageOf(context: TurnContext): Lang {
  return turnLangIfSet(context) ?? localeToLang(channelLocale(context)) ?? 'nb';
}
