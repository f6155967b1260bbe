/**
 * The limits as a user (or a prober) meets them through the whole bot (startTestBot: the composition
 * root's bot, a fake clock): restarting the flow buys no new codes, the wrong-code lock outlives the
 * attempt and the conversation, and one phone cannot look up a fourth person.
 */
import { TestAdapter } from 'botbuilder';
import type { Lang } from '../../src/i18n';
import { SUPPORT } from '../../src/rules';
import { lastCode, startTestBot, type TestBot } from '../support/harness';
import { MOBILE, PEOPLE, containsDigits, wrongCode } from './support';

const MINUTE = 60_000;
const OTHER_MOBILE = { typed: '987 65 432', e164: '+4798765432' } as const;

/** One conversation of the bot: its own adapter (and so its own conversation id) on the same bot. */
interface Chat {
  adapter: TestAdapter;
}

function chat(bot: TestBot, id?: string): Chat {
  if (!id) return { adapter: bot.adapter };
  const ref = TestAdapter.createConversation(id);
  const adapter = new TestAdapter((context) => bot.built.bot.run(context), {
    channelId: 'test',
    conversation: ref.conversation,
  });
  adapter.locale = 'nb-NO';
  adapter.onTurnError = bot.adapter.onTurnError;
  return { adapter };
}

/** Sends one message; resolves with the turn's replies joined by newlines. */
async function say(c: Chat, text: string): Promise<string> {
  await c.adapter.receiveActivity(text);
  const texts: string[] = [];
  for (let next = c.adapter.getNextReply(); next; next = c.adapter.getNextReply())
    texts.push(next.text ?? '');
  return texts.join('\n');
}

function t(bot: TestBot, key: string, params: Record<string, unknown> = {}, lang: Lang = 'nb'): string {
  return bot.built.i18n.getFixedT(lang)(key, params);
}

/** From the menu (or any point after a restart) to the code step: order, ID number, phone. */
async function upToCode(c: Chat, nationalId: string, phoneTyped: string): Promise<string> {
  await say(c, 'jeg vil bestille aktiveringsbrev');
  await say(c, nationalId);
  return say(c, phoneTyped);
}

async function smsCount(bot: TestBot, e164: string): Promise<number> {
  return (await bot.built.sms.messagesTo(e164)).length;
}

