import { maskPhone, parseMobileNumber } from '../../../src/verification/phone';

describe('parseMobileNumber', () => {
  it.each([
    ['+47 412 34 567', '+4741234567', 'NO'],
    ['41234567', '+4741234567', 'NO'],
    ['0047 41234567', '+4741234567', 'NO'],
    ['912 34 567', '+4791234567', 'NO'],
    ['  +4741234567  ', '+4741234567', 'NO'],
    ['412-34-567', '+4741234567', 'NO'],
    ['41.23.45.67', '+4741234567', 'NO'],
    ['(+47) 412 34 567', '+4741234567', 'NO'],
    ['412\u00a034\u00a0567', '+4741234567', 'NO'],
    ['+46 70 123 45 67', '+46701234567', 'SE'],
    ['0046 70 123 45 67', '+46701234567', 'SE'],
    ['+1 202 555 0100', '+12025550100', 'US'],
    ['+44 7400 123456', '+447400123456', 'GB'],
    ['+49 151 23456789', '+4915123456789', 'DE'],
    ['+45 20 12 34 56', '+4520123456', 'DK'],
  ])('accepts %j as %s (%s)', (input, e164, country) => {
    expect(parseMobileNumber(input)).toEqual({ ok: true, e164, country });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['abc', 'characters'],
    ['412 34 567 ext 5', 'characters'],
    ['ring meg på 41234567', 'characters'],
    ['41234567+', 'characters'],
    ['412_34_567', 'characters'],
    ['1234', 'invalid'],
    ['4123456', 'invalid'],
    ['412345678', 'invalid'],
    // A bare foreign number (here Swedish) must carry + or 00; it cannot be told from a typo.
    ['46701234567', 'invalid'],
    ['+47 412 34 5678', 'invalid'],
    ['+47 590 12 345', 'invalid'],
    ['+', 'invalid'],
    ['( )', 'invalid'],
    ['1'.repeat(41), 'invalid'],
    ['22 22 22 22', 'not-mobile'],
    ['800 30 300', 'not-mobile'],
    ['+47 800 30 300', 'not-mobile'],
    ['+46 8 123 456 78', 'not-mobile'],
    ['+1 800 555 0100', 'not-mobile'],
    // Valid but not tied to a country (a satellite service): no SMS route to count on.
    ['+881 612 345 678', 'not-mobile'],
  ])('rejects %j as %s', (input, reason) => {
    expect(parseMobileNumber(input)).toEqual({ ok: false, reason });
  });
});

describe('maskPhone', () => {
  it.each([
    ['+4741234567', '+47 ••••••67'],
    ['+46701234567', '+46 •••••••67'],
    ['+12025550100', '+1 ••••••••00'],
  ])('masks %s as %s', (e164, masked) => {
    expect(maskPhone(e164)).toBe(masked);
  });

  it.each(['+4741234567', '+46701234567', '+12025550100', '41234567', 'garbage 98765432'])(
    'never shows more than the last two digits of %j',
    (input) => {
      const masked = maskPhone(input);
      const national = input.replace(/^\+(47|46|1)/, '').replace(/\D/g, '');
      const shown = masked.replace(/^\+\d+ /, '').replace(/\D/g, '');
      expect(shown.length).toBeLessThanOrEqual(2);
      expect(national.endsWith(shown)).toBe(true);
    },
  );

  it.each(['', '12', '+47123'])('shows no digits of a too-short input %j', (input) => {
    expect(maskPhone(input)).toMatch(/^•+$/);
  });
});
