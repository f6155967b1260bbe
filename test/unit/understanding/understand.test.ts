import {
  CORPORA,
  INTENT_THRESHOLD,
  INTENTS,
  IntentRecognizer,
  isMostlyDigits,
  prepareForClassifier,
  understand,
  type Intent,
  type Lang,
} from '../../../src/understanding';

describe('understand()', () => {
  const examples: [string, Intent, Lang | undefined][] = [
    ['bestille aktiveringsbrev', 'order-letter', 'nb'],
    ['aktiveringsbrev ikke kommet', 'letter-not-arrived', 'nb'],
    ['fatt ikke sms', 'no-sms', 'nb'],
    ['kva er reglane for c/o', 'care-of', 'nn'],
    ['I want to order an activation letter', 'order-letter', 'en'],
    ['the letter never came', 'letter-not-arrived', 'en'],
    ['fekk ikkje SMS', 'no-sms', 'nn'],
    ['eg er 12 år', 'age', 'nn'],
    ['jeg har allerede minid', 'already-have-minid', 'nb'],
    ['how long does the letter take?', 'letter-delivery-time', 'en'],
    ['kor lang tid tek brevet', 'letter-delivery-time', 'nn'],
    ['hvor lang tid tar brevet?', 'letter-delivery-time', 'nb'],
    ['slett samtalen', 'delete-conversation', 'nb'],
    ['delete my conversation', 'delete-conversation', 'en'],
    ['snakke med et menneske', 'human', 'nb'],
    ['avbryt', 'cancel', 'nb'],
    ['cancel', 'cancel', 'en'],
    ['Stopp!', 'cancel', 'nb'],
    ['start på nytt', 'restart', 'nb'],
    ['hjelp', 'help', 'nb'],
    ['takk', 'thanks', 'nb'],
    ['hei', 'greeting', 'nb'],
    ['jeg har glemt passordet', 'password-help', 'nb'],
    ['I live abroad', 'abroad', 'en'],
    ['hvilken adresse blir brevet sendt til', 'address', 'nb'],
    ['brevet er utløpt', 'letter-expired', 'nb'],
    ['hvordan setter jeg opp appen', 'app-setup', 'nb'],
  ];

  test.each(examples)('%j -> %s (%s)', async (text, intent, language) => {
    const result = await understand(text);
    expect(result.intent).toBe(intent);
    expect(result.score).toBeGreaterThanOrEqual(INTENT_THRESHOLD);
    expect(result.score).toBeLessThanOrEqual(1);
    expect(result.language).toBe(language);
    expect(result.switchTo).toBeUndefined();
  });

  test.each([
    '123456',
    '151086 95088',
    '13.09.72 48022',
    '+47 912 34 567',
    '98765432',
    'kode 123456',
    'tlf 98765432',
  ])('digits %j -> none without language', async (text) => {
    expect(isMostlyDigits(text)).toBe(true);
    await expect(understand(text)).resolves.toEqual({ intent: 'none', score: 1 });
  });

  test('digits never reach the classifier', async () => {
    const recognizer = await IntentRecognizer.create();
    const classify = jest.spyOn(recognizer as unknown as { classify: () => unknown }, 'classify');
    await recognizer.understand('151086 95088');
    await recognizer.understand('123456');
    expect(classify).not.toHaveBeenCalled();
    await recognizer.understand('jeg fikk ikke brevet');
    expect(classify).toHaveBeenCalledTimes(1);
  });

  test('a few digits in a sentence are fine', async () => {
    expect(isMostlyDigits('eg er 12 år')).toBe(false);
    expect((await understand('jeg er 11 år gammel')).intent).toBe('age');
  });

  test.each([
    ['English please', 'en'],
    ['på nynorsk', 'nn'],
    ['bokmål', 'nb'],
    ['norsk', 'nb'],
    ['nynorsk takk', 'nn'],
    ['can you speak english', 'en'],
  ] as [string, Lang][])('switch request %j -> switch-language to %s', async (text, switchTo) => {
    const result = await understand(text);
    expect(result).toMatchObject({ intent: 'switch-language', score: 1, switchTo });
  });

  test('switch-language without a target has no switchTo', async () => {
    for (const text of ['språk', 'change language', 'bytt språk']) {
      const result = await understand(text);
      expect(result.intent).toBe('switch-language');
      expect(result.switchTo).toBeUndefined();
    }
  });

  test.each(['ok', 'ja', 'nei', 'yes', 'no', 'neste', 'next', '', '   ', '?', '😀', 'asdfgh'])(
    '%j -> none',
    async (text) => {
      expect((await understand(text)).intent).toBe('none');
    },
  );

  test('out-of-domain text -> none', async () => {
    for (const text of [
      'hva er meningen med livet',
      'what is the meaning of life',
      'kva er vêret i Bergen i morgon',
    ]) {
      expect((await understand(text)).intent).toBe('none');
    }
  });

  test('"jeg bor i England" is not a language switch', async () => {
    const result = await understand('jeg bor i England');
    expect(result.intent).not.toBe('switch-language');
    expect(result.language).toBe('nb');
  });

  test('results are deterministic across trainings', async () => {
    const a = await IntentRecognizer.create();
    const b = await IntentRecognizer.create();
    for (const text of ['fekk ikkje brevet', 'how long does it take', 'kan jeg bruke c/o']) {
      expect(await a.understand(text)).toEqual(await b.understand(text));
    }
  });

  test('training is fast', async () => {
    const start = Date.now();
    await IntentRecognizer.create();
    expect(Date.now() - start).toBeLessThan(3000);
  });
});

describe('corpus', () => {
  test('every intent except none has 12+ utterances in every language, and only known intents', () => {
    for (const [lang, corpus] of Object.entries(CORPORA)) {
      for (const intent of INTENTS) {
        const n = corpus[intent]?.length ?? 0;
        if (n < 12) throw new Error(`${lang}.json: ${intent} has ${n} utterances`);
      }
      for (const key of Object.keys(corpus)) expect(INTENTS).toContain(key);
    }
  });

  test('prepareForClassifier folds æøå, c/o and numbers', () => {
    expect(prepareForClassifier('Fått C/O-adresse i 2013, eg er 12 år')).toBe(
      'fatt careof -adresse i nyear , eg er nnum ar',
    );
    expect(prepareForClassifier('fnr 15108695088')).toBe('fnr');
  });
});
