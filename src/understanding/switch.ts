/**
 * Explicit language switch requests ("English please", "på nynorsk", "bokmål", "kan du skrive engelsk").
 *
 * A message is a switch request when it names exactly one target language and every other word is a
 * polite/command filler word from the list below. Anything else ("jeg bor i England", "the letter",
 * "jeg snakker ikke norsk") is not an explicit request and gives undefined.
 */
import type { Lang } from './language';
import { foldNorwegian, tokenize } from './text';

/** Single words naming a language, after lowercasing and folding æ/ø/å. */
const TARGET_WORDS: ReadonlyMap<string, Lang> = new Map<string, Lang>([
  ['english', 'en'],
  ['engelsk', 'en'],
  ['engelska', 'en'],
  ['eng', 'en'],
  ['nynorsk', 'nn'],
  ['bokmal', 'nb'],
  ['bokmaal', 'nb'],
  ['norsk', 'nb'],
  ['norwegian', 'nb'],
]);

/** Words that may surround the target in a switch request (folded). */
const FILLER_WORDS: ReadonlySet<string> = new Set([
  // English
  'please',
  'pls',
  'plz',
  'in',
  'to',
  'into',
  'switch',
  'change',
  'speak',
  'talk',
  'write',
  'answer',
  'reply',
  'respond',
  'use',
  'language',
  'can',
  'could',
  'would',
  'you',
  'i',
  'we',
  'me',
  'us',
  'want',
  'prefer',
  'like',
  'rather',
  'do',
  'the',
  'it',
  'let',
  "let's",
  'lets',
  'thanks',
  'thank',
  'instead',
  'only',
  'version',
  'continue',
  'go',
  'back',
  'with',
  'get',
  'have',
  'give',
  'may',
  // Norwegian (bokmål and nynorsk)
  'pa',
  'kan',
  'du',
  'dere',
  'de',
  'skrive',
  'skriv',
  'snakke',
  'snakk',
  'snakker',
  'svare',
  'svar',
  'bytt',
  'byt',
  'bytte',
  'byte',
  'endre',
  'endr',
  'til',
  'over',
  'sprak',
  'spraket',
  'takk',
  'gjerne',
  'vaer',
  'ver',
  'sa',
  'so',
  'snill',
  'vil',
  'jeg',
  'eg',
  'ha',
  'helst',
  'heller',
  'istedet',
  'isteden',
  'istaden',
  'istadenfor',
  'i',
  'stedet',
  'staden',
  'meg',
  'oss',
  'med',
  'bruk',
  'bruke',
  'fortsett',
  'fortsette',
  'ta',
  'fa',
  'faa',
  'gi',
  'gje',
  'kunne',
  'foretrekker',
  'foretrekk',
  // Common glue in indirect requests ("kan vi bytte til nynorsk", "eg vil heller ha det på bokmål").
  'vi',
  'det',
  // not 'no': "no english" may well mean the opposite of a request
  'na',
  'er',
  'mulig',
  'mogleg',
  'ogsa',
  'hei',
  'ok',
  'okay',
  'hi',
  'hello',
  'is',
  'possible',
  'a',
  'an',
  'for',
]);

/**
 * The language an explicit switch request asks for, or undefined. "norsk"/"Norwegian" mean bokmål,
 * except together with "nynorsk" ("norsk nynorsk" -> nn).
 */
export function parseLanguageSwitch(text: string): Lang | undefined {
  const tokens = tokenize(text).map((t) => foldNorwegian(t));
  if (tokens.length === 0 || tokens.length > 8) return undefined;
  const targets = new Set<Lang>();
  let specific: Lang | undefined; // nynorsk/bokmål beat a plain "norsk"
  for (const t of tokens) {
    const target = TARGET_WORDS.get(t);
    if (target !== undefined) {
      if (t !== 'norsk' && t !== 'norwegian') {
        if (specific !== undefined && specific !== target) return undefined;
        specific = target;
      }
      targets.add(target);
      continue;
    }
    if (!FILLER_WORDS.has(t)) return undefined;
  }
  if (targets.size === 0) return undefined;
  if (specific !== undefined) {
    // "norsk nynorsk" / "norsk bokmål" are fine; "english nynorsk" is contradictory.
    if (specific === 'en' && targets.size > 1) return undefined;
    if (specific !== 'en' && targets.has('en')) return undefined;
    return specific;
  }
  return targets.size === 1 ? [...targets][0] : undefined;
}
