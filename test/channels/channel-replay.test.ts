/**
 * The committed transcripts (test/transcripts/{nb,en}), whole order flows included, replayed as
 * Microsoft Teams (`msteams`) and SMS (`sms`) activities against the real bot. The recorded wording is
 * that of a button channel, so what is compared is the channel's rules on every reply, that the
 * conversation still gets where the transcript got (its expected fragments, folded for SMS) and that no
 * turn failed:
 * - Teams: at most 3 suggested actions and never beside attachments; hero cards with at most 6
 *   buttons; Adaptive Cards of version 1.5 at most.
 * - SMS: plain text only (no attachments, no suggested actions, no typing), GSM-7, at most two
 *   segments a message, and no more messages than the bot's own activities.
 */
import { IntentRecognizer } from '../../src/understanding';
import { topicButtonTitles } from '../../src/i18n';
import { toGsm7 } from '../../src/bot/render';
import { smsViolations, teamsViolations } from './shaping-rules';
import { listTranscriptFiles, readTranscript, type BotReply, type Transcript } from '../transcripts/format';
import { runConversation, replyText } from '../transcripts/runner';

const files = listTranscriptFiles().filter((f) => f.lang === 'nb' || f.lang === 'en');

let recognizer: IntentRecognizer;
beforeAll(async () => {
  recognizer = await IntentRecognizer.create({ phrases: topicButtonTitles() });
});

function fragmentsMissing(transcript: Transcript, text: string, fold: boolean): string[] {
  const seen = fold ? toGsm7(text) : text;
  return transcript.expect.filter((f) => !seen.includes(fold ? toGsm7(f) : f));
}

describe.each(files.map((f) => [f.rel, f] as const))('%s', (_rel, file) => {
  const transcript = readTranscript(file.path);
  const botActivities = transcript.turns.map((t) => t.bot.length);

  it('as Teams activities: within Teams rules on every reply, and the same conversation', async () => {
    const run = await runConversation({ ...transcript, channelId: 'msteams' }, { recognizer });
    expect(run.errors.map((e) => (e as Error)?.name ?? String(e))).toEqual([]);
    const bad = run.outgoing.map((a) => teamsViolations(a)).filter((v) => v.length);
    expect(bad).toEqual([]);
    // Teams shows the same texts and buttons: only the container (card or actions) may differ.
    const seen = (bot: BotReply[]) => bot.map(({ text, actions }) => ({ text, actions }));
    expect(run.turns.map((t) => seen(t.bot))).toEqual(transcript.turns.map((t) => seen(t.bot)));
    expect(fragmentsMissing(transcript, replyText(run.turns), false)).toEqual([]);
  });

  it('as SMS activities: plain GSM-7 texts of at most two segments, merged, and the same outcome', async () => {
    const run = await runConversation({ ...transcript, channelId: 'sms' }, { recognizer });
    expect(run.errors.map((e) => (e as Error)?.name ?? String(e))).toEqual([]);
    const bad = run.outgoing.map((a) => smsViolations(a)).filter((v) => v.length);
    expect(bad).toEqual([]);
    // Merged: never more SMS than the bot's own messages, and fewer over the whole conversation.
    run.turns.forEach((t, i) => expect(t.bot.length).toBeLessThanOrEqual(Math.max(1, botActivities[i])));
    const sent = run.turns.reduce((n, t) => n + t.bot.length, 0);
    expect(sent).toBeLessThan(botActivities.reduce((n, c) => n + c, 0));
    expect(fragmentsMissing(transcript, replyText(run.turns), true)).toEqual([]);
  });
});
