import { parsePhoneNumberFromString, type NumberType } from 'libphonenumber-js/max';

/** Why a typed phone number was not accepted. */
export type PhoneFailure = 'empty' | 'characters' | 'invalid' | 'not-mobile';

/** The result of {@link parseMobileNumber}. */
export type ParsedMobileNumber =
  | {
      ok: true;
      /** The number in E.164 form, e.g. `+4741234567`. */
      e164: string;
      /** ISO 3166-1 alpha-2 country of the number, e.g. `NO`. */
      country: string;
    }
  | { ok: false; reason: PhoneFailure };

/** Separators people type inside numbers: whitespace (incl. no-break spaces), dots, hyphens/dashes, brackets. */
const SEPARATORS = /[\s.\-\u2010-\u2013()]/g;

/** No real number needs more; it keeps pasted essays out of the parser. */
const MAX_INPUT_LENGTH = 40;

/**
 * FIXED_LINE_OR_MOBILE is what libphonenumber reports where the numbering plan cannot tell the two apart
 * (USA, Canada, …); such numbers usually take SMS, so they count as mobile-capable.
 */
const MOBILE_TYPES: ReadonlySet<NumberType> = new Set<NumberType>(['MOBILE', 'FIXED_LINE_OR_MOBILE']);

/**
 * Parses a mobile number typed by a user.
 *
 * Without a prefix the number is read as Norwegian and must be exactly 8 digits: a bare foreign number
 * cannot be told from a typo, so other countries need `+` or `00`. Numbers that are valid but cannot
 * take SMS (landlines, toll-free, VoIP, numbers with no country such as satellite services, and numbers
 * whose type is unknown) give `not-mobile`.
 */
export function parseMobileNumber(input: string): ParsedMobileNumber {
  const trimmed = input.trim();
  if (trimmed === '') {
    return { ok: false, reason: 'empty' };
  }
  const compact = trimmed.replace(SEPARATORS, '');
  // Checked before the parser, which would otherwise pick a number out of surrounding text ("ring 41234567").
  if (!/^\+?\d*$/.test(compact)) {
    return { ok: false, reason: 'characters' };
  }
  if (compact === '+' || trimmed.length > MAX_INPUT_LENGTH) {
    return { ok: false, reason: 'invalid' };
  }

  let candidate: string;
  if (compact.startsWith('+')) {
    candidate = compact;
  } else if (compact.startsWith('00')) {
    candidate = `+${compact.slice(2)}`;
  } else if (compact.length === 8) {
    candidate = `+47${compact}`;
  } else {
    return { ok: false, reason: 'invalid' };
  }

  const phone = parsePhoneNumberFromString(candidate);
  if (!phone || !phone.isValid()) {
    return { ok: false, reason: 'invalid' };
  }
  const type = phone.getType();
  if (!phone.country || type === undefined || !MOBILE_TYPES.has(type)) {
    return { ok: false, reason: 'not-mobile' };
  }
  return { ok: true, e164: phone.number, country: phone.country };
}

/** The mask character; a bullet reads as "hidden" in every channel we render to. */
const MASK = '•';

/**
 * Masks an E.164 number for display, keeping the country code and the last two digits, e.g.
 * `+4741234567` -> `+47 ••••••67`.
 *
 * Input that is not a valid number still gets masked (never echoed): only its last two digits are
 * kept, and none at all when it is too short for two digits to be harmless.
 */
export function maskPhone(e164: string): string {
  const phone = parsePhoneNumberFromString(e164);
  if (phone) {
    const national = String(phone.nationalNumber);
    if (national.length >= 4) {
      return `+${phone.countryCallingCode} ${MASK.repeat(national.length - 2)}${national.slice(-2)}`;
    }
  }
  const digits = e164.replace(/\D/g, '');
  if (digits.length < 6) {
    return MASK.repeat(Math.max(digits.length, 4));
  }
  return `${MASK.repeat(digits.length - 2)}${digits.slice(-2)}`;
}
