import enEval from '../../../src/understanding/eval/en.json';
import nbEval from '../../../src/understanding/eval/nb.json';
import nnEval from '../../../src/understanding/eval/nn.json';
import { topicButtonTitles } from '../../../src/i18n';
import {
  CORPORA,
  IntentRecognizer,
  prepareForClassifier,
  trainingDocuments,
  type Understood,
} from '../../../src/understanding/recognizer';

/**
 * The recognizer keeps the classifier's answers for texts that are training utterances once prepared.
 * What it answers from the memo must be what the classifier answers, whatever came before.
 */

const corpusTexts = Object.values(CORPORA).flatMap((corpus) => Object.values(corpus).flat());
const evalTexts = [...nbEval, ...nnEval, ...enEval].map((item) => item.text);
const TEXTS = [...corpusTexts, ...evalTexts];

function classifyCalls(recognizer: IntentRecognizer): { count: number } {
  const nlp = (recognizer as unknown as { nlp: { classify: (...args: unknown[]) => unknown } }).nlp;
  const original = nlp.classify.bind(nlp);
  const calls = { count: 0 };
  nlp.classify = (...args: unknown[]) => {
    calls.count += 1;
    return original(...args);
  };
  return calls;
}

let forward: IntentRecognizer;
let backward: IntentRecognizer;
beforeAll(async () => {
  [forward, backward] = await Promise.all([
    IntentRecognizer.create({ phrases: topicButtonTitles() }),
    IntentRecognizer.create({ phrases: topicButtonTitles() }),
  ]);
}, 120_000);

describe('classifier memo for training utterances', () => {
  test('answers from the memo equal the classifier, in any order of messages', async () => {
    const trained = new Set(trainingDocuments().map((d) => d.utterance));
    expect(corpusTexts.filter((t) => trained.has(prepareForClassifier(t))).length).toBeGreaterThan(1000);
    const first: Understood[] = [];
    const again: Understood[] = [];
    for (const text of TEXTS) first.push(await forward.understand(text));
    for (const text of TEXTS) again.push(await forward.understand(text));
    expect(again).toEqual(first);
    // Another recognizer, messages in the reverse order: the same answers.
    const reversed: Understood[] = [];
    for (const text of [...TEXTS].reverse()) reversed.push(await backward.understand(text));
    expect(reversed.reverse()).toEqual(first);
  }, 120_000);

  test('a training utterance is classified once; any other text every time', async () => {
    const recognizer = await IntentRecognizer.create({ phrases: topicButtonTitles() });
    const calls = classifyCalls(recognizer);
    const hello = await recognizer.understand('hei');
    expect(hello.intent).toBe('greeting');
    const once = calls.count;
    expect(once).toBeGreaterThan(0);
    expect(await recognizer.understand('Hei')).toEqual(hello);
    expect(calls.count).toBe(once);
    const question = 'kor lenge har brevet mitt vore på vegen no?';
    expect(trainingDocuments().some((d) => d.utterance === prepareForClassifier(question))).toBe(false);
    await recognizer.understand(question);
    const after = calls.count;
    await recognizer.understand(question);
    expect(calls.count).toBeGreaterThan(after);
  }, 120_000);
});
