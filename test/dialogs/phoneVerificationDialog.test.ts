import { DialogTurnStatus } from 'botbuilder-dialogs';
import { PhoneVerificationDialog, type PhoneVerificationResult } from '../../dialogs/phoneVerificationDialog';
import { CODE_POLICY, SUPPORT } from '../../src/rules';
import {
  DialogDriver,
  MOBILE,
  lastCode,
  loadShared,
  makeDeps,
  text,
  wrongCode,
  type Shared,
  type TestDeps,
} from './support';

let shared: Shared;
beforeAll(async () => {
  shared = await loadShared();
});

async function begin(lang: 'nb' | 'nn' | 'en' = 'nb'): Promise<{ env: TestDeps; driver: DialogDriver }> {
  const env = makeDeps();
  const driver = new DialogDriver(shared, env, new PhoneVerificationDialog(env.deps), undefined, lang);
  expect(await driver.say('hei')).toBe(text(shared, lang, 'phone.ask'));
  return { env, driver };
}

/** Gives the mobile number and checks the code went out; returns the code. */
async function giveNumber(env: TestDeps, driver: DialogDriver): Promise<string> {
  const replies = await driver.send(MOBILE.typed);
  expect(replies).toEqual([
    `Jeg har sendt en kode på SMS til ${MOBILE.masked}. Den er gyldig i 10 minutter.`,
    'Skriv koden fra SMS-en.',
  ]);
  return await lastCode(env.sms, MOBILE.e164);
}

function expectNoFullPhone(driver: DialogDriver) {
  for (const reply of driver.transcript) {
    expect(reply.replace(/\s/g, '')).not.toContain('41234567');
  }
}

