// ts-node compiles without the tsconfig `include` list, so point it at the ambient NLP.js types.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./nlpjs.d.ts" />
/**
 * Loads NLP.js and builds a fresh, file-less Nlp instance with the Norwegian and English
 * language packs. No model file is read or written (autoSave/autoLoad off), no .env or conf.json is
 * read from the working directory, and NLP.js's own logging is silenced.
 */
import type { NlpContainer, NlpLogger } from '@nlpjs/core';
import type { Nlp } from '@nlpjs/nlp';

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
  typeof import('@nlpjs/core'),
  typeof import('@nlpjs/nlp'),
  typeof import('@nlpjs/lang-no'),
  typeof import('@nlpjs/lang-en'),
];

let loaded: Promise<NlpjsModules> | undefined;

/** Loads the NLP.js modules once. */
function loadNlpjs(): Promise<NlpjsModules> {
  loaded ??= loadNlpjsModules().catch((err: unknown) => {
    loaded = undefined;
    throw err;
  });
  return loaded;
}

/**
 * Only the container (@nlpjs/core, whose bootstrap reads no .env, conf.json or pipeline files) and the
 * Nlp class (@nlpjs/nlp), not @nlpjs/basic: basic also loads a file-scanning loader, the evaluator, a
 * console connector and a pino@7 logger (with a deprecation warning), none of which classification
 * uses, and took about 100 ms of start-up for them.
 */
async function loadNlpjsModules(): Promise<NlpjsModules> {
  return Promise.all([
    import('@nlpjs/core'),
    import('@nlpjs/nlp'),
    import('@nlpjs/lang-no'),
    import('@nlpjs/lang-en'),
  ]);
}

export async function createNlp(): Promise<Nlp> {
  const [{ containerBootstrap }, { Nlp: NlpClass }, { LangNo }, { LangEn }] = await loadNlpjs();
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

/** The part of NLP.js's internals {@link importModel} repairs (not in the ambient types on purpose). */
interface NluDomainInternals {
  intentsArr?: string[];
}

/**
 * Loads a model `nlp.toJSON()` gave into a fresh Nlp from {@link createNlp}, so it classifies exactly as
 * the trained one did. NLP.js's `fromJSON` sets each domain's intent list without the 'None' intent its
 * training adds lazily on the first classification, which drops None's share and shifts every score a
 * little (0.9673 → 0.9684); clearing the list makes it built the same way as after training.
 */
export function importModel(nlp: Nlp, model: unknown): void {
  nlp.fromJSON(model);
  const managers = (nlp as unknown as { nluManager?: { domainManagers?: Record<string, unknown> } })
    .nluManager?.domainManagers;
  for (const manager of Object.values(managers ?? {})) {
    const domains = (manager as { domains?: Record<string, NluDomainInternals> }).domains;
    for (const domain of Object.values(domains ?? {})) domain.intentsArr = undefined;
  }
}
