import type { TurnContext } from 'botbuilder';
import {
  ChoiceFactory,
  ChoicePrompt,
  ConfirmPrompt,
  ListStyle,
  type Choice,
  type FoundChoice,
  type PromptOptions,
  type PromptRecognizerResult,
} from 'botbuilder-dialogs';
import { NumberOptions, NumberRecognizer } from '@microsoft/recognizers-text-number';
import { choiceStyle } from '../src/bot/render';
import type { i18n } from 'i18next';
import { LANGS, langToLocale } from '../src/i18n';

type ChoiceDefaultsChoicePrompt = NonNullable<ConstructorParameters<typeof ChoicePrompt>[3]>;
type ChoiceDefaultsConfirmPrompt = NonNullable<ConstructorParameters<typeof ConfirmPrompt>[3]>;

/**
 * recognizers-text has no Norwegian, so prompts would silently fall back to English. These defaults give
 * ChoicePrompt and ConfirmPrompt their words per culture key ('nb-no', 'nn-no', 'en-us': lower case, as
 * PromptCultureModels.mapToNearestLanguage produces), read from the locale files.
 */
function cultureKey(lang: (typeof LANGS)[number]): string {
  return langToLocale(lang).toLowerCase();
}

function listOf(i18next: i18n, lang: string, key: string): string[] {
  const value = i18next.getFixedT(lang)(key, { returnObjects: true });
  return Array.isArray(value) ? value.map(String) : [];
}

export function choiceDefaults(i18next: i18n): ChoiceDefaultsChoicePrompt {
  const out: ChoiceDefaultsChoicePrompt = {};
  for (const lang of LANGS) {
    const t = i18next.getFixedT(lang);
    out[cultureKey(lang)] = {
      inlineSeparator: ', ',
      inlineOr: t('prompts.inlineOr'),
      inlineOrMore: t('prompts.inlineOrMore'),
      includeNumbers: true,
    };
  }
  return out;
}

export function confirmDefaults(i18next: i18n): ChoiceDefaultsConfirmPrompt {
  const out: ChoiceDefaultsConfirmPrompt = {};
  for (const lang of LANGS) {
    const t = i18next.getFixedT(lang);
    const yes: Choice = { value: t('prompts.yes'), synonyms: listOf(i18next, lang, 'prompts.yesWords') };
    const no: Choice = { value: t('prompts.no'), synonyms: listOf(i18next, lang, 'prompts.noWords') };
    out[cultureKey(lang)] = {
      choices: [yes, no],
      options: {
        inlineSeparator: ', ',
        inlineOr: t('prompts.inlineOr'),
        inlineOrMore: t('prompts.inlineOrMore'),
        includeNumbers: true,
      },
    };
  }
  return out;
}

/** Both prompt vocabularies, built once at start-up and handed to every dialog that prompts. */
export interface PromptDefaults {
  choice: ChoiceDefaultsChoicePrompt;
  confirm: ChoiceDefaultsConfirmPrompt;
}

export function promptDefaults(i18next: i18n): PromptDefaults {
  return { choice: choiceDefaults(i18next), confirm: confirmDefaults(i18next) };
}

/**
 * A ConfirmPrompt that shows yes/no the way the channel can (buttons on Web Chat and Teams, a numbered
 * list on SMS). ConfirmPrompt only has an instance-wide style, so it is set right before each rendering;
 * nothing awaits between setting and reading it, so concurrent turns cannot interleave.
 */
export class ChannelConfirmPrompt extends ConfirmPrompt {
  protected async onPrompt(
    context: TurnContext,
    state: object,
    options: PromptOptions,
    isRetry: boolean,
  ): Promise<void> {
    this.style = choiceStyle(context.activity.channelId, 2);
    return super.onPrompt(context, state, options, isRetry);
  }
}

/**
 * The number and ordinal models ChoicePrompt uses to pick a choice by position ("2", "the second one"),
 * built once. recognizers-text caches the models themselves, but each of its recognizeNumber() and
 * recognizeOrdinal() calls first builds a whole NumberRecognizer (every culture's model registrations),
 * and ChoicePrompt calls both for every answer that is not one of the choices' words, such as any
 * free-text question at the menu.
 */
