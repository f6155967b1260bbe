import type { TurnContext } from 'botbuilder';
import { composed, constantParams, say } from '../src/bot/text';
import { limitParts, type LimitRefusal } from '../src/limits';
import { conversationMemory, turnSession } from '../src/bot/turn';
import { CODE_POLICY, LETTER_POLICY, SUPPORT, handoffAction, type HandoffTrigger } from '../src/rules';
import { offerHandoff, requestHandoff } from '../src/handoff/desk';
import { noteFailure } from '../src/handoff/summary';

/**
 * Rule answers that need no personal data, shared by the menu (a question asked at the top level) and
 * by every flow (a question asked mid-flow, after which the flow resumes). Every number in them comes
 * from the rules module; the words come from the locale files.
 */
export const QUESTION_INTENTS = [
  'letter-delivery-time',
  'letter-not-arrived',
  'letter-expired',
  'address',
  'care-of',
  'abroad',
  'no-sms',
  'age',
  'already-have-minid',
  'password-help',
  'cost',
  'what-is-minid',
  'd-number',
  'minid-vs-bankid',
  'letter-by-email',
  'why-60-days',
  'lost-letter',
  'find-id-number',
  'foreign-mobile',
  'qr-camera',
  'password-wrong',
  'new-phone',
  'goodbye',
] as const;
export type QuestionIntent = (typeof QUESTION_INTENTS)[number];

export function isQuestionIntent(intent: string): intent is QuestionIntent {
  return (QUESTION_INTENTS as readonly string[]).includes(intent);
}

/** The values every rule text may use; one place, so no text ever carries a number of its own. */
export function ruleParams(): Record<string, string | number> {
  return {
    phone: SUPPORT.phone,
    phoneAbroad: SUPPORT.phoneFromAbroad,
    email: SUPPORT.email,
    days: LETTER_POLICY.deliveryWorkingDays,
    maxDays: LETTER_POLICY.postMayTakeDays,
    validDays: LETTER_POLICY.validityDays,
    age: LETTER_POLICY.firstOrderAge,
    codeLength: CODE_POLICY.length,
    codeMinutes: CODE_POLICY.validMinutes,
  };
}

/**
 * The same figures as one frozen set for the answers said on their own, so their rendered texts are kept
 * across turns (see constantParams); callers that add their own values take a fresh ruleParams().
 */
const RULE_TEXT_PARAMS = constantParams(ruleParams());

/** Questions that this conversation's own order answers better than the general rule. */
const ANSWERED_BY_ORDER: ReadonlySet<string> = new Set([
  'letter-delivery-time',
  'letter-not-arrived',
  'letter-expired',
]);

/** True when the conversation ordered a letter and the question is about its timing. */
export function answeredByMemory(context: TurnContext, intent: string): boolean {
  return ANSWERED_BY_ORDER.has(intent) && conversationMemory(context).order !== undefined;
}

export async function answerQuestion(context: TurnContext, intent: QuestionIntent): Promise<void> {
  const order = conversationMemory(context).order;
  if (order && ANSWERED_BY_ORDER.has(intent)) {
    // "Når kommer brevet?" right after ordering: this conversation's own dates, not a general rule.
    await say(context, 'memory.orderedToday', { ...ruleParams(), ...order });
    return;
  }
  await say(context, `answers.${intent}`, RULE_TEXT_PARAMS);
}

/** Until the human handoff lands: how to reach a person at MinID user support. */
export async function sayHumanHelp(context: TurnContext): Promise<void> {
  await say(context, 'human.contact', RULE_TEXT_PARAMS);
}

/**
 * A person for what just went wrong, as the handoff rules (src/rules/handoff.ts) decide: offered (the
 * offer goes out at the end of the turn), or, out of hours, when a person is next there with phone and
 * e-mail. Without a hub, the phone and e-mail as before when `contactWithoutHub` (the default).
 * `failure` (a fixed tag such as nationalId.too-many-tries) is noted for the agent's summary.
 */
export async function helpFromPerson(
  context: TurnContext,
  trigger: HandoffTrigger,
  options: { failure?: string; contactWithoutHub?: boolean } = {},
): Promise<void> {
  const session = turnSession(context);
  if (options.failure && session) noteFailure(session, options.failure);
  const decided = handoffAction(trigger);
  if (decided.action === 'queue' && (await requestHandoff(context, decided.reason))) return;
  if (decided.action === 'offer' && (await offerHandoff(context, decided.reason)) !== 'unavailable') return;
  if (options.contactWithoutHub !== false) await sayHumanHelp(context);
}

/** A limit's answer in a flow: what was refused, when to try again, then how to reach a person. */
export async function sayLimit(context: TurnContext, refusal: LimitRefusal): Promise<void> {
  await context.sendActivity(composed(context, limitParts(refusal)));
  await sayHumanHelp(context);
}
