import type { TurnContext } from 'botbuilder';
import { ConfirmPrompt, type Choice, type ChoicePrompt, type PromptOptions } from 'botbuilder-dialogs';
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
