import { DialogTurnStatus } from 'botbuilder-dialogs';
import { ruleParams } from '../../dialogs/answers';
import { LetterQuestionsDialog, type LetterQuestionsOptions } from '../../dialogs/letterQuestionsDialog';
import { SUPPORT, letterStatus } from '../../src/rules';
import { DialogDriver, date, loadShared, makeDeps, text, type Shared } from './support';

let shared: Shared;
beforeAll(async () => {
  shared = await loadShared();
});

const TODAY = '2026-11-24';

function start(options?: LetterQuestionsOptions, lang: 'nb' | 'nn' | 'en' = 'nb') {
  const env = makeDeps();
  return new DialogDriver(shared, env, new LetterQuestionsDialog(env.deps, shared.prompts), options, lang);
}

/** Starts without a topic and checks the topic question with its six choices. */
async function begin(lang: 'nb' | 'nn' | 'en' = 'nb') {
  const driver = start(undefined, lang);
  expect(await driver.say('hei')).toBe(text(shared, lang, 'letter.askTopic'));
  const choices = driver.activities.at(-1)?.suggestedActions?.actions.map((a) => a.title);
  expect(choices).toEqual([
    text(shared, lang, 'letter.topics.letter-delivery-time'),
    text(shared, lang, 'letter.topics.letter-not-arrived'),
    text(shared, lang, 'letter.topics.letter-expired'),
    text(shared, lang, 'letter.topics.address'),
    text(shared, lang, 'letter.topics.care-of'),
    text(shared, lang, 'letter.topics.abroad'),
  ]);
  return driver;
}

