import type { TurnContext } from 'botbuilder';
import type { DialogState, PromptOptions } from 'botbuilder-dialogs';
import { composed, promptSpecOf, type PromptSpec } from './text';

/**
 * Rendered prompt texts are not kept in conversation state: a waiting prompt's stored options hold its
 * locale keys and parameters (`promptOptions`' spec), and each turn renders the texts from them in the
 * turn's language when a prompt is actually sent. They were most of a conversation's stored state
 * (issue 13: ~1.06 KB at rest, of which the waiting prompt's texts ~0.4 KB).
 */

interface StackNode {
  dialogStack?: Array<{ state?: { options?: unknown; dialogs?: StackNode } }>;
}

/** Every prompt's options on the stack (component dialogs nest their own stacks), with its spec. */
function specifiedPrompts(state: DialogState | undefined): Array<[PromptOptions, PromptSpec]> {
  const out: Array<[PromptOptions, PromptSpec]> = [];
  const visit = (node: StackNode | undefined, depth: number): void => {
    // A stack deeper than any flow has is not ours to walk (a corrupted or hostile state).
    if (!node?.dialogStack || depth > 12) return;
    for (const instance of node.dialogStack) {
      const options = instance.state?.options as PromptOptions | undefined;
      const spec = promptSpecOf(options);
      if (options && spec) out.push([options, spec]);
      visit(instance.state?.dialogs, depth + 1);
    }
  };
  visit(state as StackNode | undefined, 0);
  return out;
}

/**
 * Gives each waiting prompt this turn's texts, rendered only if the prompt is sent. They are accessors
 * that JSON leaves out (not enumerable), and a validator may still set its own retry text for the turn.
 */
export function bindPromptTexts(context: TurnContext, state: DialogState | undefined): void {
  for (const [options, spec] of specifiedPrompts(state)) {
    let prompt = options.prompt;
    let retry = options.retryPrompt;
    Object.defineProperty(options, 'prompt', {
      configurable: true,
      enumerable: false,
      get: () => (prompt ??= composed(context, spec.prompt)),
      set: (value: PromptOptions['prompt']) => {
        prompt = value;
      },
    });
    Object.defineProperty(options, 'retryPrompt', {
      configurable: true,
      enumerable: false,
      get: () => (retry ??= spec.retry ? composed(context, spec.retry) : undefined),
      set: (value: PromptOptions['retryPrompt']) => {
        retry = value;
      },
    });
  }
}

/** Drops the rendered texts before the state is saved; the spec renders them again when needed. */
export function dropPromptTexts(state: DialogState | undefined): void {
  for (const [options] of specifiedPrompts(state)) {
    delete options.prompt;
    delete options.retryPrompt;
  }
}
