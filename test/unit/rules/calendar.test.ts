import fc from 'fast-check';
import {
  addDays,
  addWorkingDays,
  daysBetween,
  daysInMonth,
  easterSunday,
  instantToEpochMs,
  InvalidDateError,
  InvalidDayCountError,
  InvalidInstantError,
  isLeapYear,
  isLocalDate,
  isNorwegianPublicHoliday,
  isoWeekday,
  isWeekend,
  isWorkingDay,
  localDate,
  norwegianPublicHolidays,
} from '../../../src/rules';

const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Any date 1900-2099 as YYYY-MM-DD, generated from a day count so every value is real. */
const anyDate = fc
  .integer({ min: Date.UTC(1900, 0, 1) / 86_400_000, max: Date.UTC(2099, 11, 31) / 86_400_000 })
  .map((day) => isoDate(day * 86_400_000));

describe('local dates', () => {
  it.each([
    ['2026-11-24', true],
    ['2024-02-29', true],
    ['2000-02-29', true],
    ['0001-01-01', true],
    ['9999-12-31', true],
    ['1900-02-29', false],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-04-31', false],
    ['0000-01-01', false],
    ['26-11-24', false],
    ['2026-11-24T00:00:00Z', false],
    [' 2026-11-24', false],
    ['', false],
  ])('isLocalDate(%j) is %s', (value, expected) => {
    expect(isLocalDate(value)).toBe(expected);
  });

  it('knows leap years and month lengths', () => {
    expect([1900, 2000, 2023, 2024, 2100].map(isLeapYear)).toEqual([false, true, false, true, false]);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2026, 2)).toBe(28);
    expect(daysInMonth(2026, 4)).toBe(30);
    expect(daysInMonth(2026, 12)).toBe(31);
  });

  it.each([
    ['2026-11-04', 60, '2027-01-03'],
    ['2026-11-24', 60, '2027-01-23'],
    ['2026-09-01', 60, '2026-10-31'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-02-28', 1, '2025-03-01'],
    ['1900-02-28', 1, '1900-03-01'],
    ['2000-02-28', 1, '2000-02-29'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2026-11-24', 0, '2026-11-24'],
    ['0099-12-31', 1, '0100-01-01'],
  ])('addDays(%s, %i) = %s', (date, n, expected) => {
    expect(addDays(date, n)).toBe(expected);
    expect(daysBetween(date, expected)).toBe(n);
    expect(daysBetween(expected, date) + n).toBe(0);
  });

  it('counts a leap year as 366 days', () => {
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2100-01-01', '2101-01-01')).toBe(365);
  });

  it('throws named errors on bad input', () => {
    expect(() => addDays('2026-02-30', 1)).toThrow(InvalidDateError);
    expect(() => addDays('2026-11-24', 1.5)).toThrow(InvalidDayCountError);
    expect(() => addDays('2026-11-24', Number.NaN)).toThrow(InvalidDayCountError);
    expect(() => addDays('9999-12-31', 1)).toThrow(InvalidDateError);
    expect(() => daysBetween('2026-11-24', 'tomorrow')).toThrow(InvalidDateError);
    expect(() => isNorwegianPublicHoliday('2026-12-32')).toThrow(InvalidDateError);
  });

  it.each([
    ['1970-01-01', 4],
    ['2000-01-01', 6],
    ['1900-01-01', 1],
    ['2026-11-24', 2],
    ['2026-12-18', 5],
    ['2026-12-26', 6],
    ['2026-12-27', 7],
  ])('isoWeekday(%s) = %i', (date, weekday) => {
    expect(isoWeekday(date)).toBe(weekday);
    expect(isWeekend(date)).toBe(weekday >= 6);
  });

  it('agrees with Date on the weekday for any date', () => {
    fc.assert(
      fc.property(anyDate, (date) => {
        const jsDay = new Date(`${date}T00:00:00Z`).getUTCDay();
        expect(isoWeekday(date)).toBe(jsDay === 0 ? 7 : jsDay);
      }),
      { numRuns: 300 },
    );
  });

  it('addDays and daysBetween agree with UTC Date arithmetic', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -5000, max: 5000 }), (date, n) => {
        const expected = isoDate(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000);
        expect(addDays(date, n)).toBe(expected);
        expect(daysBetween(date, expected)).toBe(n);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Norwegian public holidays', () => {
  it.each([
    [1818, '1818-03-22'],
    [1943, '1943-04-25'],
    [2008, '2008-03-23'],
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'],
    [2285, '2285-03-22'],
  ])('Easter Sunday %i is %s', (year, easter) => {
    expect(easterSunday(year)).toBe(easter);
  });

  it('lists the 12 holidays of 2026 (computed by hand from Easter on 5 April)', () => {
    expect(norwegianPublicHolidays(2026)).toEqual([
      { date: '2026-01-01', holiday: 'new-years-day' },
      { date: '2026-04-02', holiday: 'maundy-thursday' },
      { date: '2026-04-03', holiday: 'good-friday' },
      { date: '2026-04-05', holiday: 'easter-sunday' },
      { date: '2026-04-06', holiday: 'easter-monday' },
      { date: '2026-05-01', holiday: 'labour-day' },
      { date: '2026-05-14', holiday: 'ascension-day' },
      { date: '2026-05-17', holiday: 'constitution-day' },
      { date: '2026-05-24', holiday: 'whit-sunday' },
      { date: '2026-05-25', holiday: 'whit-monday' },
      { date: '2026-12-25', holiday: 'christmas-day' },
      { date: '2026-12-26', holiday: 'boxing-day' },
    ]);
  });

  it('keeps 12 entries when holidays share a date (Whit Monday is 17 May in 2027)', () => {
    const list = norwegianPublicHolidays(2027);
    expect(list).toHaveLength(12);
    expect(list.filter((h) => h.date === '2027-05-17').map((h) => h.holiday)).toEqual([
      'constitution-day',
      'whit-monday',
    ]);
    expect(new Set(norwegianPublicHolidays(2008).map((h) => h.date)).has('2008-05-01')).toBe(true);
    expect(norwegianPublicHolidays(2008).find((h) => h.holiday === 'ascension-day')?.date).toBe('2008-05-01');
  });

  it.each([
    ['2026-01-01', true],
    ['2026-04-02', true],
    ['2026-04-04', false],
    ['2026-05-17', true],
    ['2026-05-08', false],
    ['2026-12-24', false],
    ['2026-12-25', true],
    ['2026-12-26', true],
    ['2026-12-31', false],
    ['2026-11-28', false],
    ['2027-05-17', true],
    ['2027-05-06', true],
  ])('isNorwegianPublicHoliday(%s) = %s', (date, expected) => {
    expect(isNorwegianPublicHoliday(date)).toBe(expected);
  });

  it('has exactly 12 holidays (by name) and only those, every year 1900-2099', () => {
    for (let year = 1900; year <= 2099; year += 1) {
      const list = norwegianPublicHolidays(year);
      expect(list).toHaveLength(12);
      expect(new Set(list.map((h) => h.holiday)).size).toBe(12);
      for (const { date } of list) expect(isNorwegianPublicHoliday(date)).toBe(true);
    }
  });
});