describe('LetterQuestionsDialog', () => {
  it('takes a topic by its button and answers an undated one straight away', async () => {
    const driver = await begin();
    expect(await driver.say('c/o-adresse')).toBe(text(shared, 'nb', 'answers.care-of', ruleParams()));
    expect(driver.status).toBe(DialogTurnStatus.complete);
  });

  it('takes a topic by its number', async () => {
    const driver = await begin();
    expect(await driver.say('2')).toBe(text(shared, 'nb', 'letter.askOrderDate'));
    expect(await driver.say('veit ikkje')).toBe(
      text(shared, 'nb', 'answers.letter-not-arrived', ruleParams()),
    );
    expect(driver.status).toBe(DialogTurnStatus.complete);
  });

  it('takes a topic from free text', async () => {
    const driver = await begin();
    expect(await driver.say('brevet har ikke kommet')).toBe(text(shared, 'nb', 'letter.askOrderDate'));
    const reply = await driver.say('1.11.2026');
    // Not-arrived after the expected date: the overdue answer, with support for an earlier letter.
    expect(reply).toMatch(
      /^Du bestilte 1\. november 2026, så brevet skulle vært framme rundt 13\. november 2026\./,
    );
    expect(reply).toContain(SUPPORT.phone);
  });

  it('answers other undated topics from free text', async () => {
    const driver = await begin();
    expect(await driver.say('jeg bor i utlandet')).toBe(text(shared, 'nb', 'answers.abroad', ruleParams()));
    const wrongAddress = await begin();
    expect(await wrongAddress.say('Feil adresse')).toBe(text(shared, 'nb', 'answers.address', ruleParams()));
  });

  it('asks again when the topic is not understood', async () => {
    const driver = await begin();
    expect(await driver.say('blå bananer')).toBe(text(shared, 'nb', 'letter.topicRetry'));
    expect(driver.status).toBe(DialogTurnStatus.waiting);
  });

  it('starts at the date question when the topic is known', async () => {
    const driver = start({ topic: 'letter-delivery-time' });
    expect(await driver.say('når kommer brevet?')).toBe(text(shared, 'nb', 'letter.askOrderDate'));
  });

  it('reads "20.11.2026": on the way, with the letterStatus dates', async () => {
    const status = letterStatus('2026-11-20', TODAY);
    expect(status).toEqual({
      orderedOn: '2026-11-20',
      deliveryBy: '2026-12-04',
      validUntil: '2027-01-19',
      newOrderFrom: '2027-01-19',
      phase: 'on-the-way',
    });
    const driver = start({ topic: 'letter-delivery-time' });
    await driver.say('når kommer brevet?');
    expect(await driver.say('20.11.2026')).toBe(
      `Du bestilte ${date(status.orderedOn)}, så du kan regne med brevet rundt ${date(status.deliveryBy)} ` +
        `(posten kan bruke opptil 14 dager). Det er gyldig til ${date(status.validUntil)}.`,
    );
    expect(date(status.deliveryBy)).toBe('4. desember 2026');
    expect(driver.status).toBe(DialogTurnStatus.complete);
  });

  it('reads "i går" as yesterday', async () => {
    const status = letterStatus('2026-11-23', TODAY);
    expect(status.phase).toBe('on-the-way');
    const driver = start({ topic: 'letter-delivery-time' });
    await driver.say('når kommer brevet?');
    expect(await driver.say('i går')).toBe(
      `Du bestilte 23. november 2026, så du kan regne med brevet rundt ${date(status.deliveryBy)} ` +
        `(posten kan bruke opptil 14 dager). Det er gyldig til ${date(status.validUntil)}.`,
    );
  });

  it('reads a named date such as "4. november"', async () => {
    const status = letterStatus('2026-11-04', TODAY);
    expect(status.phase).toBe('overdue');
    const driver = start({ topic: 'letter-not-arrived' });
    await driver.say('brevet har ikke kommet');
    expect(await driver.say('4. november')).toContain(
      `Du bestilte 4. november 2026, så brevet skulle vært framme rundt ${date(status.deliveryBy)}.`,
    );
  });

  it('gives the overdue phase with its dates', async () => {
    const status = letterStatus('2026-11-01', TODAY);
    expect(status).toMatchObject({ phase: 'overdue', deliveryBy: '2026-11-13', validUntil: '2026-12-31' });
    const driver = start({ topic: 'letter-not-arrived' });
    await driver.say('brevet har ikke kommet');
    expect(await driver.say('01.11.2026')).toBe(
      text(shared, 'nb', 'letter.status.overdue', { ...ruleParams(), ...status }),
    );
    expect(driver.transcript.at(-1)).toContain('du kan bestille et nytt fra 31. desember 2026');
  });

  it('gives the expired phase with its dates', async () => {
    const status = letterStatus('2026-09-01', TODAY);
    expect(status).toMatchObject({ phase: 'expired', validUntil: '2026-10-31' });
    const driver = start({ topic: 'letter-expired' });
    await driver.say('brevet er utløpt');
    expect(await driver.say('1.9.2026')).toBe(
      'Et brev bestilt 1. september 2026 sluttet å gjelde 31. oktober 2026. Du kan bestille et nytt nå – velg «Bestille aktiveringsbrev».',
    );
  });

  it('does not accept a date in the future as the order date', async () => {
    const driver = start({ topic: 'letter-delivery-time' });
    await driver.say('når kommer brevet?');
    expect(await driver.send('01.12.2026')).toEqual([
      text(shared, 'nb', 'letter.status.future'),
      text(shared, 'nb', 'answers.letter-delivery-time', ruleParams()),
    ]);
    expect(driver.status).toBe(DialogTurnStatus.complete);
  });

  it('asks again for an unreadable date, and gives the general rule after three tries', async () => {
    const driver = start({ topic: 'letter-delivery-time' });
    await driver.say('når kommer brevet?');
    expect(await driver.say('en gang i høst')).toBe(text(shared, 'nb', 'letter.orderDateRetry'));
    expect(await driver.say('husker ikke helt, tror det var sist uke')).toBe(
      text(shared, 'nb', 'answers.letter-delivery-time', ruleParams()),
    );
    expect(driver.status).toBe(DialogTurnStatus.complete);
  });

  it('answers a question asked at the date step and asks for the date again', async () => {
    const driver = start({ topic: 'letter-delivery-time' });
    await driver.say('når kommer brevet?');
    expect(await driver.send('kan jeg bruke c/o-adresse?')).toEqual([
      text(shared, 'nb', 'answers.care-of', ruleParams()),
      text(shared, 'nb', 'interrupt.resume'),
      text(shared, 'nb', 'letter.askOrderDate'),
    ]);
    expect(await driver.say('20.11.2026')).toContain('4. desember 2026');
  });

  it('speaks English, with English dates', async () => {
    const driver = await begin('en');
    expect(await driver.say('It hasn’t come')).toBe(text(shared, 'en', 'letter.askOrderDate'));
    expect(await driver.say('yesterday')).toBe(
      'You ordered on 23 November 2026, so expect the letter around 7 December 2026 ' +
        '(the post can take up to 14 days). It is valid until 22 January 2027.',
    );
    expect(letterStatus('2026-11-23', TODAY)).toMatchObject({
      deliveryBy: '2026-12-07',
      validUntil: '2027-01-22',
    });
  });

  it('speaks nynorsk', async () => {
    const driver = await begin('nn');
    expect(await driver.say('1')).toBe(text(shared, 'nn', 'letter.askOrderDate'));
    expect(await driver.say('veit ikkje')).toBe(
      text(shared, 'nn', 'answers.letter-delivery-time', ruleParams()),
    );
  });
});
