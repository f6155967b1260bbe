import nb from '../../../locales/nb.json';
import nn from '../../../locales/nn.json';
import { NB_ONLY_WORDS, NN_ONLY_WORDS } from '../../../src/understanding';

/**
 * Nynorsk is written as nynorsk, not bokmål with a few words swapped (and bokmål stays bokmål). The
 * detector's marker lists are the base; these are forms that are wrong in the other written standard and
 * tempting when translating, so they are checked as well.
 */
const EXTRA_BOKMAL_ONLY = [
  'skrev', 'slettet', 'begynner', 'begynne', 'forsto', 'fortsatt', 'foreløpig', 'tall', 'tallene', 'sifre',
  'sifrene', 'beklager', 'tegn', 'lykke', 'åpne', 'navn', 'navnet', 'gjelder', 'kommer',
  'stoppet', 'avbrutt', 'regne', 'sluttet', 'postadressen', 'bostedsadressen', 'e-postadressen', 'spørre',
   'utløpt', 'brevene', 'koder', 'dem', 'deg selv', 'hos oss',
  'veiledningen', 'innloggingen', 'personopplysninger', 'tidligere', 'hensyn', 'eksempel', 'forrige',
]; // prettier-ignore
const EXTRA_NYNORSK_ONLY = [
  'skreiv', 'sletta', 'byrjar', 'forstod', 'framleis', 'førebels', 'tala', 'siffera', 'orsak', 'teikn',
  'lukke', 'opne', 'namn', 'gjeld', 'rekne', 'slutta', 'postadressa', 'bustadadressa', 'spørje', 'eingongskode',
  'rettleiinga', 'innlogginga', 'personopplysningar', 'tidlegare', 'omsyn', 'dømes', 'førre', 'dei', 'eit',
  'ein', 'òg', 'no skriv', 'gammal', 'fødd', 'hugsar', 'kodane', 'bustad',
]; // prettier-ignore

function strings(value: unknown, path = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  }
  return [];
}

/** Lower-cased text with placeholders and quoted UI labels («Kom i gang», «Neste») taken out. */
function prose(text: string): string {
  return text
    .replace(/\{\{[^}]*\}\}/g, ' ')
    .replace(/«[^»]*»/g, ' ')
    .toLowerCase();
}

function findWords(text: string, words: readonly string[]): string[] {
  const t = ` ${prose(text).replace(/[.,:;!?()–-]/g, ' ')} `.replace(/\s+/g, ' ');
  return words.filter((w) => t.includes(` ${w.toLowerCase()} `));
}

describe('nynorsk is nynorsk', () => {
  const offending = strings(nn)
    .map(([key, text]) => [key, findWords(text, [...NB_ONLY_WORDS, ...EXTRA_BOKMAL_ONLY])] as const)
    .filter(([, words]) => words.length > 0);

  test('no bokmål-only word in locales/nn.json', () => {
    expect(offending).toEqual([]);
  });

  test('the check itself catches bokmål', () => {
    expect(
      findWords('Jeg har slettet tallene du skrev, men brevet kommer ikke.', [
        ...NB_ONLY_WORDS,
        ...EXTRA_BOKMAL_ONLY,
      ]),
    ).toEqual(expect.arrayContaining(['jeg', 'ikke', 'kommer', 'slettet', 'tallene', 'skrev']));
  });
});

describe('bokmål is bokmål', () => {
  const offending = strings(nb)
    .map(([key, text]) => [key, findWords(text, [...NN_ONLY_WORDS, ...EXTRA_NYNORSK_ONLY])] as const)
    .filter(([, words]) => words.length > 0);

  test('no nynorsk-only word in locales/nb.json', () => {
    expect(offending).toEqual([]);
  });

  test('the check itself catches nynorsk', () => {
    expect(
      findWords('Eg har sletta tala du skreiv, men brevet kjem ikkje.', [
        ...NN_ONLY_WORDS,
        ...EXTRA_NYNORSK_ONLY,
      ]),
    ).toEqual(expect.arrayContaining(['eg', 'ikkje', 'kjem', 'sletta', 'tala', 'skreiv']));
  });
});
