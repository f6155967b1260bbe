import {
  countMarkers,
  detectLanguage,
  EN_MARKER_WORDS,
  LANGUAGE_SWITCH_MIN_CONFIDENCE,
  NB_ONLY_WORDS,
  NN_ONLY_WORDS,
  NO_SHARED_WORDS,
  STATISTICAL_MIN_WORDS,
  type Lang,
} from '../../../src/understanding';

describe('detectLanguage: marker words', () => {
  const cases: [string, Lang][] = [
    ['jeg har ikke fått brevet', 'nb'],
    ['hvordan bestiller jeg aktiveringsbrev?', 'nb'],
    ['Hva er reglene for c/o?', 'nb'],
    ['fatt ikke sms', 'nb'], // "fått" typed without å
    ['jeg har flyttet fra Bergen', 'nb'],
    ['hvor lang tid tar brevet?', 'nb'],
    ['eg fekk ikkje brevet', 'nn'],
    ['korleis bestiller eg aktiveringsbrev', 'nn'],
    ['kva er reglane for c/o', 'nn'],
    ['kor lang tid tek brevet', 'nn'],
    ['eg er 12 år', 'nn'],
    ['har ikkje fatt noko brev fra dykk', 'nn'], // nn markers outweigh one bokmål-looking "fra"
    ['sjolv om eg bur heime', 'nn'], // "sjølv" without ø
    ['I want to order an activation letter', 'en'],
    ['the letter never came', 'en'],
    ['how long does the letter take?', 'en'],
    ['I have not got my letter', 'en'],
    ['please help me', 'en'],
  ];
  test.each(cases)('%s -> %s', (text, expected) => {
    const result = detectLanguage(text);
    expect(result.language).toBe(expected);
    expect(result.method).toBe('marker');
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
  });
});

describe('detectLanguage: mixed and short text', () => {
  test('one English word in Norwegian text stays Norwegian', () => {
    expect(detectLanguage('jeg trenger hjelp med minid app').language).toBe('nb');
    expect(detectLanguage('jeg har ikke fått activation letter').language).toBe('nb');
    expect(detectLanguage('eg treng hjelp med appen, please').language).toBe('nn');
  });

  test('one Norwegian word in English text stays English', () => {
    expect(detectLanguage('I need help with aktiveringsbrev').language).toBe('en');
    expect(detectLanguage('where is my aktiveringsbrev?').language).toBe('en');
  });

  test('hyphenated suffixes ("SMS-en") are not the bokmål article "en"', () => {
    expect(detectLanguage('har ikkje fått sms-en').language).toBe('nn');
    expect(detectLanguage('MinID-en min verkar ikkje').language).toBe('nn');
    expect(NB_ONLY_WORDS).not.toContain('en');
  });

  test('"i" alone is not English (it is Norwegian for "in")', () => {
    expect(detectLanguage('jeg bor i England').language).toBe('nb');
  });

  test('Norwegian without variant markers defaults to bokmål with lower confidence', () => {
    const shared = detectLanguage('takk for svaret');
    expect(shared.language).toBe('nb');
    const marked = detectLanguage('jeg takker for svaret');
    expect(marked.language).toBe('nb');
    expect(shared.confidence).toBeLessThan(marked.confidence);
  });

  test.each(['ok', 'MinID', '123456', '151086 95088', '', '   ', '?!', '😀', 'minid app', 'sms'])(
    'unsure for %j',
    (text) => {
      expect(detectLanguage(text)).toEqual({ language: undefined, confidence: 0, method: 'none' });
    },
  );

  test('punctuation and case do not matter', () => {
    expect(detectLanguage('IKKJE FÅTT BREVET!!!').language).toBe('nn');
    expect(detectLanguage('Where...is...MY letter???').language).toBe('en');
  });
});

describe('detectLanguage: confidence', () => {
  test('a single marker word, variant-less Norwegian and statistical guesses stay below the switch level', () => {
    for (const text of ['stop', 'hvordan', 'help', 'takk for svaret', 'innlogging fungerer dårlig idag']) {
      const { language, confidence } = detectLanguage(text);
      expect(language).toBeDefined();
      expect(confidence).toBeLessThan(LANGUAGE_SWITCH_MIN_CONFIDENCE);
    }
  });

  test('clear text reaches the switch level', () => {
    for (const text of ['eg fekk ikkje brevet', 'where is my letter?', 'jeg har ikke fått brevet']) {
      expect(detectLanguage(text).confidence).toBeGreaterThanOrEqual(LANGUAGE_SWITCH_MIN_CONFIDENCE);
    }
  });
});

describe('detectLanguage: statistical fallback', () => {
  test('long text without markers goes to the statistical detector (Norwegian vs English only)', () => {
    const en = detectLanguage('Digital identification services problems today');
    expect(en).toMatchObject({ language: 'en', method: 'statistical' });
    const no = detectLanguage('innlogging fungerer dårlig idag');
    expect(no).toMatchObject({ language: 'nb', method: 'statistical' });
  });

  test('short text without markers is never decided statistically', () => {
    const text = 'innlogging fungerer dårlig';
    expect(text.split(' ').length).toBeLessThan(STATISTICAL_MIN_WORDS);
    expect(detectLanguage(text).method).toBe('none');
  });
});

describe('marker word lists', () => {
  test('no word is in more than one list', () => {
    const lists = { NB_ONLY_WORDS, NN_ONLY_WORDS, NO_SHARED_WORDS, EN_MARKER_WORDS };
    const seen = new Map<string, string>();
    for (const [name, words] of Object.entries(lists)) {
      for (const w of words) {
        const prev = seen.get(w);
        if (prev !== undefined && prev !== name) throw new Error(`"${w}" is in ${prev} and ${name}`);
        seen.set(w, name);
      }
    }
  });

  test('lists are lowercase single words', () => {
    for (const w of [...NB_ONLY_WORDS, ...NN_ONLY_WORDS, ...NO_SHARED_WORDS, ...EN_MARKER_WORDS]) {
      expect(w).toMatch(/^[\p{Ll}']+$/u);
    }
  });

  test('the classic pairs are on the right side', () => {
    for (const w of [
      'jeg',
      'ikke',
      'hva',
      'hvordan',
      'fra',
      'hvorfor',
      'noe',
      'noen',
      'mye',
      'fikk',
      'bare',
      'hjemme',
    ]) {
      expect(NB_ONLY_WORDS).toContain(w);
    }
    for (const w of [
      'eg',
      'ikkje',
      'kva',
      'korleis',
      'frå',
      'kvifor',
      'noko',
      'nokon',
      'mykje',
      'fekk',
      'berre',
      'heime',
    ]) {
      expect(NN_ONLY_WORDS).toContain(w);
    }
  });

  test('countMarkers counts folded spellings', () => {
    expect(countMarkers('fatt ikke sms')).toMatchObject({ nb: 1, no: 1, en: 0 });
    expect(countMarkers('sjolv')).toMatchObject({ nn: 1 });
  });
});
