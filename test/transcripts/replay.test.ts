/**
 * Replays every committed transcript (test/transcripts/<lang>/<name>.transcript.json) against a fresh real
 * bot with the clock pinned to the transcript's `now`, and checks that the bot says exactly what was
 * recorded (texts and button titles) and every hand-written `expect` fragment. Re-record with
 * `npx ts-node scripts/record-transcripts.ts` after an intended change of wording, then read the diff.
 */
import { listTranscriptFiles, readTranscript, transcriptId } from './format';
import { missingFragments, runConversation } from './runner';
import { SCENARIOS } from './scenarios';

const files = listTranscriptFiles();

describe('transcript files', () => {
  it('are exactly the scenarios: nothing stale, nothing missing', () => {
    const onDisk = files.map((f) => f.id).sort();
    const scenarios = SCENARIOS.map((s) => transcriptId(s.lang, s.name)).sort();
    expect({ stale: onDisk.filter((id) => !scenarios.includes(id)) }).toEqual({ stale: [] });
    expect({ missing: scenarios.filter((id) => !onDisk.includes(id)) }).toEqual({ missing: [] });
  });

  it('match their scenario: same inputs, settings and expected fragments', () => {
    for (const file of files) {
      const scenario = SCENARIOS.find((s) => transcriptId(s.lang, s.name) === file.id);
      if (!scenario) continue; // reported by the test above
      const t = readTranscript(file.path);
      expect({ file: file.rel, name: t.name, locale: t.locale, channelId: t.channelId, now: t.now }).toEqual({
        file: file.rel,
        name: scenario.name,
        locale: scenario.locale,
        channelId: scenario.channelId,
        now: scenario.now,
      });
      expect({
        file: file.rel,
        env: t.env,
        turns: t.turns.map(({ user, agent, advanceSeconds }) => ({ user, agent, advanceSeconds })),
      }).toEqual({
        file: file.rel,
        env: scenario.env,
        turns: scenario.turns.map(({ user, agent, advanceSeconds }) => ({ user, agent, advanceSeconds })),
      });
      expect({ file: file.rel, expect: t.expect }).toEqual({ file: file.rel, expect: scenario.expect });
    }
  });
});

describe.each(files.map((f) => [f.rel, f] as const))('replay %s', (_rel, file) => {
  it('the bot says exactly what was recorded, with every expected fragment', async () => {
    const transcript = readTranscript(file.path);
    const run = await runConversation({
      locale: transcript.locale,
      channelId: transcript.channelId,
      now: transcript.now,
      env: transcript.env,
      turns: transcript.turns,
    });
    // Error names only: an error message could carry the very data the transcripts keep out.
    expect(run.errors.map((e) => (e as Error)?.name ?? String(e))).toEqual([]);
    expect(run.turns).toEqual(
      transcript.turns.map(({ user, agent, advanceSeconds, bot }) => ({
        user,
        ...(agent ? { agent } : {}),
        ...(advanceSeconds ? { advanceSeconds } : {}),
        bot,
      })),
    );
    expect(missingFragments(run.turns, transcript.expect)).toEqual([]);
  });
});
