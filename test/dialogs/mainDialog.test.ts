/**
 * The main dialog and the interruptions, through the whole bot (startTestBot): interruptions, language
 * switches, idle expiry and turn errors need the bot's per-turn pipeline, not the dialog alone.
 */
import type { Activity } from 'botbuilder';
import { ruleParams } from '../../dialogs/answers';
import type { Lang } from '../../src/i18n';
import { SUPPORT } from '../../src/rules';
import { toGsm7 } from '../../src/bot/render';
import { lastCode, startTestBot, type TestBot } from '../support/harness';
import { MOBILE, PEOPLE, containsDigits, storageText } from './support';

/** Sends one message and returns every reply of that turn. */
async function send(bot: TestBot, text: string): Promise<Partial<Activity>[]> {
  await bot.adapter.receiveActivity(text);
  const replies: Partial<Activity>[] = [];
  for (let next = bot.adapter.getNextReply(); next; next = bot.adapter.getNextReply()) replies.push(next);
  return replies;
}

/** The texts of one turn's replies. */
async function say(bot: TestBot, text: string): Promise<string[]> {
  return (await send(bot, text)).map((r) => r.text ?? '');
}

function t(bot: TestBot, lang: Lang, key: string, params: Record<string, unknown> = {}): string {
  return bot.built.i18n.getFixedT(lang)(key, params);
}

function welcome(bot: TestBot, lang: Lang): string {
  return [
    t(bot, lang, 'welcome.greeting'),
    t(bot, lang, 'welcome.capabilities'),
    t(bot, lang, 'welcome.privacy'),
  ].join(' ');
}

/** Everything the bot keeps for the conversation, as text. */
function stored(bot: TestBot): string {
  return storageText(bot.memory);
}

/** Starts an order in bokmål: welcome, intro, the ID question. */
async function startOrder(bot: TestBot): Promise<void> {
  expect(await say(bot, 'jeg vil bestille aktiveringsbrev')).toEqual([
    welcome(bot, 'nb'),
    t(bot, 'nb', 'order.intro'),
    t(bot, 'nb', 'nationalId.ask'),
  ]);
}

