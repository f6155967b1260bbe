import { parseLanguageSwitch, type Lang } from '../../../src/understanding';

describe('parseLanguageSwitch', () => {
  const positives: [string, Lang][] = [
    ['English please', 'en'],
    ['english', 'en'],
    ['in English', 'en'],
    ['can you speak english', 'en'],
    ['Do you speak English?', 'en'],
    ['switch to English', 'en'],
    ['kan du skrive engelsk', 'en'],
    ['på engelsk, takk', 'en'],
    ['snakker du engelsk?', 'en'],
    ['på nynorsk', 'nn'],
    ['nynorsk', 'nn'],
    ['nynorsk takk', 'nn'],
    ['snakk nynorsk', 'nn'],
    ['kan eg få nynorsk', 'nn'],
    ['norsk nynorsk', 'nn'],
    ['bokmål', 'nb'],
    ['bokmal', 'nb'],
    ['på bokmål, takk', 'nb'],
    ['norsk', 'nb'],
    ['på norsk', 'nb'],
    ['Norwegian', 'nb'],
    ['switch to Norwegian', 'nb'],
    ['can you answer in norwegian please', 'nb'],
    ['norsk bokmål', 'nb'],
  ];
  test.each(positives)('%j -> %s', (text, expected) => {
    expect(parseLanguageSwitch(text)).toBe(expected);
  });

  const negatives = [
    'jeg bor i England',
    'the letter',
    'I live in England',
    'jeg snakker ikke norsk',
    'norsk adresse',
    'I have a Norwegian address',
    'har ikkje norsk adresse',
    'english nynorsk',
    'bestille aktiveringsbrev',
    '',
    'ok',
    'is the letter in english or norwegian',
  ];
  test.each(negatives)('%j -> undefined', (text) => {
    expect(parseLanguageSwitch(text)).toBeUndefined();
  });
});
