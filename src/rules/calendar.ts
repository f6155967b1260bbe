/**
 * Local dates, Norwegian public holidays, working days and the Europe/Oslo reading of instants.
 *
 * Dates are plain `YYYY-MM-DD` strings and all arithmetic runs on whole days counted from 1970-01-01,
 * so no JavaScript `Date` ever sees a local date: that keeps the results independent of the host's time
 * zone and of `Date`'s two-digit-year quirks. Only `localDate` touches time zones, through `Intl`.
 */
import { InvalidDateError, InvalidDayCountError, InvalidInstantError } from './errors';
import type { Instant, LocalDate } from './types';

const MS_PER_DAY = 86_400_000;
const LOCAL_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

interface Ymd {
  year: number;
  month: number;
  day: number;
}

/** Gregorian leap-year test, used for 29 February in dates and national ID numbers alike. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days in a month (1-12) of a given year. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isRealDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    year >= 1 &&
    year <= 9999 &&
    Number.isInteger(month) &&
    month >= 1 &&
    month <= 12 &&
    Number.isInteger(day) &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * Builds a `YYYY-MM-DD` string from its parts, or throws when the parts are not a real date.
 * Exported so the national ID parser and the age rule format dates exactly like the calendar does.
 */
export function formatLocalDate(year: number, month: number, day: number): LocalDate {
  if (!isRealDate(year, month, day))
    throw new InvalidDateError('Not a real calendar date in years 0001-9999.');
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** True when `value` is a real calendar date written as `YYYY-MM-DD` (years 0001-9999). */
export function isLocalDate(value: unknown): value is LocalDate {
  if (typeof value !== 'string') return false;
  const match = LOCAL_DATE_PATTERN.exec(value);
  return match !== null && isRealDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

function parseLocalDate(date: LocalDate): Ymd {
  const match = typeof date === 'string' ? LOCAL_DATE_PATTERN.exec(date) : null;
  const parts = match && { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  if (!parts || !isRealDate(parts.year, parts.month, parts.day)) {
    throw new InvalidDateError('Expected a real calendar date written as YYYY-MM-DD.');
  }
  return parts;
}

// Howard Hinnant's days_from_civil / civil_from_days: exact proleptic Gregorian arithmetic in integers.
function daysFromCivil({ year, month, day }: Ymd): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilFromDays(days: number): Ymd {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function toDayNumber(date: LocalDate): number {
  return daysFromCivil(parseLocalDate(date));
}

function fromDayNumber(days: number): LocalDate {
  const { year, month, day } = civilFromDays(days);
  return formatLocalDate(year, month, day);
}

function assertWholeDays(n: number): void {
  if (!Number.isInteger(n)) throw new InvalidDayCountError('A day count must be a whole number.');
}

/**
 * The date `n` calendar days after `date` (before it when `n` is negative).
 * @throws InvalidDateError when `date` is not a real `YYYY-MM-DD` date or the result leaves years 0001-9999.
 * @throws InvalidDayCountError when `n` is not a whole number.
 */
export function addDays(date: LocalDate, n: number): LocalDate {
  assertWholeDays(n);
  return fromDayNumber(toDayNumber(date) + n);
}

/**
 * Calendar days from `from` to `to`: positive when `to` is later, so `addDays(from, daysBetween(from, to))`
 * is `to`.
 * @throws InvalidDateError when either argument is not a real `YYYY-MM-DD` date.
 */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/**
 * ISO weekday of a date: 1 = Monday ... 7 = Sunday (the Norwegian week starts on Monday).
 * @throws InvalidDateError when `date` is not a real `YYYY-MM-DD` date.
 */
export function isoWeekday(date: LocalDate): number {
  // Day 0 (1970-01-01) was a Thursday, ISO weekday 4.
  return ((((toDayNumber(date) + 3) % 7) + 7) % 7) + 1;
}

/**
 * True on Saturdays and Sundays.
 * @throws InvalidDateError when `date` is not a real `YYYY-MM-DD` date.
 */
export function isWeekend(date: LocalDate): boolean {
  return isoWeekday(date) >= 6;
}

/**
 * Easter Sunday of a Gregorian year, by the anonymous Gregorian (Meeus/Jones/Butcher) algorithm, which
 * the product owner chose so no table of Easter dates has to be maintained.
 * @throws InvalidDateError when `year` is outside 0001-9999 or not a whole number.
 */
export function easterSunday(year: number): LocalDate {
  if (!Number.isInteger(year) || year < 1 || year > 9999) {
    throw new InvalidDateError('Year must be a whole number in 0001-9999.');
  }
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return formatLocalDate(year, month, day);
}

/** Identifiers of the 12 Norwegian public holidays; the text layer turns them into words. */
export type NorwegianPublicHoliday =
  | 'new-years-day'
  | 'maundy-thursday'
  | 'good-friday'
  | 'easter-sunday'
  | 'easter-monday'
  | 'labour-day'
  | 'ascension-day'
  | 'constitution-day'
  | 'whit-sunday'
  | 'whit-monday'
  | 'christmas-day'
  | 'boxing-day';

/**
 * The 12 Norwegian public holidays of a year, in calendar order, each with its date.
 *
 * Always 12 entries, but two can share a date (Ascension Day on 1 May, Whit Monday on 17 May in 2027),
 * because the list names holidays rather than days off. Sundays and Saturdays are listed like any other
 * day: weekends are the working-day rule's business, not this list's.
 * @throws InvalidDateError when `year` is outside 0001-9999 or not a whole number.
 */
export function norwegianPublicHolidays(
  year: number,
): ReadonlyArray<{ date: LocalDate; holiday: NorwegianPublicHoliday }> {
  const easter = easterSunday(year);
  const fromEaster = (n: number): LocalDate => addDays(easter, n);
  const list: Array<{ date: LocalDate; holiday: NorwegianPublicHoliday }> = [
    { date: formatLocalDate(year, 1, 1), holiday: 'new-years-day' },
    { date: fromEaster(-3), holiday: 'maundy-thursday' },
    { date: fromEaster(-2), holiday: 'good-friday' },
    { date: easter, holiday: 'easter-sunday' },
    { date: fromEaster(1), holiday: 'easter-monday' },
    { date: formatLocalDate(year, 5, 1), holiday: 'labour-day' },
    { date: fromEaster(39), holiday: 'ascension-day' },
    { date: formatLocalDate(year, 5, 17), holiday: 'constitution-day' },
    { date: fromEaster(49), holiday: 'whit-sunday' },
    { date: fromEaster(50), holiday: 'whit-monday' },
    { date: formatLocalDate(year, 12, 25), holiday: 'christmas-day' },
    { date: formatLocalDate(year, 12, 26), holiday: 'boxing-day' },
  ];
  // Stable sort keeps the listed order for holidays that share a date.
  return list.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
}

// Working-day counts ask about the same few years over and over; the answer never changes.
const holidayDatesByYear = new Map<number, ReadonlySet<LocalDate>>();

function holidayDates(year: number): ReadonlySet<LocalDate> {
  let dates = holidayDatesByYear.get(year);
  if (!dates) {
    dates = new Set(norwegianPublicHolidays(year).map((entry) => entry.date));
    holidayDatesByYear.set(year, dates);
  }
  return dates;
}

/**
 * True on exactly the 12 Norwegian public holidays listed in the domain rules (1 Jan, Maundy Thursday,
 * Good Friday, Easter Sunday, Easter Monday, 1 May, Ascension Day, 17 May, Whit Sunday, Whit Monday,
 * 25 Dec, 26 Dec). Christmas Eve and New Year's Eve are not public holidays.
 * @throws InvalidDateError when `date` is not a real `YYYY-MM-DD` date.
 */
export function isNorwegianPublicHoliday(date: LocalDate): boolean {
  return holidayDates(parseLocalDate(date).year).has(date);
}

/**
 * True on Monday-Friday that is not a Norwegian public holiday, the product owner's definition of a
 * working day for delivery estimates.
 * @throws InvalidDateError when `date` is not a real `YYYY-MM-DD` date.
 */
export function isWorkingDay(date: LocalDate): boolean {
  return !isWeekend(date) && !isNorwegianPublicHoliday(date);
}

/**
 * The date `days` working days after `date`. Day 1 is the first working day after `date` (the date itself
 * never counts, whether or not it is a working day), and `addWorkingDays(date, 0)` is `date` unchanged.
 * @throws InvalidDayCountError when `days` is negative or not a whole number: counting backwards is a
 *   programming error, not a user case.
 * @throws InvalidDateError when `date` is not a real `YYYY-MM-DD` date.
 */
export function addWorkingDays(date: LocalDate, days: number): LocalDate {
  if (!Number.isInteger(days) || days < 0) {
    throw new InvalidDayCountError('Working days must be a whole number of 0 or more.');
  }
  let dayNumber = toDayNumber(date);
  let result = date;
  for (let counted = 0; counted < days;) {
    dayNumber += 1;
    result = fromDayNumber(dayNumber);
    if (isWorkingDay(result)) counted += 1;
  }
  return result;
}

// Date, time, optional seconds and fraction, then a mandatory zone: `Z` or an offset (+01:00, +0100, +01).
const INSTANT_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)$/i;

/**
 * Milliseconds since 1970-01-01T00:00:00Z for an ISO 8601 instant.
 *
 * Parsed by hand rather than with `Date.parse`, which would silently read an instant without an offset in
 * the host's time zone: exactly the bug the offset rule exists to prevent.
 * @throws InvalidInstantError when `instant` has no offset or `Z`, or is not a real date-time.
 */
export function instantToEpochMs(instant: Instant): number {
  const match = typeof instant === 'string' ? INSTANT_PATTERN.exec(instant) : null;
  if (!match) {
    throw new InvalidInstantError(
      'Expected an ISO 8601 date-time with an offset or Z, e.g. 2026-11-24T12:00:00+01:00.',
    );
  }
  const [year, month, day, hour, minute] = match.slice(1, 6).map(Number);
  const second = match[6] === undefined ? 0 : Number(match[6]);
  const millis = match[7] === undefined ? 0 : Number(match[7].padEnd(3, '0').slice(0, 3));
  const offsetHours = match[10] === undefined ? 0 : Number(match[10]);
  const offsetMinutes = match[11] === undefined ? 0 : Number(match[11]);
  if (
    !isRealDate(year, month, day) ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    offsetHours > 23 ||
    offsetMinutes > 59
  ) {
    throw new InvalidInstantError('The date, time or offset of the instant is out of range.');
  }
  const sign = match[9] === '-' ? -1 : 1;
  const offsetMs = match[8] ? 0 : sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  const localMs =
    daysFromCivil({ year, month, day }) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000;
  return localMs + millis - offsetMs;
}

// One formatter for the process: building it is the costly part, and Europe/Oslo never changes.
const osloDateParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Oslo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/**
 * The calendar date of an instant in Europe/Oslo, daylight saving time included
 * (`2026-10-24T22:30:00Z` is `2026-10-25` in Oslo).
 * @throws InvalidInstantError when `instant` has no offset or `Z`, or is not a real date-time.
 */
export function localDate(instant: Instant): LocalDate {
  const epochMs = instantToEpochMs(instant);
  // Oslo's date can only change on a whole quarter-hour of UTC (its midnights and offset changes fall on
  // whole hours), so one answer holds for the whole quarter: remember the last one, as a turn asks
  // several times and Intl's formatToParts is the dearest step here.
  const quarter = Math.floor(epochMs / QUARTER_HOUR_MS);
  if (lastLocalDate?.quarter === quarter) return lastLocalDate.date;
  const parts = osloDateParts.formatToParts(new Date(epochMs));
  const part = (type: 'year' | 'month' | 'day'): number =>
    Number(parts.find((candidate) => candidate.type === type)?.value);
  const date = formatLocalDate(part('year'), part('month'), part('day'));
  lastLocalDate = { quarter, date };
  return date;
}

const QUARTER_HOUR_MS = 15 * 60_000;
let lastLocalDate: { quarter: number; date: LocalDate } | undefined;
