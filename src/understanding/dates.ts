import { addDays, isLocalDate } from '../rules';

/**
 * Reads a calendar date the way people type it in chat, in bokmål, nynorsk or English: "20.11.2026",
 * "20.11", "20/11/26", "2026-11-20", "20. november", "20 Nov 2026", "i dag", "i går", "i forgårs",
 * "today", "yesterday". recognizers-text would do this for English only, so it is written here, small.
 * A date without a year is the latest such date not after today (people ask about the past).
 * Returns 'unknown' when the user says they don't know, undefined when nothing could be read.
 */
const MONTHS: Record<string, number> = {
  jan: 1, januar: 1, january: 1,
  feb: 2, februar: 2, february: 2,
  mar: 3, mars: 3, march: 3,
  apr: 4, april: 4,
  mai: 5, may: 5,
  jun: 6, juni: 6, june: 6,
  jul: 7, juli: 7, july: 7,
  aug: 8, august: 8,
  sep: 9, sept: 9, september: 9,
  okt: 10, oktober: 10, oct: 10, october: 10,
  nov: 11, november: 11,
  des: 12, desember: 12, dec: 12, december: 12,
}; // prettier-ignore

const RELATIVE: Record<string, number> = {
  'i dag': 0, idag: 0, today: 0,
  'i går': -1, 'i gar': -1, igår: -1, igar: -1, yesterday: -1,
  'i forgårs': -2, 'i forgars': -2, 'day before yesterday': -2,
}; // prettier-ignore

const UNKNOWN =
  /\b(vet ikke|veit ikkje|veit ikke|husker ikke|hugsar ikkje|hugser ikkje|don'?t know|do not know|not sure|usikker|no idea|aner ikke)\b/;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function build(year: number, month: number, day: number): string | undefined {
  const date = `${year}-${pad(month)}-${pad(day)}`;
  return isLocalDate(date) ? date : undefined;
}

function withYear(day: number, month: number, year: number | undefined, today: string): string | undefined {
  if (year !== undefined) return build(year < 100 ? 2000 + year : year, month, day);
  const thisYear = Number(today.slice(0, 4));
  const candidate = build(thisYear, month, day);
  return candidate && candidate > today ? build(thisYear - 1, month, day) : candidate;
}

export function parseUserDate(input: string, today: string): string | 'unknown' | undefined {
  const text = input
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[?!]+$/, '');
  if (!text) return undefined;
  if (UNKNOWN.test(text)) return 'unknown';
  for (const [phrase, offset] of Object.entries(RELATIVE)) {
    if (new RegExp(`(^|\\s)${phrase}($|\\s|[.,])`).test(text)) return addDays(today, offset);
  }
  const iso = /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/.exec(text);
  if (iso) return build(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const numeric = /\b(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2}|\d{4}))?\b/.exec(text);
  if (numeric) {
    return withYear(
      Number(numeric[1]),
      Number(numeric[2]),
      numeric[3] ? Number(numeric[3]) : undefined,
      today,
    );
  }
  const named = /\b(\d{1,2})\.? ?([a-zæøå]+)\.?(?: (\d{4}))?\b/.exec(text);
  if (named && MONTHS[named[2]] !== undefined) {
    return withYear(Number(named[1]), MONTHS[named[2]], named[3] ? Number(named[3]) : undefined, today);
  }
  return undefined;
}
