import { detectAll } from 'tinyld';
import enCorpus from '../../../src/understanding/corpus/en.json';
import nbCorpus from '../../../src/understanding/corpus/nb.json';
import nnCorpus from '../../../src/understanding/corpus/nn.json';
import enEval from '../../../src/understanding/eval/en.json';
import nbEval from '../../../src/understanding/eval/nb.json';
import nnEval from '../../../src/understanding/eval/nn.json';
import enBlind from '../../../src/understanding/eval-blind/en.json';
import nbBlind from '../../../src/understanding/eval-blind/nb.json';
import nnBlind from '../../../src/understanding/eval-blind/nn.json';
import en from '../../../locales/en.json';
import nb from '../../../locales/nb.json';
import nn from '../../../locales/nn.json';
import { detectLanguage, foreignLanguage, messageLanguage } from '../../../src/understanding';
import { normalizeText, tokenize } from '../../../src/understanding/text';

/**
 * foreignLanguage asks tinyld only where its answer can decide. These tests hold it to the answers of the
 * version that asked tinyld first for every message (kept here as the reference), over every text the
 * repository has in the three languages and a set of foreign, numeric and mixed messages.
 */

const MARKERS: Readonly<Record<string, ReadonlySet<string>>> = {
  de: new Set(['ich', 'nicht', 'und', 'ist', 'wie', 'was', 'habe', 'mein', 'meinen', 'meinem', 'brief',
    'bekommen', 'dauert', 'kostet', 'bitte', 'hilfe', 'eine', 'einen', 'bis', 'kommt', 'brauche', 'warum',
    'wann']),
  pl: new Set(['nie', 'jak', 'ile', 'czy', 'mam', 'jest', 'kosztuje', 'dostałem', 'dostałam', 'listu', 'list',
    'proszę', 'dlaczego', 'kiedy', 'pomocy', 'zrobić']),
  sv: new Set(['jag', 'inte', 'hur', 'vad', 'göra', 'är', 'någon', 'också', 'mej', 'varför', 'fick',
    'kommit', 'hjälp']),
  fr: new Set(['je', 'ne', 'pas', 'est', 'comment', 'pourquoi', 'lettre', 'reçu', 'combien', 'merci',
    'aide']),
  es: new Set(['yo', 'no', 'es', 'cómo', 'como', 'por', 'qué', 'carta', 'recibido', 'cuánto', 'ayuda',
    'gracias']),
}; // prettier-ignore
const OURS = new Set(['no', 'nb', 'nn', 'da', 'en']);
const OTHER_SCRIPT =
  /[\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]/u;

/** foreignLanguage as it was before the cut: tinyld asked for every message that reached it. */
function reference(text: string): string | undefined {
  const t = normalizeText(text);
  if (OTHER_SCRIPT.test(t)) return 'other';
  if (/[æø]/.test(t)) return undefined;
  const words = tokenize(t);
  if (words.length === 0) return undefined;
  let best: { lang?: string; count: number } = { count: 0 };
  for (const [lang, markers] of Object.entries(MARKERS)) {
    const count = words.filter((w) => markers.has(w)).length;
    if (count > best.count) best = { lang, count };
  }
  if (/[ąćęłńśźż]/u.test(t)) return 'pl';
  if (best.count >= 2) return best.lang;
  const top = detectAll(t)[0];
  if (best.count === 1 && top?.lang === best.lang) return best.lang;
  const ours = detectLanguage(text);
  if (ours.language !== undefined && ours.confidence >= 0.8) return undefined;
  if (top && !OURS.has(top.lang)) {
    if (words.length >= 4 && top.accuracy >= 0.5 && ours.language === undefined) return top.lang;
  }
  return undefined;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

const FOREIGN = [
  'Ich habe den Brief nicht bekommen',
  'Wie lange dauert es bis der Brief kommt?',
  'Jag har inte fått brevet, vad ska jag göra?',
  'Hur lång tid tar det innan brevet kommer?',
  'Nie dostałem listu aktywacyjnego, co mam zrobić?',
  'Je n’ai pas reçu la lettre',
  'Combien de temps pour recevoir la lettre',
  'No he recibido la carta, qué hago?',
  'Non ho ricevuto la lettera di attivazione',
  'Quanto tempo ci vuole per ricevere la lettera?',
  'Ik heb de brief nog niet ontvangen, wat moet ik doen?',
  'Eu não recebi a carta de ativação',
  'En ole saanut kirjettä, mitä minun pitäisi tehdä?',
  'Mektubu almadım, ne yapmalıyım?',
  'Jeg har ikke modtaget brevet endnu',
  'Я не получил письмо',
  'لم أستلم الرسالة',
  'Hur',
  'was',
  'no',
  'list',
];
const NUMBERS = [
  '14838510036',
  '148385 10036',
  '148 385 100 36',
  '41234567',
  '+47 412 34 567',
  '123456',
  '12 34 56',
  'mitt nummer er 12345678901',
  'my number is 41234567',
  'koden er 123456',
  '2',
  'nr 3',
  '1.',
  '',
  '   ',
  '!!!',
  '😀',
  'ok',
  'MinID',
];

const TEXTS = [
  ...[nbCorpus, nnCorpus, enCorpus].flatMap(strings),
  ...[nbEval, nnEval, enEval, nbBlind, nnBlind, enBlind].flatMap((set) => set.map((item) => item.text)),
  ...[nb, nn, en].flatMap(strings),
  ...FOREIGN,
  ...NUMBERS,
];

describe('foreignLanguage', () => {
  test('gives the answers of asking tinyld first, for every text the repository has and more', () => {
    expect(TEXTS.length).toBeGreaterThan(2000);
    const differing = TEXTS.filter((text) => foreignLanguage(text) !== reference(text));
    expect(differing).toEqual([]);
  });

  test('messageLanguage is foreignLanguage then detectLanguage, read once', () => {
    const differing = TEXTS.filter((text) => {
      const expected = reference(text) ? { language: undefined, confidence: 0 } : detectLanguage(text);
      const actual = messageLanguage(text);
      return actual.language !== expected.language || actual.confidence !== expected.confidence;
    });
    expect(differing).toEqual([]);
    expect(messageLanguage('Ich habe den Brief nicht bekommen')).toMatchObject({ confidence: 0 });
    expect(messageLanguage('the letter never came').language).toBe('en');
  });

  // Answers only tinyld can give: were it skipped where it decides, these would come back undefined.
  test.each([
    ['Hur lång tid tar det innan brevet kommer?', 'sv'], // one marker word, confirmed by tinyld
    ['Mektubu almadım, ne yapmalıyım?', 'tr'], // several words our detector cannot place
  ])('%s -> %s (tinyld decides)', (text, expected) => {
    expect(foreignLanguage(text)).toBe(expected);
  });

  test.each(NUMBERS)('numbers and short texts are never foreign: %p', (text) => {
    expect(foreignLanguage(text)).toBeUndefined();
  });
});