describe('MainDialog through the bot', () => {
  describe('routing', () => {
    it('routes free text in bokmål to the order flow', async () => {
      const bot = await startTestBot();
      await startOrder(bot);
    });

    it('routes free text in nynorsk and answers in nynorsk', async () => {
      const bot = await startTestBot();
      expect(await say(bot, 'eg vil bestille aktiveringsbrev')).toEqual([
        welcome(bot, 'nn'),
        t(bot, 'nn', 'order.intro'),
        t(bot, 'nn', 'nationalId.ask'),
      ]);
    });

    it('routes free text in English and answers in English', async () => {
      const bot = await startTestBot();
      expect(await say(bot, 'I want to order an activation letter')).toEqual([
        welcome(bot, 'en'),
        t(bot, 'en', 'order.intro'),
        t(bot, 'en', 'nationalId.ask'),
      ]);
    });

    it('routes "the letter never came" to the letter questions with the topic already known', async () => {
      const bot = await startTestBot({ locale: 'en-US' });
      expect(await say(bot, 'the letter never came')).toEqual([
        welcome(bot, 'en'),
        t(bot, 'en', 'letter.askOrderDate'),
      ]);
      const reply = await say(bot, '1.11.2026');
      expect(reply[0]).toMatch(
        /^You ordered on 1 November 2026, so the letter was expected around 13 November 2026\./,
      );
      expect(reply.at(-1)).toBe(t(bot, 'en', 'menu.again'));
    });

    it('answers "fekk ikkje SMS" with the rule answer in nynorsk, then offers the menu', async () => {
      const bot = await startTestBot();
      const replies = await say(bot, 'fekk ikkje SMS');
      expect(replies).toEqual([
        welcome(bot, 'nn'),
        t(bot, 'nn', 'answers.no-sms', ruleParams()),
        t(bot, 'nn', 'menu.again'),
      ]);
      expect(replies[1]).toContain(SUPPORT.phone);
    });

    it('shows the menu on a greeting, with the four choices, and takes a choice by its number', async () => {
      const bot = await startTestBot();
      const first = await send(bot, 'hei');
      expect(first.map((a) => a.text)).toEqual([welcome(bot, 'nb'), t(bot, 'nb', 'menu.ask')]);
      expect(first[1].suggestedActions?.actions.map((a) => a.title)).toEqual([
        'Bestille aktiveringsbrev',
        'Spørsmål om brevet',
        'Ta i bruk MinID-appen',
        'Snakke med et menneske',
      ]);
      expect(await say(bot, '1')).toEqual([t(bot, 'nb', 'order.intro'), t(bot, 'nb', 'nationalId.ask')]);
    });

    it('gives the numbered menu as plain text on SMS', async () => {
      const bot = await startTestBot({ channelId: 'sms' });
      // One turn's messages arrive merged into as few SMS as fit (src/bot/render.ts, mergeSms).
      const replies = (await say(bot, 'hei')).join('\n');
      expect(replies).toContain('1. Bestille aktiveringsbrev');
      expect(replies).toContain('4. Snakke med et menneske');
      const guide = (await say(bot, '3')).join('\n\n');
      expect(guide).toContain(toGsm7(t(bot, 'nb', 'app.need', ruleParams())));
      expect(guide).toMatch(
        /\n\nSteg 1 av 8: Åpne MinID-appen\.\n1\. Neste\n2\. Tilbake\n3\. Gjenta\n4\. Stopp$/,
      );
    });
  });

  describe('a whole order', () => {
    it('orders, then the app guide stops on "stopp" and the menu comes back', async () => {
      const bot = await startTestBot();
      await startOrder(bot);
      expect((await say(bot, PEOPLE.adultPlain))[0]).toBe('Takk. Jeg har nummeret som slutter på 36.');
      expect((await say(bot, MOBILE.typed))[0]).toContain(MOBILE.masked);
      const outcome = await say(bot, await lastCode(bot, MOBILE.e164));
      expect(outcome[1]).toContain('rundt 8. desember 2026');
      expect(outcome[1]).toContain('gyldig til 23. januar 2027');
      expect(await say(bot, 'ja')).toEqual([
        t(bot, 'nb', 'app.need', ruleParams()),
        expect.stringMatching(/^Steg 1 av 8/),
      ]);
      expect(await say(bot, 'stopp')).toEqual([t(bot, 'nb', 'app.stopped'), t(bot, 'nb', 'menu.again')]);
      expect(containsDigits(stored(bot), PEOPLE.adultPlain)).toBe(false);
      expect(stored(bot)).not.toContain(MOBILE.e164);
    });
  });

  describe('code step', () => {
    it('"send igjen" asks for a new code, not a question answer', async () => {
      const bot = await startTestBot();
      await startOrder(bot);
      await say(bot, PEOPLE.adultPlain);
      await say(bot, MOBILE.typed);
      expect(await say(bot, 'send igjen')).toEqual([
        'Vent 30 sekunder før du ber om en ny kode. Skriv koden fra SMS-en.',
      ]);
      bot.clock.advance(31_000);
      expect(await say(bot, 'send koden igjen')).toEqual([
        `Jeg har sendt en ny kode til ${MOBILE.masked}. Skriv koden fra SMS-en.`,
      ]);
      expect(await bot.built.sms.messagesTo(MOBILE.e164)).toHaveLength(2);
      expect((await say(bot, await lastCode(bot, MOBILE.e164)))[0]).toBe('Takk, koden er riktig.');
    });
  });

  describe('interruptions', () => {
    it('"avbryt" mid-flow cancels, shows the menu and drops every digit typed', async () => {
      const bot = await startTestBot();
      await startOrder(bot);
      await say(bot, PEOPLE.adultPlain);
      await say(bot, MOBILE.typed);
      // While the flow runs, state holds the number (that is what cancel must drop).
      expect(containsDigits(stored(bot), PEOPLE.adultPlain)).toBe(true);
      expect(await say(bot, 'avbryt')).toEqual([
        t(bot, 'nb', 'interrupt.cancelled'),
        t(bot, 'nb', 'menu.ask'),
      ]);
      expect(containsDigits(stored(bot), PEOPLE.adultPlain)).toBe(false);
      expect(stored(bot)).not.toContain(MOBILE.e164);
      expect(stored(bot)).not.toMatch(/41234567/);
      // The menu works afterwards.
      expect(await say(bot, '1')).toEqual([t(bot, 'nb', 'order.intro'), t(bot, 'nb', 'nationalId.ask')]);
    });

    it('"start på nytt" starts over with the menu and drops the number', async () => {
      const bot = await startTestBot();
      await startOrder(bot);
      await say(bot, PEOPLE.adultPostal);
      expect(await say(bot, 'start på nytt')).toEqual([
        t(bot, 'nb', 'interrupt.restarted'),
        t(bot, 'nb', 'menu.ask'),
      ]);
      expect(containsDigits(stored(bot), PEOPLE.adultPostal)).toBe(false);
    });

    it('"hjelp" at the ID prompt gives the ID-specific help, then asks again', async () => {
      const bot = await startTestBot();
      await startOrder(bot);
      expect(await say(bot, 'hjelp')).toEqual([
        t(bot, 'nb', 'help.nationalIdPrompt'),
        t(bot, 'nb', 'nationalId.ask'),
      ]);
      expect((await say(bot, PEOPLE.adultPlain))[0]).toContain('slutter på 36');
    });

    it('"snakke med et menneske" gives the support contact, then asks again', async () => {
      const bot = await startTestBot();
      await startOrder(bot);
      const replies = await say(bot, 'snakke med et menneske');
      expect(replies).toEqual([t(bot, 'nb', 'human.contact', ruleParams()), t(bot, 'nb', 'nationalId.ask')]);
      expect(replies[0]).toContain(SUPPORT.phone);
      expect(replies[0]).toContain(SUPPORT.email);
    });

    it('answers "hvor lang tid tar brevet?" mid-flow and asks for the number again', async () => {
      const bot = await startTestBot();
      await startOrder(bot);
      expect(await say(bot, 'hvor lang tid tar brevet?')).toEqual([
        t(bot, 'nb', 'answers.letter-delivery-time', ruleParams()),
        t(bot, 'nb', 'interrupt.resume'),
        t(bot, 'nb', 'nationalId.ask'),
      ]);
    });

    it('"English please" at the phone prompt switches language, re-asks in English and keeps the number', async () => {
      const bot = await startTestBot();
      await startOrder(bot);
      expect(await say(bot, PEOPLE.adultCareOf)).toEqual([
        'Takk. Jeg har nummeret som slutter på 24.',
        t(bot, 'nb', 'phone.ask'),
      ]);
      expect(await say(bot, 'English please')).toEqual([
        t(bot, 'en', 'language.switched'),
        t(bot, 'en', 'phone.ask'),
      ]);
      expect(await say(bot, MOBILE.typed)).toEqual([
        `I've sent a code by SMS to ${MOBILE.masked}. It is valid for 10 minutes.`,
        'Type the code from the SMS.',
      ]);
      expect((await bot.built.sms.messagesTo(MOBILE.e164))[0].text).toMatch(/^Your code for ordering/);
      const outcome = await say(bot, await lastCode(bot, MOBILE.e164));
      expect(outcome[0]).toBe('Thank you, the code is right.');
      // The number given in bokmål is the one ordered for: the c/o person's postal address is used.
      expect(outcome[1]).toBe(
        'Your activation letter is ordered! Expect it around 8 December 2026. The letter is valid until 23 January 2027. ' +
          'It will be sent to your postal address in the National Population Register (Folkeregisteret). ' +
          'Your postal address is a c/o address, which is fine. ' +
          'You get no notice when the letter is posted; the post can take up to 14 days.',
      );
      expect(await bot.built.minid.listOrders(PEOPLE.adultCareOf)).toHaveLength(1);
      expect(await say(bot, 'no')).toEqual([t(bot, 'en', 'order.appGuideLater'), t(bot, 'en', 'menu.again')]);
    });

    it('"språk" offers the three languages; picking one re-asks the pending question in it', async () => {
      const bot = await startTestBot();
      await startOrder(bot);
      const offer = await send(bot, 'språk');
      expect(offer.map((a) => a.text)).toEqual([t(bot, 'nb', 'language.choose')]);
      expect(offer[0].suggestedActions?.actions.map((a) => a.title)).toEqual([
        'Bokmål',
        'Nynorsk',
        'English',
      ]);
      expect(await say(bot, 'Nynorsk')).toEqual([
        t(bot, 'nn', 'language.switched'),
        t(bot, 'nn', 'nationalId.ask'),
      ]);
      expect(await say(bot, PEOPLE.adultPlain)).toEqual([
        'Takk. Eg har nummeret som sluttar på 36.',
        t(bot, 'nn', 'phone.ask'),
      ]);
    });

    it('"slett samtalen" deletes everything the bot holds', async () => {
      const bot = await startTestBot();
      await startOrder(bot);
      await say(bot, PEOPLE.adultPlain);
      expect(await say(bot, 'slett samtalen')).toEqual([t(bot, 'nb', 'privacy.deleted')]);
      expect(containsDigits(stored(bot), PEOPLE.adultPlain)).toBe(false);
      expect(stored(bot)).not.toMatch(/dialogState|session|welcomed/);
      // Writing again starts from the very beginning, welcome included.
      expect(await say(bot, 'hei')).toEqual([welcome(bot, 'nb'), t(bot, 'nb', 'menu.ask')]);
    });
  });

  describe('idle expiry', () => {
    it('drops a half-typed order after 31 idle minutes and starts fresh', async () => {
      const bot = await startTestBot();
      await startOrder(bot);
      await say(bot, PEOPLE.adultPlain);
      expect(containsDigits(stored(bot), PEOPLE.adultPlain)).toBe(true);
      bot.clock.advance(31 * 60_000);
      expect(await say(bot, 'hei')).toEqual([t(bot, 'nb', 'session.timedOut'), t(bot, 'nb', 'menu.ask')]);
      expect(containsDigits(stored(bot), PEOPLE.adultPlain)).toBe(false);
      // The old prompt is gone: a number now is a menu answer, not the phone question's.
      expect(await say(bot, '1')).toEqual([t(bot, 'nb', 'order.intro'), t(bot, 'nb', 'nationalId.ask')]);
    });

    it('keeps the conversation within the idle limit', async () => {
      const bot = await startTestBot();
      await startOrder(bot);
      bot.clock.advance(29 * 60_000);
      expect((await say(bot, PEOPLE.adultPlain))[0]).toContain('slutter på 36');
    });
  });

  describe('turn errors', () => {
    it('apologises in the user’s language, keeps no digits and works afterwards', async () => {
      const bot = await startTestBot({ locale: 'en-US' });
      const findPerson = jest
        .spyOn(bot.built.minid, 'findPerson')
        .mockRejectedValueOnce(new Error(`register down for ${PEOPLE.adultPlain}`));
      expect(await say(bot, 'I want to order an activation letter')).toEqual([
        welcome(bot, 'en'),
        t(bot, 'en', 'order.intro'),
        t(bot, 'en', 'nationalId.ask'),
      ]);
      await say(bot, PEOPLE.adultPlain);
      await say(bot, MOBILE.typed);
      const replies = await say(bot, await lastCode(bot, MOBILE.e164));
      expect(replies).toEqual([
        'Thank you, the code is right.',
        t(bot, 'en', 'errors.apology', { phone: SUPPORT.phone }),
      ]);
      expect(replies.join('\n')).not.toMatch(/register down|Error|at /);
      expect(findPerson).toHaveBeenCalledTimes(1);
      expect(containsDigits(stored(bot), PEOPLE.adultPlain)).toBe(false);
      // No number or error text in the logs either.
      expect(bot.logs.join('\n')).not.toContain(PEOPLE.adultPlain);

      // The conversation goes on in English, from a clean stack.
      expect(await say(bot, 'hi')).toEqual([t(bot, 'en', 'menu.ask')]);
      expect(await say(bot, '1')).toEqual([t(bot, 'en', 'order.intro'), t(bot, 'en', 'nationalId.ask')]);
    });

    it('apologises in bokmål for a bokmål user', async () => {
      const bot = await startTestBot();
      jest.spyOn(bot.built.minid, 'findPerson').mockRejectedValueOnce(new Error('boom'));
      await startOrder(bot);
      await say(bot, PEOPLE.adultPlain);
      await say(bot, MOBILE.typed);
      const replies = await say(bot, await lastCode(bot, MOBILE.e164));
      expect(replies.at(-1)).toBe(t(bot, 'nb', 'errors.apology', { phone: SUPPORT.phone }));
      expect(await say(bot, 'hei')).toEqual([t(bot, 'nb', 'menu.ask')]);
    });
  });
});
