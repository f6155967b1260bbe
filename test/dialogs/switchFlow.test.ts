/**
 * At any prompt, a clear request for another flow switches to it, drops the current flow's digits as a
 * cancel does, and says so. A request for the flow already running changes nothing.
 */
import { REFERENCE_NOW } from '../support/harness';
import { personId } from '../transcripts/format';
import { runConversation } from '../transcripts/runner';
import nb from '../../locales/nb.json';
import en from '../../locales/en.json';

async function talk(locale: string, ...turns: string[]) {
  const run = await runConversation({
    locale,
    channelId: 'test',
    now: REFERENCE_NOW,
    turns: turns.map((user) => ({ user })),
  });
  await run.bot.built.close();
  expect(run.errors).toEqual([]);
  return { replies: run.turns.map((t) => t.bot.map((b) => b.text).join('\n')), memory: run.bot.memory };
}

describe('switching flows at a prompt', () => {
  test('at the phone prompt, "jeg vil heller ha hjelp med appen" switches to the guide and drops the number', async () => {
    const { replies, memory } = await talk(
      'nb-NO',
      'hei',
      '1',
      '{{id:adult-plain}}',
      'jeg vil heller ha hjelp med appen',
    );
    expect(replies[3]).toContain(nb.interrupt.switched);
    expect(replies[3]).toContain('Steg 1 av 8');
    const stored = Object.values(memory).filter(Boolean).join('\n').replace(/\D/g, '');
    expect(stored).not.toContain(personId('adult-plain'));
  });

  test('in the app guide, a typed menu item for ordering switches to the order', async () => {
    const { replies } = await talk('en-US', 'hello', '3', 'next', 'Order activation letter');
    expect(replies[3]).toContain(en.interrupt.switched);
    expect(replies[3]).toContain(en.nationalId.ask);
  });

  test('asking for the flow already running is not a switch', async () => {
    const { replies } = await talk('nb-NO', 'hei', '1', 'jeg vil bestille aktiveringsbrev');
    expect(replies[2]).not.toContain(nb.interrupt.switched);
  });
});
