import fc from 'fast-check';
import population from '../../../src/minid/population.json';
import {
  addDays,
  addWorkingDays,
  ageRuleFromBirthYear,
  decideOrder,
  firstOrderDate,
  InvalidDateError,
  InvalidInstantError,
  LETTER_POLICY,
  type OrderDecision,
  type Person,
} from '../../../src/rules';

const NOW = '2026-11-24T12:00:00+01:00';
const people = population.people as Person[];
const person = (key: string): Person => {
  const found = people.find((p) => p.key === key);
  if (!found) throw new Error(`no fixture ${key}`);
  return found;
};

// Hand-computed from Tue 24 Nov 2026: 10 working days -> Tue 8 Dec; + 60 days -> 23 Jan 2027.
const CAN_ORDER_TODAY = { outcome: 'can-order', deliveryBy: '2026-12-08', validUntil: '2027-01-23' } as const;

describe('decideOrder: sandbox population at 2026-11-24T12:00:00+01:00', () => {
  it.each<[string, OrderDecision]>([
    ['adult-plain', { ...CAN_ORDER_TODAY, address: 'residential', careOf: false }],
    ['adult-postal', { ...CAN_ORDER_TODAY, address: 'postal', careOf: false }],
    ['adult-care-of', { ...CAN_ORDER_TODAY, address: 'postal', careOf: true }],
    ['has-minid', { outcome: 'has-minid' }],
    [
      'active-order',
      // Ordered Wed 4 Nov 2026: 10 working days -> Wed 18 Nov; + 60 days -> 3 Jan 2027.
      {
        outcome: 'active-order',
        orderedOn: '2026-11-04',
        deliveryBy: '2026-11-18',
        validUntil: '2027-01-03',
        newOrderFrom: '2027-01-03',
      },
    ],
    // Ordered 1 Sep 2026, valid until 31 Oct 2026: expired, so a new order is possible.
    ['expired-order', { ...CAN_ORDER_TODAY, address: 'residential', careOf: false }],
    ['turns-12-this-year', { outcome: 'too-young', orderableFrom: '2027-01-01' }],
    ['turns-13-this-year', { ...CAN_ORDER_TODAY, address: 'residential', careOf: false }],
    ['d-number', { ...CAN_ORDER_TODAY, address: 'residential', careOf: false }],
    ['no-address', { outcome: 'no-address' }],
    ['born-1945', { ...CAN_ORDER_TODAY, address: 'residential', careOf: false }],
    ['born-2005', { ...CAN_ORDER_TODAY, address: 'residential', careOf: false }],
  ])('%s', (key, expected) => {
    expect(decideOrder(person(key), NOW)).toEqual(expected);
  });

  it('covers every fixture person', () => {
    expect(people).toHaveLength(12);
  });

  it('gives the same answer for the same Oslo date whatever offset "now" is written in', () => {
    for (const p of people) {
      expect(decideOrder(p, '2026-11-24T11:00:00Z')).toEqual(decideOrder(p, NOW));
      expect(decideOrder(p, '2026-11-24T06:00:00-05:00')).toEqual(decideOrder(p, NOW));
    }
  });
});

