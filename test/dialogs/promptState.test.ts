/**
 * A waiting prompt is stored as locale keys and parameters, never as rendered text (issue 13: the texts
 * were most of a conversation's state), and is still asked again in full, in the current language, after
 * a question mid-flow, a wrong answer, a language switch and an agent handing the conversation back.
 */
import { lastReplyText, runConversation } from '../transcripts/runner';
import { REFERENCE_NOW } from '../support/harness';
import { storageText } from './support';

describe('prompt texts in conversation state', () => {
  test('the waiting phone prompt is stored by its key, with no sentence of it', async () => {
    const run = await runConversation({
      locale: 'nb-NO',
      channelId: 'test',
      now: REFERENCE_NOW,
      turns: [{ user: 'hei' }, { user: '1' }, { user: '{{id:adult-plain}}' }],
    });
    const asked = lastReplyText(run.turns);
    expect(asked).toMatch(/mobilnummer/i);
    const state = storageText(run.bot.memory);
    expect(state).toContain('"phone.ask"');
    // No sentence of the prompt is in the stored state: only keys.
    expect(state).not.toMatch(/mobilnummer/i);
    await run.bot.built.close();
  });

  test('after a question mid-flow and a language switch the waiting prompt comes back rendered', async () => {
    const run = await runConversation({
      locale: 'nb-NO',
      channelId: 'test',
      now: REFERENCE_NOW,
      turns: [{ user: 'hei' }, { user: '1' }, { user: '{{id:adult-plain}}' }, { user: 'hva koster det?' }],
    });
    expect(lastReplyText(run.turns)).toMatch(/mobilnummer/i);
    const english = await runConversation({
      locale: 'nb-NO',
      channelId: 'test',
      now: REFERENCE_NOW,
      turns: [{ user: 'hei' }, { user: '1' }, { user: '{{id:adult-plain}}' }, { user: 'English please' }],
    });
    expect(lastReplyText(english.turns)).toMatch(/mobile number/i);
    expect(storageText(english.bot.memory)).not.toMatch(/mobile number/i);
    const wrong = await runConversation({
      locale: 'en-US',
      channelId: 'test',
      now: REFERENCE_NOW,
      turns: [{ user: 'hello' }, { user: '1' }, { user: '{{id:adult-plain}}' }, { user: '123' }],
    });
    expect(lastReplyText(wrong.turns)).toMatch(/mobile number/i);
    expect(storageText(wrong.bot.memory)).not.toMatch(/mobile number/i);
    await Promise.all([run.bot.built.close(), english.bot.built.close(), wrong.bot.built.close()]);
  });
});
