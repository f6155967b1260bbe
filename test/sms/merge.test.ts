/** SMS shaping in src/bot/render.ts: folding, merging a turn's messages, splitting a long text. */
import { ActivityTypes, CardFactory, MessageFactory } from 'botbuilder';
import { fitsSms, mergeSms, smsSegments, smsText, splitSms, toGsm7 } from '../../src/bot/render';

const sentence = (n: number) => `Setning nummer ${n} handler om aktiveringsbrevet.`;

describe('mergeSms', () => {
  it('merges short messages of one turn into one SMS, in order, a blank line between', () => {
    expect(mergeSms(['Takk.', 'Hva er mobilnummeret ditt?'])).toEqual([
      'Takk.\n\nHva er mobilnummeret ditt?',
    ]);
  });

  it('starts a new SMS where the next message would go past two segments', () => {
    const long = Array.from({ length: 5 }, (_, i) => sentence(i)).join(' ');
    const out = mergeSms([long, long, 'Siste.']);
    expect(out.length).toBeGreaterThan(1);
    for (const text of out) expect(fitsSms(text)).toBe(true);
    expect(out.join(' ').replace(/\s+/g, ' ')).toBe([long, long, 'Siste.'].join(' '));
  });

  it('splits one text longer than two segments at its sentences, never mid-word', () => {
    const long = Array.from({ length: 12 }, (_, i) => sentence(i)).join(' ');
    expect(smsSegments(long).segments).toBeGreaterThan(2);
    const out = splitSms(long);
    expect(out.length).toBeGreaterThan(1);
    for (const text of out) {
      expect(fitsSms(text)).toBe(true);
      expect(text).toMatch(/\.$/);
    }
    expect(out.join(' ')).toBe(long);
  });

  it('folds to GSM-7 and drops empty texts', () => {
    expect(mergeSms(['  ', '«Hei» – sånn…'])).toEqual(['"Hei" - sånn...']);
  });

  it('cuts even one unbroken run into pieces that fit', () => {
    const out = splitSms('x'.repeat(1000));
    expect(out.join('')).toBe('x'.repeat(1000));
    for (const text of out) expect(fitsSms(text)).toBe(true);
  });
});

describe('smsText', () => {
  it('lists suggested actions by number under the text', () => {
    const a = MessageFactory.suggestedActions(['Ja', 'Nei'], 'Vil du?');
    expect(smsText(a)).toBe('Vil du?\n1. Ja\n2. Nei');
  });

  it('reads a hero card: its text and its buttons by number', () => {
    const a = MessageFactory.attachment(CardFactory.heroCard('', 'Velg', undefined, ['A', 'B', 'C', 'D']));
    expect(smsText(a)).toBe('Velg\n1. A\n2. B\n3. C\n4. D');
  });

  it("tidies botbuilder's indented list and does not list choices twice", () => {
    const a = {
      type: ActivityTypes.Message,
      text: 'Vil du?\n\n   1. Ja\n   2. Nei',
      suggestedActions: undefined,
    };
    expect(smsText(a)).toBe('Vil du?\n1. Ja\n2. Nei');
    const listed = { ...MessageFactory.suggestedActions(['Ja', 'Nei'], 'Vil du?\n1. Ja\n2. Nei') };
    expect(smsText(listed)).toBe('Vil du?\n1. Ja\n2. Nei');
  });
});

describe('toGsm7', () => {
  it('leaves GSM-7 text alone, æøå included', () => {
    const text = 'Blåbær og rødgrøt; ÆØÅ, é, ü, ñ, à: 100% {ok} [ja] ~€';
    expect(toGsm7(text)).toBe(text);
  });
});
