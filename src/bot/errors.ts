import type { BotState, TurnContext } from 'botbuilder';
import type { i18n } from 'i18next';
import { localeToLang, type Lang } from '../i18n';
import type { Logger } from '../logging';
import type { Metrics } from '../metrics';
import { pseudonymize } from '../privacy/redact';
import { SUPPORT } from '../rules';
import { StateConflictError } from '../storage/errors';
import { StoreUnavailableError } from '../storage/shared';
import { OutgoingCallError } from '../http/outgoing';
import { SmsSendError } from '../sms/twilio';
import { channelLocale } from './language';
import { isSmsChannel, renderMessage } from './render';
import { DIALOG_STATE_PROPERTY } from './session';
import { turnLangIfSet } from './turn';

/** How the handler treats a failed turn; one kind per failure that needs a different answer. */
export type TurnErrorKind = 'conflict' | 'store-unavailable' | 'channel-unreachable' | 'sms-failed' | 'other';

/** Sorts a turn error into the kinds the handler tells apart. */
export function turnErrorKind(error: unknown): TurnErrorKind {
  if (error instanceof StateConflictError) return 'conflict';
  if (error instanceof StoreUnavailableError) return 'store-unavailable';
  if (error instanceof OutgoingCallError && error.target === 'channel') return 'channel-unreachable';
  // The SMS gateway refused or timed out (a code could not be sent): the user is told so, not "a bug".
  if (error instanceof SmsSendError || (error instanceof OutgoingCallError && error.target === 'sms')) {
    return 'sms-failed';
  }
  return 'other';
}

const ANSWER: Record<Exclude<TurnErrorKind, 'channel-unreachable'>, string> = {
  conflict: 'errors.conflict',
  'store-unavailable': 'errors.storeUnavailable',
  'sms-failed': 'sms.sendFailed',
  other: 'errors.apology',
};

const HANDLED = Symbol('minid.turnErrorHandled');

/**
 * Marks a turn's error as handled. The bot handles a failed turn while it still holds the conversation's
 * turn lock; the adapter's handler, which runs after the lock is released, then leaves it alone instead
 * of writing state under the next turn's feet.
 */
export function markTurnErrorHandled(context: TurnContext, error: unknown): void {
  context.turnState.set(HANDLED, error);
}

/**
 * The last line of defence of a turn. It logs (redacted by the logger), apologises in the user's
 * language and keeps the conversation usable. No stack trace or error text ever reaches the user.
 *
 * - `other` (a bug, a failing service): the dialog stack is cleared so the next message starts from a
 *   working state; the session (language, welcome) is kept.
 * - `conflict`: another turn of this conversation saved first (a turn lock outlived by a very slow turn,
 *   or state expired meanwhile). The stored state is the newer one and valid: it is left alone, and the
 *   user is asked to send the message again. Clearing it here would destroy the other turn's work.
 * - `store-unavailable`: the store (Redis) is down; writing to it would fail again, so nothing is
 *   written. The user gets the support phone; the bot recovers by itself when the store returns.
 * - `channel-unreachable`: the channel could not take the replies in time; an apology would only wait
 *   out another timeout (holding the conversation's turn lock) and be lost as well. The stack is cleared.
 */
export function createTurnErrorHandler(deps: {
  logger: Logger;
  i18n: i18n;
  conversationState: BotState;
  privacySecret: string;
  metrics?: Pick<Metrics, 'turnError'>;
}): (context: TurnContext, error: Error) => Promise<void> {
  return async (context, error) => {
    if (context.turnState.get(HANDLED) === error) return;
    deps.metrics?.turnError(context, error);
    const kind = turnErrorKind(error);
    const fields = {
      err: error,
      kind,
      conversation: pseudonymize(context.activity.conversation?.id, deps.privacySecret),
      channel: context.activity.channelId,
    };
    // A conflict or an outage is an expected condition of a shared store, not a bug.
    if (kind === 'conflict' || kind === 'store-unavailable') {
      deps.logger.warn(fields, 'turn failed on the store');
    } else {
      deps.logger.error(fields, 'unhandled turn error');
    }
    try {
      if (kind !== 'channel-unreachable') {
        const t = deps.i18n.getFixedT(languageOf(context));
        await context.sendActivity(
          renderMessage(
            context.activity.channelId,
            t(ANSWER[kind], {
              phone: SUPPORT.phone,
              ...(isSmsChannel(context.activity.channelId) ? { context: 'sms' } : {}),
            }),
          ),
        );
      }
      if (kind === 'conflict' || kind === 'store-unavailable') return;
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
