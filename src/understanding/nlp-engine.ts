// ts-node compiles without the tsconfig `include` list, so point it at the ambient NLP.js types.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./nlpjs.d.ts" />
/**
 * Loads NLP.js quietly and builds a fresh, file-less Nlp instance with the Norwegian and English
 * language packs. No model file is read or written (autoSave/autoLoad off), no .env or conf.json is
 * read from the working directory, and NLP.js's own logging is silenced.
 */
import type { Nlp, NlpContainer, NlpLogger } from '@nlpjs/basic';

/** NLP.js locales used: bokmål and nynorsk share 'no'. */
export type NlpLocale = 'no' | 'en';

const noop = (): void => undefined;

/** Replaces NLP.js's console logger (it warns about stop-word-only utterances, logs training epochs). */
const QUIET_LOGGER: NlpLogger = {
  name: 'logger',
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  log: noop,
  trace: noop,
  fatal: noop,
};

type NlpjsModules = [
  typeof import('@nlpjs/basic'),
  typeof import('@nlpjs/lang-no'),
  typeof import('@nlpjs/lang-en'),
];

let loaded: Promise<NlpjsModules> | undefined;

/** Loads the NLP.js modules once (the warning filter below must not be installed twice at a time). */
function loadNlpjs(): Promise<NlpjsModules> {
  loaded ??= loadNlpjsQuietly().catch((err: unknown) => {
    loaded = undefined;
    throw err;
  });
  return loaded;
}

/**
 * @nlpjs/basic creates a pino@7 logger at load time with the deprecated `prettyPrint` option, which
 * prints a PINODEP008 deprecation warning to stderr. That one warning is dropped while the modules load;
 * every other warning passes through untouched.
 */
async function loadNlpjsQuietly(): Promise<NlpjsModules> {
  const original = process.emitWarning;
  const filtered = function (this: unknown, warning: string | Error, ...rest: unknown[]): void {
    const text = typeof warning === 'string' ? warning : warning.message;
    const code = rest.find((r): r is string => typeof r === 'string' && r.startsWith('PINODEP'));
    const optionsCode = rest.find(
      (r): r is { code: string } => typeof r === 'object' && r !== null && 'code' in r,
    )?.code;
    if (code === 'PINODEP008' || optionsCode === 'PINODEP008' || /prettyPrint is deprecated/.test(text))
      return;
    (original as (...args: unknown[]) => void).call(process, warning, ...rest);
  };
  process.emitWarning = filtered as typeof process.emitWarning;
  try {
    return await Promise.all([import('@nlpjs/basic'), import('@nlpjs/lang-no'), import('@nlpjs/lang-en')]);
  } finally {
    process.emitWarning = original;
  }
}

export async function createNlp(): Promise<Nlp> {
  const [{ containerBootstrap, Nlp: NlpClass }, { LangNo }, { LangEn }] = await loadNlpjs();
  // isChild: do not read ./conf.json; empty pipeline/plugin lists: do not scan ./pipelines.md, ./plugins.
  const container: NlpContainer = containerBootstrap(
    { loadEnv: false, isChild: true, pathPipeline: [], pathPlugins: [] },
    false,
  );
  container.register('logger', QUIET_LOGGER, true);
  container.use(LangNo);
  container.use(LangEn);
  const nlp = new NlpClass(
    {
      autoSave: false,
      autoLoad: false,
      calculateSentiment: false,
      languages: ['no', 'en'],
      nlu: { log: false, useNoneFeature: true },
    },
    container,
  );
  return nlp;
}
