import population from '../../../src/minid/population.json';
import {
  InvalidDateError,
  lastTwoDigits,
  maskNationalId,
  parseNationalId,
  type NationalIdFailure,
  type ParseNationalIdOptions,
} from '../../../src/rules';
import {
  buildFirstValid,
  buildNationalId,
  first9,
  withControlDigits,
  type NumberSpec,
} from './national-id-builder';

const TODAY = '2026-11-24';
const SANDBOX: ParseNationalIdOptions = { today: TODAY, acceptSynthetic: true };
const PRODUCTION: ParseNationalIdOptions = { today: TODAY, acceptSynthetic: false };

const reasonOf = (input: string, opts: ParseNationalIdOptions = PRODUCTION): NationalIdFailure | 'ok' => {
  const result = parseNationalId(input, opts);
  return result.ok ? 'ok' : result.reason;
};

/** Builds a number whose control digits are valid, walking the individual number inside [from, to]. */
const valid = (spec: Omit<NumberSpec, 'individual'>, from: number, to: number): string => {
  const built = buildFirstValid({ ...spec, individual: from }, to);
  const individual = Number(built.slice(6, 9));
  expect(individual).toBeGreaterThanOrEqual(from);
  expect(individual).toBeLessThanOrEqual(to);
  return built;
};

/** Changes the last digit: K2 no longer matches, nothing else moves. */
const breakK2 = (number: string): string => number.slice(0, 10) + String((Number(number[10]) + 1) % 10);

describe('parseNationalId: sandbox population', () => {
  it.each(population.people.map((p) => [p.key, p] as const))(
    '%s parses with its kind and birth date',
    (_, p) => {
      expect(parseNationalId(p.nationalId, SANDBOX)).toEqual({
        ok: true,
        value: p.nationalId,
        kind: p.kind,
        synthetic: true,
        birthDate: p.birthDate,
      });
    },
  );

  it.each(population.people.map((p) => [p.key, p.nationalId]))(
    '%s is refused as synthetic when synthetic numbers are off',
    (_, id) => {
      expect(reasonOf(id, PRODUCTION)).toBe('synthetic');
    },
  );
});

describe('parseNationalId: forgiving input', () => {
  const plain = '15108695088';

  it.each([
    ['151086 95088', 'the spaced example from domain.md'],
    ['13.09.72 48022', 'the dotted example from domain.md'],
    ['151086-95088', 'hyphen'],
    ['151086\u201395088', 'en dash'],
    ['151086\u00a095088', 'no-break space'],
    ['15.10.86-950 88', 'mixed separators'],
    ['151086 - 95088', 'a run of separators between digits'],
    ['1 5 1 0 8 6 9 5 0 8 8', 'a space between every digit'],
    ['  15108695088  ', 'surrounding spaces'],
    ['\t\n15108695088\u00a0\n', 'surrounding tabs, newlines and no-break spaces'],
  ])('accepts %j (%s)', (input) => {
    const result = parseNationalId(input, PRODUCTION);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).toMatch(/^\d{11}$/);
  });

  it('returns the bare digits and the birth date of a real-looking number', () => {
    expect(parseNationalId('151086 95088', PRODUCTION)).toEqual({
      ok: true,
      value: plain,
      kind: 'birth-number',
      synthetic: false,
      birthDate: '1986-10-15',
    });
    expect(parseNationalId('13.09.72 48022', PRODUCTION)).toMatchObject({
      ok: true,
      birthDate: '1972-09-13',
    });
  });
});

describe('parseNationalId: reason order for malformed input', () => {
  it.each<[string, NationalIdFailure]>([
    ['', 'empty'],
    ['  ', 'empty'],
    ['\u00a0\t\n', 'empty'],
    ['abc', 'characters'],
    ['-12345678901', 'characters'],
    ['12345678901-', 'characters'],
    ['.15108695088', 'characters'],
    [' -15108695088 ', 'characters'],
    ['...', 'characters'],
    ['-', 'characters'],
    ['1510869508a', 'characters'],
    ['abc1', 'characters'],
    ['151086/95088', 'characters'],
    ['151086_95088', 'characters'],
    ['151086\u201495088', 'characters'],
    ['151086\u221295088', 'characters'],
    ['151086\t95088', 'characters'],
    ['151086,95088', 'characters'],
    ['\uff11\uff15\uff11\uff10\uff18\uff16\uff19\uff15\uff10\uff18\uff18', 'characters'],
    ['1234567890', 'length'],
    ['123456789012', 'length'],
    ['1', 'length'],
    ['12.34', 'length'],
    ['1510 8695 0881 2', 'length'],
    ['12345678901', 'date'],
  ])('%j -> %s', (input, reason) => {
    expect(reasonOf(input)).toBe(reason);
  });

  it('treats a missing value (untyped callers) as empty', () => {
    expect(reasonOf(undefined as unknown as string)).toBe('empty');
  });

  it('throws on an invalid clock date rather than guessing', () => {
    expect(() => parseNationalId('15108695088', { today: '2026-02-30', acceptSynthetic: false })).toThrow(
      InvalidDateError,
    );
    expect(() => parseNationalId('15108695088', { today: '24.11.2026', acceptSynthetic: false })).toThrow(
      InvalidDateError,
    );
  });
});

