/**
 * The knowledge base is data: every question topic has training utterances in each language, an answer
 * in each locale file that takes its numbers from the rules module (ruleParams), and a button title.
 */
import en from '../../../locales/en.json';
import nb from '../../../locales/nb.json';
import nn from '../../../locales/nn.json';
import { QUESTION_INTENTS, ruleParams } from '../../../dialogs/answers';
import { CORPORA, IntentRecognizer } from '../../../src/understanding';
import { SUPPORT } from '../../../src/rules';

const LOCALES = { nb, nn, en } as const;
const MIN_UTTERANCES = 8;

describe('knowledge base topics', () => {
  test.each(QUESTION_INTENTS.map((t) => [t]))(
    '%s has utterances, an answer and a button in nb, nn, en',
    (topic) => {
      for (const [lang, locale] of Object.entries(LOCALES)) {
        const utterances = CORPORA[lang as keyof typeof CORPORA][topic] ?? [];
        expect({ lang, topic, enough: utterances.length >= MIN_UTTERANCES }).toEqual({
          lang,
          topic,
          enough: true,
        });
        const answer = (locale.answers as Record<string, string>)[topic];
        expect(typeof answer).toBe('string');
        expect(typeof (locale.topics as Record<string, string>)[topic]).toBe('string');
        // Every placeholder is a rule value; the support number is never typed into a text.
        for (const [, name] of answer.matchAll(/\{\{(\w+)/g))
          expect(Object.keys(ruleParams())).toContain(name);
        expect(answer).not.toContain(SUPPORT.phone);
      }
    },
  );

  test.each([
    ['Hva er MinID?', 'what-is-minid'],
    ['Kan jeg få brevet på e-post?', 'letter-by-email'],
    ['Hvorfor må jeg vente 60 dager?', 'why-60-days'],
    ['I have BankID, do I need MinID?', 'minid-vs-bankid'],
    ['kan eg få brevet til jobben?', 'care-of'],
    ['jeg vet ikke fødselsnummeret mitt', 'find-id-number'],
    ['I lost my letter, can I order a new one?', 'lost-letter'],
    ["the QR code won't scan", 'qr-camera'],
    ['passordet mitt er feil', 'password-wrong'],
    ['ha det', 'goodbye'],
    ['Koster det noe?', 'cost'],
    ['Kostar det noko?', 'cost'],
    ['how long does it take?', 'letter-delivery-time'],
  ])('the reported question %j is %s', async (text, topic) => {
    const r = await IntentRecognizer.create();
    expect((await r.understand(text)).intent).toBe(topic);
  });
});
