import { DialogTurnStatus } from 'botbuilder-dialogs';
import { AppGuideDialog } from '../../dialogs/appGuideDialog';
import { ruleParams } from '../../dialogs/answers';
import { DialogDriver, loadShared, makeDeps, text, type Shared } from './support';

let shared: Shared;
beforeAll(async () => {
  shared = await loadShared();
});

function steps(lang: 'nb' | 'nn' | 'en'): string[] {
  return shared.i18n.getFixedT(lang)('app.steps', { returnObjects: true }) as unknown as string[];
}

async function begin(lang: 'nb' | 'nn' | 'en' = 'nb') {
  const env = makeDeps();
  const driver = new DialogDriver(shared, env, new AppGuideDialog(env.deps, shared.prompts), undefined, lang);
  expect(await driver.send('hei')).toEqual([
    text(shared, lang, 'app.need', { validDays: 60 }),
    text(shared, lang, 'app.stepOf', { n: 1, total: 8, text: steps(lang)[0] }),
  ]);
  return driver;
}

describe('AppGuideDialog', () => {
  it('says what is needed first, including the 60-day letter', async () => {
    const driver = await begin();
    expect(driver.transcript[0]).toContain('aktiveringsbrevet (gyldig i 60 dager etter bestilling)');
    expect(driver.activities.at(-1)?.suggestedActions?.actions.map((a) => a.title)).toEqual([
      'Neste',
      'Tilbake',
      'Gjenta',
      'Stopp',
    ]);
  });

  it('goes back one step on "tilbake"/"back", repeats on "gjenta", and never starts over or cancels', async () => {
    const driver = await begin();
    const all = steps('nb');
    await driver.send('neste');
    await driver.send('neste');
    expect(await driver.send('tilbake')).toEqual([`Steg 2 av 8: ${all[1]}`]);
    expect(await driver.send('gjenta')).toEqual([`Steg 2 av 8: ${all[1]}`]);
    expect(await driver.send('back')).toEqual([`Steg 1 av 8: ${all[0]}`]);
    expect(await driver.send('tilbake')).toEqual([
      `${text(shared, 'nb', 'app.atFirst')} Steg 1 av 8: ${all[0]}`,
    ]);
    for (const key of ['interrupt.cancelled', 'interrupt.restarted', 'privacy.deleted']) {
      expect(driver.transcript).not.toContain(text(shared, 'nb', key));
    }
    expect(driver.status).toBe(DialogTurnStatus.waiting);
  });

  it('answers a question inside the guide and keeps the step', async () => {
    const driver = await begin();
    await driver.send('neste');
    await driver.send('neste');
    await driver.send('neste');
    const replies = await driver.send('qr koden vil ikke la seg skanne');
    expect(replies[0]).toBe(text(shared, 'nb', 'answers.qr-camera', ruleParams()));
    expect(replies.at(-1)).toBe(`Steg 4 av 8: ${steps('nb')[3]}`);
  });

  it('walks through all 8 steps one at a time with "neste", then says it is done', async () => {
    const driver = await begin();
    const all = steps('nb');
    expect(all).toHaveLength(8);
    for (let n = 2; n <= 7; n += 1) {
      expect(await driver.send(n % 2 ? 'neste' : 'Neste')).toEqual([`Steg ${n} av 8: ${all[n - 1]}`]);
      expect(driver.status).toBe(DialogTurnStatus.waiting);
    }
    // The last step is the "done" step: it comes with the closing words and no next/stop buttons.
    const last = await driver.send('neste');
    expect(last).toEqual([`Steg 8 av 8: ${all[7]} ${text(shared, 'nb', 'app.done')}`]);
    expect(driver.status).toBe(DialogTurnStatus.complete);
  });

  it('accepts "next" and the number of the choice too', async () => {
    const driver = await begin();
    expect(await driver.say('next')).toMatch(/^Steg 2 av 8:/);
    expect(await driver.say('1')).toMatch(/^Steg 3 av 8:/);
  });

  it('ends when the user says "stopp"', async () => {
    const driver = await begin();
    await driver.say('neste');
    expect(await driver.say('stopp')).toBe(text(shared, 'nb', 'app.stopped'));
    expect(driver.status).toBe(DialogTurnStatus.complete);
  });

  it('ends when the user taps the "Stopp" button', async () => {
    const driver = await begin();
    expect(await driver.say('Stopp')).toBe(text(shared, 'nb', 'app.stopped'));
    expect(driver.status).toBe(DialogTurnStatus.complete);
  });

  it('asks again on anything else', async () => {
    const driver = await begin();
    expect(await driver.say('hæ')).toBe(text(shared, 'nb', 'app.nextRetry'));
    expect(driver.status).toBe(DialogTurnStatus.waiting);
    expect(await driver.say('neste')).toMatch(/^Steg 2 av 8:/);
  });

  it('explains the password rule at its step and never asks for a password', async () => {
    const driver = await begin();
    for (let n = 2; n <= 8; n += 1) await driver.say('neste');
    await driver.say('neste');
    const passwordStep = driver.transcript.find((t) => t.startsWith('Steg 5 av 8:'));
    expect(passwordStep).toBe(
      'Steg 5 av 8: Lag et personlig passord: minst 8 tegn, med både bokstaver og tall, og uten Æ, Ø og Å. ' +
        'Hold det for deg selv – skriv det aldri til meg.',
    );
    for (const reply of driver.transcript.filter((t) => /passord/i.test(t))) {
      expect(reply).not.toMatch(/\?/);
      expect(reply).not.toMatch(/(skriv|oppgi|send) (inn )?(passordet|ditt passord)(?! aldri)/i);
    }
  });

  it('answers a password question mid-guide without asking for one, and goes on', async () => {
    const driver = await begin();
    const replies = await driver.send('hvilke krav er det til passordet?');
    expect(replies[0]).toBe(text(shared, 'nb', 'answers.password-help', ruleParams()));
    expect(replies[0]).toContain('jeg kommer aldri til å spørre om det');
    expect(replies.at(-1)).toMatch(/^Steg 1 av 8:/);
    expect(await driver.say('neste')).toMatch(/^Steg 2 av 8:/);
  });

  it('warns about a password typed in the chat, keeps and echoes none of it, and goes on', async () => {
    const env = makeDeps();
    const driver = new DialogDriver(shared, env, new AppGuideDialog(env.deps, shared.prompts));
    await driver.say('hei');
    for (let n = 2; n <= 5; n += 1) await driver.say('neste');
    const replies = await driver.send('passordet mitt er Hemmelig123');
    expect(replies).toEqual([
      text(shared, 'nb', 'privacy.secretWarning'),
      expect.stringMatching(/^Steg 5 av 8:/),
    ]);
    expect(driver.transcript.join('\n')).not.toContain('Hemmelig123');
    expect(Object.values(env.memory).join('\n')).not.toContain('Hemmelig123');
    expect(await driver.say('neste')).toMatch(/^Steg 6 av 8:/);
  });

  it('still cancels on "avbryt", which is not one of its choices', async () => {
    const driver = await begin();
    expect(await driver.say('avbryt')).toBe(text(shared, 'nb', 'interrupt.cancelled'));
    expect(driver.status).toBe(DialogTurnStatus.complete);
  });

  it('runs in English and nynorsk', async () => {
    const en = await begin('en');
    expect(await en.say('next')).toBe(`Step 2 of 8: ${steps('en')[1]}`);
    expect(await en.say('stop')).toBe(text(shared, 'en', 'app.stopped'));
    const nn = await begin('nn');
    expect(await nn.say('neste')).toBe(`Steg 2 av 8: ${steps('nn')[1]}`);
  });
});