describe('parseNationalId: date', () => {
  it.each<[string, string]>([
    ['81108695088', 'first digit 8'],
    ['91108695088', 'first digit 9'],
    ['00108695088', 'day 00'],
    ['32108695088', 'day 32'],
    ['31048695088', '31 April'],
    ['15008695088', 'month 00'],
    ['15138695088', 'month 13'],
    ['15408695088', 'month 40 (H-number offset, month 0)'],
    ['15538695088', 'month 53 (H-number offset, month 13)'],
    ['15808695088', 'month 80 (synthetic offset, month 0)'],
    ['15938695088', 'month 93 (synthetic offset, month 13)'],
    ['15218695088', 'month 21 (no such offset)'],
    ['40108695088', 'D-number day 40 (day 0)'],
    ['71048695088', 'D-number 31 April'],
    ['31448695088', 'H-number 31 April'],
    ['31848695088', 'synthetic 31 April'],
    ['29022345678', '29 February 2023'],
    ['29020012345', '29 February 1900 (individual 000-499)'],
  ])('%s -> date (%s)', (input) => {
    expect(reasonOf(input)).toBe('date');
  });

  it('accepts 29 February in leap years, including 2000 (individual 500-999)', () => {
    expect(parseNationalId(valid({ day: 29, month: 2, yy: 0 }, 500, 999), PRODUCTION)).toMatchObject({
      ok: true,
      birthDate: '2000-02-29',
    });
    expect(parseNationalId(valid({ day: 29, month: 2, yy: 24 }, 500, 999), PRODUCTION)).toMatchObject({
      ok: true,
      birthDate: '2024-02-29',
    });
    expect(parseNationalId(valid({ day: 29, month: 2, yy: 96 }, 0, 499), PRODUCTION)).toMatchObject({
      ok: true,
      birthDate: '1996-02-29',
    });
  });

  it('says date, not checksum, when both are wrong', () => {
    expect(reasonOf(breakK2(valid({ day: 29, month: 2, yy: 0 }, 0, 499)))).toBe('date');
  });
});

describe('parseNationalId: century tables', () => {
  type Row = [string, Omit<NumberSpec, 'individual'>, number, number, string];
  it.each<Row>([
    ['birth number 000-499, year 85', { day: 14, month: 3, yy: 85 }, 0, 499, '1985-03-14'],
    ['birth number 000-499, year 05', { day: 14, month: 3, yy: 5 }, 400, 499, '1905-03-14'],
    ['birth number 500-749, year 60', { day: 14, month: 3, yy: 60 }, 500, 749, '1860-03-14'],
    ['birth number 500-749, year 54', { day: 1, month: 1, yy: 54 }, 700, 749, '1854-01-01'],
    ['birth number 500-749, year 99', { day: 31, month: 12, yy: 99 }, 600, 749, '1899-12-31'],
    ['birth number 500-999, year 05', { day: 15, month: 2, yy: 5 }, 500, 999, '2005-02-15'],
    ['birth number 900-999, year 20', { day: 1, month: 6, yy: 20 }, 950, 999, '2020-06-01'],
    ['birth number 900-999, year 45', { day: 15, month: 8, yy: 45 }, 900, 999, '1945-08-15'],
    ['D-number 500-599, year 58', { day: 9, month: 4, yy: 58, dNumber: true }, 500, 599, '1858-04-09'],
    [
      'D-number 500-599, year 55 (classic fallback)',
      { day: 9, month: 4, yy: 55, dNumber: true },
      500,
      599,
      '1855-04-09',
    ],
    ['D-number 000-199, year 10', { day: 9, month: 4, yy: 10, dNumber: true }, 0, 199, '1910-04-09'],
    [
      'D-number 200-499, year 10 (2000s, unlike the classic table)',
      { day: 9, month: 4, yy: 10, dNumber: true },
      200,
      499,
      '2010-04-09',
    ],
    ['D-number 000-499, year 88', { day: 9, month: 4, yy: 88, dNumber: true }, 100, 499, '1988-04-09'],
    [
      'D-number 600-999, year 70 (no classic row)',
      { day: 9, month: 4, yy: 70, dNumber: true },
      600,
      899,
      '1970-04-09',
    ],
    ['D-number 600-999, year 05', { day: 9, month: 4, yy: 5, dNumber: true }, 600, 999, '2005-04-09'],
  ])('%s', (_, spec, from, to, birthDate) => {
    const result = parseNationalId(valid(spec, from, to), PRODUCTION);
    expect(result).toMatchObject({ ok: true, birthDate, kind: spec.dNumber ? 'd-number' : 'birth-number' });
  });

  it.each<[string, Omit<NumberSpec, 'individual'>, number, number]>([
    ['birth number 750-899, year 60', { day: 14, month: 3, yy: 60 }, 750, 899],
    ['birth number 500-749, year 45', { day: 14, month: 3, yy: 45 }, 500, 749],
    ['birth number 500-749, year 53', { day: 14, month: 3, yy: 53 }, 500, 749],
    ['D-number 500-599, year 45', { day: 9, month: 4, yy: 45, dNumber: true }, 500, 599],
  ])('%s has no century row -> date', (_, spec, from, to) => {
    expect(reasonOf(valid(spec, from, to))).toBe('date');
  });

  it('reads a D-number 200-999 with year 30 as 2030, which is in the future', () => {
    expect(reasonOf(valid({ day: 9, month: 4, yy: 30, dNumber: true }, 300, 499))).toBe('future');
  });
});

