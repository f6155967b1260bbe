/**
 * The one-time SMS code rules. These are the product owner's decisions (Digdir's article only says that a
 * code is sent by SMS), kept here so verification, dialogs and texts all read the same numbers.
 */

/**
 * The product owner's rules for the SMS one-time code:
 * - `length`: digits in a code;
 * - `validMinutes`: minutes a code stays valid after it was sent;
 * - `maxWrongTries`: wrong codes that end an attempt;
 * - `maxResends`: new codes a user may ask for within one attempt;
 * - `resendPauseSeconds`: seconds after a code was sent before a resend is allowed.
 */
export const CODE_POLICY = {
  length: 6,
  validMinutes: 10,
  maxWrongTries: 3,
  maxResends: 2,
  resendPauseSeconds: 30,
} as const;
