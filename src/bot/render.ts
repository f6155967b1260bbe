import {
  ActivityTypes,
  CardFactory,
  MessageFactory,
  type Activity,
  type CardAction,
  type TurnContext,
} from 'botbuilder';
import { SegmentedMessage } from 'sms-segments-calculator';
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

/*
 * Reply shaping per channel, applied once per turn to everything the bot sends (MinIdBot.run installs it
 * with {@link shapeReplies}); the dialogs keep rendering as before and this is the last word on what a
 * channel can show.
 */

/** Most SMS segments one outgoing message may take (153 GSM-7 characters each when concatenated). */
export const SMS_MAX_SEGMENTS = 2;

/** GSM 03.38 basic character set (Æ Ø Å æ ø å are in it) and its extension table (two septets each). */
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';
const GSM7 = new Set([...GSM7_BASIC, ...GSM7_EXTENSION]);

/** Stand-ins for characters outside GSM-7 beyond {@link foldToGsm7}'s punctuation. */
const GSM7_EXTRA_FOLD: Record<string, string> = {
  '\t': ' ',
  '\u2009': ' ',
  '\u202f': ' ',
  '\u200b': '',
  '‚': ',',
  '„': '"',
  '‐': '-',
  '‑': '-',
  '−': '-',
  '×': 'x',
  '·': '*',
  '°': 'o',
  '´': "'",
  '`': "'",
};

/** True when every character of `text` is in GSM-7 (basic or extension table). */
export function isGsm7(text: string): boolean {
  for (const c of text) if (!GSM7.has(c)) return false;
  return true;
}

/**
 * Folds any text to GSM-7, so an SMS never falls back to UCS-2 (70 characters a segment): typographic
 * punctuation to ASCII, accented letters outside GSM-7 to their base letter (á → a; é, ü, æ, ø, å stay),
 * anything else to '?'.
 */
export function toGsm7(text: string): string {
  let out = '';
  for (const c of foldToGsm7(text.normalize('NFC'))) {
    if (GSM7.has(c)) out += c;
    else if (c in GSM7_EXTRA_FOLD) out += GSM7_EXTRA_FOLD[c];
    else {
      const base = c.normalize('NFD').replace(/\p{M}/gu, '');
      out += base && isGsm7(base) ? base : '?';
    }
  }
  return out;
}

/** Segments `text` takes as Twilio counts them (its smart encoding on), and its encoding. */
export function smsSegments(text: string): { segments: number; encoding: string } {
  const m = new SegmentedMessage(text, 'auto', true);
  return { segments: m.segmentsCount, encoding: m.encodingName };
}

/** True when `text` goes out as GSM-7 in at most {@link SMS_MAX_SEGMENTS} segments. */
export function fitsSms(text: string): boolean {
  const { segments, encoding } = smsSegments(text);
  return encoding === 'GSM-7' && segments <= SMS_MAX_SEGMENTS && isGsm7(text);
}

/** Splits one (folded) text into pieces that each fit an SMS: at lines, then sentences, then words. */
export function splitSms(text: string): string[] {
  if (fitsSms(text)) return [text];
  for (const separator of [/\n+/, /(?<=[.!?:])\s+/, /\s+/]) {
    const parts = text.split(separator).filter((p) => p.length > 0);
    if (parts.length < 2) continue;
    const joiner = separator.source.startsWith('\\n') ? '\n' : ' ';
    return packSms(parts, joiner).flatMap(splitSms);
  }
  // One unbroken run longer than two segments: cut it (never seen with our texts).
  const half = Math.ceil(text.length / 2);
  return [...splitSms(text.slice(0, half)), ...splitSms(text.slice(half))];
}

/** Packs consecutive texts into as few messages as fit, joined by `joiner`; order is kept. */
function packSms(parts: readonly string[], joiner: string): string[] {
  const out: string[] = [];
  for (const part of parts) {
    const last = out.at(-1);
    if (last !== undefined && fitsSms(`${last}${joiner}${part}`))
      out[out.length - 1] = `${last}${joiner}${part}`;
    else out.push(part);
  }
  return out;
}

/**
 * The texts of one turn's messages as SMS: each folded to GSM-7, then merged into as few messages as
 * fit (a blank line between what were separate messages), a text too long for one SMS split at its
 * lines or sentences. The result reads in the order the bot said it.
 */
export function mergeSms(texts: readonly string[]): string[] {
  const folded = texts.map((t) => toGsm7(t).trim()).filter((t) => t.length > 0);
  return packSms(folded.flatMap(splitSms), '\n\n');
}

/** A message's choices (suggested actions, card buttons) as the titles a reader sees. */
function choiceTitles(activity: Partial<Activity>): string[] {
  const titles = (activity.suggestedActions?.actions ?? []).map((a) => a.title ?? String(a.value ?? ''));
  for (const attachment of activity.attachments ?? []) {
    const content = attachment.content as { buttons?: CardAction[] } | undefined;
    for (const b of content?.buttons ?? []) titles.push(b.title ?? String(b.value ?? ''));
  }
  return titles;
}

