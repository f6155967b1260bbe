import { formatDateTime } from '../../../src/i18n';
import { LIMIT_POLICY, retryWording } from '../../../src/rules';

describe('retryWording', () => {
  const at = '2026-11-24T12:00:00.000Z';

  it('tells short waits in whole minutes, rounded up, at least one', () => {
    expect(retryWording(1, at)).toEqual({ unit: 'minutes', minutes: 1 });
    expect(retryWording(60_000, at)).toEqual({ unit: 'minutes', minutes: 1 });
    expect(retryWording(60_001, at)).toEqual({ unit: 'minutes', minutes: 2 });
    expect(retryWording(13.5 * 60_000, at)).toEqual({ unit: 'minutes', minutes: 14 });
    expect(retryWording(-5, at)).toEqual({ unit: 'minutes', minutes: 1 });
  });

  it('tells waits of an hour or more as the clock time they end', () => {
    const hour = LIMIT_POLICY.retryAsClockTimeFromMinutes * 60_000;
    expect(retryWording(hour - 60_001, at)).toEqual({ unit: 'minutes', minutes: 59 });
    expect(retryWording(hour - 1, at)).toEqual({ unit: 'clock', at });
    expect(retryWording(24 * hour, at)).toEqual({ unit: 'clock', at });
  });
});

describe("formatDateTime (the text layer's {{at, localtime}})", () => {
  it('reads an instant in Oslo time, winter and summer, in each language', () => {
    expect(formatDateTime('2026-11-24T12:00:00.000Z', 'nb')).toBe('24. november kl. 13:00');
    expect(formatDateTime('2026-11-24T12:00:00.000Z', 'nn')).toBe('24. november kl. 13:00');
    expect(formatDateTime('2026-11-24T12:00:00.000Z', 'en')).toBe('24 November at 13:00');
    expect(formatDateTime('2026-07-01T22:30:00Z', 'nb')).toBe('2. juli kl. 00:30');
  });

  it('returns an unreadable value as it is rather than "Invalid Date"', () => {
    expect(formatDateTime('not a date', 'en')).toBe('not a date');
  });
});
