/**
 * Port for sending SMS. The bot sends one-time codes through it; the sandbox implementation keeps an
 * outbox instead of sending.
 *
 * Implementations must never log `text`: it carries one-time codes.
 */
export interface SmsGateway {
  /**
   * Sends `text` to one recipient.
   *
   * @param to the recipient in E.164 form, e.g. `+4741234567`.
   */
  send(to: string /* E.164 */, text: string): Promise<void>;
}

/** E.164: `+`, a country code not starting with 0, at most 15 digits in all. */
export const E164_PATTERN = /^\+[1-9]\d{1,14}$/;

/** Thrown when a recipient is not in E.164 form. The number itself is left out of the message: it is personal data. */
export class InvalidRecipientError extends Error {
  constructor() {
    super('SMS recipient must be in E.164 form: + then country code and number, no spaces');
    this.name = 'InvalidRecipientError';
  }
}