describe('parseNationalId: checksum, h-number, future, synthetic', () => {
  const adult = valid({ day: 14, month: 3, yy: 85 }, 100, 499);

  it('rejects a wrong K2 or K1 as checksum', () => {
    expect(reasonOf(adult)).toBe('ok');
    expect(reasonOf(breakK2(adult))).toBe('checksum');
    const badK1 = adult.slice(0, 9) + String((Number(adult[9]) + 1) % 10) + adult[10];
    expect(reasonOf(badK1)).toBe('checksum');
  });

  it('treats a control digit that would be 10 as a checksum error', () => {
    // Find nine digits whose classic K1 would be 10: every K1 digit then fails.
    let nine = '';
    for (let individual = 100; individual < 500 && !nine; individual += 1) {
      const candidate = first9({ day: 14, month: 3, yy: 85, individual });
      if (withControlDigits(candidate) === undefined) nine = candidate;
    }
    expect(nine).not.toBe('');
    for (let k1 = 0; k1 <= 9; k1 += 1) {
      for (let k2 = 0; k2 <= 9; k2 += 1) {
        expect(reasonOf(`${nine}${k1}${k2}`)).not.toBe('ok');
      }
    }
  });

  it('refuses an H-number with a valid date and checksum as h-number', () => {
    const h = valid({ day: 14, month: 3, yy: 85, hNumber: true }, 100, 499);
    expect(h.slice(2, 4)).toBe('43');
    expect(reasonOf(h)).toBe('h-number');
    expect(reasonOf(h, SANDBOX)).toBe('h-number');
  });

  it('checks date and checksum before h-number, and h-number before future', () => {
    expect(reasonOf(breakK2(valid({ day: 14, month: 3, yy: 85, hNumber: true }, 100, 499)))).toBe('checksum');
    expect(reasonOf(valid({ day: 30, month: 2, yy: 85, hNumber: true }, 100, 499))).toBe('date');
    expect(reasonOf(valid({ day: 1, month: 1, yy: 30, hNumber: true }, 500, 999))).toBe('h-number');
  });

  it('accepts a birth date equal to today and refuses tomorrow as future', () => {
    expect(parseNationalId(valid({ day: 24, month: 11, yy: 26 }, 500, 999), PRODUCTION)).toMatchObject({
      ok: true,
      birthDate: TODAY,
    });
    expect(reasonOf(valid({ day: 25, month: 11, yy: 26 }, 500, 999))).toBe('future');
    expect(reasonOf(valid({ day: 1, month: 1, yy: 39 }, 500, 999))).toBe('future');
  });

  it('checks future before synthetic', () => {
    const futureSynthetic = valid({ day: 1, month: 1, yy: 27, synthetic: true }, 500, 999);
    expect(reasonOf(futureSynthetic, PRODUCTION)).toBe('future');
    expect(reasonOf(futureSynthetic, SANDBOX)).toBe('future');
  });

  it('reads a synthetic D-number (day + 40 and month + 80)', () => {
    const id = valid({ day: 9, month: 4, yy: 88, dNumber: true, synthetic: true }, 100, 499);
    expect(id.slice(0, 4)).toBe('4984');
    expect(parseNationalId(id, SANDBOX)).toMatchObject({
      ok: true,
      kind: 'd-number',
      synthetic: true,
      birthDate: '1988-04-09',
    });
    expect(reasonOf(id, PRODUCTION)).toBe('synthetic');
  });
});

