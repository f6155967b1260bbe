/**
 * Records the conversation transcripts: runs every scenario of test/transcripts/scenarios.ts against the
 * real bot (test/support/harness.ts) and writes test/transcripts/<lang>/<name>.transcript.json.
 *
 *   npx ts-node scripts/record-transcripts.ts            # all scenarios; stale transcript files are removed
 *   npx ts-node scripts/record-transcripts.ts nb/resend  # only scenarios whose "<lang>/<name>" contains it
 *
 * It fails loudly, and writes nothing for that scenario, when a bot reply holds a national ID number,
 * the test phone number or a one-time code in clear, when a user turn holds digits in clear instead of a
 * placeholder, when a hand-written `expect` fragment is missing from the replies, or when a turn errors.
 * Read the transcripts it writes: they are reviewed by humans.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  LANGS,
  TEST_PHONE,
  clearDigitsProblem,
  listTranscriptFiles,
  transcriptId,
  transcriptPath,
  type Transcript,
} from '../test/transcripts/format';
import { missingFragments, runConversation } from '../test/transcripts/runner';
import { SCENARIOS, type ResolvedScenario } from '../test/transcripts/scenarios';
import { codeSecrets, codesIn, findSecrets, seededSecrets } from '../test/transcripts/secrets';

/** Serialises a transcript exactly as committed (the replay test does not depend on the layout). */
export function serializeTranscript(t: Transcript): string {
  return `${JSON.stringify(t, null, 2)}\n`;
}

async function record(scenario: ResolvedScenario): Promise<{ transcript?: Transcript; problems: string[] }> {
  const problems: string[] = [];
  for (const turn of scenario.turns) {
    const problem =
      clearDigitsProblem(turn.user) ??
      (turn.agent?.action === 'message' ? clearDigitsProblem(turn.agent.text) : undefined);
    if (problem) problems.push(problem);
  }
  if (problems.length) return { problems };

  const run = await runConversation(scenario);
  if (run.errors.length) {
    problems.push(
      `${run.errors.length} turn error(s): ${run.errors.map((e) => (e as Error)?.name).join(', ')}`,
    );
  }
  // The transcripts type one mobile only (TEST_PHONE), so its outbox holds every code sent.
  const sms = (await run.bot.built.sms.messagesTo(TEST_PHONE.e164)).map((m) => m.text);
  const secrets = [...seededSecrets(), ...codeSecrets([...codesIn(sms), ...run.typedCodes])];
  run.turns.forEach((turn, i) => {
    for (const reply of turn.bot) {
      const leaks = findSecrets(JSON.stringify(reply), secrets);
      if (leaks.length)
        problems.push(`turn ${i + 1} ("${turn.user}"): the bot reply shows ${leaks.join(', ')}`);
    }
  });
  const missing = missingFragments(run.turns, scenario.expect);
  if (missing.length)
    problems.push(`expected fragments missing from the replies: ${JSON.stringify(missing)}`);

  const transcript: Transcript = {
    name: scenario.name,
    description: scenario.description,
    locale: scenario.locale,
    channelId: scenario.channelId,
    now: scenario.now,
    ...(scenario.env ? { env: scenario.env } : {}),
    turns: run.turns,
    expect: scenario.expect,
  };
  const fileLeaks = findSecrets(serializeTranscript(transcript), secrets);
  if (fileLeaks.length) problems.push(`the transcript file would hold ${fileLeaks.join(', ')}`);
  return { transcript: problems.length ? undefined : transcript, problems };
}

async function main(): Promise<void> {
  const filter = process.argv[2];
  const ids = SCENARIOS.map((s) => transcriptId(s.lang, s.name));
  const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (duplicates.length) throw new Error(`duplicate scenario names: ${duplicates.join(', ')}`);

  const selected = SCENARIOS.filter((s) => !filter || transcriptId(s.lang, s.name).includes(filter));
  let failed = 0;
  const started = Date.now();
  for (const scenario of selected) {
    const id = transcriptId(scenario.lang, scenario.name);
    const { transcript, problems } = await record(scenario);
    if (!transcript) {
      failed += 1;
      console.error(`FAIL ${id}\n  - ${problems.join('\n  - ')}`);
      continue;
    }
    const path = transcriptPath(scenario.lang, scenario.name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, serializeTranscript(transcript));
    console.log(`ok   ${id} (${transcript.turns.length} turns)`);
  }

  if (!filter) {
    for (const file of listTranscriptFiles()) {
      if (!ids.includes(file.id)) {
        rmSync(file.path);
        console.log(`removed stale ${file.rel}`);
      }
    }
  }
  const perLang = LANGS.map((lang) => `${lang} ${selected.filter((s) => s.lang === lang).length}`).join(', ');
  console.log(
    `\n${selected.length - failed}/${selected.length} transcripts recorded (${perLang}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (failed) {
    console.error(`${failed} scenario(s) failed; their transcripts were not written.`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
