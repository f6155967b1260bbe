// ts-node compiles without the tsconfig `include` list, so point it at the ambient NLP.js types.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./nlpjs.d.ts" />
/**
 * Intent recognition: a small deterministic front (digits, explicit language switches, exact one-line
 * commands) and a trained NLP.js classifier as the main path.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Nlp } from '@nlpjs/nlp';
import enCorpus from './corpus/en.json';
import nbCorpus from './corpus/nb.json';
import nnCorpus from './corpus/nn.json';
import { detectLanguage, type Lang } from './language';
import { createNlp, importModel, type NlpLocale } from './nlp-engine';
import { parseLanguageSwitch } from './switch';
import commandPhrases from './commands.json';
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
  'cost',
  'what-is-minid',
  'd-number',
  'minid-vs-bankid',
  'letter-by-email',
  'why-60-days',
  'lost-letter',
  'find-id-number',
  'foreign-mobile',
  'qr-camera',
  'password-wrong',
  'new-phone',
  'goodbye',
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
  /** True when the intent comes from an explicit command phrase or a button title, not a guess. */
  command?: boolean;
  /** The classifier's best topics (no commands), most likely first: what a fallback offers. */
  candidates?: Intent[];
  /** A destructive intent the classifier guessed and that was NOT acted on (no explicit command). */
  guess?: Intent;
}

/** How many likely topics a fallback offers. */
export const MAX_CANDIDATES = 3;
/** Intents never offered as a likely topic. */
const NOT_CANDIDATES: ReadonlySet<Intent> = new Set<Intent>([
  'none',
  'cancel',
  'restart',
  'delete-conversation',
  'switch-language',
  'greeting',
  'thanks',
  'help',
]);

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

/** Intents that drop the user's data. They come only from an explicit command, never from the classifier. */
export const DESTRUCTIVE_INTENTS = ['cancel', 'restart', 'delete-conversation'] as const;
export type DestructiveIntent = (typeof DESTRUCTIVE_INTENTS)[number];

export function isDestructiveIntent(intent: string): intent is DestructiveIntent {
  return (DESTRUCTIVE_INTENTS as readonly string[]).includes(intent);
}

/**
 * Deterministic command layer: whole-message command phrases per language (commands.json), compared after
 * lowercasing, folding æ/ø/å, dropping punctuation and a polite word at either end ("avbryt takk"). The
 * conversation spec promises that "cancel", "start over", "help", "language"/"språk" and "human"/"menneske"
 * work at any step; cancel, start over and delete drop the user's data, so they are taken ONLY from here
 * (or a button): a classifier guess, however confident, never triggers them.
 */
const COMMANDS: ReadonlyMap<string, Intent> = new Map(
  Object.entries(commandPhrases as Record<string, Record<string, string[]>>).flatMap(([intent, byLang]) => {
    if (!isIntent(intent)) throw new Error(`commands.json: unknown intent "${intent}"`);
    return Object.values(byLang).flatMap((phrases) => phrases.map((p) => [commandKey(p), intent] as const));
  }),
);

/** Polite words that may stand before or after a command without changing it. */
const POLITE: ReadonlySet<string> = new Set([
  'takk',
  'please',
  'pls',
  'bare',
  'berre',
  'just',
  'thanks',
  'ok',
  'okay',
  'okei',
  'greit',
  'ja',
  'yes',
  'hei',
  'hi',
]);

/** The command a whole message states explicitly ("avbryt", "start over!", "slett samtalen takk"), if any. */
export function commandIntent(text: string): Intent | undefined {
  const tokens = commandKey(text).split(' ').filter(Boolean);
  while (tokens.length > 1 && POLITE.has(tokens[0])) tokens.shift();
  while (tokens.length > 1 && POLITE.has(tokens[tokens.length - 1])) tokens.pop();
  return COMMANDS.get(tokens.join(' '));
}

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

/** One training document of the classifier: the prepared utterance, its NLP.js locale and intent. */
export interface TrainingDocument {
  locale: NlpLocale;
  utterance: string;
  intent: Intent;
}

/** The classifier's training documents from the corpus files, prepared, in corpus order. */
export function trainingDocuments(): TrainingDocument[] {
  const documents: TrainingDocument[] = [];
  for (const [lang, corpus] of Object.entries(CORPORA) as [Lang, Corpus][]) {
    for (const [intent, utterances] of Object.entries(corpus)) {
      if (!isIntent(intent)) throw new Error(`corpus ${lang}.json: unknown intent "${intent}"`);
      for (const utterance of utterances ?? []) {
        documents.push({ locale: NLP_LOCALE[lang], utterance: prepareForClassifier(utterance), intent });
      }
    }
  }
  return documents;
}