const positionRecognizer = new NumberRecognizer(undefined, NumberOptions.None, true);

/** The English models, which every culture without models of its own (nb-no, nn-no) falls back to. */
const ENGLISH = {
  ordinal: positionRecognizer.getOrdinalModel('en-us', true),
  number: positionRecognizer.getNumberModel('en-us', true),
};

/**
 * What every expression the English number and ordinal models find holds: a digit of any script
 * (they read full-width digits too) or a vulgar fraction (both `\p{N}`), or one of the English number
 * words these stems cover (cardinals, "-teen", tens, round numbers, ordinals, "-tieth", fractions,
 * dozens, and the relative ordinals next/previous/current/last/penultimate). Matched anywhere in the text,
 * case-insensitively, so it can only say "maybe" too often ("phone" holds "one"), never too rarely.
 * A Norwegian question holds none of them, and the two models cost ~75 µs a message
 * (test/dialogs/reusingChoicePrompt.test.ts checks the stems against the models over every text we have).
 */
export const MAY_HOLD_ENGLISH_NUMBER =
  /\p{N}|zero|n[ao]ught|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|mln|billion|bln|trillion|tln|lakh|crore|doz|dz|first|second|third|fifth|ninth|twelfth|tieth|half|halves|quarter|last|next|previous|current|penultimate/iu;

interface PositionMatch {
  start: number;
  index: number;
}

/** Choices named by position in `text`, as ChoicePrompt's recognizeChoices() finds them. */
function byPosition(
  text: string,
  culture: string,
  count: number,
  model: 'ordinal' | 'number',
): PositionMatch[] {
  const found =
    model === 'ordinal'
      ? positionRecognizer.getOrdinalModel(culture, true)
      : positionRecognizer.getNumberModel(culture, true);
  // The models for a culture are cached, so the English ones are these very objects.
  if (found === ENGLISH[model] && !MAY_HOLD_ENGLISH_NUMBER.test(text)) return [];
  const parsed = found.parse(text);
  const out: PositionMatch[] = [];
  for (const m of parsed) {
    const index = parseInt(String((m.resolution as { value?: unknown } | undefined)?.value), 10) - 1;
    if (index >= 0 && index < count) out.push({ start: m.start, index });
  }
  return out;
}

/**
 * A ChoicePrompt that recognises exactly what ChoicePrompt does, in the same order (the choices' words
 * and synonyms first, then an ordinal, then a number), with the position recognisers built once instead
 * of per answer (see {@link positionRecognizer}).
 */
export class ReusingChoicePrompt extends ChoicePrompt {
  protected async onRecognize(
    context: TurnContext,
    state: object,
    options: PromptOptions,
  ): Promise<PromptRecognizerResult<FoundChoice>> {
    // ChoicePrompt's own search with the per-call number recognisers switched off (set once, kept off).
    const own = this.recognizerOptions;
    if (own?.recognizeNumbers !== false || own.recognizeOrdinals !== false) {
      this.recognizerOptions = { ...own, recognizeNumbers: false, recognizeOrdinals: false };
    }
    // ChoicePrompt writes the turn's culture into recognizerOptions before its first await: read it right
    // away, before another turn can.
    const pending = super.onRecognize(context, state, options);
    const culture = this.recognizerOptions?.locale ?? 'en-us';
    const result = await pending;
    const text = context.activity.text;
    if (result.succeeded || !text) return result;
    const choices = ChoiceFactory.toChoices(
      (this.style === ListStyle.suggestedAction
        ? ChoiceFactory.toChoices(options.choices)
        : options.choices) ?? [],
    );
    let found = byPosition(text, culture, choices.length, 'ordinal');
    if (!found.length) found = byPosition(text, culture, choices.length, 'number');
    found.sort((a, b) => a.start - b.start);
    if (!found.length) return result;
    const { index } = found[0];
    return { succeeded: true, value: { value: choices[index].value, index, score: 1 } };
  }
}
