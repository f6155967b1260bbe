/**
 * Language detection tuned for SHORT chat text in bokmål (nb), nynorsk (nn) and English (en).
 *
 * 1. Marker words decide first. Each token is looked up in word lists that are unambiguous for one
 *    language (nb-only, nn-only, English) or shared by nb and nn (plain Norwegian). Tokens typed
 *    without æ/ø/å ("fatt", "sjolv") are matched through a folded form, but only when the folded form
 *    does not collide with a word of another list ("fra"/"frå" -> "fra" stays bokmål).
 * 2. Norwegian vs English is decided by counting markers. Only when markers do not decide and the text
 *    is long enough (STATISTICAL_MIN_WORDS) the statistical detector (tinyld, restricted to no/en) is
 *    asked, and it must win clearly (STATISTICAL_MIN_RATIO).
 * 3. nb vs nn is never decided statistically: nynorsk needs more nn markers than nb markers; Norwegian
 *    without variant markers defaults to bokmål with a lower confidence (NB_DEFAULT_VARIANT_CONFIDENCE).
 * 4. Otherwise (a lone "ok", digits, "MinID") the language is undefined.
 */
import { detectAll } from 'tinyld';
import { foldNorwegian, tokenize } from './text';

export type Lang = 'nb' | 'nn' | 'en';

export interface DetectedLanguage {
  language?: Lang;
  confidence: number;
  method: 'marker' | 'statistical' | 'none';
}

/** The statistical detector is consulted only for texts with at least this many word tokens. */
export const STATISTICAL_MIN_WORDS = 4;
/** tinyld's best language must score at least this many times the runner-up. */
export const STATISTICAL_MIN_RATIO = 2;
/**
 * Confidence reported for a statistical decision. Kept below LANGUAGE_SWITCH_MIN_CONFIDENCE on purpose:
 * the statistical detector alone never flips a conversation's language.
 */
export const STATISTICAL_MAX_CONFIDENCE = 0.7;
/** Winner's marker count must exceed the loser's by at least this much (Norwegian vs English). */
export const MARKER_MIN_MARGIN = 1;
/**
 * Marker confidence: MARKER_CONFIDENCE_BASE + MARKER_CONFIDENCE_PER_MARGIN per marker of margin, capped
 * at 1 (one lone marker word: 0.75, two or more: 1), then scaled by the winner's share of all markers.
 */
export const MARKER_CONFIDENCE_BASE = 0.5;
export const MARKER_CONFIDENCE_PER_MARGIN = 0.25;
/** Multiplier applied when the text is Norwegian but has no nb/nn variant markers (bokmål by default). */
export const NB_DEFAULT_VARIANT_CONFIDENCE = 0.75;
/**
 * Suggested minimum confidence before a caller lets the user's own words change the conversation
 * language: a single marker word ("stop", "hvordan"), Norwegian without variant markers ("takk for
 * svaret") and statistical guesses all stay below it; two clear markers reach it.
 */
export const LANGUAGE_SWITCH_MIN_CONFIDENCE = 0.8;

/**
 * Bokmål words that are not nynorsk. Also used elsewhere to flag bokmål words in nynorsk texts, so only
 * words that are wrong in nynorsk belong here (lowercase, written with æ/ø/å).
 */
export const NB_ONLY_WORDS: readonly string[] = [
  'jeg',
  'ikke',
  'hva',
  'hvordan',
  'hvorfor',
  'hvem',
  'hvor',
  'hvis',
  'hvilken',
  'hvilket',
  'hvilke',
  'hver',
  'hvert',
  'fra',
  'noe',
  'noen',
  'mye',
  'mer',
  'flere',
  'kommer',
  'kommet',
  'fikk',
  'gikk',
  'bare',
  'hjemme',
  'selv',
  'være',
  'vært',
  'hun',
  'hennes',
  'ble',
  'gjør',
  'gjøre',
  'sier',
  'vet',
  'trenger',
  'bruker',
  'brukeren',
  'brukerstøtte',
  'bor',
  'flyttet',
  'mistet',
  'ventet',
  'siden',
  'nå',
  'ennå',
  'hele',
  'dere',
  'disse',
  'uten',
  'utenlands',
  'dager',
  'virkedager',
  'uker',
  'ganger',
  'glemt',
  'glemte',
  'ønsker',
  'adressen',
  'meldingen',
  'postkassen',
  'tjeneste',
  'tjenesten',
  'saksbehandler',
  'gammel',
  'gammelt',
  'sønnen',
  'helt',
  'måneder',
  'sendes',
  'bestilles',
  'brukes',
  'leveres',
];

