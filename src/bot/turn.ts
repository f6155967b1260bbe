import type { TurnContext } from 'botbuilder';
import type { TFunction } from 'i18next';
import type { Lang } from '../i18n';

/**
 * Per-turn values the bot computes once (language, fixed translator, understanding) and dialogs read.
 * They live in `turnState`, never in storage, so state stays small and serialisable.
 */
const LANG = Symbol('minid.lang');
const T = Symbol('minid.t');

export function setTurnLanguage(context: TurnContext, lang: Lang, t: TFunction): void {
  context.turnState.set(LANG, lang);
  context.turnState.set(T, t);
}

export function turnLang(context: TurnContext): Lang {
  return turnLangIfSet(context) ?? 'nb';
}

/** The turn's language, or undefined when the bot has not settled it yet (a turn that failed early). */
export function turnLangIfSet(context: TurnContext): Lang | undefined {
  return context.turnState.get(LANG) as Lang | undefined;
}

export function turnT(context: TurnContext): TFunction {
  const t = context.turnState.get(T) as TFunction | undefined;
  if (!t) throw new Error('turn language not set: the bot sets it before any dialog runs');
  return t;
}

/** What the understanding layer made of this turn's text; computed once per turn by the bot. */
export interface TurnUnderstanding {
  intent: string;
  score: number;
  language?: Lang;
}

const UNDERSTOOD = Symbol('minid.understood');
const NONE: TurnUnderstanding = { intent: 'none', score: 0 };

export function setTurnUnderstanding(context: TurnContext, understood: TurnUnderstanding): void {
  context.turnState.set(UNDERSTOOD, understood);
}

export function turnUnderstanding(context: TurnContext): TurnUnderstanding {
  return (context.turnState.get(UNDERSTOOD) as TurnUnderstanding | undefined) ?? NONE;
}
