import { addDays, addWorkingDays } from './calendar';
import { LETTER_POLICY } from './eligibility';
import type { LocalDate } from './types';

/** How many times a user may give an invalid answer before the bot offers a person instead. */
export const INPUT_POLICY = { maxTries: 3 } as const;

/** Where an ordered letter stands on a given day, with the user's own dates. */
export interface LetterStatus {
  orderedOn: LocalDate;
  /** Expected delivery: 10 working days after the order date (an estimate, never a promise). */
  deliveryBy: LocalDate;
  /** The order date + 60 days; from this date the letter no longer works. */
  validUntil: LocalDate;
  /** A new order is possible from this date (the same day as validUntil). */
  newOrderFrom: LocalDate;
  /**
   * `on-the-way`: today is on or before the expected delivery date; `overdue`: later than expected but the
   * letter is still valid; `expired`: the 60 days are over and a new letter can be ordered; `future`: the
   * order date given is after today, so it cannot be right.
   */
  phase: 'on-the-way' | 'overdue' | 'expired' | 'future';
}

/**
 * The timeline of a letter ordered on `orderedOn` as seen on `today` (both Europe/Oslo local dates), with
 * the same delivery and validity rules as {@link decideOrder}.
 */
export function letterStatus(orderedOn: LocalDate, today: LocalDate): LetterStatus {
  const deliveryBy = addWorkingDays(orderedOn, LETTER_POLICY.deliveryWorkingDays);
  const validUntil = addDays(orderedOn, LETTER_POLICY.validityDays);
  const phase =
    orderedOn > today
      ? 'future'
      : today >= validUntil
        ? 'expired'
        : today > deliveryBy
          ? 'overdue'
          : 'on-the-way';
  return { orderedOn, deliveryBy, validUntil, newOrderFrom: validUntil, phase };
}
