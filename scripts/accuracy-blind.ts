/**
 * Measures the understanding layer on the blind evaluation sets (src/understanding/eval-blind/*.json),
 * written independently of the training corpus and the tuned eval set. Same scoring as accuracy.ts.
 *
 *   npx ts-node scripts/accuracy-blind.ts
 */
import enBlind from '../src/understanding/eval-blind/en.json';
import nbBlind from '../src/understanding/eval-blind/nb.json';
import nnBlind from '../src/understanding/eval-blind/nn.json';
import { detectLanguage, understand, type Lang } from '../src/understanding';
import type { AccuracyReport, AccuracyStats, EvalItem } from './accuracy';

export const BLIND_SETS: Readonly<Record<Lang, readonly EvalItem[]>> = {
  nb: nbBlind as EvalItem[],
  nn: nnBlind as EvalItem[],
  en: enBlind as EvalItem[],
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

export async function measureBlindAccuracy(): Promise<AccuracyReport> {
  const overall = emptyStats();
  const perLanguage = { nb: emptyStats(), nn: emptyStats(), en: emptyStats() };
  for (const lang of Object.keys(BLIND_SETS) as Lang[]) {
    const stats = perLanguage[lang];
    for (const item of BLIND_SETS[lang]) {
      const understood = await understand(item.text);
      const detected = detectLanguage(item.text).language;
      for (const s of [stats, overall]) {
        s.items += 1;
        if (understood.intent === item.intent) s.intentCorrect += 1;
        else
          s.intentConfusions.push({
            text: item.text,
            expected: item.intent,
            actual: understood.intent,
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

function printReport(report: AccuracyReport): void {
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
  measureBlindAccuracy()
    .then(printReport)
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