/**
 * Bumped when the model file's layout or the way documents become a model changes in our code (the
 * corpus, its preparation and the NLP.js versions are in the hash already).
 */
const MODEL_FORMAT = 1;
/** NLP.js packages whose code decides what a trained model holds (tokenisers, stemmers, the network). */
const NLPJS_PACKAGES = ['@nlpjs/nlp', '@nlpjs/nlu', '@nlpjs/neural', '@nlpjs/lang-no', '@nlpjs/lang-en'];

/**
 * What a trained model depends on: the prepared documents, the model format and the installed NLP.js
 * versions. A model file whose hash differs from this was trained from something else and is not used.
 */
export function trainingHash(documents: readonly TrainingDocument[]): string {
  const versions = NLPJS_PACKAGES.map((name) => {
    try {
      const pkg = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as {
        version?: string;
      };
      return `${name}@${pkg.version ?? '?'}`;
    } catch {
      return `${name}@?`;
    }
  });
  return createHash('sha256')
    .update(JSON.stringify({ format: MODEL_FORMAT, versions, documents }))
    .digest('hex');
}

/** The model file `npm run build` writes: the trained NLP.js model and the hash it was trained for. */
export interface IntentModelFile {
  format: typeof MODEL_FORMAT;
  hash: string;
  /** NLP.js's own export of the trained Nlp (`nlp.toJSON()`). */
  model: unknown;
}

/**
 * Where `npm run build` puts the model (dist/intent-model.json, next to the compiled code). Under
 * ts-node or jest this points at the repository root, where no model is built, so those train.
 */
export const DEFAULT_INTENT_MODEL_FILE = resolve(__dirname, '../../intent-model.json');

async function trainNlp(documents: readonly TrainingDocument[]): Promise<Nlp> {
  const nlp = await createNlp();
  for (const d of documents) nlp.addDocument(d.locale, d.utterance, d.intent);
  await nlp.train();
  return nlp;
}

/** Trains the classifier from the corpus and returns it as a model file (the build script writes it). */
export async function trainIntentModel(): Promise<IntentModelFile> {
  const documents = trainingDocuments();
  const nlp = await trainNlp(documents);
  return { format: MODEL_FORMAT, hash: trainingHash(documents), model: nlp.toJSON() };
}

/** Why a model file was not used (the recognizer then trained at start, as without a file). */
export type ModelFallbackReason = 'no-file' | 'missing' | 'unreadable' | 'stale';

/** Reads a model file; the model when its hash matches `hash`, else why not. */
async function readModelFile(
  file: string,
  hash: string,
): Promise<{ model: unknown } | { reason: ModelFallbackReason }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { reason: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable' };
  }
  let parsed: Partial<IntentModelFile>;
  try {
    parsed = JSON.parse(text) as Partial<IntentModelFile>;
  } catch {
    return { reason: 'unreadable' };
  }
  if (typeof parsed !== 'object' || parsed === null || parsed.model === undefined)
    return { reason: 'unreadable' };
  if (parsed.format !== MODEL_FORMAT || parsed.hash !== hash) return { reason: 'stale' };
  return { model: parsed.model };
}

/** Training documents classified after an import (see {@link warmUp}): every this-many-th one. */
const WARM_UP_EVERY = 20;

/**
 * Runs the classifier over a sample of the corpus before the recognizer is handed out. Training runs the
 * tokenisers, stemmers and network thousands of times, so they are compiled and fast by the first
 * message; an imported model has run none of them, and the first classifications of each language took
 * 5–10 ms of CPU more. About 85 classifications (some tens of ms at start) bring the first turn back to
 * what it was when the model was trained at start.
 */
async function warmUp(nlp: Nlp, documents: readonly TrainingDocument[]): Promise<void> {
  for (let i = 0; i < documents.length; i += WARM_UP_EVERY) {
    await nlp.classify(documents[i].locale, documents[i].utterance);
  }
}

/** One classifier answer as the recognizer reads it. */
interface Classification {
  readonly intent: string;
  readonly score: number;
}

export class IntentRecognizer {
  /**
   * The classifier's answers for texts that are, once prepared, one of its own training utterances, per
   * NLP.js locale. A classification is most of understand()'s cost (~10–25 µs of 20–45 µs measured warm),
   * and the commonest messages ("hei", "takk", "hallo") are training utterances word for word. Only those are kept: a public, fixed set (the corpus), so the
   * memo is bounded by it and never holds anything a user wrote that the corpus does not already say.
   */
  private readonly trainedAnswers = new Map<string, readonly Classification[]>();
  private readonly trainingUtterances: ReadonlySet<string>;