/**
 * Bokmål's indefinite articles. Strong bokmål markers in chat ("jeg vil ha en ny kode"), but kept out of
 * NB_ONLY_WORDS: nynorsk writes suffixes after a hyphen ("SMS-en", "MinID-en"), which a word splitter
 * turns into a lone "en", so a locale check using NB_ONLY_WORDS would flag correct nynorsk.
 */
const NB_ARTICLES: readonly string[] = ['en', 'et'];

/**
 * Nynorsk words that are not bokmål. Also used elsewhere to flag nynorsk words in bokmål texts, so only
 * words that are wrong in bokmål belong here (lowercase, written with æ/ø/å).
 */
export const NN_ONLY_WORDS: readonly string[] = [
  'eg',
  'ikkje',
  'kva',
  'korleis',
  'kvifor',
  'korfor',
  'kven',
  'kor',
  'kvar',
  'frå',
  'noko',
  'nokon',
  'nokre',
  'mykje',
  'meir',
  'fleire',
  'kjem',
  'kome',
  'fekk',
  'gjekk',
  'berre',
  'heime',
  'sjølv',
  'vere',
  'vore',
  'ho',
  'hennar',
  'vart',
  'gjer',
  'gjere',
  'seier',
  'veit',
  'treng',
  'brukar',
  'brukaren',
  'brukarstøtte',
  'bur',
  'sidan',
  'enno',
  'heile',
  'dykk',
  'dykkar',
  'desse',
  'utan',
  'utanlands',
  'dagar',
  'vyrkedagar',
  'arbeidsdagar',
  'veke',
  'veker',
  'gonger',
  'gløymt',
  'gløymde',
  'gløymer',
  'ønskjer',
  'teneste',
  'tenesta',
  'ein',
  'eit',
  'hjå',
  'tek',
  'sjå',
  'gje',
  'spørje',
  'søkje',
  'reglane',
  'difor',
  'fyrste',
  'sakshandsamar',
  'gammal',
  'gammalt',
  'gamal',
  'gamalt',
  'sonen',
  'morgon',
  'heilt',
  'månader',
  'sendast',
  'bestillast',
  'brukast',
  'leverast',
  'ver',
  'tal',
];

/**
 * Words shared by bokmål and nynorsk that are not English: they tell Norwegian from English but say
 * nothing about the variant.
 */
export const NO_SHARED_WORDS: readonly string[] = [
  'og',
  'er',
  'har',
  'hadde',
  'det',
  'den',
  'de',
  'på',
  'til',
  'med',
  'å',
  'om',
  'som',
  'av',
  'kan',
  'vil',
  'skal',
  'må',
  'får',
  'fått',
  'meg',
  'deg',
  'seg',
  'oss',
  'min',
  'mitt',
  'mine',
  'mi',
  'din',
  'ditt',
  'du',
  'vi',
  'når',
  'så',
  'eller',
  'men',
  'også',
  'òg',
  'kom',
  'hei',
  'hallo',
  'heisann',
  'takk',
  'tusen',
  'hjelp',
  'hjelpe',
  'trengs',
  'bestille',
  'bestilt',
  'bestilte',
  'bestiller',
  'bestilling',
  'bestillinga',
  'brev',
  'brevet',
  'brevene',
  'aktiveringsbrev',
  'aktiveringsbrevet',
  'aktiveringskode',
  'aktiveringskoden',
  'lang',
  'lenge',
  'tid',
  'tar',
  'adresse',
  'adressa',
  'postadresse',
  'bostedsadresse',
  'folkeregisteret',
  'utlandet',
  'snakke',
  'snakk',
  'menneske',
  'ekte',
  'avbryt',
  'slett',
  'slette',
  'samtalen',
  'samtale',
  'år',
  'gamle',
  'god',
  'morgen',
  'kveld',
  'alder',
  'aldersgrense',
  'passord',
  'passordet',
  'kode',
  'koden',
  'engangskode',
  'mobil',
  'mobilen',
  'mobilnummer',
  'telefon',
  'telefonen',
  'nummer',
  'fødselsnummer',
  'fødselsnummeret',
  'allerede',
  'alt',
  'aldri',
  'ingen',
  'inn',
  'logge',
  'appen',
  'gyldig',
  'utløpt',
  'gått',
  'ut',
  'sendt',
  'post',
  'posten',
  'nytt',
  'ny',
  'igjen',
  'starte',
  'stopp',
  'meny',
  'språk',
  'norsk',
  'engelsk',
  'svar',
  'dag',
  'dagen',
  'dette',
  'denne',
  'her',
  'der',
  'ja',
  'nei',
];

