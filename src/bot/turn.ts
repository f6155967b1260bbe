import type { TurnContext } from 'botbuilder';
import type { TFunction } from 'i18next';
import type { Lang } from '../i18n';
import type { ConversationMemory, SessionState } from './session';

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
  /** True only for an explicit command phrase or a button title: what cancel, start over and delete need. */
  command?: boolean;
  /** The likeliest topics, for an honest fallback. */
  candidates?: string[];
  /** A cancel/start-over/delete the classifier guessed and the recogniser did not act on. */
  guess?: string;
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

const SESSION = Symbol('minid.session');

/** The bot hands the turn's session state to the dialogs (it is saved with the turn). */
export function setTurnSession(context: TurnContext, session: SessionState): void {
  context.turnState.set(SESSION, session);
}

/** The turn's session state (saved with the turn); undefined for a dialog tested on its own. */
export function turnSession(context: TurnContext): SessionState | undefined {
  return context.turnState.get(SESSION) as SessionState | undefined;
}

/**
 * This conversation's memory, to read and to update. Without a session (a dialog tested on its own) it is
 * a fresh object for the turn, so nothing is remembered.
 */
export function conversationMemory(context: TurnContext): ConversationMemory {
  const session = context.turnState.get(SESSION) as SessionState | undefined;
  if (!session) {
    const scratch = (context.turnState.get(SESSION_SCRATCH) as ConversationMemory | undefined) ?? {};
    context.turnState.set(SESSION_SCRATCH, scratch);
    return scratch;
  }
  session.memory ??= {};
  return session.memory;
}

const SESSION_SCRATCH = Symbol('minid.memoryScratch');
