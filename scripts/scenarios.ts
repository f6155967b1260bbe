/**
 * The scenario set (test/scenarios/{nb,nn,en}.json): whole short conversations as citizens write them
 * (typos, missing æøå, mixed bokmål/nynorsk, questions at every prompt), each from a start state, with
 * what each reply must and must not contain. Runs them against the real bot and prints the share passed
 * per language and overall, and every failure.
 *
 *   npx ts-node scripts/scenarios.ts          # all languages
 *   npx ts-node scripts/scenarios.ts nn       # one language
 *
 * A check is either `key:<locale key>` (that text, in the scenario's language, with the rule values) or a
 * plain fragment (case-insensitive). The scenarios are kept apart from the training corpus (a test checks).
 */
import en from '../test/scenarios/en.json';
import nb from '../test/scenarios/nb.json';
import nn from '../test/scenarios/nn.json';
import blindEn from '../test/scenarios/blind/en.json';
import blindNb from '../test/scenarios/blind/nb.json';
import blindNn from '../test/scenarios/blind/nn.json';
import { runConversation } from '../test/transcripts/runner';
import { REFERENCE_NOW } from '../test/support/harness';
import { ruleParams } from '../dialogs/answers';
import { IntentRecognizer } from '../src/understanding';
import { topicButtonTitles, type Lang } from '../src/i18n';

export interface ScenarioTurn {
  user: string;
  expect?: string[];
  not?: string[];
}

export interface Scenario {
  id: string;
  start: StartState;
  turns: ScenarioTurn[];
}

export const START_STATES = ['new', 'menu', 'id', 'phone', 'code', 'ordered', 'app'] as const;
export type StartState = (typeof START_STATES)[number];

export const SCENARIOS: Readonly<Record<Lang, readonly Scenario[]>> = {
  nb: nb as Scenario[],
  nn: nn as Scenario[],
  en: en as Scenario[],
};

/**
 * A smaller held-out set (test/scenarios/blind/), written after the main set was tuned and run once
 * without any change made after seeing its result: `npx ts-node scripts/scenarios.ts --blind`.
 */
export const BLIND_SCENARIOS: Readonly<Record<Lang, readonly Scenario[]>> = {
  nb: blindNb as Scenario[],
  nn: blindNn as Scenario[],
  en: blindEn as Scenario[],
};

const LOCALE: Record<Lang, string> = { nb: 'nb-NO', nn: 'nn-NO', en: 'en-US' };
const HELLO: Record<Lang, string> = { nb: 'hei', nn: 'hei', en: 'hello' };

/** The user turns that bring a fresh conversation to a start state (menu item 1 = order, 3 = app guide). */
export function prefix(lang: Lang, start: StartState): string[] {
  const order = [HELLO[lang], '1', '{{id:adult-plain}}', '{{phone}}', '{{code}}'];
  switch (start) {
    case 'new':
      return [];
    case 'menu':
      return [HELLO[lang]];
    case 'id':
      return order.slice(0, 2);
    case 'phone':
      return order.slice(0, 3);
    case 'code':
      return order.slice(0, 4);
    case 'ordered':
      return order;
    case 'app':
      return [HELLO[lang], '3'];
  }
}

export interface ScenarioResult {
  lang: Lang;
  id: string;
  passed: boolean;
  problems: string[];
}

export async function runScenario(
  lang: Lang,
  scenario: Scenario,
  recognizer: IntentRecognizer,
): Promise<ScenarioResult> {
  const before = prefix(lang, scenario.start);
  const run = await runConversation(
    {
      locale: LOCALE[lang],
      channelId: 'test',
      now: REFERENCE_NOW,
      turns: [...before, ...scenario.turns.map((t) => t.user)].map((user) => ({ user })),
    },
    { recognizer },
  );
  const t = run.bot.built.i18n.getFixedT(lang);
  const render = (check: string): string =>
    check.startsWith('key:') ? t(check.slice(4), { ...ruleParams(), length: 6 }) : check;
  const problems: string[] = [];
  if (run.errors.length) problems.push(`${run.errors.length} turn error(s)`);
  scenario.turns.forEach((turn, i) => {
    const replies = run.turns[before.length + i]?.bot ?? [];
    const said = replies.map((r) => [r.text, ...(r.actions ?? [])].join('\n')).join('\n');
    const has = (check: string) => said.toLowerCase().includes(render(check).toLowerCase());
    for (const check of turn.expect ?? []) {
      if (!has(check)) problems.push(`turn ${i + 1} ${JSON.stringify(turn.user)}: missing ${check}`);
    }
    for (const check of turn.not ?? []) {
      if (has(check)) problems.push(`turn ${i + 1} ${JSON.stringify(turn.user)}: must not say ${check}`);
    }
    if (problems.length && i === scenario.turns.length - 1) {
      problems.push(`  bot said: ${JSON.stringify(said.slice(0, 300))}`);
    }
  });
  await run.bot.built.close();
  return { lang, id: scenario.id, passed: problems.length === 0, problems };
}

export interface ScenarioReport {
  perLanguage: Record<Lang, { passed: number; total: number; share: number }>;
  overall: { passed: number; total: number; share: number };
  failures: ScenarioResult[];
}

export async function runScenarios(
  langs: readonly Lang[] = ['nb', 'nn', 'en'],
  sets: Readonly<Record<Lang, readonly Scenario[]>> = SCENARIOS,
): Promise<ScenarioReport> {
  const recognizer = await IntentRecognizer.create({ phrases: topicButtonTitles() });
  const perLanguage = {} as ScenarioReport['perLanguage'];
  const failures: ScenarioResult[] = [];
  let passed = 0;
  let total = 0;
  for (const lang of langs) {
    let ok = 0;
    for (const scenario of sets[lang]) {
      const result = await runScenario(lang, scenario, recognizer);
      if (result.passed) ok += 1;
      else failures.push(result);
    }
    const n = sets[lang].length;
    perLanguage[lang] = { passed: ok, total: n, share: n ? ok / n : 0 };
    passed += ok;
    total += n;
  }
  return { perLanguage, overall: { passed, total, share: total ? passed / total : 0 }, failures };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

if (require.main === module) {
  const args = process.argv.slice(2).filter((a): a is Lang => a === 'nb' || a === 'nn' || a === 'en');
  const blind = process.argv.includes('--blind');
  runScenarios(args.length ? args : undefined, blind ? BLIND_SCENARIOS : SCENARIOS)
    .then((report) => {
      for (const f of report.failures) console.log(`FAIL ${f.lang}/${f.id}\n  ${f.problems.join('\n  ')}`);
      console.log('\nlanguage  passed');
      for (const [lang, s] of Object.entries(report.perLanguage)) {
        console.log(`${lang.padEnd(9)} ${pct(s.share)} (${s.passed}/${s.total})`);
      }
      console.log(
        `overall   ${pct(report.overall.share)} (${report.overall.passed}/${report.overall.total})`,
      );
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
