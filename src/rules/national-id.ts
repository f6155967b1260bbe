/**
 * Norwegian national ID numbers: fødselsnummer (birth number) and D-nummer (D-number), 11 digits
 * DDMMYY III K1 K2. Every rule here comes from the "National ID numbers" section of the domain rules,
 * including the order in which failure reasons are checked.
 */
import { daysInMonth, formatLocalDate, isLocalDate } from './calendar';
import { InvalidDateError } from './errors';
import type { LocalDate, NationalIdFailure, ParsedNationalId, ParseNationalIdOptions } from './types';

// Space, no-break space, dot, hyphen-minus and en dash: what people and phone keyboards put between digit
// groups. Anything else (letters, slashes, tabs, other dashes) gets the specific 'characters' answer.
const SEPARATORS: ReadonlySet<string> = new Set([' ', '\u00a0', '.', '-', '\u2013']);

const K1_WEIGHTS = [3, 7, 6, 1, 8, 9, 4, 5, 2] as const;
const K2_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;

/** The first date on which numbers with the extended ("2032") K1 can exist. */
export const EXTENDED_K1_FROM: LocalDate = '2032-01-01';

/** Which control-digit rule a number satisfies, if any. */
type ChecksumMatch = 'classic' | 'extended-only' | 'none';

interface CenturyRow {
  individualFrom: number;
  individualTo: number;
  yearFrom: number;
  yearTo: number;
  century: number;
}

const row = (individual: [number, number], year: [number, number], century: number): CenturyRow => ({
  individualFrom: individual[0],
  individualTo: individual[1],
  yearFrom: year[0],
  yearTo: year[1],
  century,
});

const CLASSIC_CENTURIES: readonly CenturyRow[] = [
  row([0, 499], [0, 99], 1900),
  row([500, 749], [54, 99], 1800),
  row([500, 999], [0, 39], 2000),
  row([900, 999], [40, 99], 1900),
];

// The D-number series extended in November 2021; the classic table is only the fallback for D-numbers.
const D_NUMBER_CENTURIES: readonly CenturyRow[] = [
  row([500, 599], [58, 99], 1800),
  row([0, 199], [0, 39], 1900),
  row([0, 499], [40, 99], 1900),
  row([600, 999], [40, 99], 1900),
  row([200, 999], [0, 39], 2000),
];

function weightedSum(digits: readonly number[], weights: readonly number[]): number {
  return weights.reduce((sum, weight, index) => sum + weight * digits[index], 0);
}

// "K = 11 - (S mod 11), 11 means 0, 10 means invalid" is the same as "(S + K) mod 11 === 0 with K a
// digit"; the second form also expresses the 2032 rule, where (S1 + K1) mod 11 may be 0-3.
function checksumMatch(digits: readonly number[], allowExtended: boolean): ChecksumMatch {
  if ((weightedSum(digits, K2_WEIGHTS) + digits[10]) % 11 !== 0) return 'none';
  const remainder = (weightedSum(digits, K1_WEIGHTS) + digits[9]) % 11;
  if (remainder === 0) return 'classic';
  return allowExtended && remainder <= 3 ? 'extended-only' : 'none';
}

function tableCentury(individual: number, yy: number, isDNumber: boolean): number | undefined {
  const tables = isDNumber ? [D_NUMBER_CENTURIES, CLASSIC_CENTURIES] : [CLASSIC_CENTURIES];
  for (const table of tables) {
    const match = table.find(
      (r) =>
        individual >= r.individualFrom && individual <= r.individualTo && yy >= r.yearFrom && yy <= r.yearTo,
    );
    if (match) return match.century;
  }
  return undefined;
}

// For numbers whose individual number carries no century: the latest year ending in `yy` whose
// month/day is not after today.
function latestNonFutureYear(yy: number, month: number, day: number, today: LocalDate): number {
  const [todayYear, todayMonth, todayDay] = today.split('-').map(Number);
  const year = Math.floor(todayYear / 100) * 100 + yy;
  const later = year > todayYear || (year === todayYear && month * 100 + day > todayMonth * 100 + todayDay);
  return later ? year - 100 : year;
}

const fail = (reason: NationalIdFailure): ParsedNationalId => ({ ok: false, reason });

const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';