/**
 * English words that are not (common) Norwegian words. Words that are also Norwegian ("i", "to",
 * "for", "at", "by", "time", "be", "man", "her") are deliberately left out.
 */
export const EN_MARKER_WORDS: readonly string[] = [
  'the',
  'an',
  'my',
  'me',
  'you',
  'your',
  'we',
  'our',
  'it',
  'is',
  'are',
  'am',
  'was',
  'were',
  'been',
  'being',
  'have',
  'has',
  'had',
  "haven't",
  'havent',
  "hasn't",
  'hasnt',
  'do',
  'does',
  'did',
  "didn't",
  'didnt',
  "don't",
  'dont',
  "doesn't",
  'doesnt',
  'can',
  "can't",
  'cant',
  'cannot',
  'could',
  'would',
  'should',
  'will',
  "won't",
  "i'm",
  'im',
  "i've",
  'ive',
  "i'd",
  'not',
  'no',
  'yes',
  'and',
  'or',
  'of',
  'on',
  'in',
  'with',
  'from',
  'about',
  'this',
  'that',
  'what',
  'whats',
  "what's",
  'how',
  'when',
  'where',
  'why',
  'who',
  'which',
  'want',
  'wanna',
  'need',
  'get',
  'got',
  'gotten',
  'still',
  'yet',
  'never',
  'again',
  'please',
  'pls',
  'plz',
  'thanks',
  'thank',
  'thx',
  'hello',
  'hi',
  'hey',
  'good',
  'morning',
  'help',
  'letter',
  'letters',
  'order',
  'ordered',
  'ordering',
  'activation',
  'activate',
  'arrive',
  'arrived',
  'came',
  'come',
  'coming',
  'received',
  'receive',
  'long',
  'take',
  'takes',
  'expired',
  'expire',
  'valid',
  'address',
  'abroad',
  'outside',
  'live',
  'living',
  'old',
  'year',
  'years',
  'age',
  'phone',
  'number',
  'code',
  'text',
  'message',
  'speak',
  'talk',
  'human',
  'real',
  'someone',
  'cancel',
  'stop',
  'quit',
  'new',
  'password',
  'forgot',
  'forgotten',
  'reset',
  'set',
  'setup',
  'up',
  'delete',
  'erase',
  'remove',
  'conversation',
  'english',
  'language',
  'norwegian',
  'already',
  'account',
  'mail',
  'completely',
  'everything',
  'anything',
  'something',
  'nothing',
  'just',
  'really',
  'very',
  'much',
  'some',
  'any',
  'there',
  'if',
  'but',
  'then',
  'than',
  'they',
  'them',
  'he',
  'she',
  'his',
  'him',
  'its',
  'out',
  'now',
  'know',
  'go',
  'see',
  'back',
  'only',
  'too',
  'also',
  'because',
  'before',
  'until',
  'within',
  'ago',
  'week',
  'weeks',
  'day',
  'days',
  'month',
  'months',
  'wrong',
  'question',
  'answer',
  'told',
  'said',
  'tried',
  'try',
  'work',
  'works',
  'working',
  'anyone',
  'nobody',
  "it's",
  "that's",
  "there's",
  "i'll",
  "you're",
  "let's",
  'wait',
  'waiting',
  'use',
  'since',
  'here',
  'mailbox',
  'whole',
];

type MarkerClass = 'nb' | 'nn' | 'no' | 'en';

interface Lexicon {
  exact: Map<string, MarkerClass>;
  folded: Map<string, MarkerClass>;
}

function buildLexicon(): Lexicon {
  const exact = new Map<string, MarkerClass>();
  const lists: [MarkerClass, readonly string[]][] = [
    ['nb', NB_ONLY_WORDS],
    ['nb', NB_ARTICLES],
    ['nn', NN_ONLY_WORDS],
    ['no', NO_SHARED_WORDS],
    ['en', EN_MARKER_WORDS],
  ];
  for (const [cls, words] of lists) {
    for (const w of words) {
      const prev = exact.get(w);
      // A word listed in two classes is ambiguous: drop it rather than guess.
      if (prev !== undefined && prev !== cls) throw new Error(`marker word "${w}" is in ${prev} and ${cls}`);
      exact.set(w, cls);
    }
  }
  // Folded spellings ("fatt", "sjolv", "vaere"): kept only when they point to one class and do not
  // collide with an exact word of another class ("frå" -> "fra" is bokmål's exact "fra").
  const foldedCandidates = new Map<string, Set<MarkerClass>>();
  for (const [w, cls] of exact) {
    const f = foldNorwegian(w);
    if (f === w) continue;
    const set = foldedCandidates.get(f) ?? new Set<MarkerClass>();
    set.add(cls);
    foldedCandidates.set(f, set);
  }
  const folded = new Map<string, MarkerClass>();
  for (const [f, classes] of foldedCandidates) {
    if (exact.has(f)) continue;
    if (classes.size === 1) folded.set(f, [...classes][0]);
    else if (!classes.has('en')) folded.set(f, 'no'); // nb/nn/shared clash: still Norwegian
  }
  return { exact, folded };
}

