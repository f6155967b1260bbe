/**
 * Minimal ambient types for the parts of NLP.js v4 this project uses (the packages ship no types).
 * Only what src/understanding/ calls is declared; everything else stays unknown.
 */
declare module '@nlpjs/core' {
  export interface NlpLogger {
    name: string;
    debug(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
    log(...args: unknown[]): void;
    trace(...args: unknown[]): void;
    fatal(...args: unknown[]): void;
  }
  export interface NlpContainer {
    use(plugin: unknown, name?: string, isSingleton?: boolean): unknown;
    register(name: string, item: unknown, isSingleton?: boolean): void;
    get(name: string, settings?: Record<string, unknown>): unknown;
  }
  export interface ContainerBootstrapSettings {
    loadEnv?: boolean;
    isChild?: boolean;
    pathConfiguration?: string;
    pathPipeline?: string | string[];
    pathPlugins?: string | string[];
  }
  export function containerBootstrap(
    settings?: ContainerBootstrapSettings,
    mustLoadEnv?: boolean,
  ): NlpContainer;
}

declare module '@nlpjs/nlp' {
  import type { NlpContainer } from '@nlpjs/core';

  export interface NlpClassification {
    intent: string;
    score: number;
  }
  export interface NlpClassifyResult {
    locale: string;
    utterance: string;
    classifications: NlpClassification[];
    intent: string;
    score: number;
  }
  export interface NlpSettings {
    autoSave?: boolean;
    autoLoad?: boolean;
    languages?: string[];
    calculateSentiment?: boolean;
    nlu?: Record<string, unknown>;
    [key: string]: unknown;
  }
  export class Nlp {
    constructor(settings?: NlpSettings, container?: NlpContainer);
    settings: NlpSettings;
    addLanguage(locales: string | string[]): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
    /** The trained state as plain JSON (what `export()` stringifies). */
    toJSON(): unknown;
    /** Restores a state `toJSON()` gave; the Nlp must have the same languages and settings. */
    fromJSON(json: unknown): void;
    classify(
      locale: string,
      utterance: string,
      settings?: Record<string, unknown>,
    ): Promise<NlpClassifyResult>;
  }
}

declare module '@nlpjs/lang-no' {
  export const LangNo: unknown;
}

declare module '@nlpjs/lang-en' {
  export const LangEn: unknown;
}
