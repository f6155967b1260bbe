/**
 * Never destroy on a guess: cancel, start over and delete act only on an explicit command phrase (or a
 * button). A question asked mid-order is answered, the prompt is asked again, and the number typed
 * before it is still there: the order goes through without typing it again.
 */
import { OrderDialog } from '../../dialogs/orderDialog';
import type { TurnUnderstanding } from '../../src/bot/turn';
import { IntentRecognizer } from '../../src/understanding';
import { DialogDriver, MOBILE, PEOPLE, lastCode, loadShared, makeDeps, text, type Shared } from './support';

let shared: Shared;
beforeAll(async () => {
  shared = await loadShared();
});

const DESTROYED = ['interrupt.cancelled', 'interrupt.restarted', 'privacy.deleted'];

async function toPhonePrompt(driver: DialogDriver): Promise<void> {
  await driver.send('jeg vil bestille');
  const replies = await driver.send(PEOPLE.adultPlain);
  expect(replies.at(-1)).toBe(text(shared, driver.lang, 'phone.ask'));
}

async function finishesOrder(driver: DialogDriver, env: ReturnType<typeof makeDeps>): Promise<void> {
  await driver.send(MOBILE.typed);
  const done = await driver.send(await lastCode(env.sms, MOBILE.e164));
  expect(done.join('\n')).toContain(text(shared, driver.lang, 'code.verified'));
  expect(done.join('\n')).toMatch(/bestilt|ordered/);
}

describe('a question mid-order is answered, the prompt re-asked, the number kept', () => {
  test.each([
    ['nb', 'Koster det noe?'],
    ['nb', 'Er det gratis?'],
    ['nn', 'Kostar det noko?'],
    ['en', 'Does it cost anything?'],
  ] as const)('%s %j at the phone prompt', async (lang, question) => {
    const env = makeDeps();
    const driver = new DialogDriver(shared, env, new OrderDialog(env.deps, shared.prompts), undefined, lang);
    await toPhonePrompt(driver);
    const replies = await driver.send(question);
    expect(replies[0]).toBe(text(shared, lang, 'answers.cost'));
    expect(replies.at(-1)).toBe(text(shared, lang, 'phone.ask'));
    for (const key of DESTROYED) expect(driver.transcript).not.toContain(text(shared, lang, key));
    await finishesOrder(driver, env);
  });
});

describe('a confident classifier guess of cancel/restart/delete does nothing destructive', () => {
  /** A recogniser stub that reads every non-digit message as a destructive intent with high confidence. */
  function guessing(intent: string): Shared {
    const fake = {
      understand: async (t: string): Promise<TurnUnderstanding> =>
        /\p{L}/u.test(t) && t !== 'jeg vil bestille' ? { intent, score: 0.99 } : { intent: 'none', score: 1 },
    };
    return { ...shared, recognizer: fake as unknown as IntentRecognizer };
  }

  test.each(['cancel', 'restart', 'delete-conversation'])(
    '%s guessed at 0.99 without a command',
    async (intent) => {
      const env = makeDeps();
      const driver = new DialogDriver(guessing(intent), env, new OrderDialog(env.deps, shared.prompts));
      await driver.send('jeg vil bestille');
      await driver.send(PEOPLE.adultPlain);
      const asked = await driver.send('hva skjer nå egentlig');
      // It asks, with the command as a button, and goes on with the waiting question.
      expect(asked[0]).toBe(text(shared, 'nb', `interrupt.confirm.${intent}`));
      expect(driver.activities.at(-2)?.suggestedActions?.actions.map((a) => a.title)).toEqual([
        text(shared, 'nb', `interrupt.commandButtons.${intent}`),
      ]);
      expect(asked.at(-1)).toBe(text(shared, 'nb', 'phone.ask'));
      for (const key of DESTROYED) expect(driver.transcript).not.toContain(text(shared, 'nb', key));
      await finishesOrder(driver, env);
    },
  );

  test('"jeg angrer" at the phone prompt asks whether to cancel; the button then cancels', async () => {
    const env = makeDeps();
    const driver = new DialogDriver(shared, env, new OrderDialog(env.deps, shared.prompts));
    await toPhonePrompt(driver);
    const asked = await driver.send('jeg angrer');
    expect(asked[0]).toBe(text(shared, 'nb', 'interrupt.confirm.cancel'));
    expect(asked.at(-1)).toBe(text(shared, 'nb', 'phone.ask'));
    expect(await driver.send(text(shared, 'nb', 'interrupt.commandButtons.cancel'))).toContain(
      text(shared, 'nb', 'interrupt.cancelled'),
    );
  });

  test('the same message as an explicit command does cancel', async () => {
    const env = makeDeps();
    const driver = new DialogDriver(shared, env, new OrderDialog(env.deps, shared.prompts));
    await toPhonePrompt(driver);
    expect(await driver.send('avbryt takk')).toContain(text(shared, 'nb', 'interrupt.cancelled'));
  });
});
