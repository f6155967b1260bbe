// ts-node compiles without the tsconfig `include` list, so point it at the ambient NLP.js types.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./nlpjs.d.ts" />
/**
 * Intent recognition: a small deterministic front (digits, explicit language switches, exact one-line
 * commands) and a trained NLP.js classifier as the main path.
 */
import type { Nlp } from '@nlpjs/basic';
import enCorpus from './corpus/en.json';
import nbCorpus from './corpus/nb.json';
import nnCorpus from './corpus/nn.json';
import { detectLanguage, type Lang } from './language';
import { createNlp, type NlpLocale } from './nlp-engine';
import { parseLanguageSwitch } from './switch';
import { foldNorwegian, letterDigitCounts, normalizeText, tokenize } from './text';

export const INTENTS = [
  'order-letter',
  'letter-not-arrived',
  'letter-delivery-time',
  'letter-expired',
  'address',
  'care-of',
  'abroad',
  'no-sms',
  'age',
  'already-have-minid',
  'app-setup',
  'password-help',
  'human',
  'cancel',
  'help',
  'restart',
  'switch-language',
  'delete-conversation',
  'greeting',
  'thanks',
  'none',
] as const;

export type Intent = (typeof INTENTS)[number];

export interface Understood {
  intent: Intent;
  /**
   * Confidence in `intent`, 0..1. Deterministic paths (digits, commands, switch requests) give 1. For a
   * 'none' from the classifier it is the best rejected score (below INTENT_THRESHOLD).
   */
  score: number;
  language?: Lang;
  /** for switch-language: the language asked for */
  switchTo?: Lang;
}

/** Classifier results whose best score is below this are reported as 'none'. */
export const INTENT_THRESHOLD = 0.5;

/**
 * Input whose digits make up more than this share of its letters+digits (national ID numbers, phone
 * numbers, one-time codes) is 'none' without asking the classifier.
 */
export const MOSTLY_DIGITS_RATIO = 0.5;

/**
 * Out-of-vocabulary guard. NLP.js ignores words it never saw in training, so "hva er meningen med
 * livet" is classified on "hva er med" alone, confidently and wrongly. A content word (at least
 * CONTENT_WORD_MIN_LENGTH letters) is known when its first VOCABULARY_PREFIX_LENGTH letters (a crude,
 * typo-tolerant stem) occur in the training corpus; when fewer than MIN_KNOWN_CONTENT_SHARE of the
 * content words are known (and there are at least OOV_MIN_CONTENT_WORDS), the message is 'none' without
 * asking the classifier.
 */
export const MIN_KNOWN_CONTENT_SHARE = 0.34;
/** The guard needs at least this many content words (one unknown word alone proves little). */
export const OOV_MIN_CONTENT_WORDS = 2;
export const CONTENT_WORD_MIN_LENGTH = 4;
export const VOCABULARY_PREFIX_LENGTH = 5;

/** Utterances per intent, as stored in corpus/*.json. */
export type Corpus = Partial<Record<Intent, string[]>>;

export const CORPORA: Readonly<Record<Lang, Corpus>> = { nb: nbCorpus, nn: nnCorpus, en: enCorpus };

const NLP_LOCALE: Readonly<Record<Lang, NlpLocale>> = { nb: 'no', nn: 'no', en: 'en' };

/**
 * Deterministic keyword layer: EXACT whole-message commands only (after lowercasing, folding æ/ø/å
 * and dropping punctuation). The conversation spec promises that "cancel", "start over", "help",
 * "language"/"språk" and "human"/"menneske" work at any step; a one- or two-word message gives the
 * classifier almost no signal, and a wrong guess on "avbryt" or "slett samtalen" would be costly
 * (privacy: cancel and delete must drop state). Anything longer or different goes to the classifier.
 */
const COMMANDS: Readonly<Record<string, Intent>> = {
  avbryt: 'cancel',
  avbryte: 'cancel',
  avslutt: 'cancel',
  stopp: 'cancel',
  stop: 'cancel',
  cancel: 'cancel',
  abort: 'cancel',
  'start pa nytt': 'restart',
  'begynn pa nytt': 'restart',
  'byrj pa nytt': 'restart',
  'start over': 'restart',
  restart: 'restart',
  hjelp: 'help',
  help: 'help',
  meny: 'help',
  menu: 'help',
  menneske: 'human',
  human: 'human',
  agent: 'human',
  sprak: 'switch-language',
  language: 'switch-language',
  'bytt sprak': 'switch-language',
  'byt sprak': 'switch-language',
  'endre sprak': 'switch-language',
  'change language': 'switch-language',
  'slett samtalen': 'delete-conversation',
  'slett samtalen min': 'delete-conversation',
  'delete conversation': 'delete-conversation',
  'delete the conversation': 'delete-conversation',
  'delete my conversation': 'delete-conversation',
};

/**
 * Bare answers to the bot's own prompts (yes/no/next/ok). They carry no intent of their own: the dialog
 * that asked the question interprets them, so they must never be read as, say, "nei" = cancel.
 */
const PROMPT_ANSWERS: ReadonlySet<string> = new Set([
  'ja',
  'jo',
  'jepp',
  'nei',
  'neste',
  'ok',
  'okei',
  'okay',
  'greit',
  'yes',
  'yeah',
  'yep',
  'no',
  'nope',
  'next',
]);

