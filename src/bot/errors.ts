import type { BotState, TurnContext } from 'botbuilder';
import type { i18n } from 'i18next';
import type { Logger } from '../logging';
import type { Metrics } from '../metrics';
import { pseudonymize } from '../privacy/redact';
import { SUPPORT } from '../rules';
import { renderMessage } from './render';
import { DIALOG_STATE_PROPERTY } from './session';
import { turnLang } from './turn';

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
      const t = deps.i18n.getFixedT(turnLang(context));
      await context.sendActivity(
        renderMessage(context.activity.channelId, t('errors.apology', { phone: SUPPORT.phone })),
      );
      const dialogState = deps.conversationState.createProperty(DIALOG_STATE_PROPERTY);
      await dialogState.delete(context);
      await deps.conversationState.saveChanges(context, true);
    } catch (inner) {
      deps.logger.error({ err: inner }, 'turn error handler failed');
    }
  };
}
