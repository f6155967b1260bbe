import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  IntentRecognizer,
  trainIntentModel,
  trainingDocuments,
  trainingHash,
  type IntentModelFile,
} from '../../../src/understanding';
import { createNlp } from '../../../src/understanding/nlp-engine';
import enEval from '../../../src/understanding/eval/en.json';
import nbEval from '../../../src/understanding/eval/nb.json';
import nnEval from '../../../src/understanding/eval/nn.json';

// The model `npm run build` writes (dist/intent-model.json) must behave exactly like training at start,
// and a model that does not match the corpus must never be used.

const EVAL_TEXTS = [...nbEval, ...nnEval, ...enEval].map((item: { text: string }) => item.text);
const PHRASES = { 'Bestille aktiveringsbrev': 'order-letter' };

let dir: string;
let modelFile: string;
let model: IntentModelFile;
let trained: IntentRecognizer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'intent-model-'));
  modelFile = join(dir, 'intent-model.json');
  model = await trainIntentModel();
  writeFileSync(modelFile, JSON.stringify(model));
  trained = await IntentRecognizer.create({ phrases: PHRASES });
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the build-time intent model', () => {
  test('is used when it matches the corpus, and understands every eval message as training at start does', async () => {
    const fromFile = await IntentRecognizer.create({ phrases: PHRASES, modelFile });
    expect(fromFile.source).toEqual({ from: 'model-file', file: modelFile });
    expect(trained.source).toEqual({ from: 'trained', reason: 'no-file' });
    expect(EVAL_TEXTS.length).toBeGreaterThanOrEqual(135);
    for (const text of [...EVAL_TEXTS, 'Bestille aktiveringsbrev', 'hva er meningen med livet']) {
      // Same intent, score, candidates and language, message by message.
      expect({ text, ...(await fromFile.understand(text)) }).toEqual({
        text,
        ...(await trained.understand(text)),
      });
    }
  }, 60_000);

  test('records what it was trained from: the hash changes with any training document', () => {
    const documents = trainingDocuments();
    expect(model.hash).toBe(trainingHash(documents));
    const changed = documents.map((d, i) => (i === 7 ? { ...d, utterance: `${d.utterance} x` } : d));
    expect(trainingHash(changed)).not.toBe(model.hash);
    const relabelled = documents.map((d, i) => (i === 7 ? { ...d, intent: 'thanks' as const } : d));
    expect(trainingHash(relabelled)).not.toBe(model.hash);
  });

  test('a stale model (trained from another corpus) is not used: the recognizer trains instead', async () => {
    // A model that would answer 'thanks' to everything, were it used: trained from two documents only.
    const nlp = await createNlp();
    nlp.addDocument('no', 'takk', 'thanks');
    nlp.addDocument('en', 'thanks', 'thanks');
    await nlp.train();
    const staleFile = join(dir, 'stale.json');
    writeFileSync(staleFile, JSON.stringify({ format: 1, hash: 'f'.repeat(64), model: nlp.toJSON() }));
    const stale = await IntentRecognizer.create({ phrases: PHRASES, modelFile: staleFile });
    expect(stale.source).toEqual({ from: 'trained', reason: 'stale' });
    for (const text of EVAL_TEXTS.slice(0, 20)) {
      expect(await stale.understand(text)).toEqual(await trained.understand(text));
    }

    const otherFormat = join(dir, 'format.json');
    const good = JSON.parse(readFileSync(modelFile, 'utf8')) as IntentModelFile;
    writeFileSync(otherFormat, JSON.stringify({ ...good, format: 0 }));
    expect((await IntentRecognizer.create({ modelFile: otherFormat })).source).toEqual({
      from: 'trained',
      reason: 'stale',
    });
  }, 60_000);

  test('a missing or unreadable model file falls back to training', async () => {
    const missing = await IntentRecognizer.create({ modelFile: join(dir, 'nope.json') });
    expect(missing.source).toEqual({ from: 'trained', reason: 'missing' });
    expect((await missing.understand('hva koster minid')).intent).toBe('cost');

    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"format":1,"hash":"'); // cut off mid-write
    const unreadable = await IntentRecognizer.create({ modelFile: broken });
    expect(unreadable.source).toEqual({ from: 'trained', reason: 'unreadable' });
    expect((await unreadable.understand('how much does it cost')).intent).toBe('cost');

    const notAModel = join(dir, 'array.json');
    writeFileSync(notAModel, '[]');
    expect((await IntentRecognizer.create({ modelFile: notAModel })).source).toEqual({
      from: 'trained',
      reason: 'unreadable',
    });
  }, 90_000);
});
