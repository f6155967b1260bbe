import type { Activity, TurnContext } from 'botbuilder';
import type { Choice, PromptOptions } from 'botbuilder-dialogs';
import { choiceStyle, isSmsChannel, renderMessage, type RenderChoice } from './render';
import { turnT } from './turn';

/**
 * The text layer dialogs talk through: a locale key and data in, the user's language and the channel's
 * shape out. Dialogs never hold a sentence or format a date themselves.
 */
export type TextParams = Record<string, string | number | boolean | undefined>;

/**
 * The text for `key` in the turn's language. On SMS a shorter `<key>_sms` wording is taken where the
 * locale has one (i18next context), since a message there must fit two segments.
 */
export function tr(context: TurnContext, key: string | string[], params?: TextParams): string {
  const sms = isSmsChannel(context.activity.channelId);
  const t = turnT(context);
  if (typeof key === 'string') {
    const lng = (t as { lng?: unknown }).lng;
    const constant = params === undefined ? '' : CONSTANT_PARAMS.get(params);
    if (typeof lng === 'string' && constant !== undefined)
      return keptText(lng, sms, key, constant, t, params);
  }
  return t(key, sms ? { ...params, context: 'sms' } : (params ?? {}));
}

/** Parameter sets marked by {@link constantParams}, each with its tag in the memo's keys. */
const CONSTANT_PARAMS = new WeakMap<object, string>();
let constantParamsMarked = 0;

/**
 * Marks (and freezes) a parameter set that is the same for every user and every turn, such as the policy
 * figures and the support desk's phone and e-mail: texts rendered with it are kept like texts without
 * parameters (see {@link keptText}). Never for anything from a user or a conversation.
 */
export function constantParams<P extends TextParams>(params: P): Readonly<P> {
  if (!CONSTANT_PARAMS.has(params))
    CONSTANT_PARAMS.set(Object.freeze(params), `#${(constantParamsMarked += 1)}`);
  return params;
}

/**
 * Texts of keys without parameters (or with constant ones), once rendered, per language, channel kind,
 * key and parameter set. i18next's translator costs several µs a call (a fixed `t()` copies its whole
 * options object each time, then interpolates), and most of a turn's texts take no parameters (menu items,
 * prompts, retries) or only the policy figures (answers to questions), so it ran the same renderings over
 * and over: about 6–7 % of a turn. The memo holds only locale texts (keys come from our code, never from
 * the user; parameters only when marked constant), and every i18next instance here is built by
 * `createI18n` from the same locale files, so a key renders the same in every turn. Texts with other
 * parameters are always rendered afresh (they may carry a phone number or a code). Bounded all the same:
 * cleared if it ever grows past any real key set.
 */
const KEPT_TEXTS = new Map<string, string>();
const KEPT_TEXTS_MAX = 5000;

function keptText(
  lng: string,
  sms: boolean,
  key: string,
  paramsTag: string,
  t: ReturnType<typeof turnT>,
  params: TextParams | undefined,
): string {
  const memoKey = `${lng}${sms ? '|sms|' : '|'}${key}${paramsTag}`;
  let text = KEPT_TEXTS.get(memoKey);
  if (text === undefined) {
    text = t(key, sms ? { ...params, context: 'sms' } : (params ?? {}));
    if (KEPT_TEXTS.size >= KEPT_TEXTS_MAX) KEPT_TEXTS.clear();
    KEPT_TEXTS.set(memoKey, text);
  }
  return text;
}

export function message(
  context: TurnContext,
  key: string | string[],
  params?: TextParams,
  choices?: RenderChoice[],
): Partial<Activity> {
  return renderMessage(context.activity.channelId, tr(context, key, params), choices);
}

export async function say(context: TurnContext, key: string | string[], params?: TextParams): Promise<void> {
  await context.sendActivity(message(context, key, params));
}

/** Several texts sent as one message, e.g. what went wrong followed by the question asked again. */
export function composed(
  context: TurnContext,
  parts: ReadonlyArray<readonly [key: string, params?: TextParams]>,
): Partial<Activity> {
  const text = parts.map(([key, params]) => tr(context, key, params)).join(' ');
  return renderMessage(context.activity.channelId, text);
}

/** A list-valued text (e.g. the app steps), in the user's language. */
export function trList(context: TurnContext, key: string): string[] {
  const value: unknown = turnT(context)(key, { returnObjects: true });
  return Array.isArray(value) ? value.map(String) : [];
}

export type TextPart = readonly [key: string, params?: TextParams];

export interface ChoiceSpec {
  key: string;
  /** Extra words that pick this choice, in any language. */
  synonyms?: string[];
}

/**
 * A prompt described by locale keys rather than rendered text. The spec is kept in the prompt's own
 * options (`validations`), so a language switch can render the waiting prompt again in the new language.
 */
export interface PromptSpec {
  prompt: TextPart[];
  retry?: TextPart[];
  choices?: ChoiceSpec[];
}

interface LocalizedValidations {
  localized?: PromptSpec;
}

export function promptOptions(context: TurnContext, spec: PromptSpec): PromptOptions {
  const choices: Choice[] | undefined = spec.choices?.map((c) => ({
    value: tr(context, c.key),
    synonyms: c.synonyms,
  }));
  return {
    prompt: composed(context, spec.prompt),
    retryPrompt: spec.retry ? composed(context, spec.retry) : undefined,
    choices,
    style: choices ? choiceStyle(context.activity.channelId, choices.length) : undefined,
    validations: { localized: spec } satisfies LocalizedValidations,
  };
}

/** The locale keys a prompt was built from (see {@link promptOptions}), if it was. */
export function promptSpecOf(options: PromptOptions | undefined): PromptSpec | undefined {
  return (options?.validations as LocalizedValidations | undefined)?.localized;
}

/** Renders a waiting prompt's texts and choices again, in this turn's language. */
export function relocalizePrompt(context: TurnContext, options: PromptOptions | undefined): void {
  const spec = promptSpecOf(options);
  if (options && spec) Object.assign(options, promptOptions(context, spec));
}
