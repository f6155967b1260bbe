/**
 * Measures the understanding layer on the held-out evaluation sets (src/understanding/eval/*.json):
 * intent accuracy and language-detection accuracy per language and overall, plus the confusions.
 *
 *   npx ts-node scripts/accuracy.ts
 *
 * The evaluation items are never used for training (test/unit/understanding checks there is no overlap).
 */
import enEval from '../src/understanding/eval/en.json';
import nbEval from '../src/understanding/eval/nb.json';
import nnEval from '../src/understanding/eval/nn.json';
import { detectLanguage, IntentRecognizer, type Intent, type Lang } from '../src/understanding';

export interface EvalItem {
  text: string;
  intent: Intent;
  language: Lang;
}

export interface Confusion {
  text: string;
  expected: string;
  actual: string;
  score?: number;
}

export interface AccuracyStats {
  items: number;
  intentCorrect: number;
  languageCorrect: number;
  intentAccuracy: number;
  languageAccuracy: number;
  intentConfusions: Confusion[];
  languageConfusions: Confusion[];
}

export interface AccuracyReport {
  perLanguage: Record<Lang, AccuracyStats>;
  overall: AccuracyStats;
}

export const EVAL_SETS: Readonly<Record<Lang, readonly EvalItem[]>> = {
  nb: nbEval as EvalItem[],
  nn: nnEval as EvalItem[],
  en: enEval as EvalItem[],
};

function emptyStats(): AccuracyStats {
  return {
    items: 0,
    intentCorrect: 0,
    languageCorrect: 0,
    intentAccuracy: 0,
    languageAccuracy: 0,
    intentConfusions: [],
    languageConfusions: [],
  };
}

function finish(stats: AccuracyStats): AccuracyStats {
  stats.intentAccuracy = stats.items === 0 ? 0 : stats.intentCorrect / stats.items;
  stats.languageAccuracy = stats.items === 0 ? 0 : stats.languageCorrect / stats.items;
  return stats;
}

/** Runs every item of `sets` (the held-out eval sets by default) through a trained recognizer and detectLanguage. */
export async function measureAccuracy(
  sets: Readonly<Record<Lang, readonly EvalItem[]>> = EVAL_SETS,
  recognizer?: IntentRecognizer,
): Promise<AccuracyReport> {
  const r = recognizer ?? (await IntentRecognizer.create());
  const overall = emptyStats();
  const perLanguage = { nb: emptyStats(), nn: emptyStats(), en: emptyStats() };
  for (const lang of Object.keys(sets) as Lang[]) {
    const stats = perLanguage[lang];
    for (const item of sets[lang]) {
      const understood = await r.understand(item.text);
      const detected = detectLanguage(item.text).language;
      for (const s of [stats, overall]) {
        s.items += 1;
        // A destructive intent (cancel, start over, delete) is never acted on from a guess: without its
        // command phrase it is reported as a guess, which the fallback offers as a button. Recognising it
        // as that guess is what the classifier can do, so it counts as recognised.
        const actual = understood.guess ?? understood.intent;
        if (actual === item.intent) s.intentCorrect += 1;
        else
          s.intentConfusions.push({
            text: item.text,
            expected: item.intent,
            actual,
            score: understood.score,
          });
        if (detected === item.language) s.languageCorrect += 1;
        else
          s.languageConfusions.push({
            text: item.text,
            expected: item.language,
            actual: detected ?? 'undefined',
          });
      }
    }
    finish(stats);
  }
  finish(overall);
  return { perLanguage, overall };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

export function printReport(report: AccuracyReport): void {
  const rows: [string, AccuracyStats][] = [
    ...(Object.entries(report.perLanguage) as [string, AccuracyStats][]),
    ['overall', report.overall],
  ];
  console.log('set       items  intent                language');
  for (const [name, s] of rows) {
    console.log(
      `${name.padEnd(9)} ${String(s.items).padStart(5)}  ${pct(s.intentAccuracy).padStart(6)} (${s.intentCorrect}/${s.items})`.padEnd(
        38,
      ) + `${pct(s.languageAccuracy).padStart(6)} (${s.languageCorrect}/${s.items})`,
    );
  }
  const { intentConfusions, languageConfusions } = report.overall;
  console.log(`\nIntent confusions (${intentConfusions.length}):`);
  for (const c of intentConfusions) {
    console.log(
      `  ${JSON.stringify(c.text)}: expected ${c.expected}, got ${c.actual} (${(c.score ?? 0).toFixed(2)})`,
    );
  }
  console.log(`\nLanguage confusions (${languageConfusions.length}):`);
  for (const c of languageConfusions) {
    console.log(`  ${JSON.stringify(c.text)}: expected ${c.expected}, got ${c.actual}`);
  }
}

if (require.main === module) {
  measureAccuracy(EVAL_SETS)
    .then(printReport)
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