const LEXICON = buildLexicon();

/** Marker counts of a text, exported for measurement and tests. */
export interface MarkerCounts {
  nb: number;
  nn: number;
  no: number;
  en: number;
  words: number;
}

/**
 * Word tokens for marker counting. Hyphenated words count by their parts of 3+ letters, so the
 * nynorsk/bokmål definite suffix in "SMS-en", "MinID-en" is not read as the bokmål article "en".
 */
function markerTokens(text: string): string[] {
  return tokenize(text, { keepHyphens: true })
    .flatMap((t) => (t.includes('-') ? t.split('-').filter((part) => part.length >= 3) : [t]))
    .filter((t) => /\p{L}/u.test(t));
}

export function countMarkers(text: string): MarkerCounts {
  const tokens = markerTokens(text);
  const counts: MarkerCounts = { nb: 0, nn: 0, no: 0, en: 0, words: tokens.length };
  tokens.forEach((t, i) => {
    let cls = LEXICON.exact.get(t) ?? LEXICON.folded.get(t);
    // "i" is Norwegian for "in"; it counts as English only as the subject of an English verb/marker.
    if (
      cls === undefined &&
      t === 'i' &&
      i + 1 < tokens.length &&
      LEXICON.exact.get(tokens[i + 1]) === 'en'
    ) {
      cls = 'en';
    }
    if (cls !== undefined) counts[cls] += 1;
  });
  return counts;
}

function norwegianVariant(counts: MarkerCounts, familyConfidence: number): DetectedLanguage {
  if (counts.nn > counts.nb) {
    return {
      language: 'nn',
      confidence: familyConfidence * (counts.nn / (counts.nn + counts.nb)),
      method: 'marker',
    };
  }
  if (counts.nb > counts.nn) {
    return {
      language: 'nb',
      confidence: familyConfidence * (counts.nb / (counts.nn + counts.nb)),
      method: 'marker',
    };
  }
  // No variant markers (or a tie): bokmål by default, with a lower confidence.
  return { language: 'nb', confidence: familyConfidence * NB_DEFAULT_VARIANT_CONFIDENCE, method: 'marker' };
}

function statistical(text: string): 'no' | 'en' | undefined {
  const ranked = detectAll(text, { only: ['no', 'en'] });
  if (ranked.length === 0) return undefined;
  const [best, second] = ranked;
  if (best.lang !== 'no' && best.lang !== 'en') return undefined;
  if (second !== undefined && best.accuracy < STATISTICAL_MIN_RATIO * second.accuracy) return undefined;
  return best.lang;
}

/**
 * Detect the language of a short chat message. Returns `language: undefined` when unsure (a lone "ok",
 * digits, a product name).
 */
export function detectLanguage(text: string): DetectedLanguage {
  const counts = countMarkers(text);
  const norwegian = counts.nb + counts.nn + counts.no;
  const english = counts.en;
  const winner = Math.max(norwegian, english);
  const loser = Math.min(norwegian, english);
  if (winner - loser >= MARKER_MIN_MARGIN) {
    const strength = Math.min(1, MARKER_CONFIDENCE_BASE + MARKER_CONFIDENCE_PER_MARGIN * (winner - loser));
    const confidence = strength * (winner / (winner + loser));
    if (english > norwegian) return { language: 'en', confidence, method: 'marker' };
    return norwegianVariant(counts, confidence);
  }
  if (counts.words >= STATISTICAL_MIN_WORDS) {
    const family = statistical(text);
    if (family === 'en')
      return { language: 'en', confidence: STATISTICAL_MAX_CONFIDENCE, method: 'statistical' };
    if (family === 'no') {
      const variant = norwegianVariant(counts, STATISTICAL_MAX_CONFIDENCE);
      return { ...variant, method: 'statistical' };
    }
  }
  return { language: undefined, confidence: 0, method: 'none' };
}
