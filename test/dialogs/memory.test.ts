/**
 * Conversation memory: what this conversation established (an order with its dates, the outcome, the flow)
 * is kept in session state without any ID or phone number, and later questions use it.
 */
import { lastReplyText, runConversation } from '../transcripts/runner';
import { personId } from '../transcripts/format';
import { REFERENCE_NOW } from '../support/harness';
import { storageText } from './support';

const ORDER = ['hei', '1', '{{id:adult-plain}}', '{{phone}}', '{{code}}', 'nei'].map((user) => ({ user }));

describe('conversation memory', () => {
  test('"når kommer brevet?" right after ordering answers with the delivery date, no date asked', async () => {
    const run = await runConversation({
      locale: 'nb-NO',
      channelId: 'test',
      now: REFERENCE_NOW,
      turns: [...ORDER, { user: 'når kommer brevet?' }],
    });
    const last = lastReplyText(run.turns);
    expect(last).toContain('8. desember 2026');
    expect(last).toContain('23. januar 2027');
    expect(last).not.toContain('Når bestilte du brevet?');
    const state = storageText(run.bot.memory);
    expect(state).toContain('"deliveryBy":"2026-12-08"');
    expect(state).toContain('"orderOutcome":"can-order"');
    expect(state.replace(/\D/g, '')).not.toContain(personId('adult-plain'));
    expect(state).not.toContain('41234567');
    await run.bot.built.close();
  });

  test('before any order, "how long does it take?" gives about 10 working days and asks no date', async () => {
    const run = await runConversation({
      locale: 'en-US',
      channelId: 'test',
      now: REFERENCE_NOW,
      turns: [{ user: 'hello' }, { user: 'how long does it take?' }],
    });
    const last = lastReplyText(run.turns);
    expect(last).toContain('10 working days');
    expect(last).not.toContain('When did you order');
    await run.bot.built.close();
  });

  test('the memory goes with the conversation when it is deleted', async () => {
    const run = await runConversation({
      locale: 'nb-NO',
      channelId: 'test',
      now: REFERENCE_NOW,
      turns: [...ORDER, { user: 'slett samtalen' }, { user: 'når kommer brevet?' }],
    });
    const last = lastReplyText(run.turns);
    expect(last).not.toContain('8. desember 2026');
    await run.bot.built.close();
  });
});