/**
 * Reads a birth number or D-number as a user typed it and says either what it is or the first reason,
 * in the domain's order, why it cannot be used: `empty`, `characters`, `length`, `date`, `checksum`,
 * `h-number`, `future`, `synthetic`.
 *
 * - Surrounding whitespace is ignored, and so are spaces (also no-break), dots and dashes (also en dash)
 *   between digits; a separator at either end is `characters`.
 * - `date` covers an impossible day or month after removing the offsets (D-number day + 40, H-number
 *   month + 40, synthetic month + 80), 29 February outside leap years, a first digit 8 or 9, and an
 *   individual number with no century row.
 * - Control digits follow the classic mod-11 rule; from `EXTENDED_K1_FROM` on, the 2032 rule is also
 *   accepted. A number that passes only the 2032 rule, or (from 2032 on) passes the classic rule but has
 *   no century row, gets the latest century that does not put its birth date in the future, because from
 *   2032 on the individual number no longer carries the century. A number with a classic row keeps it, so
 *   no existing person is ever re-dated.
 *
 * The function never reads the clock: `opts.today` is today's Europe/Oslo date.
 * @throws InvalidDateError when `opts.today` is not a real `YYYY-MM-DD` date.
 */
export function parseNationalId(input: string, opts: ParseNationalIdOptions): ParsedNationalId {
  const { today, acceptSynthetic } = opts;
  if (!isLocalDate(today)) throw new InvalidDateError('opts.today must be a real YYYY-MM-DD date.');
  // Callers pass chat text; an undefined or non-string value is treated as nothing typed.
  if (typeof input !== 'string') return fail('empty');

  const trimmed = input.trim();
  if (trimmed === '') return fail('empty');
  let value = '';
  for (const ch of trimmed) {
    if (isDigit(ch)) value += ch;
    else if (!SEPARATORS.has(ch)) return fail('characters');
  }
  if (!isDigit(trimmed[0]) || !isDigit(trimmed[trimmed.length - 1])) return fail('characters');
  if (value.length !== 11) return fail('length');

  const digits = [...value].map(Number);
  const dd = digits[0] * 10 + digits[1];
  const mm = digits[2] * 10 + digits[3];
  const yy = digits[4] * 10 + digits[5];
  const individual = digits[6] * 100 + digits[7] * 10 + digits[8];

  if (digits[0] >= 8) return fail('date');
  const isDNumber = digits[0] >= 4;
  const day = isDNumber ? dd - 40 : dd;

  let month = mm;
  let isHNumber = false;
  let synthetic = false;
  if (mm >= 81 && mm <= 92) {
    synthetic = true;
    month = mm - 80;
  } else if (mm >= 41 && mm <= 52) {
    isHNumber = true;
    month = mm - 40;
  } else if (mm < 1 || mm > 12) {
    return fail('date');
  }

  const allowExtended = today >= EXTENDED_K1_FROM;
  const checksum = checksumMatch(digits, allowExtended);
  const century = checksum === 'extended-only' ? undefined : tableCentury(individual, yy, isDNumber);
  let year: number;
  if (century !== undefined) year = century + yy;
  else if (allowExtended) year = latestNonFutureYear(yy, month, day, today);
  else return fail('date');
  if (day < 1 || day > daysInMonth(year, month)) return fail('date');

  if (checksum === 'none') return fail('checksum');
  if (isHNumber) return fail('h-number');
  const birthDate = formatLocalDate(year, month, day);
  if (birthDate > today) return fail('future');
  if (synthetic && !acceptSynthetic) return fail('synthetic');

  return { ok: true, value, kind: isDNumber ? 'd-number' : 'birth-number', synthetic, birthDate };
}

/**
 * The last (at most two) digits of any text, for phrases like "the number ending in 45".
 * Never returns more than two digits, whatever the input.
 */
export function lastTwoDigits(value: string): string {
  return String(value ?? '')
    .replace(/[^0-9]/g, '')
    .slice(-2);
}

/**
 * A masked form of a national ID number that is safe to show, log or store: always 11 characters, `*`
 * except the last (at most) two digits of the input, e.g. `*********45`.
 *
 * It accepts any text, not only valid numbers, because it is also used on rejected input; the fixed width
 * keeps even the length of what was typed from leaking.
 */
export function maskNationalId(value: string): string {
  const visible = lastTwoDigits(value);
  return '*'.repeat(11 - visible.length) + visible;
}
