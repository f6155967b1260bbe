/**
 * Cancel, start over and delete come only from an explicit command phrase: no classification, at any
 * score, turns into one. Checked over every text we have (training corpus, eval sets, blind sets) and
 * over thousands of generated messages made of the corpus's own words.
 */
import fc from 'fast-check';
import enBlind from '../../../src/understanding/eval-blind/en.json';
import nbBlind from '../../../src/understanding/eval-blind/nb.json';
import nnBlind from '../../../src/understanding/eval-blind/nn.json';
import enEval from '../../../src/understanding/eval/en.json';
import nbEval from '../../../src/understanding/eval/nb.json';
import nnEval from '../../../src/understanding/eval/nn.json';
import commands from '../../../src/understanding/commands.json';
import { CORPORA, IntentRecognizer, commandIntent, isDestructiveIntent } from '../../../src/understanding';

let recognizer: IntentRecognizer;
beforeAll(async () => {
  recognizer = await IntentRecognizer.create();
});

const corpusTexts = Object.values(CORPORA).flatMap((c) => Object.values(c).flat() as string[]);
const evalTexts = [nbEval, nnEval, enEval, nbBlind, nnBlind, enBlind].flat().map((i) => i.text);
const words = [...new Set(corpusTexts.flatMap((t) => t.split(/\s+/)))];

async function destroysOnlyOnCommand(text: string): Promise<void> {
  const u = await recognizer.understand(text);
  if (isDestructiveIntent(u.intent)) {
    expect({ text, command: u.command, explicit: commandIntent(text) }).toEqual({
      text,
      command: true,
      explicit: u.intent,
    });
  }
}

describe('destructive intents need an explicit command', () => {
  test('every command phrase in commands.json is recognised as its command', async () => {
    for (const [intent, byLang] of Object.entries(commands)) {
      for (const phrase of Object.values(byLang).flat()) {
        const u = await recognizer.understand(phrase);
        expect({ phrase, intent: u.intent, command: u.command }).toEqual({ phrase, intent, command: true });
      }
    }
  });

  test('polite words around a command keep it a command; other words make it no command', () => {
    expect(commandIntent('Avbryt, takk!')).toBe('cancel');
    expect(commandIntent('start over please')).toBe('restart');
    expect(commandIntent('slett samtalen')).toBe('delete-conversation');
    expect(commandIntent('koster det noe')).toBeUndefined();
    expect(commandIntent('avbryt ikke')).toBeUndefined();
    expect(commandIntent('kan jeg avbryte senere?')).toBeUndefined();
  });

  test('no corpus, eval or blind text is destructive unless it is a command phrase', async () => {
    for (const t of [...corpusTexts, ...evalTexts]) await destroysOnlyOnCommand(t);
  });

  test('generated messages from the corpus vocabulary never destroy without a command', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 7 }), async (ws) => {
        await destroysOnlyOnCommand(ws.join(' '));
      }),
      { numRuns: 2000 },
    );
  });

  test('the reported misroutes are questions, not cancels', async () => {
    for (const t of [
      'Koster det noe?',
      'Er det gratis?',
      'Kostar det noko?',
      'jeg angrer',
      'back',
      'tilbake',
    ]) {
      const u = await recognizer.understand(t);
      expect({ t, destructive: isDestructiveIntent(u.intent) }).toEqual({ t, destructive: false });
    }
  });
});
