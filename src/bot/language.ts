import { ActivityTypes, type TurnContext } from 'botbuilder';
import { localeToLang, type Lang } from '../i18n';
import type { SessionState } from './session';

export interface LanguageDetection {
  language?: Lang;
  confidence: number;
}

export interface LanguageResolverDeps {
  defaultLang: Lang;
  /** Reads the language of the user's own words; undefined when unsure. */
  detect?: (text: string) => LanguageDetection;
  /** Recognises an explicit request such as "English please" or "på nynorsk". */
  parseSwitch?: (text: string) => Lang | undefined;
  /** Detection below this confidence never changes the conversation's language. */
  minConfidence?: number;
}

const SWITCHED = Symbol('minid.languageSwitched');

/** True when this turn's message was an explicit language switch (dialogs then re-ask their prompt). */
export function languageSwitchedThisTurn(context: TurnContext): boolean {
  return context.turnState.get(SWITCHED) === true;
}

/** Channel locale, from the activity or from Teams' `clientInfo` entity. */
export function channelLocale(context: TurnContext): string | undefined {
  const a = context.activity;
  const info = (a.entities ?? []).find((e) => e.type === 'clientInfo') as { locale?: unknown } | undefined;
  const fromEntity = typeof info?.locale === 'string' ? info.locale : undefined;
  return a.locale || fromEntity;
}

/**
 * Decides the conversation's language, strongest signal first: an explicit switch; the user's own words
 * when clearly another language; the channel's locale; the default. The choice is stored in the session
 * and sticks: a weaker signal never overrides a stronger one made earlier.
 */
export class LanguageResolver {
  constructor(private readonly deps: LanguageResolverDeps) {}

  async resolve(context: TurnContext, session: SessionState): Promise<Lang> {
    const text = context.activity.type === ActivityTypes.Message ? (context.activity.text ?? '').trim() : '';
    const switched = text ? this.deps.parseSwitch?.(text) : undefined;
    if (switched) {
      session.lang = switched;
      session.langSource = 'explicit';
      context.turnState.set(SWITCHED, true);
      return switched;
    }
    if (!session.lang || session.langSource === 'default') {
      const fromChannel = localeToLang(channelLocale(context));
      session.lang = fromChannel ?? this.deps.defaultLang;
      session.langSource = fromChannel ? 'channel' : 'default';
    }
    if (text && session.langSource !== 'explicit' && this.deps.detect) {
      const found = this.deps.detect(text);
      if (
        found.language &&
        found.language !== session.lang &&
        found.confidence >= (this.deps.minConfidence ?? 0.8)
      ) {
        session.lang = found.language;
        session.langSource = 'words';
      }
    }
    return session.lang;
  }
}
