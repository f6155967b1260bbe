import type { TurnContext } from 'botbuilder';
import type { OrderDecision } from '../rules';
import type { ConversationMemory } from './session';
import { conversationMemory } from './turn';

/** Remembers how an order ended, and its dates when a letter was ordered (no personal data). */
export function rememberOrder(context: TurnContext, decision: OrderDecision, orderedOn: string): void {
  const memory = conversationMemory(context);
  memory.flow = 'order';
  memory.orderOutcome = decision.outcome;
  if (decision.outcome === 'can-order') {
    memory.order = { orderedOn, deliveryBy: decision.deliveryBy, validUntil: decision.validUntil };
    memory.ageOutcome = 'can-order';
  }
  if (decision.outcome === 'too-young') memory.ageOutcome = 'too-young';
}

/** Remembers which flow ran last. */
export function rememberFlow(context: TurnContext, flow: NonNullable<ConversationMemory['flow']>): void {
  conversationMemory(context).flow = flow;
}

/** Remembers the age rule's answer (from the number or a birth year). */
export function rememberAge(context: TurnContext, canOrder: boolean): void {
  conversationMemory(context).ageOutcome = canOrder ? 'can-order' : 'too-young';
}