describe('addWorkingDays', () => {
  it.each([
    // Tue 24 Nov 2026: Wed 25 (1) ... Fri 27 (3), Mon 30 (4) ... Fri 4 Dec (8), Mon 7 (9), Tue 8 (10).
    ['2026-11-24', 10, '2026-12-08'],
    // Wed 4 Nov 2026: Thu 5 (1), Fri 6 (2), Mon 9-Fri 13 (3-7), Mon 16 (8), Tue 17 (9), Wed 18 (10).
    ['2026-11-04', 10, '2026-11-18'],
    // Fri 18 Dec 2026: Mon 21-Thu 24 (1-4), Fri 25 holiday, Sat 26 (holiday on a weekend), Sun 27,
    // Mon 28-Thu 31 (5-8), Fri 1 Jan holiday, Sat, Sun, Mon 4 (9), Tue 5 (10).
    ['2026-12-18', 10, '2027-01-05'],
    // Thu 24 Dec 2026 is a working day; the next is Mon 28.
    ['2026-12-24', 1, '2026-12-28'],
    // Tue 31 Mar 2026: Wed 1 Apr (1), Thu 2 and Fri 3 holidays, weekend with Easter Sunday, Mon 6 holiday,
    // Tue 7 (2), Wed 8 (3), Thu 9 (4), Fri 10 (5).
    ['2026-03-31', 5, '2026-04-10'],
    // Thu 30 Apr 2026: Fri 1 May holiday, Mon 4-Wed 13 (1-8), Thu 14 Ascension, Fri 15 (9), Mon 18 (10).
    ['2026-04-30', 10, '2026-05-18'],
    // Wed 24 Mar 2027: Maundy Thursday 25, Good Friday 26, weekend, Easter Monday 29, Tue 30.
    ['2027-03-24', 1, '2027-03-30'],
    // Fri 14 May 2027: weekend with Whit Sunday, Mon 17 (17 May and Whit Monday), Tue 18.
    ['2027-05-14', 1, '2027-05-18'],
    // Fri 31 Dec 2027: Sat 1 Jan 2028, Sun, Mon 3.
    ['2027-12-31', 1, '2028-01-03'],
    // Saturday start: day 1 is Monday.
    ['2026-11-28', 1, '2026-11-30'],
    ['2026-11-28', 0, '2026-11-28'],
    ['2026-12-25', 0, '2026-12-25'],
  ])('addWorkingDays(%s, %i) = %s', (date, n, expected) => {
    expect(addWorkingDays(date, n)).toBe(expected);
  });

  it('rejects a negative or fractional count with a named RangeError', () => {
    expect(() => addWorkingDays('2026-11-24', -1)).toThrow(InvalidDayCountError);
    expect(() => addWorkingDays('2026-11-24', -1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-11-24', 0.5)).toThrow(InvalidDayCountError);
    expect(() => addWorkingDays('2026-11-24', Number.POSITIVE_INFINITY)).toThrow(InvalidDayCountError);
    try {
      addWorkingDays('2026-11-24', -1);
    } catch (error) {
      expect((error as Error).name).toBe('InvalidDayCountError');
    }
  });

  const count = fc.integer({ min: 1, max: 40 });

  it('lands on a working day strictly after the start, for n > 0', () => {
    fc.assert(
      fc.property(anyDate, count, (date, n) => {
        const result = addWorkingDays(date, n);
        expect(result > date).toBe(true);
        expect(isWorkingDay(result)).toBe(true);
        expect(isWeekend(result)).toBe(false);
        expect(isNorwegianPublicHoliday(result)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('counts exactly n working days in (start, result]', () => {
    fc.assert(
      fc.property(anyDate, count, (date, n) => {
        const result = addWorkingDays(date, n);
        let working = 0;
        for (let d = addDays(date, 1); d <= result; d = addDays(d, 1)) if (isWorkingDay(d)) working += 1;
        expect(working).toBe(n);
      }),
      { numRuns: 200 },
    );
  });

  it('is monotone and composes', () => {
    fc.assert(
      fc.property(anyDate, count, count, (date, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(addWorkingDays(date, lo) <= addWorkingDays(date, hi)).toBe(true);
        if (lo < hi) expect(addWorkingDays(date, lo) < addWorkingDays(date, hi)).toBe(true);
        expect(addWorkingDays(addWorkingDays(date, a), b)).toBe(addWorkingDays(date, a + b));
      }),
      { numRuns: 200 },
    );
  });

  it('is the identity for 0', () => {
    fc.assert(
      fc.property(anyDate, (date) => {
        expect(addWorkingDays(date, 0)).toBe(date);
      }),
      { numRuns: 100 },
    );
  });

  it('spans 12 to 20 calendar days for 10 working days', () => {
    // 12 from a Sunday with no holiday; 20 is the worst holiday cluster 1900-2099 (found by a full sweep:
    // from Wed 12 April 1905, Easter and Ascension-time holidays fall on four weekdays).
    fc.assert(
      fc.property(anyDate, (date) => {
        const span = daysBetween(date, addWorkingDays(date, 10));
        expect(span).toBeGreaterThanOrEqual(12);
        expect(span).toBeLessThanOrEqual(20);
      }),
      { numRuns: 300 },
    );
  });
});

describe('instants and localDate', () => {
  it.each([
    ['2026-03-29T00:30:00Z', '2026-03-29'],
    ['2026-03-28T23:00:00Z', '2026-03-29'],
    ['2026-03-28T22:59:59Z', '2026-03-28'],
    ['2026-03-29T01:30:00Z', '2026-03-29'],
    ['2026-10-24T22:30:00Z', '2026-10-25'],
    ['2026-10-24T21:59:59Z', '2026-10-24'],
    ['2026-10-24T22:00:00Z', '2026-10-25'],
    ['2026-10-25T01:30:00Z', '2026-10-25'],
    ['2026-06-30T22:00:00Z', '2026-07-01'],
    ['2026-06-30T21:59:59.999Z', '2026-06-30'],
    ['2026-12-31T22:59:59Z', '2026-12-31'],
    ['2026-12-31T23:00:00Z', '2027-01-01'],
    ['2026-11-24T12:00:00+01:00', '2026-11-24'],
    ['2026-11-24T00:30:00+09:00', '2026-11-23'],
    ['2026-11-24T23:30:00-05:00', '2026-11-25'],
    ['2026-11-24T23:30:00+0100', '2026-11-24'],
    ['2026-11-24T23:30:00+01', '2026-11-24'],
    ['2026-11-24T23:30Z', '2026-11-25'],
    ['2026-11-24T12:00:00.123456789Z', '2026-11-24'],
    ['2026-11-24t12:00:00z', '2026-11-24'],
  ])('localDate(%s) = %s', (instant, expected) => {
    expect(localDate(instant)).toBe(expected);
  });

  it('gives what Intl gives for Oslo at every instant, called in any order (its last answer is remembered)', () => {
    const intl = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo' });
    const direct = (ms: number) => intl.format(new Date(ms));
    // Walks, one millisecond either side of every quarter-hour, across both 2026 offset changes and
    // several midnights, so a remembered answer that outlived its quarter would show.
    for (const start of ['2026-03-28T21:00:00Z', '2026-10-24T20:00:00Z', '2026-12-31T21:00:00Z']) {
      const from = Date.parse(start);
      for (let ms = from; ms <= from + 6 * 3_600_000; ms += 15 * 60_000) {
        for (const at of [ms - 1, ms, ms + 1, ms + 14 * 60_000 + 59_999]) {
          expect(localDate(new Date(at).toISOString())).toBe(direct(at));
        }
      }
    }
    fc.assert(
      fc.property(
        fc.array(
          fc.integer({ min: Date.parse('1950-01-01T00:00:00Z'), max: Date.parse('2100-01-01T00:00:00Z') }),
          {
            minLength: 2,
            maxLength: 6,
          },
        ),
        fc.integer({ min: -60_000, max: 60_000 }),
        (instants, nudge) => {
          for (const ms of instants.flatMap((m) => [m, m + nudge])) {
            expect(localDate(new Date(ms).toISOString())).toBe(direct(ms));
          }
        },
      ),
    );
  });

  it('reads instants exactly, offsets included', () => {
    expect(instantToEpochMs('2026-11-24T12:00:00+01:00')).toBe(Date.parse('2026-11-24T11:00:00Z'));
    expect(instantToEpochMs('2026-11-24T12:00:00.5Z')).toBe(Date.parse('2026-11-24T12:00:00.500Z'));
    expect(instantToEpochMs('1969-12-31T23:59:59Z')).toBe(-1000);
  });

  it.each([
    '2026-11-24T12:00:00',
    '2026-11-24T12:00',
    '2026-11-24',
    '2026-11-24 12:00:00Z',
    '2026-02-30T12:00:00Z',
    '2026-11-24T24:00:00Z',
    '2026-11-24T12:60:00Z',
    '2026-11-24T12:00:60Z',
    '2026-11-24T12:00:00+24:00',
    '2026-11-24T12:00:00+01:60',
    '2026-11-24T12:00:00 Europe/Oslo',
    '1732449600000',
    'now',
    '',
  ])('throws InvalidInstantError for %j', (instant) => {
    expect(() => localDate(instant)).toThrow(InvalidInstantError);
    expect(() => instantToEpochMs(instant)).toThrow(InvalidInstantError);
  });

  it('names its error class', () => {
    expect(() => localDate('2026-11-24T12:00:00')).toThrow(
      expect.objectContaining({ name: 'InvalidInstantError' }),
    );
  });

  // An independent oracle: since 1996 Norway follows the EU rule, summer time (UTC+2) from 01:00 UTC on the
  // last Sunday of March to 01:00 UTC on the last Sunday of October, UTC+1 otherwise.
  const lastSundayUtc = (year: number, month: number): number => {
    const last = new Date(Date.UTC(year, month + 1, 0));
    return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
  };
  const osloOffsetHours = (ms: number): number => {
    const year = new Date(ms).getUTCFullYear();
    return ms >= lastSundayUtc(year, 2) && ms < lastSundayUtc(year, 9) ? 2 : 1;
  };

  it('matches the EU summer-time rule for any instant 1997-2099', () => {
    const instant = fc.integer({ min: Date.UTC(1997, 0, 1), max: Date.UTC(2099, 11, 31) });
    fc.assert(
      fc.property(instant, (ms) => {
        const expected = isoDate(ms + osloOffsetHours(ms) * 3_600_000);
        expect(localDate(new Date(ms).toISOString())).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('matches the oracle around every 2020-2040 switch, minute by minute', () => {
    for (let year = 2020; year <= 2040; year += 1) {
      for (const change of [lastSundayUtc(year, 2), lastSundayUtc(year, 9)]) {
        // Around local midnight before the switch and around the switch itself.
        for (let ms = change - 3 * 3_600_000; ms <= change + 3_600_000; ms += 15 * 60_000) {
          expect(localDate(new Date(ms).toISOString())).toBe(isoDate(ms + osloOffsetHours(ms) * 3_600_000));
        }
      }
    }
  });
});
