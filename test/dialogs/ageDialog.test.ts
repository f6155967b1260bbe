import { DialogTurnStatus } from 'botbuilder-dialogs';
import { AgeDialog, type AgeOptions } from '../../dialogs/ageDialog';
import { ageRuleFromBirthYear } from '../../src/rules';
import { DialogDriver, date, loadShared, makeDeps, text, type Shared } from './support';

let shared: Shared;
beforeAll(async () => {
  shared = await loadShared();
});

/** The bot starts the dialog with the turn's own text; the test does the same. */
async function ask(first: string, lang: 'nb' | 'nn' | 'en' = 'nb') {
  const env = makeDeps();
  const driver = new DialogDriver(
    shared,
    env,
    new AgeDialog(env.deps),
    { text: first } satisfies AgeOptions,
    lang,
  );
  const reply = await driver.say(first);
  return { driver, reply };
}

describe('AgeDialog', () => {
  it('answers a birth year given in the first text without asking', async () => {
    expect(ageRuleFromBirthYear(2014, '2026-11-24')).toEqual({
      canOrder: false,
      orderableFrom: '2027-01-01',
    });
    const { driver, reply } = await ask('jeg er født i 2014');
    expect(reply).toBe(
      'Da kan du bestille aktiveringsbrev fra 1. januar 2027 – det er 1. januar det året du fyller 13.',
    );
    expect(date('2027-01-01')).toBe('1. januar 2027');
    expect(driver.status).toBe(DialogTurnStatus.complete);
  });

  it('says "old enough" for someone turning 13 this year', async () => {
    expect(ageRuleFromBirthYear(2013, '2026-11-24').canOrder).toBe(true);
    const { reply } = await ask('jeg er født i 2013, kan jeg bestille?');
    expect(reply).toBe(text(shared, 'nb', 'age.canOrder'));
  });

  it('asks for the year when the text has none, and retries on "tolv"', async () => {
    const { driver, reply } = await ask('jeg er 12 år');
    expect(reply).toBe(text(shared, 'nb', 'age.askYear', { age: 13 }));
    expect(await driver.say('tolv')).toBe(text(shared, 'nb', 'age.yearRetry'));
    expect(driver.status).toBe(DialogTurnStatus.waiting);
    expect(await driver.say('2015')).toBe(
      'Da kan du bestille aktiveringsbrev fra 1. januar 2028 – det er 1. januar det året du fyller 13.',
    );
    expect(driver.status).toBe(DialogTurnStatus.complete);
  });

  it('takes a whole sentence with the year at the prompt', async () => {
    const { driver } = await ask('jeg er 12 år');
    expect(await driver.say('jeg er født i 2013')).toBe(text(shared, 'nb', 'age.canOrder'));
  });

  it('ignores years that cannot be a birth year', async () => {
    const { driver, reply } = await ask('jeg er født i 2030');
    expect(reply).toBe(text(shared, 'nb', 'age.askYear', { age: 13 }));
    expect(await driver.say('1850')).toBe(text(shared, 'nb', 'age.yearRetry'));
    expect(await driver.say('1990')).toBe(text(shared, 'nb', 'age.canOrder'));
  });

  it('gives the general rule after three unreadable answers', async () => {
    const { driver } = await ask('hvor gammel må jeg være?');
    await driver.say('tolv');
    await driver.say('tja');
    expect(await driver.say('hmm')).toBe(text(shared, 'nb', 'answers.age', { age: 13 }));
    expect(driver.status).toBe(DialogTurnStatus.complete);
  });

  it('speaks English and nynorsk, with their dates', async () => {
    const en = await ask('I was born in 2014', 'en');
    expect(en.reply).toBe(
      "Then you can order the activation letter from 1 January 2027 – that's 1 January of the year you turn 13.",
    );
    const nn = await ask('eg er fødd i 2014', 'nn');
    expect(nn.reply).toContain('1. januar 2027');
    expect(nn.reply).toBe(text(shared, 'nn', 'age.notYet', { age: 13, orderableFrom: '2027-01-01' }));
  });
});
