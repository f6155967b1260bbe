import Holidays from 'date-holidays';
import { isNorwegianPublicHoliday, norwegianPublicHolidays } from '../../../src/rules';

/*
 * Cross-check against the independent `date-holidays` package (Norway, type 'public' only). Its other types
 * are rightly left out: Christmas Eve and New Year's Eve are 'bank' days, Olsok is 'optional', and the rest
 * ('observance': Palm Sunday, 8 May, flag days, ...) are ordinary working days. For 2020-2040 its public days
 * are exactly our 12 holidays; in 2027 and 2032 Whit Monday falls on 17 May, so both sides have 11 distinct
 * dates in those years. The comparison is of exact sets, so any disagreement fails here.
 */
describe('holidays match date-holidays (Norway, public) 2020-2040', () => {
  const holidays = new Holidays('NO');
  const years = Array.from({ length: 21 }, (_, i) => 2020 + i);

  it.each(years)('%i', (year) => {
    const theirs = new Set(
      holidays
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10)),
    );
    const ours = new Set(norwegianPublicHolidays(year).map((h) => h.date));
    expect([...ours].sort()).toEqual([...theirs].sort());
    expect(ours.size).toBe([2027, 2032].includes(year) ? 11 : 12);
  });

  it('agrees day by day for every date 2020-2040', () => {
    let mismatches = 0;
    let count = 0;
    for (const year of years) {
      const theirs = new Set(
        holidays
          .getHolidays(year)
          .filter((h) => h.type === 'public')
          .map((h) => h.date.slice(0, 10)),
      );
      for (let month = 1; month <= 12; month += 1) {
        const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
        for (let day = 1; day <= days; day += 1) {
          const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          if (isNorwegianPublicHoliday(date) !== theirs.has(date)) mismatches += 1;
          count += 1;
        }
      }
    }
    expect(count).toBe(7671);
    expect(mismatches).toBe(0);
  });
});
