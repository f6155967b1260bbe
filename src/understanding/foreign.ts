/**
 * Messages in a language the bot does not speak (German, Polish, Ukrainian, Swedish, …), so the bot can
 * say which languages it speaks instead of guessing at them. Conservative on purpose: Norwegian letters,
 * or a clear Norwegian/English reading, keep a message ours.
 */
import { detectAll } from 'tinyld';
import { detectLanguage, type DetectedLanguage } from './language';
import { normalizeText, tokenize } from './text';

/** A few very common words per language that Norwegian and English do not use. */
const MARKERS: Readonly<Record<string, ReadonlySet<string>>> = {
  de: new Set([
    'ich',
    'nicht',
    'und',
    'ist',
    'wie',
    'was',
    'habe',
    'mein',
    'meinen',
    'meinem',
    'brief',
    'bekommen',
    'dauert',
    'kostet',
    'bitte',
    'hilfe',
    'eine',
    'einen',
    'bis',
    'kommt',
    'brauche',
    'warum',
    'wann',
  ]),
  pl: new Set([
    'nie',
    'jak',
    'ile',
    'czy',
    'mam',
    'jest',
    'kosztuje',
    'dostałem',
    'dostałam',
    'listu',
    'list',
    'proszę',
    'dlaczego',
    'kiedy',
    'pomocy',
    'zrobić',
  ]),
  sv: new Set([
    'jag',
    'inte',
    'hur',
    'vad',
    'göra',
    'är',
    'någon',
    'också',
    'mej',
    'varför',
    'fick',
    'kommit',
    'hjälp',
  ]),
  fr: new Set([
    'je',
    'ne',
    'pas',
    'est',
    'comment',
    'pourquoi',
    'lettre',
    'reçu',
    'combien',
    'merci',
    'aide',
  ]),
  es: new Set([
    'yo',
    'no',
    'es',
    'cómo',
    'como',
    'por',
    'qué',
    'carta',
    'recibido',
    'cuánto',
    'ayuda',
    'gracias',
  ]),
};

/** Languages tinyld may name that count as ours (Danish and Norwegian are too close to tell apart here). */
const OURS = new Set(['no', 'nb', 'nn', 'da', 'en']);

/** Letters of scripts other than Latin (Cyrillic, Arabic, …): never one of our languages. */
const OTHER_SCRIPT =
  /[\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]/u;
/** Letters only Polish (and a few neighbours) use. */
const POLISH_LETTERS = /[ąćęłńśźż]/u;

/** How sure tinyld must be, and how many words it needs, to call a message foreign on its own. */
const TINYLD_MIN_ACCURACY = 0.5;
const TINYLD_MIN_WORDS = 4;

/**
 * The language of a message when it is clearly not bokmål, nynorsk or English (an ISO code, or 'other'
 * for a foreign script), else undefined.
 */
export function foreignLanguage(text: string): string | undefined {
  return readLanguage(text).foreign;
}

const NOT_OURS: DetectedLanguage = { language: undefined, confidence: 0, method: 'none' };

/**
 * A message's language as the conversation's language follows it: nothing (confidence 0) for a message in
 * a language the bot does not speak, else our own bokmål/nynorsk/English reading. The same as
 * `foreignLanguage(text) ? { confidence: 0 } : detectLanguage(text)`, reading the message once.
 */
export function messageLanguage(text: string): DetectedLanguage {
  const read = readLanguage(text);
  if (read.foreign !== undefined) return NOT_OURS;
  return read.ours ?? detectLanguage(text);
}

/** Whether a message is foreign, and our own reading of it when that was needed to tell. */
function readLanguage(text: string): { foreign?: string; ours?: DetectedLanguage } {
  const t = normalizeText(text);
  if (OTHER_SCRIPT.test(t)) return { foreign: 'other' };
  // æ and ø are Norwegian (or Danish, which Norwegian readers understand): ours.
  if (/[æø]/.test(t)) return {};
  const words = tokenize(t);
  if (words.length === 0) return {};
  let best: { lang?: string; count: number } = { count: 0 };
  for (const [lang, markers] of Object.entries(MARKERS)) {
    const count = words.filter((w) => markers.has(w)).length;
    if (count > best.count) best = { lang, count };
  }
  if (POLISH_LETTERS.test(t)) return { foreign: 'pl' };
  if (best.count >= 2) return { foreign: best.lang };
  // tinyld is the dearest step here (it ran on every message and was about a tenth of a turn's CPU), so
  // it is asked only where its answer decides: one marker word to confirm, or a message of several words
  // our own detector cannot place. The answers are those of asking it first (test/unit/understanding).
  let ranked: ReturnType<typeof detectAll> | undefined;
  const tinyldTop = () => (ranked ??= detectAll(t))[0];
  // One marker word that the statistical detector confirms ("Hur lång tid tar det …").
  if (best.count === 1 && tinyldTop()?.lang === best.lang) return { foreign: best.lang };
  // Any bokmål, nynorsk or English reading of our own, however weak, keeps the message ours.
  const ours = detectLanguage(text);
  if (ours.language !== undefined) return { ours };
  if (words.length < TINYLD_MIN_WORDS) return { ours };
  const top = tinyldTop();
  if (top && !OURS.has(top.lang) && top.accuracy >= TINYLD_MIN_ACCURACY) return { foreign: top.lang, ours };
  return { ours };
}
