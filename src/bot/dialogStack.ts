import type { DialogInstance, DialogState } from 'botbuilder-dialogs';

/** Deeper than any flow of ours nests; a stack past it is corrupted or hostile and is not walked. */
const MAX_LEVELS = 13;

/**
 * The active instance at each level of a dialog stack as stored in state, outermost first: the top of
 * each stack (its last element, as DialogContext.activeDialog reads it), then the top of the inner stack
 * a ComponentDialog keeps in its instance state under `dialogs` (see its createInnerDC). Read from state
 * alone, so it builds no DialogContext and also works outside a turn (the handoff's proactive messages).
 */
export function activeInstances(state: DialogState | undefined): DialogInstance[] {
  const levels: DialogInstance[] = [];
  let stack = state?.dialogStack;
  while (stack?.length && levels.length < MAX_LEVELS) {
    const top = stack[stack.length - 1];
    levels.push(top);
    stack = (top.state as { dialogs?: DialogState } | undefined)?.dialogs?.dialogStack;
  }
  return levels;
}
