/**
 * Understanding layer: language detection, explicit language switches and intent recognition for the
 * MinID helpline bot (bokmål 'nb', nynorsk 'nn', English 'en').
 */
export {
  detectLanguage,
  countMarkers,
  NB_ONLY_WORDS,
  NN_ONLY_WORDS,
  NO_SHARED_WORDS,
  EN_MARKER_WORDS,
  STATISTICAL_MIN_WORDS,
  STATISTICAL_MIN_RATIO,
  STATISTICAL_MAX_CONFIDENCE,
  MARKER_MIN_MARGIN,
  MARKER_CONFIDENCE_BASE,
  MARKER_CONFIDENCE_PER_MARGIN,
  NB_DEFAULT_VARIANT_CONFIDENCE,
  LANGUAGE_SWITCH_MIN_CONFIDENCE,
} from './language';
export type { Lang, DetectedLanguage, MarkerCounts } from './language';
export { parseLanguageSwitch } from './switch';
export {
  understand,
  IntentRecognizer,
  INTENTS,
  INTENT_THRESHOLD,
  MOSTLY_DIGITS_RATIO,
  CORPORA,
  isMostlyDigits,
  prepareForClassifier,
  commandIntent,
  isDestructiveIntent,
  DESTRUCTIVE_INTENTS,
  MAX_CANDIDATES,
  DEFAULT_INTENT_MODEL_FILE,
  trainIntentModel,
  trainingDocuments,
  trainingHash,
} from './recognizer';
export type {
  Intent,
  Understood,
  Corpus,
  IntentModelFile,
  ModelFallbackReason,
  TrainingDocument,
} from './recognizer';
export {
  numberText,
  numberRuns,
  hasNationalIdCandidate,
  hasPhoneCandidate,
  findCode,
  codeText,
  saysNoCode,
} from './entities';
export { foreignLanguage, messageLanguage } from './foreign';
