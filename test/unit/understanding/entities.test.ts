import fc from 'fast-check';
import {
  codeText,
  findCode,
  hasNationalIdCandidate,
  hasPhoneCandidate,
  numberText,
  saysNoCode,
} from '../../../src/understanding';

describe('entities inside sentences', () => {
  test.each([
    ['mitt fødselsnummer er 14838510036', '14838510036'],
    ['nummeret mitt er 148385 10036', '148385 10036'],
    ['fnr: 14.08.85 10036 takk', '14.08.85 10036'],
    ['my number is 41234567', '41234567'],
    ['mobilen min er 412 34 567', '412 34 567'],
    ['my mobile is +46 70 123 45 67', '+46 70 123 45 67'],
    ['14838510036', '14838510036'],
    ['1483851003', '1483851003'],
    ['12ab', '12ab'],
    ['jeg vet ikke', 'jeg vet ikke'],
  ])('%j -> %j', (text, number) => {
    expect(numberText(text)).toBe(number);
  });

  test('candidates', () => {
    expect(hasNationalIdCandidate('mitt fødselsnummer er 14838510036')).toBe(true);
    expect(hasNationalIdCandidate('nummeret er 148385 10036')).toBe(true);
    expect(hasNationalIdCandidate('ring 41234567')).toBe(false);
    expect(hasPhoneCandidate('mobilen min er 412 34 567')).toBe(true);
    expect(hasPhoneCandidate('+46 70 123 45 67')).toBe(true);
    expect(hasPhoneCandidate('jeg er 12 år')).toBe(false);
  });

  test('codes', () => {
    expect(findCode('koden er 569233', 6)).toBe('569233');
    expect(codeText('koden er 569233', 6)).toBe('569233');
    expect(codeText('the code is 569 233', 6)).toBe('569233');
    expect(codeText('569233', 6)).toBe('569233');
    expect(codeText('12ab', 6)).toBe('12ab');
    expect(findCode('koden er 5692', 6)).toBeUndefined();
  });

  test.each([
    'jeg har ikke fått koden',
    'fikk ingen sms',
    'koden kom ikke',
    'eg har ikkje fått koden',
    'koden kjem ikkje',
    "I didn't get the code",
    'no sms came',
    'the code has not arrived',
    'har ikke fått noen kode',
  ])('no code: %j', (text) => {
    expect(saysNoCode(text)).toBe(true);
  });

  test.each(['koden er 569233', 'send igjen', '569233', 'takk', 'hva er koden til'])(
    'not "no code": %j',
    (text) => {
      expect(saysNoCode(text)).toBe(false);
    },
  );

  test('any 11-digit number in any sentence is found whole', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{11}$/),
        fc.constantFrom('mitt fødselsnummer er ', 'nummeret mitt er ', 'my id is ', ''),
        fc.constantFrom('', ' takk', '.', ' thanks'),
        (id, before, after) => {
          expect(numberText(`${before}${id}${after}`).replace(/\D/g, '')).toBe(id);
          expect(hasNationalIdCandidate(`${before}${id}${after}`)).toBe(true);
        },
      ),
    );
  });
});
