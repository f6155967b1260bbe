/**
 * Opening hours of MinID user support, for the human handoff: when a person can take over a chat.
 *
 * Pure: the instant is passed in, nothing reads the clock. Weekly hours come from configuration
 * (SUPPORT_HOURS; Digdir does not publish them in a trusted source); closed on the Norwegian public holidays
 * of the rules module and on 24 and 31 December. Times are Europe/Oslo wall-clock times, daylight saving
 * time included, and every instant returned carries the Oslo offset of that moment (+01:00 or +02:00).
 */
import { addDays, formatLocalDate, isNorwegianPublicHoliday, isoWeekday, type LocalDate } from '../rules';

/** Open intervals per ISO weekday (1 = Monday ... 7 = Sunday), in minutes after local midnight. */
export type WeeklyHours = Readonly<Record<number, ReadonlyArray<{ open: number; close: number }>>>;

/** What {@link supportAvailability} tells about one instant. */
export interface Availability {
  open: boolean;
  /** While open: when this opening ends (ISO with the Oslo offset). */
  closesAt?: string;
  /** While closed: when support next opens (ISO with the Oslo offset); absent if not within 60 days. */
  nextOpen?: string;
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const SEGMENT =
  /^(mon|tue|wed|thu|fri|sat|sun)(?:-(mon|tue|wed|thu|fri|sat|sun))?\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;

/** Thrown by {@link parseWeeklyHours}; the message says what shape is expected, never echoing much. */
export class InvalidHoursError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidHoursError';
  }
}

/**
 * Parses weekly hours such as `mon-fri 08:00-15:30` or `mon-thu 08:00-15:30; fri 08:00-14:00`
 * (segments separated by `;` or `,`; a day range wraps nothing: `fri-mon` is refused).
 * @throws InvalidHoursError when a segment is malformed, a time is out of range or an interval is empty.
 */
export function parseWeeklyHours(text: string): WeeklyHours {
  const hours: Record<number, Array<{ open: number; close: number }>> = {};
  const segments = text
    .split(/[;,]/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (segments.length === 0) throw new InvalidHoursError('expected e.g. "mon-fri 08:00-15:30"');
  for (const segment of segments) {
    const m = SEGMENT.exec(segment.replace(/\s+/g, ' '));
    if (!m) throw new InvalidHoursError('each part must look like "mon-fri 08:00-15:30"');
    const from = DAYS.indexOf(m[1] as (typeof DAYS)[number]) + 1;
    const to = m[2] ? DAYS.indexOf(m[2] as (typeof DAYS)[number]) + 1 : from;
    const [oh, om, ch, cm] = [m[3], m[4], m[5], m[6]].map(Number);
    if (to < from) throw new InvalidHoursError('a day range must run forwards within the week, e.g. mon-fri');
    // 24:00 is allowed as a closing time (open until midnight).
    if (oh > 23 || om > 59 || ch > 24 || cm > 59 || (ch === 24 && cm > 0)) {
      throw new InvalidHoursError('times must be HH:MM between 00:00 and 24:00');
    }
    const open = oh * 60 + om;
    const close = ch * 60 + cm;
    if (close <= open) throw new InvalidHoursError('the closing time must be after the opening time');
    for (let day = from; day <= to; day += 1) {
      const list = (hours[day] ??= []);
      if (list.some((i) => open < i.close && i.open < close)) {
        throw new InvalidHoursError('two intervals of the same day overlap');
      }
      list.push({ open, close });
      list.sort((a, b) => a.open - b.open);
    }
  }
  return hours;
}

/**
 * True when support is closed all day whatever the weekly hours say: a Norwegian public holiday, or
 * 24 or 31 December (Christmas Eve and New Year's Eve are not public holidays, but support is closed).
 */
export function isSupportClosedDay(date: LocalDate): boolean {
  return isNorwegianPublicHoliday(date) || date.endsWith('-12-24') || date.endsWith('-12-31');
}

const osloParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Oslo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

interface OsloTime {
  date: LocalDate;
  /** Minutes after local midnight, fractions for seconds. */
  minutes: number;
  /** Offset from UTC in minutes (60 in winter, 120 in summer). */
  offset: number;
}

function oslo(epochMs: number): OsloTime {
  const parts = osloParts.formatToParts(new Date(epochMs));
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value);
  const [y, mo, d, h, mi, s] = [
    part('year'),
    part('month'),
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  ];
  const wallAsUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  return {
    date: formatLocalDate(y, mo, d),
    minutes: h * 60 + mi + (s + (epochMs - wholeSecond) / 1000) / 60,
    offset: Math.round((wallAsUtc - wholeSecond) / 60_000),
  };
}

/**
 * The instant of an Oslo wall-clock time. Around a DST change the offset is found by trying both
 * candidates; a time that does not exist (the skipped hour in March) is read with the summer offset,
 * i.e. one hour later than written, as a clock moved forward would show it.
 */
function osloInstant(date: LocalDate, minutes: number): number {
  if (minutes >= 1440) return osloInstant(addDays(date, 1), minutes - 1440);
  const [y, mo, d] = date.split('-').map(Number);
  const wall = Date.UTC(y, mo - 1, d, 0, minutes);
  for (const offset of [60, 120]) {
    const candidate = wall - offset * 60_000;
    const back = oslo(candidate);
    if (back.date === date && Math.floor(back.minutes) === minutes) return candidate;
  }
  return wall - 60 * 60_000;
}

/** An instant as ISO 8601 with the Oslo offset of that moment, e.g. `2026-12-28T08:00:00+01:00`. */
export function toOsloIso(epochMs: number): string {
  const { offset } = oslo(epochMs);
  const local = new Date(epochMs + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset >= 0 ? '+' : '-';
  const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const mm = String(Math.abs(offset) % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}

function intervalsOn(date: LocalDate, hours: WeeklyHours): ReadonlyArray<{ open: number; close: number }> {
  return isSupportClosedDay(date) ? [] : (hours[isoWeekday(date)] ?? []);
}

/** How far ahead {@link supportAvailability} looks for the next opening (Easter plus weekends fit easily). */
const LOOKAHEAD_DAYS = 60;

/**
 * Whether a person is on duty at `now`, and until when, or when one next is.
 * An interval includes its opening minute and excludes its closing minute: with 08:00-15:30, 15:29:59 is
 * open and 15:30:00 is closed.
 */
export function supportAvailability(now: Date, hours: WeeklyHours): Availability {
  const nowMs = now.getTime();
  const here = oslo(nowMs);
  for (const { open, close } of intervalsOn(here.date, hours)) {
    if (here.minutes >= open && here.minutes < close) {
      return { open: true, closesAt: toOsloIso(osloInstant(here.date, close)) };
    }
  }
  for (let i = 0; i <= LOOKAHEAD_DAYS; i += 1) {
    const date = addDays(here.date, i);
    for (const { open } of intervalsOn(date, hours)) {
      const at = osloInstant(date, open);
      if (at > nowMs) return { open: false, nextOpen: toOsloIso(at) };
    }
  }
  return { open: false };
}
