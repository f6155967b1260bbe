/**
 * activeInstances: the top of each nested stack, outermost first, from state alone, and no further than
 * 13 levels into a corrupted or hostile state.
 */
import type { DialogInstance, DialogState } from 'botbuilder-dialogs';
import { activeInstances } from '../../../src/bot/dialogStack';

/** A stack `depth` levels deep; each level has an instance below its top that must never be picked. */
function nested(depth: number): DialogState {
  let inner: DialogState | undefined;
  for (let level = depth - 1; level >= 0; level -= 1) {
    const top: DialogInstance = { id: `top-${level}`, state: inner ? { dialogs: inner } : { options: {} } };
    inner = { dialogStack: [{ id: `below-${level}`, state: {} }, top] };
  }
  return inner ?? { dialogStack: [] };
}

describe('activeInstances', () => {
  it('gives the top instance of every level, outermost first', () => {
    expect(activeInstances(nested(4)).map((i) => i.id)).toEqual(['top-0', 'top-1', 'top-2', 'top-3']);
  });

  it('gives nothing for no state or an empty stack', () => {
    expect(activeInstances(undefined)).toEqual([]);
    expect(activeInstances({ dialogStack: [] })).toEqual([]);
  });

  it('walks no further than 13 levels', () => {
    const ids = activeInstances(nested(500)).map((i) => i.id);
    expect(ids).toHaveLength(13);
    expect(ids[12]).toBe('top-12');
  });
});
