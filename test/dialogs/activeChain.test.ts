/**
 * activeChain reads the active dialog stack from state instead of building a DialogContext per level
 * (DialogContext's `child`). At every point of a nested conversation it must give exactly the chain the
 * `child` walk gives: the same instances (by identity) and the same dialogs.
 */
import { ConversationState, MemoryStorage, TestAdapter, type TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  DialogSet,
  DialogTurnStatus,
  TextPrompt,
  WaterfallDialog,
  type DialogContext,
  type DialogInstance,
  type Dialog,
} from 'botbuilder-dialogs';
import { activeChain } from '../../dialogs/interruptibleDialog';

class Leaf extends ComponentDialog {
  constructor(id: string) {
    super(id);
    this.addDialog(new TextPrompt('leaf-prompt'));
    this.addDialog(
      new WaterfallDialog('leaf-steps', [
        (step) => step.prompt('leaf-prompt', `${id}?`),
        (step) => step.endDialog(step.result),
      ]),
    );
    this.initialDialogId = 'leaf-steps';
  }
}

class Middle extends ComponentDialog {
  constructor() {
    super('middle');
    this.addDialog(new Leaf('leaf'));
    this.addDialog(new TextPrompt('middle-prompt'));
    this.addDialog(
      new WaterfallDialog('middle-steps', [
        (step) => step.prompt('middle-prompt', 'middle?'),
        (step) => step.beginDialog('leaf'),
        (step) => step.endDialog(step.result),
      ]),
    );
    this.initialDialogId = 'middle-steps';
  }
}

class Outer extends ComponentDialog {
  constructor() {
    super('outer');
    this.addDialog(new Middle());
    this.addDialog(new WaterfallDialog('outer-steps', [(step) => step.beginDialog('middle')]));
    this.initialDialogId = 'outer-steps';
  }
}

function childWalk(dc: DialogContext): Array<{ instance: DialogInstance; dialog: Dialog | undefined }> {
  const chain: Array<{ instance: DialogInstance; dialog: Dialog | undefined }> = [];
  let current: DialogContext | undefined = dc;
  while (current?.activeDialog) {
    chain.push({ instance: current.activeDialog, dialog: current.findDialog(current.activeDialog.id) });
    current = current.child;
  }
  return chain;
}

describe('activeChain', () => {
  it('gives the same chain as DialogContext.child at every turn of a nested conversation', async () => {
    const state = new ConversationState(new MemoryStorage());
    const dialogs = new DialogSet(state.createProperty('dialogState'));
    dialogs.add(new Outer());
    const seen: string[][] = [];
    const adapter = new TestAdapter(async (context: TurnContext) => {
      const dc = await dialogs.createContext(context);
      const before = activeChain(dc);
      expect(before.map((l) => l.instance)).toEqual(childWalk(dc).map((l) => l.instance));
      before.forEach((level, i) => {
        expect(level.instance).toBe(childWalk(dc)[i].instance);
        expect(level.dialog).toBe(childWalk(dc)[i].dialog);
      });
      seen.push(before.map((l) => l.instance.id));
      const result = await dc.continueDialog();
      if (result.status === DialogTurnStatus.empty) await dc.beginDialog('outer');
      await state.saveChanges(context);
    });
    await adapter
      .send('start')
      .assertReply('middle?')
      .send('one')
      .assertReply('leaf?')
      .send('two')
      .startTest();
    expect(seen).toEqual([
      [],
      ['outer', 'middle', 'middle-prompt'],
      ['outer', 'middle', 'leaf', 'leaf-prompt'],
    ]);
  });
});
