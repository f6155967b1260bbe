import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as rules from '../../../src/rules';
import { CODE_POLICY, LETTER_POLICY, SUPPORT } from '../../../src/rules';

describe('policies', () => {
  it('CODE_POLICY holds the product owner’s code rules', () => {
    expect(CODE_POLICY).toEqual({
      length: 6,
      validMinutes: 10,
      maxWrongTries: 3,
      maxResends: 2,
      resendPauseSeconds: 30,
    });
  });

  it('LETTER_POLICY holds the letter rules from domain.md', () => {
    expect(LETTER_POLICY).toEqual({
      deliveryWorkingDays: 10,
      validityDays: 60,
      postMayTakeDays: 14,
      firstOrderAge: 13,
    });
  });

  it('SUPPORT holds the published contacts', () => {
    expect(SUPPORT).toEqual({
      phone: '800 30 300',
      phoneFromAbroad: '+47 800 30 300',
      email: 'brukerstotte@digdir.no',
    });
  });
});

describe('public API', () => {
  it.each([
    'parseNationalId',
    'maskNationalId',
    'lastTwoDigits',
    'isNorwegianPublicHoliday',
    'norwegianPublicHolidays',
    'easterSunday',
    'isWorkingDay',
    'addWorkingDays',
    'addDays',
    'daysBetween',
    'localDate',
    'instantToEpochMs',
    'isLocalDate',
    'firstOrderDate',
    'ageRuleFromBirthYear',
    'decideOrder',
    'InvalidInstantError',
    'InvalidDateError',
    'InvalidDayCountError',
  ])('exports %s from src/rules/index.ts', (name) => {
    expect(typeof (rules as Record<string, unknown>)[name]).toBe('function');
  });

  it('exports the policies as objects', () => {
    expect(typeof rules.CODE_POLICY).toBe('object');
    expect(typeof rules.LETTER_POLICY).toBe('object');
    expect(typeof rules.SUPPORT).toBe('object');
  });
});

describe('purity of src/rules', () => {
  const dir = join(__dirname, '../../../src/rules');
  const sources = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8') }));

  it.each(sources.map((s) => [s.file, s.text]))('%s imports only sibling rule files', (_, text) => {
    const imports = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
    for (const target of imports) expect(target).toMatch(/^\.\/[a-z-]+$/);
    expect(text).not.toMatch(/require\(/);
  });

  it.each(sources.map((s) => [s.file, s.text]))('%s reads no clock, environment or randomness', (_, text) => {
    expect(text).not.toMatch(/Date\.now|new Date\(\)|process\.|Math\.random|performance\.now/);
  });
});
