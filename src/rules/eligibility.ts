/**
 * Who may order the MinID activation letter, and what the bot can tell them about delivery and validity.
 * All dates are Europe/Oslo local dates; the current instant is always passed in.
 */
import {
  addDays,
  addWorkingDays,
  formatLocalDate,
  instantToEpochMs,
  isLocalDate,
  localDate,
} from './calendar';
import { InvalidDateError } from './errors';
import type { Address, Instant, LocalDate, Order, OrderDecision, Person } from './types';

/**
 * The activation letter's rules as the product owner decided them from Digdir's article:
 * - `deliveryWorkingDays`: the normal delivery estimate, in working days after the order date;
 * - `validityDays`: calendar days from the order date until the letter stops working;
 * - `postMayTakeDays`: Digdir's caveat that the post can take up to this many days;
 * - `firstOrderAge`: the age whose calendar year opens ordering (from 1 January of that year).
 */
export const LETTER_POLICY = {
  deliveryWorkingDays: 10,
  validityDays: 60,
  postMayTakeDays: 14,
  firstOrderAge: 13,
} as const;

const MAX_BIRTH_YEAR = 9999 - LETTER_POLICY.firstOrderAge;

/**
 * The first date a person may order the letter: 1 January of the year they turn 13.
 * @throws InvalidDateError when `birthDate` is not a real `YYYY-MM-DD` date.
 */
export function firstOrderDate(birthDate: LocalDate): LocalDate {
  if (!isLocalDate(birthDate)) throw new InvalidDateError('birthDate must be a real YYYY-MM-DD date.');
  return formatLocalDate(Number(birthDate.slice(0, 4)) + LETTER_POLICY.firstOrderAge, 1, 1);
}

/**
 * The age rule for a user who only told their birth year ("I was born in 2014"): since ordering opens on
 * 1 January, the year alone decides it and no full birth date is needed.
 * @throws InvalidDateError when `birthYear` is not a whole number in 1-9986, or `today` is not a real date.
 */
export function ageRuleFromBirthYear(
  birthYear: number,
  today: LocalDate,
): { canOrder: boolean; orderableFrom: LocalDate } {
  if (!Number.isInteger(birthYear) || birthYear < 1 || birthYear > MAX_BIRTH_YEAR) {
    throw new InvalidDateError(`Birth year must be a whole number in 1-${MAX_BIRTH_YEAR}.`);
  }
  if (!isLocalDate(today)) throw new InvalidDateError('today must be a real YYYY-MM-DD date.');
  const orderableFrom = firstOrderDate(formatLocalDate(birthYear, 1, 1));
  return { canOrder: today >= orderableFrom, orderableFrom };
}

function latestOrder(orders: readonly Order[]): Order | undefined {
  let latest: { order: Order; at: number } | undefined;
  for (const order of orders) {
    // Compared as instants, not strings: two orders may carry different offsets.
    const at = instantToEpochMs(order.orderedAt);
    if (!latest || at > latest.at) latest = { order, at };
  }
  return latest?.order;
}

function hasCareOf(address: Address): boolean {
  return typeof address.careOf === 'string' && address.careOf.trim() !== '';
}

/**
 * Decides what the bot can do for a person who wants the activation letter, checking in this order:
 * 1. `too-young`: today is before {@link firstOrderDate}; gives the first date ordering opens.
 * 2. `has-minid`: only new MinID users can order here.
 * 3. `active-order`: the latest order, made on local date D, is valid until D + 60 days and today is
 *    before that; gives its dates, and that a new order is possible from `validUntil`.
 * 4. `no-address`: neither a residential nor a postal address is registered, so no letter can be sent.
 * 5. `can-order`: with the delivery estimate, the validity end and which address is used (postal wins
 *    over residential) and whether it is a c/o address.
 *
 * @param now the current instant; its Europe/Oslo date is "today".
 * @throws InvalidInstantError when `now` or an order's `orderedAt` lacks an offset or `Z`.
 * @throws InvalidDateError when `person.birthDate` is not a real `YYYY-MM-DD` date.
 */
export function decideOrder(person: Person, now: Instant): OrderDecision {
  const today = localDate(now);

  const orderableFrom = firstOrderDate(person.birthDate);
  if (today < orderableFrom) return { outcome: 'too-young', orderableFrom };

  if (person.hasMinId) return { outcome: 'has-minid' };

  const latest = latestOrder(person.orders ?? []);
  if (latest) {
    const orderedOn = localDate(latest.orderedAt);
    const validUntil = addDays(orderedOn, LETTER_POLICY.validityDays);
    if (today < validUntil) {
      return {
        outcome: 'active-order',
        orderedOn,
        deliveryBy: addWorkingDays(orderedOn, LETTER_POLICY.deliveryWorkingDays),
        validUntil,
        newOrderFrom: validUntil,
      };
    }
  }

  const address = person.postalAddress ?? person.residentialAddress;
  if (!address) return { outcome: 'no-address' };

  return {
    outcome: 'can-order',
    deliveryBy: addWorkingDays(today, LETTER_POLICY.deliveryWorkingDays),
    validUntil: addDays(today, LETTER_POLICY.validityDays),
    address: person.postalAddress ? 'postal' : 'residential',
    careOf: hasCareOf(address),
  };
}
