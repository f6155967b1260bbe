/**
 * The menu's ChoicePrompt with its position recognisers built once: for every kind of answer (a choice's
 * words, a typed number, an ordinal in words, numbers out of range, free-text questions with numbers in
 * them) and in every language and list style, it finds exactly what botbuilder's own ChoicePrompt finds,
 * and it never calls recognizers-text's per-call recognizeNumber()/recognizeOrdinal() (which build a
 * whole NumberRecognizer each time).
 */
import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import {
  ChoicePrompt,
  ListStyle,
  type FoundChoice,
  type PromptOptions,
  type PromptRecognizerResult,
} from 'botbuilder-dialogs';
import * as numbers from '@microsoft/recognizers-text-number';
import { createI18n } from '../../src/i18n';
import {
  MAY_HOLD_ENGLISH_NUMBER,
  ReusingChoicePrompt,
  promptDefaults,
  type PromptDefaults,
} from '../../dialogs/prompts';
import enCorpus from '../../src/understanding/corpus/en.json';
import nbCorpus from '../../src/understanding/corpus/nb.json';
import nnCorpus from '../../src/understanding/corpus/nn.json';
import enEval from '../../src/understanding/eval/en.json';
import nbEval from '../../src/understanding/eval/nb.json';
import nnEval from '../../src/understanding/eval/nn.json';
import enBlind from '../../src/understanding/eval-blind/en.json';
import nbBlind from '../../src/understanding/eval-blind/nb.json';
import nnBlind from '../../src/understanding/eval-blind/nn.json';
import en from '../../locales/en.json';
import nb from '../../locales/nb.json';
import nn from '../../locales/nn.json';

class StockProbe extends ChoicePrompt {
  recognize(context: TurnContext, options: PromptOptions): Promise<PromptRecognizerResult<FoundChoice>> {
    return this.onRecognize(context, {}, options);
  }
}

class ReusingProbe extends ReusingChoicePrompt {
  recognize(context: TurnContext, options: PromptOptions): Promise<PromptRecognizerResult<FoundChoice>> {
    return this.onRecognize(context, {}, options);
  }
}

const CHOICES = [
  { value: 'Bestille aktiveringsbrev', synonyms: ['bestille', 'order'] },
  { value: 'Spørsmål om brevet' },
  { value: 'Ta i bruk MinID-appen' },
  { value: 'Snakke med et menneske' },
];

const ANSWERS = [
  'Bestille aktiveringsbrev',
  'bestille',
  '1',
  '2',
  ' 4 ',
  '5',
  '0',
  '-1',
  'nummer 3',
  'nr. 2 takk',
  '2.',
  'the second one',
  'third',
  'first please',
  '1st',
  'two',
  'to',
  'tre',
  'andre',
  'hvor lang tid tar det?',
  'kva kostar det',
  'jeg er født i 2009, kan jeg bestille?',
  'har ikkje fått sms på 2 dager',
  "what if the letter doesn't arrive in 10 days?",
  '14838510036',
  '２',
  'half a dozen',
  'the one before the last',
  'deux',
  'le deuxième',
  '',
];

let defaults: PromptDefaults;

beforeAll(async () => {
  defaults = promptDefaults(await createI18n());
});

afterEach(() => jest.restoreAllMocks());

function contextFor(text: string, locale: string): TurnContext {
  return new TurnContext(new TestAdapter(), {
    type: 'message',
    text,
    locale,
    channelId: 'webchat',
    from: { id: 'u', name: '' },
    recipient: { id: 'b', name: '' },
    conversation: { id: 'c', name: '', isGroup: false },
  } as Activity);
}

