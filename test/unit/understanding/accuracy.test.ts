import { measureAccuracy, type AccuracyReport } from '../../../scripts/accuracy';

const MIN_INTENT_ACCURACY = 0.9;
const MIN_LANGUAGE_ACCURACY = 0.95;

describe('measured accuracy on the held-out evaluation sets', () => {
  let report: AccuracyReport;
  beforeAll(async () => {
    report = await measureAccuracy();
  });

  test.each(['nb', 'nn', 'en'] as const)('%s meets the thresholds', (lang) => {
    const s = report.perLanguage[lang];
    expect(s.items).toBeGreaterThanOrEqual(45);
    expect(s.intentAccuracy).toBeGreaterThanOrEqual(MIN_INTENT_ACCURACY);
    expect(s.languageAccuracy).toBeGreaterThanOrEqual(MIN_LANGUAGE_ACCURACY);
  });

  test('overall meets the thresholds', () => {
    expect(report.overall.items).toBe(
      report.perLanguage.nb.items + report.perLanguage.nn.items + report.perLanguage.en.items,
    );
    expect(report.overall.intentAccuracy).toBeGreaterThanOrEqual(MIN_INTENT_ACCURACY);
    expect(report.overall.languageAccuracy).toBeGreaterThanOrEqual(MIN_LANGUAGE_ACCURACY);
  });
});
