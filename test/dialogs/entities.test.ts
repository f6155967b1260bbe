/** Entities first: numbers and codes inside sentences are found and used at every prompt and at the menu. */
import { MainDialog } from '../../dialogs/mainDialog';
import { OrderDialog } from '../../dialogs/orderDialog';
import { DialogDriver, MOBILE, PEOPLE, lastCode, loadShared, makeDeps, text, type Shared } from './support';

let shared: Shared;
beforeAll(async () => {
  shared = await loadShared();
});

describe('numbers inside sentences', () => {
  test.each([
    ['nb', 'mitt fødselsnummer er 14838510036', 'mobilen min er 412 34 567', 'koden er {code}'],
    ['nb', 'nummeret mitt er 148385 10036', 'mitt nummer er 41234567', '{code} er koden'],
    ['nn', 'fødselsnummeret mitt er 14838510036', 'mobilnummeret mitt er 412 34 567', 'koden er {code}'],
    ['en', 'my national id is 148385 10036', 'my number is 41234567', 'the code is {code}'],
  ] as const)('%s: %j, %j, %j', async (lang, id, phone, code) => {
    const env = makeDeps();
    const driver = new DialogDriver(shared, env, new OrderDialog(env.deps, shared.prompts), undefined, lang);
    await driver.send('jeg vil bestille');
    expect(await driver.send(id)).toContain(text(shared, lang, 'nationalId.received', { lastTwo: '36' }));
    expect((await driver.send(phone)).join('\n')).toContain(MOBILE.masked);
    const typedCode = await lastCode(env.sms, MOBILE.e164);
    const done = await driver.send(code.replace('{code}', typedCode));
    expect(done[0]).toBe(text(shared, lang, 'code.verified'));
    // The code is never echoed.
    expect(driver.transcript.join('\n')).not.toContain(typedCode);
  });

  test('"jeg har ikke fått koden" at the code prompt gets the no-SMS help, not a format error', async () => {
    const env = makeDeps();
    const driver = new DialogDriver(shared, env, new OrderDialog(env.deps, shared.prompts));
    await driver.send('jeg vil bestille');
    await driver.send(PEOPLE.adultPlain);
    await driver.send(MOBILE.typed);
    const replies = await driver.send('jeg har ikke fått koden');
    expect(replies[0]).toBe(
      text(shared, 'nb', 'answers.no-sms', { phone: '800 30 300', phoneAbroad: '+47 800 30 300' }),
    );
    expect(replies.join('\n')).not.toContain('6 sifre');
    expect(replies.at(-1)).toBe(text(shared, 'nb', 'code.ask'));
    // The code sent first still works.
    const done = await driver.send(await lastCode(env.sms, MOBILE.e164));
    expect(done[0]).toBe(text(shared, 'nb', 'code.verified'));
  });
});

describe('at the main menu', () => {
  test('an ID number starts the order flow with it', async () => {
    const env = makeDeps();
    const driver = new DialogDriver(shared, env, new MainDialog(env.deps, shared.prompts));
    await driver.send('hei');
    const replies = await driver.send(PEOPLE.adultPlain);
    expect(replies).toContain(text(shared, 'nb', 'order.intro'));
    expect(replies).toContain(text(shared, 'nb', 'nationalId.received', { lastTwo: '36' }));
    expect(replies.at(-1)).toBe(text(shared, 'nb', 'phone.ask'));
  });

  test.each([
    ['nb', 'bestille'],
    ['nb', 'bestill'],
    ['en', 'order'],
    ['nn', 'bestille'],
    ['nb', 'jeg vil bestille'],
    ['nb', 'kan jeg bestille minid?'],
    ['nn', 'eg vil bestille brevet'],
    ['en', 'I want to order a letter'],
  ] as const)('%s %j starts the order', async (lang, word) => {
    const env = makeDeps();
    const driver = new DialogDriver(shared, env, new MainDialog(env.deps, shared.prompts), undefined, lang);
    await driver.send('hei');
    const replies = await driver.send(word);
    expect(replies).toContain(text(shared, lang, 'order.intro'));
    expect(replies.at(-1)).toBe(text(shared, lang, 'nationalId.ask'));
  });
});