describe('limits through the bot', () => {
  it('"start på nytt" again and again: no more than 3 codes to one phone in 15 minutes, then a kind refusal', async () => {
    const bot = await startTestBot();
    const c = chat(bot);
    const answers: string[] = [];
    for (let round = 0; round < 8; round += 1) {
      answers.push(await upToCode(c, PEOPLE.adultPlain, MOBILE.typed));
      await say(c, 'start på nytt');
      bot.clock.advance(30_000);
    }
    expect(await smsCount(bot, MOBILE.e164)).toBe(3);
    const sent = t(bot, 'code.sent', { phone: MOBILE.masked, minutes: 10 });
    expect(answers.slice(0, 3).every((a) => a.includes(sent))).toBe(true);
    // The 4th attempt, 90 s after the first code: the phone's window opens again in 14 minutes (rounded up).
    expect(answers[3]).toContain(t(bot, 'limits.codesPerPhone'));
    expect(answers[3]).toContain(t(bot, 'limits.retryIn', { count: 14 }));
    expect(answers[3]).toContain(SUPPORT.phone);
    expect(answers[3]).not.toContain(sent);
    for (const a of answers.slice(4)) expect(a).not.toContain(sent);

    // A new conversation changes nothing for that phone.
    const other = chat(bot, 'second-conversation');
    expect(await upToCode(other, PEOPLE.adultPostal, MOBILE.typed)).toContain(t(bot, 'limits.codesPerPhone'));
    expect(await smsCount(bot, MOBILE.e164)).toBe(3);

    // Once the window has passed, the phone gets a code again and the order goes through.
    bot.clock.advance(15 * MINUTE);
    expect(await upToCode(other, PEOPLE.adultPostal, MOBILE.typed)).toContain(sent);
    expect(await say(other, await lastCode(bot, MOBILE.e164))).toContain(t(bot, 'code.verified'));
  });

  it('the wrong-code lock survives a restart and a new conversation, and refuses even the right code', async () => {
    const bot = await startTestBot();
    const a = chat(bot);
    await upToCode(a, PEOPLE.adultPlain, MOBILE.typed);
    const firstCode = await lastCode(bot, MOBILE.e164);
    await say(a, wrongCode(firstCode));
    await say(a, wrongCode(firstCode));
    // Restarting gives a fresh attempt (3 tries of its own), but not fresh guesses for the number.
    await say(a, 'start på nytt');
    await upToCode(a, PEOPLE.adultPlain, MOBILE.typed);
    const locked = await say(a, wrongCode(await lastCode(bot, MOBILE.e164)));
    expect(locked).toContain(t(bot, 'limits.wrongCodes'));
    // Three wrong codes from 12:00 Oslo time: open again at 13:00.
    expect(locked).toContain('Du kan prøve igjen fra 24. november kl. 13:00.');
    expect(locked).toContain(SUPPORT.phone);
    const sentSoFar = await smsCount(bot, MOBILE.e164);

    // Restart: no new code for that phone.
    await say(a, 'start på nytt');
    expect(await upToCode(a, PEOPLE.adultPlain, MOBILE.typed)).toContain(t(bot, 'limits.wrongCodes'));
    // A new conversation, another phone, the same ID number: locked too (per ID number).
    const b = chat(bot, 'prober-b');
    expect(await upToCode(b, PEOPLE.adultPlain, OTHER_MOBILE.typed)).toContain(t(bot, 'limits.wrongCodes'));
    expect(await smsCount(bot, OTHER_MOBILE.e164)).toBe(0);
    // A new conversation, the same phone, another ID number: locked too (per phone).
    const c = chat(bot, 'prober-c');
    expect(await upToCode(c, PEOPLE.adultPostal, MOBILE.typed)).toContain(t(bot, 'limits.wrongCodes'));
    expect(await smsCount(bot, MOBILE.e164)).toBe(sentSoFar);

    // After the hour the number works again.
    bot.clock.advance(61 * MINUTE);
    const d = chat(bot, 'owner-later');
    await upToCode(d, PEOPLE.adultPlain, MOBILE.typed);
    expect(await say(d, await lastCode(bot, MOBILE.e164))).toContain(t(bot, 'code.verified'));
  });

  it('the right code typed while the phone is locked by another conversation is refused', async () => {
    const bot = await startTestBot();
    const owner = chat(bot);
    await upToCode(owner, PEOPLE.adultPlain, MOBILE.typed);
    const right = await lastCode(bot, MOBILE.e164);
    // Meanwhile, a prober in another conversation guesses three times for the same phone.
    const prober = chat(bot, 'prober');
    await upToCode(prober, PEOPLE.adultPostal, MOBILE.typed);
    const probed = await lastCode(bot, MOBILE.e164);
    for (let i = 0; i < 3; i += 1) await say(prober, wrongCode(probed));
    const answer = await say(owner, right);
    expect(answer).not.toContain(t(bot, 'code.verified'));
    expect(answer).toContain(t(bot, 'limits.wrongCodes'));
    expect(await bot.built.minid.listOrders(PEOPLE.adultPlain)).toEqual([]);
  });

  it('a 4th distinct ID number with one phone is refused after the code, revealing nothing about the person', async () => {
    const bot = await startTestBot();
    const c = chat(bot);
    const people = [PEOPLE.adultPlain, PEOPLE.adultPostal, PEOPLE.adultCareOf, PEOPLE.hasMinId];
    const outcomes: string[] = [];
    for (const id of people) {
      await upToCode(c, id, MOBILE.typed);
      outcomes.push(await say(c, await lastCode(bot, MOBILE.e164)));
      await say(c, 'avbryt');
      // Past the phone's 15-minute code window, so only the lookup limit can refuse.
      bot.clock.advance(16 * MINUTE);
    }
    for (const o of outcomes.slice(0, 3)) expect(o).toContain('Aktiveringsbrevet ditt er bestilt!');
    const fourth = outcomes[3];
    expect(fourth).toContain(t(bot, 'code.verified'));
    expect(fourth).toContain(t(bot, 'limits.idsPerPhone'));
    expect(fourth).toContain('Du kan prøve igjen fra 25. november');
    expect(fourth).toContain(SUPPORT.phone);
    // Nothing about the person: not that they have MinID, no dates, no digits of the number.
    expect(fourth).not.toContain(t(bot, 'outcome.has-minid', { phone: SUPPORT.phone }).slice(0, 30));
    expect(fourth).not.toMatch(/desember|januar/);
    expect(containsDigits(fourth, PEOPLE.hasMinId)).toBe(false);
    // The same phone may still come back for a number it has already looked up.
    await upToCode(c, PEOPLE.adultPlain, MOBILE.typed);
    expect(await say(c, await lastCode(bot, MOBILE.e164))).toContain('Du bestilte allerede et brev');
    // The audit log has exactly the three lookups, with pseudonyms only.
    const audit = bot.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.msg === 'audit');
    expect(audit.filter((e) => e.event === 'lookup')).toHaveLength(4);
    expect(audit.filter((e) => e.event === 'limit-hit').map((e) => e.limit)).toEqual(['ids-per-phone']);
    const logs = bot.logs.join('\n');
    for (const id of people) expect(containsDigits(logs, id)).toBe(false);
  });

  it('100 messages in a burst: 30 read, ONE kind answer, state untouched, the flow goes on after the minute', async () => {
    const bot = await startTestBot();
    const c = chat(bot);
    await say(c, 'hei');
    await say(c, 'jeg vil bestille aktiveringsbrev');
    expect(await say(c, PEOPLE.adultPlain)).toContain(t(bot, 'phone.ask'));
    const replies: string[] = [];
    for (let i = 0; i < 27; i += 1) replies.push(await say(c, 'hjelp'));
    const stateAfterRead = JSON.stringify(bot.memory);
    for (let i = 0; i < 73; i += 1) replies.push(await say(c, 'hjelp'));
    // 30 messages a minute are read (3 before the burst, 27 of it); of the other 73 only the first is answered.
    expect(replies.slice(0, 27).every((r) => r.includes(t(bot, 'phone.ask')))).toBe(true);
    const notice = replies[27];
    expect(notice).toContain(t(bot, 'limits.messagesPerConversation'));
    expect(notice).toContain(t(bot, 'limits.retryIn', { count: 1 }));
    expect(notice).toContain(SUPPORT.phone);
    expect(replies.slice(28)).toEqual(Array(72).fill(''));
    // Nothing was read or written for the refused messages.
    expect(JSON.stringify(bot.memory)).toBe(stateAfterRead);
    // A minute later the flow continues where it was: the ID number given before the burst is kept.
    bot.clock.advance(MINUTE);
    expect(await say(c, MOBILE.typed)).toContain(t(bot, 'code.sent', { phone: MOBILE.masked, minutes: 10 }));
    expect(await say(c, await lastCode(bot, MOBILE.e164))).toContain('Aktiveringsbrevet ditt er bestilt!');
  });

  it('answers the flood in the language of the conversation', async () => {
    const bot = await startTestBot({ locale: 'en-US' });
    const c = chat(bot);
    await say(c, 'hello');
    await say(c, 'på nynorsk');
    const replies: string[] = [];
    for (let i = 0; i < 40; i += 1) replies.push(await say(c, 'hjelp'));
    const notices = replies.filter((r) => r.includes(t(bot, 'limits.messagesPerConversation', {}, 'nn')));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(t(bot, 'limits.support', { phone: SUPPORT.phone }, 'nn'));
  });
});
