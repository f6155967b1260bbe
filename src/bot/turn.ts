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

const CLIENT = Symbol('minid.client');

/**
 * The pseudonym of the client address of this turn, set by the HTTP edge only where the address
 * identifies the user (no Bot Framework auth: curl, the Emulator, later the web chat and SMS edges).
 * Behind Azure Bot Service every request comes from Microsoft's connector, so none is set there.
 */
export function setTurnClient(context: TurnContext, clientRef: string): void {
  context.turnState.set(CLIENT, clientRef);
}

export function turnClient(context: TurnContext): string | undefined {
  return context.turnState.get(CLIENT) as string | undefined;
}