describe('PhoneVerificationDialog', () => {
  it('sends a code to the number in E.164 and verifies the right code', async () => {
    const { env, driver } = await begin();
    const code = await giveNumber(env, driver);
    expect(env.smsSend).toHaveBeenCalledTimes(1);
    expect(env.smsSend).toHaveBeenCalledWith(MOBILE.e164, expect.any(String));
    const outbox = await env.sms.messagesTo(MOBILE.e164);
    expect(outbox).toHaveLength(1);
    expect(outbox[0].text).toBe(
      `Koden din for å bestille aktiveringsbrev for MinID: ${code}. Gyldig i 10 minutter. Ikke del den med noen.`,
    );
    expect(await driver.say(code)).toBe('Takk, koden er riktig.');
    expect(driver.status).toBe(DialogTurnStatus.complete);
    expect(driver.result).toEqual({ verified: true, phone: MOBILE.e164 } satisfies PhoneVerificationResult);
    expectNoFullPhone(driver);
    // The code itself was never written to the chat.
    expect(driver.transcript.join('\n')).not.toContain(code);
  });

  it('accepts +country code and a code typed with spaces', async () => {
    const { env, driver } = await begin();
    expect(await driver.say('+47 412 34 567')).toContain(MOBILE.masked);
    const code = await lastCode(env.sms, MOBILE.e164);
    expect(await driver.say(`${code.slice(0, 3)} ${code.slice(3)}`)).toBe('Takk, koden er riktig.');
  });

  it.each([
    ['1234567', 'phone.invalid.invalid'],
    ['22 22 22 22', 'phone.invalid.not-mobile'],
    ['abc', 'phone.invalid.characters'],
  ])('explains what is wrong with %p', async (input, key) => {
    const { env, driver } = await begin();
    expect(await driver.say(input)).toBe(text(shared, 'nb', key));
    expect(driver.status).toBe(DialogTurnStatus.waiting);
    expect(env.smsSend).not.toHaveBeenCalled();
  });

  it('gives up on the number after three tries and offers support', async () => {
    const { env, driver } = await begin();
    await driver.say('1234567');
    await driver.say('22 22 22 22');
    const last = await driver.say('abc');
    expect(last).toContain(text(shared, 'nb', 'phone.tooManyTries'));
    expect(last).toContain(SUPPORT.phone);
    expect(driver.result).toEqual({ verified: false, reason: 'too-many-tries' });
    expect(env.smsSend).not.toHaveBeenCalled();
  });

  it('counts wrong codes and locks after three, with the support phone', async () => {
    const { env, driver } = await begin();
    const code = await giveNumber(env, driver);
    const wrong = wrongCode(code);
    expect(await driver.send(wrong)).toEqual([
      'Koden er feil. Du har 2 forsøk igjen. Skriv koden fra SMS-en.',
    ]);
    expect(await driver.say(wrong)).toBe('Koden er feil. Du har 1 forsøk igjen. Skriv koden fra SMS-en.');
    const last = await driver.send(wrong);
    expect(last[0]).toBe(
      // The lock is on the number for an hour from the first wrong code, not just on this attempt.
      'Koden var feil 3 ganger, så jeg har stoppet dette forsøket av sikkerhetshensyn. Du kan prøve igjen fra 24. november kl. 13:00.',
    );
    expect(last.join(' ')).toContain(SUPPORT.phone);
    expect(driver.status).toBe(DialogTurnStatus.complete);
    expect(driver.result).toEqual({ verified: false, reason: 'locked' } satisfies PhoneVerificationResult);
  });

  it('does not count a malformed code as a try', async () => {
    const { env, driver } = await begin();
    const code = await giveNumber(env, driver);
    expect(await driver.say('12ab')).toBe('Koden har 6 sifre. Skriv koden fra SMS-en.');
    expect(await driver.say('123')).toBe('Koden har 6 sifre. Skriv koden fra SMS-en.');
    // Two wrong codes then the right one: the malformed ones used nothing.
    await driver.say(wrongCode(code));
    expect(await driver.say(wrongCode(code))).toContain('1 forsøk igjen');
    expect(await driver.say(code)).toBe('Takk, koden er riktig.');
    expect(driver.result).toMatchObject({ verified: true });
  });

  it('makes the user wait before a new code, then sends one and the old code stops working', async () => {
    const { env, driver } = await begin();
    const first = await giveNumber(env, driver);
    expect(await driver.say('send igjen')).toBe(
      'Vent 30 sekunder før du ber om en ny kode. Skriv koden fra SMS-en.',
    );
    env.clock.advance(20_000);
    expect(await driver.say('send igjen')).toContain('Vent 10 sekunder');
    expect(await env.sms.messagesTo(MOBILE.e164)).toHaveLength(1);

    env.clock.advance(11_000);
    expect(await driver.say('send igjen')).toBe(
      `Jeg har sendt en ny kode til ${MOBILE.masked}. Skriv koden fra SMS-en.`,
    );
    expect(await env.sms.messagesTo(MOBILE.e164)).toHaveLength(2);
    const second = await lastCode(env.sms, MOBILE.e164);
    if (second !== first) {
      expect(await driver.say(first)).toBe('Koden er feil. Du har 2 forsøk igjen. Skriv koden fra SMS-en.');
    }
    expect(await driver.say(second)).toBe('Takk, koden er riktig.');
    expect(driver.result).toMatchObject({ verified: true });
    expectNoFullPhone(driver);
  });

  it(`allows at most ${CODE_POLICY.maxResends} new codes`, async () => {
    const { env, driver } = await begin();
    await giveNumber(env, driver);
    env.clock.advance(31_000);
    expect(await driver.say('send igjen')).toContain('ny kode');
    env.clock.advance(31_000);
    expect(await driver.say('ny kode')).toContain('ny kode');
    env.clock.advance(31_000);
    const replies = await driver.send('send igjen');
    expect(replies[0]).toBe('Jeg kan ikke sende flere koder i dette forsøket.');
    expect(replies.join(' ')).toContain(SUPPORT.phone);
    expect(await env.sms.messagesTo(MOBILE.e164)).toHaveLength(1 + CODE_POLICY.maxResends);
    expect(driver.result).toEqual({
      verified: false,
      reason: 'resend-limit',
    } satisfies PhoneVerificationResult);
  });

  it('refuses a code after ten minutes and offers a new one', async () => {
    const { env, driver } = await begin();
    const code = await giveNumber(env, driver);
    env.clock.advance(CODE_POLICY.validMinutes * 60_000);
    expect(await driver.say(code)).toBe(
      'Koden er utløpt (kodene er gyldige i 10 minutter). Skriv «send igjen» for å få en ny. Skriv koden fra SMS-en.',
    );
    expect(await driver.say('send igjen')).toContain('Jeg har sendt en ny kode');
    expect(await driver.say(await lastCode(env.sms, MOBILE.e164))).toBe('Takk, koden er riktig.');
  });

  it('answers "I got no SMS" at the code step with support and asks again', async () => {
    const { env, driver } = await begin();
    await giveNumber(env, driver);
    const replies = await driver.send('jeg fikk ikke koden');
    expect(replies.join(' ')).toContain(SUPPORT.phone);
    expect(replies.at(-1)).toBe('Skriv koden fra SMS-en.');
    expect(driver.status).toBe(DialogTurnStatus.waiting);
  });

  it('runs in English, including "send again"', async () => {
    const { env, driver } = await begin('en');
    expect(await driver.say('12345')).toBe(text(shared, 'en', 'phone.invalid.invalid'));
    expect(await driver.send(MOBILE.typed)).toEqual([
      `I've sent a code by SMS to ${MOBILE.masked}. It is valid for 10 minutes.`,
      'Type the code from the SMS.',
    ]);
    expect((await env.sms.messagesTo(MOBILE.e164))[0].text).toMatch(
      /^Your code for ordering the MinID activation letter/,
    );
    const code = await lastCode(env.sms, MOBILE.e164);
    expect(await driver.say(wrongCode(code))).toBe(
      'That code is wrong. You have 2 tries left. Type the code from the SMS.',
    );
    expect(await driver.say('send again')).toBe(
      'Please wait 30 seconds before asking for a new code. Type the code from the SMS.',
    );
    env.clock.advance(31_000);
    expect(await driver.say('send again')).toBe(
      `I've sent a new code to ${MOBILE.masked}. Type the code from the SMS.`,
    );
    // The wrong try is kept across the resend.
    expect(await driver.say(wrongCode(await lastCode(env.sms, MOBILE.e164)))).toContain(
      'You have 1 try left.',
    );
    expect(await driver.say(await lastCode(env.sms, MOBILE.e164))).toBe('Thank you, the code is right.');
    expect(driver.result).toEqual({ verified: true, phone: MOBILE.e164 });
    expectNoFullPhone(driver);
  });
});