describe('parseNationalId: the 2032 rule', () => {
  const before = (today = '2031-12-31'): ParseNationalIdOptions => ({ today, acceptSynthetic: false });
  const from = (today = '2032-01-01'): ParseNationalIdOptions => ({ today, acceptSynthetic: false });

  /** A number whose K1 passes only the extended rule, with (S1 + K1) mod 11 = remainder. */
  const extended = (
    spec: Omit<NumberSpec, 'individual'>,
    lo: number,
    hi: number,
    remainder: number,
  ): string => {
    for (let individual = lo; individual <= hi; individual += 1) {
      const built = buildNationalId({ ...spec, individual, k1Remainder: remainder });
      if (built) return built;
    }
    throw new Error('no extended number found');
  };

  it.each([1, 2, 3])(
    'K1 with (S1 + K1) mod 11 = %i is a checksum error before 2032 and valid from 2032',
    (r) => {
      const id = extended({ day: 14, month: 3, yy: 75 }, 100, 499, r);
      expect(buildNationalId({ day: 14, month: 3, yy: 75, individual: Number(id.slice(6, 9)) })).not.toBe(id);
      expect(reasonOf(id, before())).toBe('checksum');
      expect(reasonOf(id, before('2026-11-24'))).toBe('checksum');
      expect(parseNationalId(id, from())).toMatchObject({ ok: true, birthDate: '1975-03-14' });
    },
  );

  it('never accepts (S1 + K1) mod 11 = 4', () => {
    const id = extended({ day: 14, month: 3, yy: 75 }, 100, 499, 4);
    expect(reasonOf(id, from('2040-01-01'))).toBe('checksum');
  });

  it('still requires K2 for an extended K1', () => {
    expect(reasonOf(breakK2(extended({ day: 14, month: 3, yy: 75 }, 100, 499, 2)), from())).toBe('checksum');
  });

  it('gives an extended-only number the latest century that is not in the future', () => {
    // Individual 000-499 would say 1931 by the classic table; the extended number has no century.
    expect(parseNationalId(extended({ day: 1, month: 6, yy: 31 }, 100, 499, 1), from())).toMatchObject({
      ok: true,
      birthDate: '2031-06-01',
    });
    expect(parseNationalId(extended({ day: 1, month: 1, yy: 32 }, 100, 499, 1), from())).toMatchObject({
      ok: true,
      birthDate: '2032-01-01',
    });
    expect(parseNationalId(extended({ day: 2, month: 1, yy: 32 }, 100, 499, 1), from())).toMatchObject({
      ok: true,
      birthDate: '1932-01-02',
    });
    // Individual 800 with year 75 has no classic row, which does not matter for an extended number.
    expect(parseNationalId(extended({ day: 14, month: 3, yy: 75 }, 800, 899, 3), from())).toMatchObject({
      ok: true,
      birthDate: '1975-03-14',
    });
    expect(
      parseNationalId(extended({ day: 9, month: 4, yy: 35, dNumber: true }, 100, 199, 2), from('2036-01-01')),
    ).toMatchObject({ ok: true, kind: 'd-number', birthDate: '2035-04-09' });
  });

  it('keeps the classic century table for a number that passes the classic rule', () => {
    const classic = valid({ day: 1, month: 6, yy: 31 }, 100, 499);
    expect(parseNationalId(classic, from('2040-01-01'))).toMatchObject({ ok: true, birthDate: '1931-06-01' });
  });

  it('decision: from 2032 a missing century row alone is no date error', () => {
    // Before 2032 individual 800 with year 75 cannot exist; from 2032 such a number can be issued and
    // happen to pass the classic K1, so it gets the latest century, and a typo in it is a checksum error.
    const noRow = valid({ day: 14, month: 3, yy: 75 }, 800, 899);
    expect(reasonOf(noRow, before())).toBe('date');
    expect(parseNationalId(noRow, from())).toMatchObject({ ok: true, birthDate: '1975-03-14' });
    expect(reasonOf(breakK2(noRow), from())).toBe('checksum');
    expect(reasonOf(breakK2(noRow), before())).toBe('date');
  });
});

describe('maskNationalId and lastTwoDigits', () => {
  it.each([
    ['15108695088', '*********88', '88'],
    ['151086 95088', '*********88', '88'],
    ['1234567890123456', '*********56', '56'],
    ['45', '*********45', '45'],
    ['5', '**********5', '5'],
    ['', '***********', ''],
    ['abc', '***********', ''],
    ['ab1c2d3', '*********23', '23'],
  ])('%j -> %j', (input, masked, last) => {
    expect(maskNationalId(input)).toBe(masked);
    expect(lastTwoDigits(input)).toBe(last);
  });

  it('masks every fixture to its last two digits only', () => {
    for (const p of population.people) {
      expect(maskNationalId(p.nationalId)).toBe(`*********${p.nationalId.slice(-2)}`);
    }
  });
});
