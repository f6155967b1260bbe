import { DialogTurnStatus } from 'botbuilder-dialogs';
import { NationalIdDialog, type NationalIdResult } from '../../dialogs/nationalIdDialog';
import { SUPPORT } from '../../src/rules';
import {
  DialogDriver,
  PEOPLE,
  containsDigits,
  date,
  loadShared,
  makeDeps,
  text,
  withControlDigits,
  type Shared,
} from './support';

let shared: Shared;
beforeAll(async () => {
  shared = await loadShared();
});

function start(options: { acceptSynthetic?: boolean; lang?: 'nb' | 'nn' | 'en' } = {}) {
  const env = makeDeps({ acceptSynthetic: options.acceptSynthetic });
  const driver = new DialogDriver(
    shared,
    env,
    new NationalIdDialog(env.deps),
    undefined,
    options.lang ?? 'nb',
  );
  return { env, driver };
}

/** Starts the dialog (the first message only begins it) and checks the question. */
async function begin(options: Parameters<typeof start>[0] = {}) {
  const started = start(options);
  const lang = options.lang ?? 'nb';
  expect(await started.driver.say('hei')).toBe(text(shared, lang, 'nationalId.ask'));
  return started.driver;
}

function expectNoFullNumber(driver: DialogDriver, nationalId: string) {
  for (const reply of driver.transcript) expect(containsDigits(reply, nationalId)).toBe(false);
}

