import { addDays, addWorkingDays, letterStatus } from '../../../src/rules';

describe('letterStatus', () => {
  // Ordered Tuesday 24 Nov 2026: 10 working days (25-27 Nov, 30 Nov-4 Dec, 7-8 Dec) -> 8 Dec; +60 days -> 23 Jan.
  test.each([
    ['2026-11-24', '2026-11-24', 'on-the-way'],
    ['2026-11-24', '2026-12-08', 'on-the-way'],
    ['2026-11-24', '2026-12-09', 'overdue'],
    ['2026-11-24', '2027-01-22', 'overdue'],
    ['2026-11-24', '2027-01-23', 'expired'],
    ['2026-11-25', '2026-11-24', 'future'],
  ] as const)('ordered %s, seen %s: %s', (orderedOn, today, phase) => {
    const status = letterStatus(orderedOn, today);
    expect(status.phase).toBe(phase);
    expect(status).toMatchObject({ orderedOn, deliveryBy: addWorkingDays(orderedOn, 10) });
  });

  test('uses the same dates as an order: 10 working days, 60 days, new order from the expiry day', () => {
    expect(letterStatus('2026-11-24', '2026-11-30')).toEqual({
      orderedOn: '2026-11-24',
      deliveryBy: '2026-12-08',
      validUntil: '2027-01-23',
      newOrderFrom: '2027-01-23',
      phase: 'on-the-way',
    });
    // Over Christmas: 25 and 26 Dec and the weekends are not working days.
    expect(letterStatus('2026-12-18', '2026-12-18').deliveryBy).toBe('2027-01-05');
    expect(letterStatus('2026-12-18', '2026-12-18').validUntil).toBe(addDays('2026-12-18', 60));
  });
});
