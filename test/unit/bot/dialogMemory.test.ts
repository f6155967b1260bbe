/**
 * The DialogStateManager configuration shared across turns: botbuilder-dialogs must still read it from
 * the turn state under the key we set (this fails loudly when a new version stops doing so), a turn
 * given it builds none of its own, and dialog memory still works through it on later turns.
 */
import { ConversationState, MemoryStorage, TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { DialogContext, DialogSet, TextPrompt, WaterfallDialog } from 'botbuilder-dialogs';
import {
  DIALOG_STATE_MANAGER_CONFIGURATION_KEY,
  DialogMemoryConfiguration,
} from '../../../src/bot/dialogMemory';

const activity = (text: string): Partial<Activity> => ({
  type: 'message',
  text,
  channelId: 'test',
  conversation: { id: 'c', isGroup: false, conversationType: 'personal', name: '' },
  from: { id: 'u', name: '' },
  recipient: { id: 'b', name: '' },
});

describe('DialogMemoryConfiguration', () => {
  it('is what a new DialogContext uses when set, instead of building its own', () => {
    const shared = new DialogMemoryConfiguration();
    const first = new TurnContext(new TestAdapter(), activity('one'));
    const dialogs = new DialogSet();
    const built = new DialogContext(dialogs, first, { dialogStack: [] }).state.configuration;
    expect(built.memoryScopes.length).toBeGreaterThan(0);
    shared.remember(first);

    const second = new TurnContext(new TestAdapter(), activity('two'));
    shared.prepare(second);
    expect(second.turnState.get(DIALOG_STATE_MANAGER_CONFIGURATION_KEY)).toBe(built);
    const dc = new DialogContext(dialogs, second, { dialogStack: [] });
    expect(dc.state.configuration).toBe(built);
    // Memory paths still resolve through the shared scopes, to this turn's values.
    expect(dc.state.getValue<string>('turn.activity.text')).toBe('two');
  });

  it('gives nothing before a turn has built a configuration', () => {
    const shared = new DialogMemoryConfiguration();
    const context = new TurnContext(new TestAdapter(), activity('x'));
    shared.prepare(context);
    expect(context.turnState.has(DIALOG_STATE_MANAGER_CONFIGURATION_KEY)).toBe(false);
  });

  it('keeps dialogs working across turns with the shared configuration', async () => {
    const shared = new DialogMemoryConfiguration();
    const state = new ConversationState(new MemoryStorage());
    const dialogs = new DialogSet(state.createProperty('dialogState'));
    dialogs.add(new TextPrompt('name'));
    dialogs.add(
      new WaterfallDialog('ask', [
        (step) => step.prompt('name', 'Name?'),
        async (step) => {
          const values = step.values as { name?: string };
          values.name = String(step.result);
          await step.context.sendActivity(
            `Hello ${values.name ?? ''}, ${String(step.state.getValue('turn.activity.text'))}`,
          );
          return step.endDialog();
        },
      ]),
    );
    const adapter = new TestAdapter(async (context) => {
      shared.prepare(context);
      const dc = await dialogs.createContext(context);
      const result = await dc.continueDialog();
      if (!result.result && !dc.activeDialog) await dc.beginDialog('ask');
      shared.remember(context);
      await state.saveChanges(context);
    });
    await adapter.send('hi').assertReply('Name?').send('Kari').assertReply('Hello Kari, Kari').startTest();
  });
});
