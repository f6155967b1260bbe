import { CORPORA, INTENTS, type Lang } from '../../../src/understanding';
import { EVAL_SETS } from '../../../scripts/accuracy';

/** Lowercased, punctuation dropped, whitespace collapsed: stricter than an exact-duplicate check. */
const key = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

describe('evaluation sets are kept apart from the training corpus', () => {
  const training = new Set<string>();
  for (const corpus of Object.values(CORPORA)) {
    for (const utterances of Object.values(corpus)) for (const u of utterances ?? []) training.add(key(u));
  }

  test.each(Object.keys(EVAL_SETS) as Lang[])('%s: no eval item is a training utterance', (lang) => {
    const overlap = EVAL_SETS[lang].filter((item) => training.has(key(item.text))).map((i) => i.text);
    expect(overlap).toEqual([]);
  });

  test.each(Object.keys(EVAL_SETS) as Lang[])('%s: at least 45 labelled, unique items', (lang) => {
    const items = EVAL_SETS[lang];
    expect(items.length).toBeGreaterThanOrEqual(45);
    expect(new Set(items.map((i) => key(i.text))).size).toBe(items.length);
    for (const item of items) {
      expect(INTENTS).toContain(item.intent);
      expect(item.language).toBe(lang);
      expect(item.text.trim().length).toBeGreaterThan(0);
    }
  });
});