describe('decideOrder: boundaries', () => {
  const base: Person = {
    nationalId: '14838510036',
    kind: 'birth-number',
    birthDate: '1985-03-14',
    hasMinId: false,
    residentialAddress: { street: 'Storgata 1', postcode: '0155', city: 'Oslo' },
  };

  it('too young until local midnight of 1 January in the year one turns 13 (Oslo time)', () => {
    const child = person('turns-12-this-year');
    expect(decideOrder(child, '2026-12-31T22:59:59Z')).toEqual({
      outcome: 'too-young',
      orderableFrom: '2027-01-01',
    });
    expect(decideOrder(child, '2026-12-31T23:00:00Z').outcome).toBe('can-order');
    expect(decideOrder(child, '2027-01-01T00:00:00+01:00')).toEqual({
      outcome: 'can-order',
      // Fri 1 Jan holiday: Mon 4 (1) ... Fri 8 (5), Mon 11 (6) ... Fri 15 (10).
      deliveryBy: '2027-01-15',
      validUntil: '2027-03-02',
      address: 'residential',
      careOf: false,
    });
  });

  it('checks too-young before has-minid, has-minid before an order, an order before the address', () => {
    expect(decideOrder({ ...person('turns-12-this-year'), hasMinId: true }, NOW).outcome).toBe('too-young');
    const ordered = { orders: [{ orderedAt: '2026-11-20T10:00:00+01:00' }] };
    expect(decideOrder({ ...base, ...ordered, hasMinId: true }, NOW).outcome).toBe('has-minid');
    const noAddress: Person = { ...base, residentialAddress: undefined, ...ordered };
    expect(decideOrder(noAddress, NOW)).toMatchObject({ outcome: 'active-order', orderedOn: '2026-11-20' });
  });

  it('an order is active on validUntil - 1 and not on validUntil (Oslo dates)', () => {
    const p: Person = { ...base, orders: [{ orderedAt: '2026-11-04T09:12:00+01:00' }] };
    expect(decideOrder(p, '2027-01-02T22:59:59Z').outcome).toBe('active-order');
    expect(decideOrder(p, '2027-01-02T23:00:00Z')).toEqual({
      outcome: 'can-order',
      // Sun 3 Jan 2027: Mon 4 (1) ... Fri 8 (5), Mon 11 (6) ... Fri 15 (10).
      deliveryBy: '2027-01-15',
      validUntil: '2027-03-04',
      address: 'residential',
      careOf: false,
    });
  });

  it('takes the order date in Oslo, not in UTC or the written offset', () => {
    // 23:30 UTC on 4 Nov is 00:30 on 5 Nov in Oslo.
    const p: Person = { ...base, orders: [{ orderedAt: '2026-11-04T23:30:00Z' }] };
    expect(decideOrder(p, NOW)).toMatchObject({
      outcome: 'active-order',
      orderedOn: '2026-11-05',
      validUntil: '2027-01-04',
      // Thu 5 Nov: Fri 6 (1), Mon 9-Fri 13 (2-6), Mon 16-Thu 19 (7-10).
      deliveryBy: '2026-11-19',
    });
  });

  it('uses the latest order by instant, even when offsets make string order lie', () => {
    // As strings the first looks later; as instants the second is (22:30Z vs 23:00Z).
    const p: Person = {
      ...base,
      orders: [{ orderedAt: '2026-11-10T00:30:00+02:00' }, { orderedAt: '2026-11-09T23:00:00Z' }],
    };
    expect(decideOrder(p, NOW)).toMatchObject({ outcome: 'active-order', orderedOn: '2026-11-10' });
    const older: Person = {
      ...base,
      orders: [{ orderedAt: '2026-11-04T10:00:00+01:00' }, { orderedAt: '2026-08-01T10:00:00+02:00' }],
    };
    expect(decideOrder(older, NOW)).toMatchObject({ outcome: 'active-order', orderedOn: '2026-11-04' });
  });

  it('an empty order list is no order', () => {
    expect(decideOrder({ ...base, orders: [] }, NOW).outcome).toBe('can-order');
  });

  it('picks the postal address over the residential one, and reads c/o from the chosen one', () => {
    const careOfResidential: Person = {
      ...base,
      residentialAddress: { ...base.residentialAddress!, careOf: 'c/o Hansen' },
      postalAddress: { street: 'Postboks 1', postcode: '0101', city: 'Oslo' },
    };
    expect(decideOrder(careOfResidential, NOW)).toMatchObject({ address: 'postal', careOf: false });
    const postalOnly: Person = {
      ...base,
      residentialAddress: undefined,
      postalAddress: { ...base.residentialAddress! },
    };
    expect(decideOrder(postalOnly, NOW)).toMatchObject({ address: 'postal', careOf: false });
    const abroad: Person = {
      ...base,
      kind: 'd-number',
      residentialAddress: undefined,
      postalAddress: { street: 'Hauptstraße 1', postcode: '10115', city: 'Berlin', country: 'DE' },
    };
    expect(decideOrder(abroad, NOW)).toMatchObject({ outcome: 'can-order', address: 'postal' });
    const blankCareOf: Person = {
      ...base,
      residentialAddress: { ...base.residentialAddress!, careOf: '  ' },
    };
    expect(decideOrder(blankCareOf, NOW)).toMatchObject({ address: 'residential', careOf: false });
  });

  it('throws on an instant without an offset, for now and for orders', () => {
    expect(() => decideOrder(base, '2026-11-24T12:00:00')).toThrow(InvalidInstantError);
    expect(() => decideOrder({ ...base, orders: [{ orderedAt: '2026-11-04T09:12:00' }] }, NOW)).toThrow(
      InvalidInstantError,
    );
  });

  it('throws on an invalid birth date', () => {
    expect(() => decideOrder({ ...base, birthDate: '1985-02-29' }, NOW)).toThrow(InvalidDateError);
  });

  it('can-order dates follow the policy for any day', () => {
    const day = fc.integer({ min: 0, max: 365 * 20 }).map((n) => addDays('2020-01-01', n));
    fc.assert(
      fc.property(day, (today) => {
        const decision = decideOrder(base, `${today}T12:00:00+01:00`);
        expect(decision).toEqual({
          outcome: 'can-order',
          deliveryBy: addWorkingDays(today, LETTER_POLICY.deliveryWorkingDays),
          validUntil: addDays(today, LETTER_POLICY.validityDays),
          address: 'residential',
          careOf: false,
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('age rules', () => {
  it.each([
    ['2014-06-01', '2027-01-01'],
    ['2013-12-30', '2026-01-01'],
    ['2013-01-01', '2026-01-01'],
    ['2000-02-29', '2013-01-01'],
    ['1945-08-15', '1958-01-01'],
  ])('firstOrderDate(%s) = %s', (birthDate, expected) => {
    expect(firstOrderDate(birthDate)).toBe(expected);
  });

  it('firstOrderDate is always 1 January of birth year + 13', () => {
    const birthDate = fc.integer({ min: 0, max: 365 * 200 }).map((n) => addDays('1850-01-01', n));
    fc.assert(
      fc.property(birthDate, (date) => {
        expect(firstOrderDate(date)).toBe(`${Number(date.slice(0, 4)) + 13}-01-01`);
      }),
      { numRuns: 300 },
    );
  });

  it('firstOrderDate rejects non-dates', () => {
    expect(() => firstOrderDate('2014-13-01')).toThrow(InvalidDateError);
    expect(() => firstOrderDate('14.06.2014')).toThrow(InvalidDateError);
  });

  it.each([
    [2014, '2026-11-24', false, '2027-01-01'],
    [2014, '2026-12-31', false, '2027-01-01'],
    [2014, '2027-01-01', true, '2027-01-01'],
    [2013, '2026-11-24', true, '2026-01-01'],
    [2013, '2025-12-31', false, '2026-01-01'],
    [1945, '2026-11-24', true, '1958-01-01'],
  ])('ageRuleFromBirthYear(%i, %s) -> canOrder %s from %s', (year, today, canOrder, orderableFrom) => {
    expect(ageRuleFromBirthYear(year, today)).toEqual({ canOrder, orderableFrom });
  });

  it('ageRuleFromBirthYear agrees with decideOrder for any birth date', () => {
    const birthDate = fc.integer({ min: 0, max: 365 * 30 }).map((n) => addDays('2000-01-01', n));
    fc.assert(
      fc.property(birthDate, (date) => {
        const p: Person = {
          nationalId: '',
          kind: 'birth-number',
          birthDate: date,
          hasMinId: false,
          residentialAddress: { street: 'x', postcode: '0001', city: 'Oslo' },
        };
        const rule = ageRuleFromBirthYear(Number(date.slice(0, 4)), '2026-11-24');
        const decision = decideOrder(p, NOW);
        expect(decision.outcome === 'too-young').toBe(!rule.canOrder);
        if (decision.outcome === 'too-young') expect(decision.orderableFrom).toBe(rule.orderableFrom);
      }),
      { numRuns: 200 },
    );
  });

  it('ageRuleFromBirthYear rejects impossible years and dates', () => {
    expect(() => ageRuleFromBirthYear(2014.5, '2026-11-24')).toThrow(InvalidDateError);
    expect(() => ageRuleFromBirthYear(0, '2026-11-24')).toThrow(InvalidDateError);
    expect(() => ageRuleFromBirthYear(Number.NaN, '2026-11-24')).toThrow(InvalidDateError);
    expect(() => ageRuleFromBirthYear(2014, '2026-11-31')).toThrow(InvalidDateError);
  });
});
