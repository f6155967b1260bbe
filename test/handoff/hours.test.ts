import {
  InvalidHoursError,
  isSupportClosedDay,
  parseWeeklyHours,
  supportAvailability,
  toOsloIso,
} from '../../src/handoff/hours';
import { ConfigError, loadConfig } from '../../src/config';

const WEEKDAYS = parseWeeklyHours('mon-fri 08:00-15:30');
const at = (iso: string) => new Date(iso);

describe('parseWeeklyHours', () => {
  it('reads day ranges, single days and several segments', () => {
    const h = parseWeeklyHours('mon-thu 08:00-15:30; fri 08:00-14:00, sat 10:00-12:00');
    expect(h[1]).toEqual([{ open: 480, close: 930 }]);
    expect(h[4]).toEqual([{ open: 480, close: 930 }]);
    expect(h[5]).toEqual([{ open: 480, close: 840 }]);
    expect(h[6]).toEqual([{ open: 600, close: 720 }]);
    expect(h[7]).toBeUndefined();
  });

  it.each([
    '',
    'weekdays',
    'mon-fri 8-15',
    'fri-mon 08:00-15:30',
    'mon 15:00-08:00',
    'mon 25:00-26:00',
    'mon 08:00-12:00; mon 11:00-13:00',
  ])('refuses %p', (bad) => {
    expect(() => parseWeeklyHours(bad)).toThrow(InvalidHoursError);
  });

  it('a bad SUPPORT_HOURS stops start-up naming the variable', () => {
    expect(() => loadConfig({ SUPPORT_HOURS: 'weekdays 8 to 4' })).toThrow(ConfigError);
    expect(() => loadConfig({ SUPPORT_HOURS: 'weekdays 8 to 4' })).toThrow(/SUPPORT_HOURS/);
    expect(loadConfig({}).SUPPORT_HOURS).toBe('mon-fri 08:00-15:30');
  });
});

