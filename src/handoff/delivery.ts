import type { BotState, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { DialogState, PromptOptions } from 'botbuilder-dialogs';
import { renderMessage } from '../bot/render';
import type { i18n } from 'i18next';
import { bindPromptTexts } from '../bot/promptTexts';
import { activeInstances } from '../bot/dialogStack';
import { DIALOG_STATE_PROPERTY, SESSION_PROPERTY, type SessionState } from '../bot/session';
import { promptSpecOf } from '../bot/text';
import { setTurnLanguage } from '../bot/turn';
import type { InternalChannels } from '../channels/internal';
import type { Deliver } from './builtinHub';

/** The options of the prompt the user was answering when the conversation was handed off (innermost). */
function pendingPrompt(state: DialogState | undefined): PromptOptions | undefined {
  for (const instance of activeInstances(state).reverse()) {
    const options = (instance.state as { options?: PromptOptions } | undefined)?.options;
    if (options?.prompt || promptSpecOf(options)) return options;
  }
  return undefined;
}

/**
 * What delivering one hub text does inside a turn of the user's conversation: the text, and with
 * `resumePrompt` the question the user was answering, read from conversation state without writing it.
 * Shared by {@link proactiveDelivery} and test adapters that have no proactive path of their own.
 */
export function deliveryLogic(
  conversationState: BotState,
  reference: Partial<ConversationReference>,
  text: string,
  options: { resumePrompt?: boolean } | undefined,
  i18n: i18n,
): (context: TurnContext) => Promise<void> {
  const dialogState = conversationState.createProperty<DialogState>(DIALOG_STATE_PROPERTY);
  return async (context: TurnContext) => {
    await context.sendActivity(renderMessage(reference.channelId, text));
    if (!options?.resumePrompt) return;
    await conversationState.load(context);
    const state = await dialogState.get(context);
    const waiting = pendingPrompt(state);
    if (!waiting) return;
    // State keeps a prompt's locale keys, not its text: render it as a turn would, in the conversation's
    // language.
    const session = await conversationState.createProperty<SessionState>(SESSION_PROPERTY).get(context);
    const lang = session?.lang ?? 'nb';
    setTurnLanguage(context, lang, i18n.getFixedT(lang));
    bindPromptTexts(context, state);
    if (waiting.prompt) await context.sendActivity(waiting.prompt);
  };
}

/**
 * Delivers hub texts to the user outside their turn, through the channel the conversation came from
 * (CloudAdapter.continueConversationAsync with the stored reference). With `resumePrompt` the question the
 * user was answering is sent again after the text, read from conversation state without writing it, so
 * the user can answer it straight away.
 */
export function proactiveDelivery(deps: {
  adapter: CloudAdapter;
  /** Our own channels (web chat, SMS): their conversations are continued in-process. */
  channels?: Pick<InternalChannels, 'owns' | 'continueConversation'>;
  botAppId: string;
  conversationState: BotState;
  /** Renders the waiting prompt from its locale keys. */
  i18n: i18n;
}): Deliver {
  return async (reference: Partial<ConversationReference>, text, options) => {
    const logic = deliveryLogic(deps.conversationState, reference, text, options, deps.i18n);
    if (deps.channels?.owns(reference.serviceUrl)) {
      await deps.channels.continueConversation(reference, logic);
      return;
    }
    await deps.adapter.continueConversationAsync(deps.botAppId, reference, logic);
  };
}
