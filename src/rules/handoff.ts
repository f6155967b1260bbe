/**
 * When the bot brings a person in. An explicit ask (a command phrase or the menu button) is consent, as
 * an explicit "avbryt" is for cancelling, so it queues at once; everything else the bot only offers, and
 * the user says yes or no. Pure decisions: the dialogs describe what happened, these say what to do.
 */
import { INPUT_POLICY } from './letter';
import type { OrderOutcome } from './types';

/** Fallbacks in a row (the bot did not understand) after which a person is offered. */
export const HANDOFF_POLICY = { fallbacksInARow: 2, failedTries: INPUT_POLICY.maxTries } as const;

/** Why a person is brought in; the same words the agent's summary uses. */
export type HandoffTriggerReason = 'asked' | 'failed-tries' | 'rule' | 'not-understood';

/** What happened in the conversation that may call for a person. */
export type HandoffTrigger =
  /** The user asked; `explicit` for a command phrase or a tapped button, false for a classifier guess. */
  | { kind: 'asked'; explicit: boolean }
  /** Answers a prompt refused in a row (a bad number, phone or code). */
  | { kind: 'failed-tries'; tries: number }
  /** The rules module's decision on an order. */
  | { kind: 'outcome'; outcome: OrderOutcome }
  /** The user says no SMS arrived, after `resends` new codes were sent (or the resends ran out). */
  | { kind: 'no-sms'; resends: number; resendsLeft: boolean }
  /** Messages in a row the bot did not understand. */
  | { kind: 'fallbacks'; inARow: number };

/** `queue`: put the user in line now; `offer`: ask first; `none`: carry on without a person. */
export type HandoffAction =
  | { action: 'queue'; reason: HandoffTriggerReason }
  | { action: 'offer'; reason: HandoffTriggerReason }
  | { action: 'none' };

/**
 * Outcomes only a person can sort out: no registered address (the letter has nowhere to go), and an
 * active order (a new letter within its 60 days is support's call, not the bot's).
 */
export function outcomeNeedsPerson(outcome: OrderOutcome): boolean {
  return outcome === 'no-address' || outcome === 'active-order';
}

/** Decides what a trigger calls for; see {@link HandoffAction}. */
export function handoffAction(trigger: HandoffTrigger): HandoffAction {
  switch (trigger.kind) {
    case 'asked':
      return { action: trigger.explicit ? 'queue' : 'offer', reason: 'asked' };
    case 'failed-tries':
      return trigger.tries >= HANDOFF_POLICY.failedTries
        ? { action: 'offer', reason: 'failed-tries' }
        : { action: 'none' };
    case 'outcome':
      return outcomeNeedsPerson(trigger.outcome) ? { action: 'offer', reason: 'rule' } : { action: 'none' };
    case 'no-sms':
      // The first "no code came" gets the resend help; after a resend (or with none left) a person helps.
      return trigger.resends >= 1 || !trigger.resendsLeft
        ? { action: 'offer', reason: 'rule' }
        : { action: 'none' };
    case 'fallbacks':
      return trigger.inARow >= HANDOFF_POLICY.fallbacksInARow
        ? { action: 'offer', reason: 'not-understood' }
        : { action: 'none' };
  }
}

/** The count of fallbacks in a row after this message: understood resets it, not understood adds one. */
export function nextFallbackCount(previous: number | undefined, understood: boolean): number {
  return understood ? 0 : Math.max(0, previous ?? 0) + 1;
}