describe('NationalIdDialog', () => {
  it('accepts a valid number with separators and confirms it by its last two digits only', async () => {
    const driver = await begin();
    const reply = await driver.say('148385 10036');
    expect(reply).toBe('Takk. Jeg har nummeret som slutter på 36.');
    expect(driver.status).toBe(DialogTurnStatus.complete);
    expect(driver.result).toEqual({
      ok: true,
      nationalId: PEOPLE.adultPlain,
      birthDate: '1985-03-14',
    } satisfies NationalIdResult);
    expectNoFullNumber(driver, PEOPLE.adultPlain);
  });

  it('accepts dots and dashes too', async () => {
    const driver = await begin();
    expect(await driver.say('14.83.85-100.36')).toContain('slutter på 36');
    expect(driver.result).toMatchObject({ ok: true, nationalId: PEOPLE.adultPlain });
  });

  it('says how many digits were typed when the length is wrong', async () => {
    const driver = await begin();
    const reply = await driver.say('1483851003');
    expect(reply).toBe('Du skrev 10 sifre, men nummeret har 11. Prøv igjen.');
    expect(driver.status).toBe(DialogTurnStatus.waiting);
    expect(await driver.say('1')).toBe('Du skrev 1 siffer, men nummeret har 11. Prøv igjen.');
  });

  it('gives a specific retry for each reason', async () => {
    const cases: Array<[string, string, string]> = [
      ['checksum', '14838510037', text(shared, 'nb', 'nationalId.invalid.checksum')],
      ['h-number', withControlDigits('144385100'), text(shared, 'nb', 'nationalId.invalid.h-number')],
      ['characters', '14838S10036', text(shared, 'nb', 'nationalId.invalid.characters')],
      ['future', withControlDigits('011226500'), text(shared, 'nb', 'nationalId.invalid.future')],
      ['date', '30028512345', text(shared, 'nb', 'nationalId.invalid.date')],
    ];
    for (const [reason, input, expected] of cases) {
      const driver = await begin();
      const reply = await driver.say(input);
      expect({ reason, reply }).toEqual({ reason, reply: expected });
      expect(driver.status).toBe(DialogTurnStatus.waiting);
    }
    // The texts themselves say what is wrong, not just "invalid".
    expect(cases[0][2]).toMatch(/skrivefeil/);
    expect(cases[1][2]).toMatch(/H-nummer/);
  });

  it('refuses a synthetic test number when synthetic numbers are not accepted', async () => {
    const driver = await begin({ acceptSynthetic: false });
    expect(await driver.say(PEOPLE.adultPlain)).toBe(
      'Dette er et testnummer. Det går ikke an å bestille MinID med det. Bruk fødselsnummeret eller D-nummeret ditt.',
    );
    expect(driver.status).toBe(DialogTurnStatus.waiting);
  });

  it('ends after three failed tries with the support phone', async () => {
    const driver = await begin();
    await driver.say('123');
    await driver.say('14838510037');
    const last = await driver.say('abc');
    expect(last).toContain(text(shared, 'nb', 'nationalId.tooManyTries'));
    expect(last).toContain(SUPPORT.phone);
    expect(driver.status).toBe(DialogTurnStatus.complete);
    expect(driver.result).toEqual({ ok: false, reason: 'too-many-tries' } satisfies NationalIdResult);
  });

  it('recovers on the third try', async () => {
    const driver = await begin();
    await driver.say('123');
    await driver.say('14838510037');
    expect(await driver.say(PEOPLE.adultPlain)).toContain('slutter på 36');
    expect(driver.result).toMatchObject({ ok: true });
  });

  it('says "too young" right away, with the first possible date', async () => {
    const driver = await begin();
    const replies = await driver.send(PEOPLE.turns12);
    expect(replies).toEqual([
      'Takk. Jeg har nummeret som slutter på 70.',
      'Du kan bestille MinID fra det året du fyller 13, så du kan bestille fra 1. januar 2027.',
    ]);
    expect(date('2027-01-01')).toBe('1. januar 2027');
    expect(driver.status).toBe(DialogTurnStatus.complete);
    expect(driver.result).toEqual({ ok: false, reason: 'too-young' } satisfies NationalIdResult);
    expectNoFullNumber(driver, PEOPLE.turns12);
  });

  it('lets a person who turns 13 this year go on', async () => {
    const driver = await begin();
    expect(await driver.say(PEOPLE.turns13)).toBe('Takk. Jeg har nummeret som slutter på 11.');
    expect(driver.result).toEqual({ ok: true, nationalId: PEOPLE.turns13, birthDate: '2013-12-30' });
  });

  it('accepts a D-number', async () => {
    const driver = await begin();
    expect(await driver.say(PEOPLE.dNumber)).toBe('Takk. Jeg har nummeret som slutter på 87.');
    expect(driver.result).toEqual({ ok: true, nationalId: PEOPLE.dNumber, birthDate: '1988-04-09' });
    expectNoFullNumber(driver, PEOPLE.dNumber);
  });

  it('speaks English and nynorsk', async () => {
    const en = await begin({ lang: 'en' });
    expect(await en.say('1483851003')).toBe('You typed 10 digits, but the number has 11. Please try again.');
    expect(await en.say(PEOPLE.dNumber)).toBe('Thank you. I have the number ending in 87.');
    const nn = await begin({ lang: 'nn' });
    expect(await nn.say(PEOPLE.turns12)).toContain('1. januar 2027');
  });

  it('gives the number-specific help and asks again', async () => {
    const driver = await begin();
    const replies = await driver.send('hjelp');
    expect(replies).toEqual([
      text(shared, 'nb', 'help.nationalIdPrompt'),
      text(shared, 'nb', 'nationalId.ask'),
    ]);
    expect(driver.status).toBe(DialogTurnStatus.waiting);
    // Help did not use a try: two wrong numbers still leave a third.
    await driver.say('123');
    await driver.say('456');
    expect(await driver.say(PEOPLE.adultPlain)).toContain('slutter på 36');
  });

  it('never shows a full number it was given, even a wrong one', async () => {
    const driver = await begin();
    await driver.say('14838510037');
    await driver.say('30028512345');
    await driver.say(PEOPLE.adultPostal);
    for (const n of ['14838510037', '30028512345', PEOPLE.adultPostal]) expectNoFullNumber(driver, n);
  });
});
