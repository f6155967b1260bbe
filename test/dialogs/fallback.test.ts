/**
 * Honest fallback at the top level: "I can help with …", the likeliest topics as buttons and the way to a
 * person; a second fallback in a row offers a person; another language is told which languages the bot
 * speaks, in English and Norwegian, and does not change the conversation's language.
 */
import { IntentRecognizer } from '../../src/understanding';
import { topicButtonTitles } from '../../src/i18n';
import { REFERENCE_NOW } from '../support/harness';
import { runConversation } from '../transcripts/runner';
import type { BotReply } from '../transcripts/format';
import nb from '../../locales/nb.json';
import en from '../../locales/en.json';

let recognizer: IntentRecognizer;
beforeAll(async () => {
  recognizer = await IntentRecognizer.create({ phrases: topicButtonTitles() });
});

async function talk(locale: string, ...turns: string[]): Promise<BotReply[][]> {
  const run = await runConversation(
    { locale, channelId: 'test', now: REFERENCE_NOW, turns: turns.map((user) => ({ user })) },
    { recognizer },
  );
  await run.bot.built.close();
  expect(run.errors).toEqual([]);
  return run.turns.map((t) => t.bot);
}

const said = (replies: BotReply[]) => replies.map((r) => r.text).join('\n');

describe('fallback', () => {
  test('an unclear message gets "I can help with", likely topics as buttons and the way to a person', async () => {
    const turns = await talk('nb-NO', 'hei', 'hva gjør jeg om brevet blir borte');
    const reply = turns[1].at(-1) as BotReply;
    expect(reply.text).toContain(nb.fallback.intro);
    expect(reply.actions?.length).toBeGreaterThanOrEqual(3);
    expect(reply.actions?.length).toBeLessThanOrEqual(4);
    expect(reply.actions?.at(-1)).toBe(nb.menu.items.human);
    expect(reply.actions).toContain(nb.topics['lost-letter']);
  });

  test('tapping an offered topic button answers that topic', async () => {
    const turns = await talk('nb-NO', 'hei', 'hva gjør jeg om brevet blir borte', nb.topics['lost-letter']);
    expect(said(turns[2])).toContain('800 30 300');
    expect(said(turns[2])).toContain('60 dager');
  });

  test('two fallbacks in a row offer a person', async () => {
    const turns = await talk('en-US', 'hello', 'who won the match yesterday', 'recommend me a pizza place');
    expect(said(turns[1])).toContain(en.fallback.intro);
    expect(said(turns[2])).toContain('Would you rather talk to a person?');
    expect(said(turns[2])).toContain('800 30 300');
  });

  test.each([
    ['German', 'Ich brauche Hilfe mit meinem Aktivierungsbrief'],
    ['Polish', 'Nie dostałem listu aktywacyjnego, co mam zrobić?'],
    ['Ukrainian', 'Я не отримав лист, що робити?'],
    ['Swedish', 'Hur lång tid tar det innan brevet kommer?'],
  ])('%s is told which languages the bot speaks, in English and Norwegian', async (_name, text) => {
    const turns = await talk('nn-NO', 'hei', text, 'kva kostar det');
    expect(said(turns[1])).toContain('I speak English, Norwegian Bokmål and Nynorsk');
    expect(said(turns[1])).toContain('Eg snakkar engelsk, bokmål og nynorsk');
    // The conversation stays in nynorsk.
    expect(said(turns[2])).toContain('Nei, MinID er gratis');
    expect(said(turns[2])).toContain('Er det noko meir');
  });

  test('a foreign first message gets the language answer too', async () => {
    const turns = await talk('nb-NO', 'Ich habe den Brief nicht bekommen');
    expect(said(turns[0])).toContain('I speak English, Norwegian Bokmål and Nynorsk');
  });
});