/** The plain text of one message for SMS: its text, card texts, and any choices as a numbered list. */
export function smsText(activity: Partial<Activity>): string {
  const parts = [activity.text ?? ''];
  for (const attachment of activity.attachments ?? []) {
    const content = attachment.content as { title?: unknown; text?: unknown } | undefined;
    for (const field of [content?.title, content?.text]) if (typeof field === 'string') parts.push(field);
  }
  const titles = choiceTitles(activity);
  // A text that already lists its choices by number (renderMessage, ListStyle.list) is not listed twice.
  const listed = titles.length > 0 && titles.every((t, i) => parts.join('\n').includes(`${i + 1}. ${t}`));
  if (titles.length && !listed) parts.push(titles.map((t, i) => `${i + 1}. ${t}`).join('\n'));
  return tidyList(parts.filter((p) => p.trim().length > 0).join('\n'));
}

/**
 * botbuilder's numbered list (ListStyle.list) indents its items and puts a blank line before them:
 * characters an SMS pays for. Items go flush left, straight under the question; trailing blanks go.
 */
function tidyList(text: string): string {
  return text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n\s*\n([ \t]*1\. )/g, '\n$1')
    .replace(/^[ \t]+(\d+\. )/gm, '$1');
}

/** Teams shows at most this many buttons on a hero card; more go on an Adaptive Card. */
const TEAMS_MAX_HERO_BUTTONS = 6;

/** An Adaptive Card 1.5 with the text and one imBack button per choice (Teams renders 1.5 at most). */
export function choicesAdaptiveCard(text: string, actions: readonly CardAction[]) {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: text ? [{ type: 'TextBlock', text, wrap: true }] : [],
    actions: actions.map((a) => ({
      type: 'Action.Submit',
      title: a.title,
      // Teams posts this back as if the user had typed the value.
      data: { msteams: { type: 'imBack', value: String(a.value ?? a.title ?? '') } },
    })),
  });
}

/** A card that shows `actions` as buttons: a hero card up to six, an Adaptive Card beyond. */
function teamsChoiceCard(text: string, actions: readonly CardAction[]) {
  return actions.length <= TEAMS_MAX_HERO_BUTTONS
    ? CardFactory.heroCard('', text, undefined, [...actions])
    : choicesAdaptiveCard(text, actions);
}

/**
 * One message as Teams can show it: at most three suggested actions and never beside attachments;
 * more choices go on a hero card (≤ 6 buttons) or an Adaptive Card 1.5, and so does a hero card's
 * seventh button.
 */
export function shapeTeamsActivity(activity: Partial<Activity>): Partial<Activity> {
  if (activity.type !== ActivityTypes.Message) return activity;
  const actions = activity.suggestedActions?.actions ?? [];
  const attachments = (activity.attachments ?? []).map((a) => {
    const buttons = (a.content as { buttons?: CardAction[] } | undefined)?.buttons ?? [];
    if (a.contentType !== CardFactory.contentTypes.heroCard || buttons.length <= TEAMS_MAX_HERO_BUTTONS)
      return a;
    const content = a.content as { title?: string; text?: string };
    return choicesAdaptiveCard([content.title, content.text].filter(Boolean).join('\n'), buttons);
  });
  if (!actions.length || (actions.length <= TEAMS_MAX_SUGGESTED && !attachments.length)) {
    return attachments.length ? { ...activity, attachments } : activity;
  }
  const shaped: Partial<Activity> = { ...activity, suggestedActions: undefined };
  if (attachments.length) {
    shaped.attachments = [...attachments, teamsChoiceCard('', actions)];
  } else {
    shaped.text = undefined;
    shaped.attachments = [teamsChoiceCard(activity.text ?? '', actions)];
  }
  return shaped;
}

/**
 * Installs the turn's reply shaping on `context` (once, at the start of the turn). Teams replies are
 * reshaped one by one. SMS replies are held back: typing dropped, every message reduced to plain text,
 * and at {@link ReplyShaping.flush} (end of the turn) sent merged as GSM-7 texts of at most two
 * segments. Other channels are left as they are.
 */
export function shapeReplies(context: TurnContext): ReplyShaping {
  const channelId = context.activity.channelId;
  if (channelId === 'msteams') {
    context.onSendActivities(async (_ctx, activities, next) => {
      activities.splice(0, activities.length, ...activities.map((a) => shapeTeamsActivity(a) as Activity));
      return next();
    });
    return { flush: async () => undefined };
  }
  if (!isSmsChannel(channelId)) return { flush: async () => undefined };
  const pending: string[] = [];
  let flushing = false;
  context.onSendActivities(async (_ctx, activities, next) => {
    if (flushing) return next();
    const count = activities.length;
    const kept = activities.filter((a) => {
      if (a.type === ActivityTypes.Message) pending.push(smsText(a));
      // Typing indicators mean nothing on SMS; other activities (events, traces) pass untouched.
      return a.type !== ActivityTypes.Message && a.type !== ActivityTypes.Typing;
    });
    if (kept.length) {
      activities.splice(0, activities.length, ...kept);
      await next();
    }
    return Array.from({ length: count }, () => ({ id: '' }));
  });
  return {
    flush: async () => {
      const texts = mergeSms(pending.splice(0));
      if (!texts.length) return;
      flushing = true;
      try {
        await context.sendActivities(texts.map((text) => ({ type: ActivityTypes.Message, text })));
      } finally {
        flushing = false;
      }
    },
  };
}

/** What {@link shapeReplies} leaves to the end of the turn. */
export interface ReplyShaping {
  /** Sends what was held back (SMS); call once, after the turn's last send. */
  flush(): Promise<void>;
}