function commandKey(text: string): string {
  return tokenize(foldNorwegian(normalizeText(text))).join(' ');
}

/** True for national ID numbers, phone numbers, codes and other mostly-digit input. */
export function isMostlyDigits(text: string): boolean {
  const { letters, digits } = letterDigitCounts(text);
  if (digits === 0) return false;
  return digits / (letters + digits) > MOSTLY_DIGITS_RATIO;
}

/**
 * Text as given to the classifier (training and runtime alike): lowercased, æ/ø/å folded (users often
 * type without them), "c/o" variants unified, and numbers replaced by placeholder tokens so "eg er 12 år"
 * and "jeg er 14 år" share a feature: 1-3 digits -> "nnum", 4 digits -> "nyear", and longer runs (ID
 * numbers, phone numbers, codes) are dropped, so they never look like an age.
 */
export function prepareForClassifier(text: string): string {
  return foldNorwegian(normalizeText(text))
    .replace(/\bc\s*[/.]\s*o\b\.?/g, ' careof ')
    .replace(/\bco\b/g, ' careof ')
    .replace(/\d{5,}/g, ' ')
    .replace(/\b\d{4}\b/g, ' nyear ')
    .replace(/\d+/g, ' nnum ')
    .replace(/\s+/g, ' ')
    .trim();
}

function prefix(token: string): string {
  return token.slice(0, VOCABULARY_PREFIX_LENGTH);
}

function contentWords(prepared: string): string[] {
  return tokenize(prepared).filter((t) => t.length >= CONTENT_WORD_MIN_LENGTH && /^\p{L}+$/u.test(t));
}

function isIntent(value: string): value is Intent {
  return (INTENTS as readonly string[]).includes(value);
}

export class IntentRecognizer {
  private constructor(
    private readonly nlp: Nlp,
    private readonly vocabulary: ReadonlySet<string>,
  ) {}

  /** Builds and trains a recognizer from the corpus files (no file writes). */
  static async create(): Promise<IntentRecognizer> {
    const nlp = await createNlp();
    const vocabulary = new Set<string>();
    for (const [lang, corpus] of Object.entries(CORPORA) as [Lang, Corpus][]) {
      for (const [intent, utterances] of Object.entries(corpus)) {
        if (!isIntent(intent)) throw new Error(`corpus ${lang}.json: unknown intent "${intent}"`);
        for (const utterance of utterances ?? []) {
          const prepared = prepareForClassifier(utterance);
          nlp.addDocument(NLP_LOCALE[lang], prepared, intent);
          for (const t of tokenize(prepared)) vocabulary.add(prefix(t));
        }
      }
    }
    await nlp.train();
    return new IntentRecognizer(nlp, vocabulary);
  }

  async understand(text: string): Promise<Understood> {
    const detected = detectLanguage(text);
    const language = detected.language;
    const withLanguage = (u: Omit<Understood, 'language'>): Understood =>
      language === undefined ? u : { ...u, language };

    if (tokenize(text).length === 0) return { intent: 'none', score: 1 };
    if (isMostlyDigits(text)) return { intent: 'none', score: 1 };

    const switchTo = parseLanguageSwitch(text);
    if (switchTo !== undefined) return withLanguage({ intent: 'switch-language', score: 1, switchTo });

    const key = commandKey(text);
    if (PROMPT_ANSWERS.has(key)) return withLanguage({ intent: 'none', score: 1 });
    const command = COMMANDS[key];
    if (command !== undefined) return withLanguage({ intent: command, score: 1 });

    const knownShare = this.knownContentShare(text);
    if (knownShare < MIN_KNOWN_CONTENT_SHARE) return withLanguage({ intent: 'none', score: 1 - knownShare });

    const { intent, score } = await this.classify(text, language);
    if (intent === undefined || score < INTENT_THRESHOLD) return withLanguage({ intent: 'none', score });
    return withLanguage({ intent, score });
  }

  /** Share of the content words the training corpus knows (1 with fewer than OOV_MIN_CONTENT_WORDS). */
  knownContentShare(text: string): number {
    const words = contentWords(prepareForClassifier(text));
    if (words.length < OOV_MIN_CONTENT_WORDS) return 1;
    return words.filter((w) => this.vocabulary.has(prefix(w))).length / words.length;
  }

  /** Best classifier intent in the detected language, or in both when the language is unknown. */
  private async classify(
    text: string,
    language: Lang | undefined,
  ): Promise<{ intent?: Intent; score: number }> {
    const prepared = prepareForClassifier(text);
    const locales: NlpLocale[] = language === undefined ? ['no', 'en'] : [NLP_LOCALE[language]];
    let best: { intent?: Intent; score: number } = { score: 0 };
    for (const locale of locales) {
      const result = await this.nlp.classify(locale, prepared);
      const top = result.classifications[0];
      if (top === undefined || top.score <= best.score) continue;
      best = { intent: isIntent(top.intent) ? top.intent : 'none', score: top.score };
    }
    return best;
  }
}

let singleton: Promise<IntentRecognizer> | undefined;

/** Lazily trains a module-level singleton on first call. */
export function understand(text: string): Promise<Understood> {
  if (singleton === undefined) {
    singleton = IntentRecognizer.create();
    // A failed training must not be cached forever.
    singleton.catch(() => {
      singleton = undefined;
    });
  }
  return singleton.then((recognizer) => recognizer.understand(text));
}
