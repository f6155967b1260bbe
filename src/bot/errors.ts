import type { BotState, TurnContext } from 'botbuilder';
import type { i18n } from 'i18next';
import type { Logger } from '../logging';
import type { Metrics } from '../metrics';
import { pseudonymize } from '../privacy/redact';
import { SUPPORT } from '../rules';
import { renderMessage } from './render';
import { DIALOG_STATE_PROPERTY } from './session';
import { turnLang } from './turn';
import { OutgoingCallError } from '../http/outgoing';

function isChannelFailure(error: unknown): boolean {
  return error instanceof OutgoingCallError && error.target === 'channel';
}

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
 * The adapter's last line of defence. It logs (redacted by the logger), apologises in the user's language
 * and clears the dialog stack so the next message starts from a working state; the session (language,
 * welcome) is kept. No stack trace or error text ever reaches the user.
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
    deps.logger.error(
      {
        err: error,
        conversation: pseudonymize(context.activity.conversation?.id, deps.privacySecret),
        channel: context.activity.channelId,
      },
      'unhandled turn error',
    );
    try {
      // When the channel itself could not be reached in time, an apology would only wait out another
      // timeout (holding the conversation's turn lock) and be lost as well.
      if (!isChannelFailure(error)) {
        const t = deps.i18n.getFixedT(turnLang(context));
        await context.sendActivity(
          renderMessage(context.activity.channelId, t('errors.apology', { phone: SUPPORT.phone })),
        );
      }
      const dialogState = deps.conversationState.createProperty(DIALOG_STATE_PROPERTY);
      await dialogState.delete(context);
      await deps.conversationState.saveChanges(context, true);
    } catch (inner) {
      deps.logger.error({ err: inner }, 'turn error handler failed');
    }
  };
}
