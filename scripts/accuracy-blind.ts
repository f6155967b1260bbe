/**
 * Measures the understanding layer on the blind evaluation sets (src/understanding/eval-blind/*.json),
 * written independently of the training corpus and the tuned eval set. Same scoring as accuracy.ts.
 *
 *   npx ts-node scripts/accuracy-blind.ts
 */
import enBlind from '../src/understanding/eval-blind/en.json';
import nbBlind from '../src/understanding/eval-blind/nb.json';
import nnBlind from '../src/understanding/eval-blind/nn.json';
import type { Lang } from '../src/understanding';
import { measureAccuracy, printReport, type EvalItem } from './accuracy';

export const BLIND_SETS: Readonly<Record<Lang, readonly EvalItem[]>> = {
  nb: nbBlind as EvalItem[],
  nn: nnBlind as EvalItem[],
  en: enBlind as EvalItem[],
};

if (require.main === module) {
  measureAccuracy(BLIND_SETS)
    .then(printReport)
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