describe('ReusingChoicePrompt', () => {
  it.each([
    ['nb-NO', ListStyle.suggestedAction],
    ['nn-NO', ListStyle.list],
    ['en-US', ListStyle.suggestedAction],
    ['en-US', ListStyle.inline],
    // A culture with number models of its own (French): the English pre-check must not apply.
    ['fr-FR', ListStyle.suggestedAction],
  ])('finds exactly what ChoicePrompt finds (locale %s, style %s)', async (locale, style) => {
    const stock = new StockProbe('stock', undefined, 'nb-no', defaults.choice);
    const reusing = new ReusingProbe('reusing', undefined, 'nb-no', defaults.choice);
    stock.style = style;
    reusing.style = style;
    let positional = 0;
    for (const text of ANSWERS) {
      const options: PromptOptions = { choices: CHOICES };
      const expected = await stock.recognize(contextFor(text, locale), options);
      const actual = await reusing.recognize(contextFor(text, locale), options);
      expect({ text, ...actual }).toEqual({ text, ...expected });
      if (expected.succeeded && !/[a-zæøå]{4,}/i.test(text)) positional += 1;
    }
    // The comparison covered answers picked by position, not only by words.
    expect(positional).toBeGreaterThanOrEqual(4);
  });

  it("never builds recognizers-text's per-call number recognisers", async () => {
    const perCall = [jest.spyOn(numbers, 'recognizeNumber'), jest.spyOn(numbers, 'recognizeOrdinal')];
    const reusing = new ReusingProbe('reusing', undefined, 'nb-no', defaults.choice);
    for (const text of ANSWERS) await reusing.recognize(contextFor(text, 'nb-NO'), { choices: CHOICES });
    expect(perCall.map((s) => s.mock.calls.length)).toEqual([0, 0]);
    // The spies do see botbuilder's own prompt call them, so the zero above means something.
    const stock = new StockProbe('stock', undefined, 'nb-no', defaults.choice);
    await stock.recognize(contextFor('hvor lang tid tar det?', 'nb-NO'), { choices: CHOICES });
    expect(perCall.map((s) => s.mock.calls.length)).toEqual([1, 1]);
  });
});

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('MAY_HOLD_ENGLISH_NUMBER (the English models are skipped for texts it rules out)', () => {
  const recognizer = new numbers.NumberRecognizer(undefined, numbers.NumberOptions.None, true);
  const models = [recognizer.getNumberModel('en-us', true), recognizer.getOrdinalModel('en-us', true)];
  const found = (text: string) => models.some((m) => m.parse(text).length > 0);

  // Every number word the English models know (their definitions' maps), alone and in a phrase.
  const E = numbers.EnglishNumeric;
  const words = [
    E.CardinalNumberMap,
    E.OrdinalNumberMap,
    E.RoundNumberMap,
    E.RelativeReferenceOffsetMap,
    E.RelativeReferenceRelativeToMap,
  ].flatMap((map) => [...map.keys()]);
  const texts = [
    ...[nbCorpus, nnCorpus, enCorpus, nb, nn, en].flatMap(strings),
    ...[nbEval, nnEval, enEval, nbBlind, nnBlind, enBlind].flatMap((set) => set.map((item) => item.text)),
    ...ANSWERS,
    ...words.flatMap((w) => [w, w.toUpperCase(), `the ${w}`, `a ${w}`, `${w} one`, `I want the ${w} please`]),
    ...['½', '¾', '²', '٣', '२', 'Ⅻ', 'XII', 'a couple', 'a pair', 'both', 'once', 'twice', 'none', 'nil'],
  ];
  const everyWord = [...new Set(texts.flatMap((t) => t.split(/\s+/)))];

  it('rules out no text in which the models find a number or an ordinal', () => {
    expect(texts.length).toBeGreaterThan(3000);
    const missed = [...texts, ...everyWord].filter((t) => !MAY_HOLD_ENGLISH_NUMBER.test(t) && found(t));
    expect(missed).toEqual([]);
  });

  it('rules out most Norwegian questions, so the models are skipped where they find nothing', () => {
    const questions = [...nbEval, ...nnEval].map((item) => item.text).filter((t) => !/\d/.test(t));
    const skipped = questions.filter((t) => !MAY_HOLD_ENGLISH_NUMBER.test(t));
    expect(skipped.length / questions.length).toBeGreaterThan(0.5);
  });
});
