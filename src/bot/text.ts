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
  return turnT(context)(key, sms ? { ...params, context: 'sms' } : (params ?? {}));
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