  private constructor(
    private readonly nlp: Nlp,
    private readonly vocabulary: ReadonlySet<string>,
    private readonly phrases: ReadonlyMap<string, Intent>,
    /** Where the classifier came from: a model file built ahead, or training at start. */
    readonly source: { from: 'model-file'; file: string } | { from: 'trained'; reason: ModelFallbackReason },
    documents: readonly TrainingDocument[],
  ) {
    this.trainingUtterances = new Set(documents.map((d) => d.utterance));
  }

  /**
   * Builds a recognizer from the corpus files (no file writes). `phrases` are exact whole messages with a
   * known intent, e.g. the titles of the bot's own topic buttons in every language. With `modelFile`,
   * the classifier is imported from that file (see `npm run build`) when it was trained from this very
   * corpus and NLP.js version; when the file is missing, unreadable or stale it is trained here instead,
   * as without a file, so the result is the same either way, only slower.
   */
  static async create(
    options: { phrases?: Readonly<Record<string, string>>; modelFile?: string } = {},
  ): Promise<IntentRecognizer> {
    const documents = trainingDocuments();
    const vocabulary = new Set<string>();
    for (const d of documents) for (const t of tokenize(d.utterance)) vocabulary.add(prefix(t));
    const phrases = new Map<string, Intent>();
    for (const [phrase, intent] of Object.entries(options.phrases ?? {})) {
      if (!isIntent(intent)) throw new Error(`phrase "${phrase}": unknown intent "${intent}"`);
      phrases.set(commandKey(phrase), intent);
    }
    if (options.modelFile !== undefined) {
      const read = await readModelFile(options.modelFile, trainingHash(documents));
      if ('model' in read) {
        const nlp = await createNlp();
        importModel(nlp, read.model);
        await warmUp(nlp, documents);
        return new IntentRecognizer(
          nlp,
          vocabulary,
          phrases,
          { from: 'model-file', file: options.modelFile },
          documents,
        );
      }
      return new IntentRecognizer(
        await trainNlp(documents),
        vocabulary,
        phrases,
        { from: 'trained', reason: read.reason },
        documents,
      );
    }
    return new IntentRecognizer(
      await trainNlp(documents),
      vocabulary,
      phrases,
      { from: 'trained', reason: 'no-file' },
      documents,
    );
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
    const command = commandIntent(text) ?? this.phrases.get(key);
    if (command !== undefined) return withLanguage({ intent: command, score: 1, command: true });

    const knownShare = this.knownContentShare(text);
    if (knownShare < MIN_KNOWN_CONTENT_SHARE) return withLanguage({ intent: 'none', score: 1 - knownShare });

    const { intent, score, candidates } = await this.classify(text, language);
    // A destructive intent is never taken from the classifier: it becomes 'none' (the fallback may offer
    // the command as a button, which is explicit).
    if (intent === undefined || score < INTENT_THRESHOLD || isDestructiveIntent(intent)) {
      return withLanguage({
        intent: 'none',
        score,
        candidates,
        ...(intent && isDestructiveIntent(intent) ? { guess: intent } : {}),
      });
    }
    return withLanguage({ intent, score, candidates });
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
  ): Promise<{ intent?: Intent; score: number; candidates: Intent[] }> {
    const prepared = prepareForClassifier(text);
    const locales: NlpLocale[] = language === undefined ? ['no', 'en'] : [NLP_LOCALE[language]];
    let best: { intent?: Intent; score: number } = { score: 0 };
    const ranked: Array<{ intent: Intent; score: number }> = [];
    for (const locale of locales) {
      const classifications = await this.classifications(locale, prepared);
      for (const c of classifications)
        if (isIntent(c.intent)) ranked.push({ intent: c.intent, score: c.score });
      const top = classifications[0];
      if (top === undefined || top.score <= best.score) continue;
      best = { intent: isIntent(top.intent) ? top.intent : 'none', score: top.score };
    }
    const candidates = [
      ...new Set(
        ranked
          .filter((c) => c.score > 0 && !NOT_CANDIDATES.has(c.intent))
          .sort((a, b) => b.score - a.score)
          .map((c) => c.intent),
      ),
    ].slice(0, MAX_CANDIDATES);
    return { ...best, candidates };
  }

  /** The classifier's answers for a prepared text, kept for training utterances (see trainedAnswers). */
  private async classifications(locale: NlpLocale, prepared: string): Promise<readonly Classification[]> {
    if (!this.trainingUtterances.has(prepared))
      return (await this.nlp.classify(locale, prepared)).classifications;
    const key = `${locale}|${prepared}`;
    let answers = this.trainedAnswers.get(key);
    if (answers === undefined) {
      const result = await this.nlp.classify(locale, prepared);
      answers = Object.freeze(
        result.classifications.map((c) => Object.freeze({ intent: c.intent, score: c.score })),
      );
      this.trainedAnswers.set(key, answers);
    }
    return answers;
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
