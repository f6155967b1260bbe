/**
 * Errors the rules module throws. They mark programming or data errors (a caller passed something that is
 * not a date, an instant or a count), never a user's typo: user input is judged by `parseNationalId`,
 * which returns a reason instead of throwing.
 *
 * Messages never echo the offending value: these errors end up in logs, and a date here may be a birth
 * date from the register.
 */

/** An instant was not an ISO 8601 date-time with an explicit offset or `Z`. */
export class InvalidInstantError extends Error {
  override readonly name = 'InvalidInstantError';
}

/** A local date was not a real `YYYY-MM-DD` calendar date in the supported range (years 0001-9999). */
export class InvalidDateError extends Error {
  override readonly name = 'InvalidDateError';
}

/** A day count was negative, fractional or not finite. */
export class InvalidDayCountError extends RangeError {
  override readonly name = 'InvalidDayCountError';
}