describe('supportAvailability (Europe/Oslo)', () => {
  it('is open on an ordinary weekday and says when it closes', () => {
    expect(supportAvailability(at('2026-11-24T12:00:00+01:00'), WEEKDAYS)).toEqual({
      open: true,
      closesAt: '2026-11-24T15:30:00+01:00',
    });
  });

  it('the last minute before closing is open; the closing minute is not', () => {
    expect(supportAvailability(at('2026-11-24T15:29:00+01:00'), WEEKDAYS).open).toBe(true);
    expect(supportAvailability(at('2026-11-24T15:29:59.999+01:00'), WEEKDAYS).open).toBe(true);
    expect(supportAvailability(at('2026-11-24T15:30:00+01:00'), WEEKDAYS)).toEqual({
      open: false,
      nextOpen: '2026-11-25T08:00:00+01:00',
    });
  });

  it('before opening, the next opening is the same morning', () => {
    expect(supportAvailability(at('2026-11-24T07:59:00+01:00'), WEEKDAYS)).toEqual({
      open: false,
      nextOpen: '2026-11-24T08:00:00+01:00',
    });
  });

  it('reads the time in Oslo whatever the instant is written in', () => {
    // 07:30Z is 08:30 in Oslo in winter: open. 14:45Z is 15:45: closed.
    expect(supportAvailability(at('2026-11-24T07:30:00Z'), WEEKDAYS).open).toBe(true);
    expect(supportAvailability(at('2026-11-24T14:45:00Z'), WEEKDAYS).open).toBe(false);
  });

  it('is closed at the weekend and opens on Monday', () => {
    expect(supportAvailability(at('2026-11-28T11:00:00+01:00'), WEEKDAYS)).toEqual({
      open: false,
      nextOpen: '2026-11-30T08:00:00+01:00',
    });
    expect(supportAvailability(at('2026-11-27T16:00:00+01:00'), WEEKDAYS).nextOpen).toBe(
      '2026-11-30T08:00:00+01:00',
    );
  });

  it('is closed on 17 May (a Monday in 2027, also Whit Monday) and opens the next day', () => {
    expect(supportAvailability(at('2027-05-17T10:00:00+02:00'), WEEKDAYS)).toEqual({
      open: false,
      nextOpen: '2027-05-18T08:00:00+02:00',
    });
  });

  it('is closed over Easter 2026 (Maundy Thursday to Easter Monday)', () => {
    // Wednesday 1 April: open until 15:30; then Thu 2, Fri 3, weekend, Mon 6 April are closed.
    expect(supportAvailability(at('2026-04-01T15:00:00+02:00'), WEEKDAYS).open).toBe(true);
    for (const day of ['2026-04-02', '2026-04-03', '2026-04-06']) {
      expect(supportAvailability(at(`${day}T10:00:00+02:00`), WEEKDAYS)).toEqual({
        open: false,
        nextOpen: '2026-04-07T08:00:00+02:00',
      });
    }
  });

  it('is closed on 24, 25, 26 and 31 December and 1 January', () => {
    expect(isSupportClosedDay('2026-12-24')).toBe(true);
    expect(isSupportClosedDay('2026-12-31')).toBe(true);
    expect(isSupportClosedDay('2026-12-23')).toBe(false);
    // Wed 23 Dec closes 15:30; Thu 24 and Fri 25 closed, weekend, Mon 28 Dec open.
    expect(supportAvailability(at('2026-12-23T15:30:00+01:00'), WEEKDAYS).nextOpen).toBe(
      '2026-12-28T08:00:00+01:00',
    );
    expect(supportAvailability(at('2026-12-24T09:00:00+01:00'), WEEKDAYS).open).toBe(false);
    // Thu 31 Dec and Fri 1 Jan closed: next is Mon 4 Jan 2027.
    expect(supportAvailability(at('2026-12-31T09:00:00+01:00'), WEEKDAYS)).toEqual({
      open: false,
      nextOpen: '2027-01-04T08:00:00+01:00',
    });
    // Christmas on weekdays (2025: Wed 24, Thu 25, Fri 26): closed all three.
    expect(supportAvailability(at('2025-12-24T10:00:00+01:00'), WEEKDAYS).nextOpen).toBe(
      '2025-12-29T08:00:00+01:00',
    );
    expect(supportAvailability(at('2025-12-26T10:00:00+01:00'), WEEKDAYS).open).toBe(false);
  });

  it('crosses the spring DST change (29 March 2026): Friday in winter time, Monday in summer time', () => {
    expect(supportAvailability(at('2026-03-27T16:00:00+01:00'), WEEKDAYS)).toEqual({
      open: false,
      nextOpen: '2026-03-30T08:00:00+02:00',
    });
    // 06:00Z on Monday 30 March is 08:00 in Oslo (summer time): open; in winter it would be 07:00.
    expect(supportAvailability(at('2026-03-30T06:00:00Z'), WEEKDAYS).open).toBe(true);
    expect(supportAvailability(at('2026-03-30T05:59:00Z'), WEEKDAYS).open).toBe(false);
  });

  it('crosses the autumn DST change (25 October 2026): Friday in summer time, Monday in winter time', () => {
    expect(supportAvailability(at('2026-10-23T16:00:00+02:00'), WEEKDAYS)).toEqual({
      open: false,
      nextOpen: '2026-10-26T08:00:00+01:00',
    });
    expect(supportAvailability(at('2026-10-26T07:00:00Z'), WEEKDAYS).open).toBe(true);
    expect(supportAvailability(at('2026-10-26T06:59:00Z'), WEEKDAYS).open).toBe(false);
  });

  it('handles hours on the DST nights themselves', () => {
    const sundays = parseWeeklyHours('sun 00:00-24:00');
    // 25 October 2026 lasts 25 hours: midnight to midnight, closing at +01:00.
    expect(supportAvailability(at('2026-10-25T02:30:00+02:00'), sundays)).toEqual({
      open: true,
      closesAt: '2026-10-26T00:00:00+01:00',
    });
    expect(supportAvailability(at('2026-10-25T02:30:00+01:00'), sundays).open).toBe(true);
    // 02:30 does not exist on 29 March 2026: an opening then is read as 03:30 summer time.
    const gap = parseWeeklyHours('sun 02:30-05:00');
    expect(supportAvailability(at('2026-03-29T01:00:00+01:00'), gap)).toEqual({
      open: false,
      nextOpen: '2026-03-29T03:30:00+02:00',
    });
  });

  it('writes instants with the Oslo offset of their moment', () => {
    expect(toOsloIso(Date.parse('2026-07-01T10:00:00Z'))).toBe('2026-07-01T12:00:00+02:00');
    expect(toOsloIso(Date.parse('2026-01-01T10:00:00Z'))).toBe('2026-01-01T11:00:00+01:00');
  });
});
