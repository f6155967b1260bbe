import type { BotState, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { DialogInstance, DialogState, PromptOptions } from 'botbuilder-dialogs';
import { renderMessage } from '../bot/render';
import { DIALOG_STATE_PROPERTY } from '../bot/session';
import type { InternalChannels } from '../channels/internal';
import type { Deliver } from './builtinHub';

/** The prompt the user was answering when the conversation was handed off (innermost on the stack). */
function pendingPrompt(state: DialogState | undefined, depth = 0): PromptOptions['prompt'] | undefined {
  const top: DialogInstance | undefined = state?.dialogStack?.at(-1);
  if (!top || depth > 12) return undefined;
  const inner = pendingPrompt((top.state as { dialogs?: DialogState } | undefined)?.dialogs, depth + 1);
  return inner ?? (top.state as { options?: PromptOptions } | undefined)?.options?.prompt;
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
  options?: { resumePrompt?: boolean },
): (context: TurnContext) => Promise<void> {
  const dialogState = conversationState.createProperty<DialogState>(DIALOG_STATE_PROPERTY);
  return async (context: TurnContext) => {
    await context.sendActivity(renderMessage(reference.channelId, text));
    if (!options?.resumePrompt) return;
    await conversationState.load(context);
    const prompt = pendingPrompt(await dialogState.get(context));
    if (prompt) await context.sendActivity(prompt);
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
}): Deliver {
  return async (reference: Partial<ConversationReference>, text, options) => {
    const logic = deliveryLogic(deps.conversationState, reference, text, options);
    if (deps.channels?.owns(reference.serviceUrl)) {
      await deps.channels.continueConversation(reference, logic);
      return;
    }
    await deps.adapter.continueConversationAsync(deps.botAppId, reference, logic);
  };
}
