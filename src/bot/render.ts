import { ActivityTypes, CardFactory, MessageFactory, type Activity, type CardAction } from 'botbuilder';
import { ListStyle } from 'botbuilder-dialogs';

/**
 * Channel rendering lives here and only here: dialogs hand over text and choices, this decides whether
 * they become suggested actions (Web Chat, Emulator), a hero card (Teams, which shows at most 3 suggested
 * actions) or a numbered plain-text list (SMS).
 */
export interface RenderChoice {
  /** Shown to the user. */
  title: string;
  /** Sent back when tapped; also what a typed number resolves to. */
  value: string;
}

const SUGGESTED_ACTION_CHANNELS = new Set(['webchat', 'directline', 'emulator', 'test']);
const TEAMS_MAX_SUGGESTED = 3;

/** Characters outside GSM-7 that our texts may use, and their GSM-7 stand-ins (Æ, Ø, Å are GSM-7). */
const GSM7_FOLD: Record<string, string> = {
  '«': '"',
  '»': '"',
  '“': '"',
  '”': '"',
  '‘': "'",
  '’': "'",
  '–': '-',
  '—': '-',
  '…': '...',
  '\u00a0': ' ',
  '•': '*',
};

export function foldToGsm7(text: string): string {
  return text.replace(/[«»“”‘’–—…\u00a0•]/g, (c) => GSM7_FOLD[c] ?? c);
}

export function isSmsChannel(channelId: string | undefined): boolean {
  return channelId === 'sms' || channelId === 'twilio-sms' || channelId === 'acs_sms';
}

/** Builds the reply activity for one message with optional choices, shaped for the channel. */
export function renderMessage(
  channelId: string | undefined,
  text: string,
  choices?: RenderChoice[],
): Partial<Activity> {
  if (isSmsChannel(channelId)) {
    const list = choices?.length ? '\n' + choices.map((c, i) => `${i + 1}. ${c.title}`).join('\n') : '';
    return { type: ActivityTypes.Message, text: foldToGsm7(text + list) };
  }
  if (!choices?.length) return MessageFactory.text(text);
  const actions: CardAction[] = choices.map((c) => ({ type: 'imBack', title: c.title, value: c.value }));
  if (channelId === 'msteams' && choices.length > TEAMS_MAX_SUGGESTED) {
    return MessageFactory.attachment(CardFactory.heroCard('', text, undefined, actions));
  }
  if (channelId === 'msteams' || SUGGESTED_ACTION_CHANNELS.has(channelId ?? '') || !channelId) {
    return MessageFactory.suggestedActions(actions, text);
  }
  // Unknown channels get both: suggested actions where supported and a readable numbered list.
  const list = choices.map((c, i) => `${i + 1}. ${c.title}`).join('\n');
  return MessageFactory.suggestedActions(actions, `${text}\n${list}`);
}

/**
 * How a prompt shows its choices on a channel. botbuilder's own choice (ListStyle.auto) falls back to a
 * plain list whenever a title is longer than 20 characters, which most Norwegian titles are; this keeps
 * buttons where the channel has them.
 */
export function choiceStyle(channelId: string | undefined, count: number): ListStyle {
  if (isSmsChannel(channelId)) return ListStyle.list;
  if (channelId === 'msteams')
    return count > TEAMS_MAX_SUGGESTED ? ListStyle.heroCard : ListStyle.suggestedAction;
  if (!channelId || SUGGESTED_ACTION_CHANNELS.has(channelId)) return ListStyle.suggestedAction;
  return ListStyle.auto;
}
