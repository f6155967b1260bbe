import type { TurnContext } from 'botbuilder';
import type { DialogStateManagerConfiguration } from 'botbuilder-dialogs';

/**
 * The turn-state key under which botbuilder-dialogs' DialogStateManager looks for its configuration
 * (memory scopes and path resolvers) before building one (botbuilder-dialogs 4.23,
 * lib/memory/dialogStateManager.js, not exported). test/unit/bot/dialogMemory.test.ts fails if a new
 * version stops reading it.
 */
export const DIALOG_STATE_MANAGER_CONFIGURATION_KEY = 'DialogStateManagerConfiguration';

/**
 * Hands every turn one DialogStateManager configuration built at the first turn. botbuilder-dialogs
 * builds it afresh for the first DialogContext of every turn (a service collection, a zod parse of empty
 * settings, nine memory scopes and five path resolvers: about a tenth of the DialogContexts' cost per
 * turn) and caches it only for that turn. The scopes and resolvers keep nothing between calls: what a
 * scope reads (the turn's activity, settings, conversation state) lives in the turn's own state.
 */
export class DialogMemoryConfiguration {
  private configuration?: DialogStateManagerConfiguration;

  /** Before the turn's first DialogContext: gives it the shared configuration, once there is one. */
  prepare(context: TurnContext): void {
    if (this.configuration) context.turnState.set(DIALOG_STATE_MANAGER_CONFIGURATION_KEY, this.configuration);
  }

  /** After a turn that built DialogContexts: keeps the configuration they built, for later turns. */
  remember(context: TurnContext): void {
    if (this.configuration) return;
    const built = context.turnState.get(DIALOG_STATE_MANAGER_CONFIGURATION_KEY) as
      DialogStateManagerConfiguration | undefined;
    if (built && Array.isArray(built.memoryScopes) && Array.isArray(built.pathResolvers)) {
      this.configuration = built;
    }
  }
}
